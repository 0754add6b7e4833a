"""Octavo: published posts → archival HTML, PDF/A, EPUB 3, Markdown and citation records.

Public API::

    doc = convert.load("post.md")          # read_post + normalize
    html = convert.write(doc, "html")      # bytes of any registered format
"""

from __future__ import annotations

__version__ = "0.1.0"

from .model import Document, Meta  # noqa: E402
from .reader import read_post  # noqa: E402
from .rules import normalize  # noqa: E402
from .settings import Settings  # noqa: E402
from .writers import WRITERS, writer  # noqa: E402

__all__ = ["Document", "Meta", "Settings", "read_post", "normalize", "load", "write", "WRITERS"]


def load(path, settings: Settings | None = None, store=None) -> Document:
    """Read and normalize one post with `settings` (defaults when None; profile `auto`
    picks the post's site profile, see convert/profiles), and resolve its
    images (convert/resources.py): into `store` (a `resources.Store`) when given, else the
    site's own files are used in place and nothing is fetched."""
    from . import resources

    settings = settings or Settings()
    doc = normalize(read_post(path, settings), settings.profile)
    resources.resolve(doc, settings, store)
    return doc


def write(doc: Document, fmt: str, settings: Settings | None = None) -> bytes:
    """Render `doc` in format `fmt` (a key of WRITERS) and return the file's bytes."""
    return writer(fmt).write(doc, settings or Settings())
