"""Where Octavo's own assets live: the stylesheets and the Lua filters (data/).

They are package data read through importlib.resources (as are the site profiles, in
convert/profiles), so an installed wheel carries them. The stylesheets stay in the
source tree's top-level styles/ folder (where people look to restyle); the build maps
that folder to the package `convert.styles` (pyproject's package-dir). So a wheel holds
them inside the package, and a source checkout or an editable install finds them beside
it.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import InternalError

PACKAGE: Traversable = resources.files(__package__)
"""The installed `convert` package, wherever (and however) it is stored."""

_EXTRACTED = contextlib.ExitStack()
atexit.register(_EXTRACTED.close)


def real_path(resource: Traversable) -> Path:
    """A file-system path for `resource` (pandoc and WeasyPrint need one): the resource
    itself when the package is a folder, else a copy kept until the process exits."""
    return _EXTRACTED.enter_context(resources.as_file(resource))


@functools.cache
def data_file(name: str) -> Path:
    """A file of convert/data (the Lua filters) as a real path, once per process."""
    return real_path(PACKAGE / "data" / name)


@functools.cache
def styles() -> Path:
    """Octavo's stylesheet folder, a real directory (the PDF's URL fetcher is confined to it):
    convert/styles in a wheel, else styles/ at the root of the source tree."""
    packaged = PACKAGE / "styles"
    if packaged.is_dir():
        return real_path(packaged).resolve()
    tree = Path(__file__).resolve().parent.parent
    if (tree / "pyproject.toml").is_file() and (tree / "styles").is_dir():
        return tree / "styles"
    raise InternalError(f"Octavo's stylesheets are missing: neither {packaged} nor {tree / 'styles'} exists "
                        "(a broken installation)")


def walk(folder: Traversable = PACKAGE, prefix: str = ""):
    """(relative name, resource) for every file under `folder`, sorted by name, recursively."""
    for item in sorted(folder.iterdir(), key=lambda r: r.name):
        name = f"{prefix}{item.name}"
        if item.is_dir():
            yield from walk(item, name + "/")
        else:
            yield name, item
