"""CSL-JSON writer: the canonical citation record, as a one-item array (pandoc, Zotero)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["csl"]


def write(doc: Document, settings) -> bytes:
    """The article's CSL-JSON item in a JSON array, UTF-8, indented."""
    return citation.format_record(doc.meta, "csl").encode("utf-8")
