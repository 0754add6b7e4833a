"""DataCite writer: a kernel-4 XML resource per article (repositories minting DOIs)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["datacite"]


def write(doc: Document, settings) -> bytes:
    """The article's DataCite kernel-4 document, UTF-8 with an XML declaration."""
    return citation.datacite(doc.meta).encode("utf-8")
