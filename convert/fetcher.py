"""Deny-all URL fetcher for WeasyPrint: posts are untrusted, so every resource is refused
unless it is one of Octavo's own assets or an image the post's resources resolved
(convert/resources.py), served as its embedding copy. WeasyPrint itself never fetches
from the network; remote images were fetched (opt-in) before, by convert/remote.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import assets, imaging

STYLES_DIR = assets.styles()
"""Octavo's own stylesheets and fonts, wherever the package keeps them: always readable."""


class Denied(ValueError):
    """A resource the fetcher refuses to load (WeasyPrint logs it and goes on)."""


IMAGE_SCHEME = "octavo-image"
"""How the PDF's page names an archived image (`octavo-image:3`): not a file: URL, which
WeasyPrint would read from disk itself, bypassing the embedding copy served here."""


def image_url(index: int) -> str:
    return f"{IMAGE_SCHEME}:{index}"


class SafeFetcher(URLFetcher):
    """Serves data: URLs, files under STYLES_DIR and the archived images it is given
    (`images`: image_url → (file, media type)); nothing else."""

    def __init__(self, images: dict[str, tuple[str, str]] | None = None):
        super().__init__(allow_redirects=False)
        self.images = dict(images or {})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        try:
            if scheme == "data":
                return super().fetch(url, headers)
            if url in self.images:
                return self._image(url)
            if scheme == "file":
                return self._style(url)
            raise Denied(f"resource not allowed: {url[:200]}")
        except Denied:
            self.refused.append(url[:200])
            raise

    def _image(self, url: str) -> URLFetcherResponse:
        file, media_type = self.images[url]
        data, media_type = imaging.for_embedding(Path(file).read_bytes(), media_type)
        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def _style(self, url: str) -> URLFetcherResponse:
        """A file:// URL inside Octavo's styles folder (fonts, stylesheets)."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise Denied(f"remote file URL: {url[:200]}")
        path = Path(unquote(parts.path)).resolve()
        if not _inside(path, STYLES_DIR):
            raise Denied(f"file outside Octavo's assets: {path}")
        if not path.is_file():
            raise Denied(f"not a regular file: {path}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


def _inside(path: Path, folder: Path) -> bool:
    """True when the resolved `path` lies within `folder` (symlinks already resolved)."""
    return path == folder or folder in path.parents
