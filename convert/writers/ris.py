"""RIS writer: one `TY  - NEWS` record per article (UTF-8, CRLF line ends)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["ris"]


def write(doc: Document, settings) -> bytes:
    """The article's RIS record."""
    return citation.ris(doc.meta).encode("utf-8")
