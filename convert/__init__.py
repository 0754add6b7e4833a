"""Octavo: published posts → archival HTML, PDF/A, EPUB 3, Markdown and citation records.

Public API::

    doc = convert.load("post.md")          # read_post + normalize
    html = convert.write(doc, "html")      # bytes of any registered format

The names are imported on first use: the command line's modules import the package, and
a rerun with nothing to convert needs none of the reader's machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .model import Document, Meta
    from .reader import read_post
    from .rules import normalize
    from .settings import Settings
    from .writers import WRITERS

__all__ = ["Document", "Meta", "Settings", "read_post", "normalize", "load", "write", "WRITERS"]

_LAZY = {"Document": ".model", "Meta": ".model", "read_post": ".reader", "normalize": ".rules",
         "Settings": ".settings", "WRITERS": ".writers", "writer": ".writers"}
"""Each public name and the module it is imported from on first use."""


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def load(path, settings: Settings | None = None, store=None) -> Document:
    """Read and normalize one post with `settings` (defaults when None; profile `auto`
    picks the post's site profile, see convert/profiles), and resolve its
    images (convert/resources.py): into `store` (a `resources.Store`) when given, else the
    site's own files are used in place and nothing is fetched."""
    from . import resources
    from .reader import read_post
    from .rules import normalize
    from .settings import Settings

    settings = settings or Settings()
    doc = normalize(read_post(path, settings), settings.profile)
    resources.resolve(doc, settings, store)
    return doc


def write(doc: Document, fmt: str, settings: Settings | None = None) -> bytes:
    """Render `doc` in format `fmt` (a key of WRITERS) and return the file's bytes."""
    from .settings import Settings
    from .writers import writer

    return writer(fmt).write(doc, settings or Settings())
