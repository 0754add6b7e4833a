"""Dublin Core writer: an `oai_dc` XML record per article (OAI-PMH, DSpace)."""

from __future__ import annotations

from convert import citation
from convert.model import Document
from . import SUFFIXES

SUFFIX = SUFFIXES["dc"]


def write(doc: Document, settings) -> bytes:
    """The article's oai_dc document, UTF-8 with an XML declaration."""
    return citation.dublin_core(doc.meta).encode("utf-8")
