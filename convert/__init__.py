"""Octavo: published posts → archival HTML, PDF/A, EPUB 3, Markdown and citation records.

Public API::

    doc = convert.load("post.md")          # read_post + normalize
    html = convert.write(doc, "html")      # bytes of any registered format
"""

from __future__ import annotations

from .model import Document, Meta
from .reader import read_post
from .rules import normalize
from .writers import WRITERS, writer

__all__ = ["Document", "Meta", "read_post", "normalize", "load", "write", "WRITERS"]
__version__ = "0.1.0"


def load(path, **options) -> Document:
    """Read and normalize one post (options: site, lang, timezone for the reader; profile)."""
    profile = options.pop("profile", None)
    return normalize(read_post(path, **options), profile)


def write(doc: Document, fmt: str, options: dict | None = None) -> bytes:
    """Render `doc` in format `fmt` (a key of WRITERS) and return the file's bytes."""
    return writer(fmt).write(doc, options or {})
