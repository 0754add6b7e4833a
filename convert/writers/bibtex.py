"""BibTeX writer: a classic `@misc` entry per article, for tools that predate BibLaTeX."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["bibtex"]


def write(doc: Document, settings) -> bytes:
    """The article's BibTeX entry, UTF-8."""
    return citation.bibtex(doc.meta).encode("utf-8")
