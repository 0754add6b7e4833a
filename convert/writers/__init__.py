"""The writer registry: format name → a module that is a `Writer`.

Adding a format is one module here plus one line in WRITERS and one in SUFFIXES.
Modules are imported on first use so that `-t html` never pays for WeasyPrint's or
pandoc's start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..model import Document
    from ..settings import Settings


@runtime_checkable
class Writer(Protocol):
    """What every writer module provides. Writers read only `Document` and `Settings`
    (never the rules' internals); they raise OctavoError subclasses for a post's problem
    and report repairs with `convert.errors.warn`."""

    SUFFIX: str
    """The output file's suffix, with its dot (".html", ".csl.json")."""

    def write(self, doc: Document, settings: Settings) -> bytes:
        """The whole output file for one document."""


@runtime_checkable
class BatchWriter(Writer, Protocol):
    """A writer that does many documents at once more cheaply (one pandoc process)."""

    def write_many(self, docs: list[Document], settings: Settings) -> list[bytes | Exception]:
        """One result per document, in order: its bytes or the exception it failed with."""


@runtime_checkable
class WarmWriter(Writer, Protocol):
    """A writer with a one-time set-up per process (WeasyPrint's fonts)."""

    def warm(self, settings: Settings) -> None:
        """Pay the set-up now, so that the first document is not slower than the rest."""

WRITERS: dict[str, str] = {
    "html": "convert.writers.html",
    "pdf": "convert.writers.pdf",
    "epub": "convert.writers.epub",
    "md": "convert.writers.markdown",
    "csl": "convert.writers.csl",
    "bib": "convert.writers.biblatex",
    "ris": "convert.writers.ris",
    "dc": "convert.writers.dublincore",
    "bibtex": "convert.writers.bibtex",
    "datacite": "convert.writers.datacite",
    "jsonld": "convert.writers.jsonld",
}
"""Every output format Octavo writes, by the name `-t` accepts. `convert` writes all but
the last three by default; `archive` writes them all (a package carries every record)."""

SUFFIXES: dict[str, str] = {
    "html": ".html", "pdf": ".pdf", "epub": ".epub", "md": ".md", "csl": ".csl.json", "bib": ".bib",
    "ris": ".ris", "dc": ".dc.xml", "bibtex": ".bibtex.bib", "datacite": ".datacite.xml", "jsonld": ".jsonld",
}
"""Each format's output suffix (the module's SUFFIX is read from here): known without
importing the writer, so a rerun with nothing to write imports none."""

GROUPS: dict[str, list[str]] = {"cite": ["csl", "bib", "ris", "dc"]}
"""Names that stand for several formats on the command line."""

def writer(name: str) -> Writer:
    """The module implementing format `name` (KeyError for an unknown name)."""
    return importlib.import_module(WRITERS[name])


def writer_suffix(name: str) -> str:
    """The output suffix of format `name` (KeyError for an unknown name), its module unimported."""
    return SUFFIXES[name]


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
