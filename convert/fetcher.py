"""Deny-all URL fetcher for WeasyPrint: posts are untrusted, so every resource is refused
unless it is one of Octavo's own assets, a local image beside the post, or (opt-in) a
public http(s) URL fetched without redirects from a vetted address."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import assets

STYLES_DIR = assets.styles()
"""Octavo's own stylesheets and fonts, wherever the package keeps them: always readable."""

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp"})
"""Local files a post may reference from its own folder: images only."""

MAX_REMOTE_BYTES = 20 * 1024 * 1024
REMOTE_TIMEOUT = 10


class Denied(ValueError):
    """A resource the fetcher refuses to load (WeasyPrint logs it and goes on)."""


class SafeFetcher(URLFetcher):
    """Serves data: URLs, files under STYLES_DIR, images under `post_dir` (or, for a bound
    book, under any of `image_dirs`, its chapters' folders); nothing else, except public
    http(s) resources when `allow_remote` is set."""

    def __init__(self, post_dir: str | Path | None = None, allow_remote: bool = False,
                 image_dirs: tuple = ()):
        super().__init__(allow_redirects=False)
        self.post_dir = Path(post_dir).resolve() if post_dir else None
        self.image_dirs = tuple(Path(d).resolve() for d in image_dirs)
        self.allow_remote = allow_remote
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        try:
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                return self._local(url)
            if scheme in ("http", "https") and self.allow_remote:
                return fetch_public(url)
            raise Denied(f"resource not allowed: {url[:200]}")
        except Denied:
            self.refused.append(url[:200])
            raise

    def _local(self, url: str) -> URLFetcherResponse:
        """A file:// URL, if it lies inside the styles folder or is an image beside the post."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise Denied(f"remote file URL: {url[:200]}")
        path = Path(unquote(parts.path)).resolve()
        if not (_inside(path, STYLES_DIR) or self._is_post_image(path)):
            raise Denied(f"file outside Octavo's assets and the post's folder: {path}")
        if not path.is_file():
            raise Denied(f"not a regular file: {path}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())

    def _is_post_image(self, path: Path) -> bool:
        folders = (self.post_dir, *self.image_dirs) if self.post_dir else self.image_dirs
        return path.suffix.lower() in IMAGE_SUFFIXES and any(_inside(path, d) for d in folders)


def _inside(path: Path, folder: Path) -> bool:
    """True when the resolved `path` lies within `folder` (symlinks already resolved)."""
    return path == folder or folder in path.parents


def is_public(address: str) -> bool:
    """True only for globally routable unicast addresses (no loopback, private, link-local…)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def vetted_address(host: str, port: int) -> str:
    """Resolve `host` and return an address to connect to; Denied if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Denied(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(is_public(a) for a in addresses):
        raise Denied(f"{host} resolves to a non-public address")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a pre-vetted IP while verifying the certificate for the real host name."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    """Plain HTTP to a pre-vetted IP (no second DNS lookup, so no rebinding)."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch_public(url: str) -> URLFetcherResponse:
    """GET a public http(s) URL: vetted address, no redirects, bounded size and time."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise Denied(f"no host in {url[:200]}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = vetted_address(parts.hostname, port)
    cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn = cls(parts.hostname, address, port=port, timeout=REMOTE_TIMEOUT)
    try:
        target = parts.path or "/"
        conn.request("GET", target + (f"?{parts.query}" if parts.query else ""),
                     headers={"User-Agent": "Octavo"})
        response = conn.getresponse()
        if response.status != 200:
            raise Denied(f"HTTP {response.status} for {url[:200]} (redirects are not followed)")
        body = response.read(MAX_REMOTE_BYTES + 1)
        if len(body) > MAX_REMOTE_BYTES:
            raise Denied(f"resource larger than {MAX_REMOTE_BYTES} bytes: {url[:200]}")
        return URLFetcherResponse(url, body, dict(response.getheaders()), response.status)
    finally:
        conn.close()
