"""JSON-LD writer: the article as schema.org NewsArticle or BlogPosting (web archives,
RO-Crate and repository deposits read their metadata from it)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["jsonld"]


def write(doc: Document, settings) -> bytes:
    """The article's schema.org JSON-LD, UTF-8, indented."""
    return citation.format_record(doc.meta, "jsonld").encode("utf-8")
