"""The writer registry: format name → module with SUFFIX and write(doc, options) -> bytes.

Adding a format is one module here plus one line in WRITERS. Modules are imported on
first use so that `-t html` never pays for WeasyPrint's or pandoc's start-up.
"""

from __future__ import annotations

import importlib
from types import ModuleType

WRITERS: dict[str, str] = {
    "html": "convert.writers.html",
    "pdf": "convert.writers.pdf",
    "epub": "convert.writers.epub",
    "md": "convert.writers.markdown",
    "csl": "convert.writers.csl",
    "bib": "convert.writers.biblatex",
    "ris": "convert.writers.ris",
    "dc": "convert.writers.dublincore",
}
"""Every output format Octavo writes, by the name `-t` accepts."""

GROUPS: dict[str, list[str]] = {"cite": ["csl", "bib", "ris", "dc"]}
"""Names that stand for several formats on the command line."""

def writer(name: str) -> ModuleType:
    """The module implementing format `name` (KeyError for an unknown name)."""
    return importlib.import_module(WRITERS[name])


def expand(formats: list[str]) -> list[str]:
    """Expand groups (`cite`) and drop duplicates, keeping order; ValueError on unknown names."""
    out: list[str] = []
    for name in formats:
        for fmt in GROUPS.get(name, [name]):
            if fmt not in WRITERS:
                known = ", ".join([*WRITERS, *GROUPS])
                raise ValueError(f"unknown format {name!r} (known: {known})")
            if fmt not in out:
                out.append(fmt)
    return out
