"""BibLaTeX writer: one `@online` entry per article (UTF-8, for biber)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["bib"]


def write(doc: Document, settings) -> bytes:
    """The article's BibLaTeX entry."""
    return citation.biblatex(doc.meta).encode("utf-8")
