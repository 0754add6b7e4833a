"""Remote images and media files, fetched only with `--fetch-assets`: safely, once per URL,
on the record.

- http(s) only; the host is resolved once and the connection made to that address (no
  second lookup to rebind); private, loopback, link-local and other non-public addresses
  are refused unless the host is named with `--allow-host HOST[:PORT]`;
- every redirect is checked again the same way (at most MAX_REDIRECTS);
- a cap per body and per URL's time (all hops) by what the resource is used as
  (resources.CAPS: an image 20 MB and 30 s, a video 200 MB and an audio 100 MB and 300 s,
  subtitles 1 MB), CONNECT_SECONDS to connect and per read;
- the content is sniffed (convert/imaging.py, convert/mediatypes.py): an HTML error page is
  not an image or a video, whatever its Content-Type; SVG with script is refused, external
  references removed;
- a User-Agent naming Octavo; at most PER_HOST requests at once to a host, across workers;
- each URL is fetched once per batch: a lock per URL, and a note in the store
  (`resources/urls/`) that later runs reuse when it was archived;
- every request and response is a record in `OUTDIR/resources/fetch.warc.gz` (ISO 28500,
  written with warcio), so the archive shows what each server sent and when.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import io
import ipaddress
import json
import socket
import ssl
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import __version__
from .resources import CAPS, IMAGE, TRACK, Resource, Store, keep

USER_AGENT = f"Octavo/{__version__} (archival converter; fetches a post's images and media once)"
CONNECT_SECONDS = 10.0
ACCEPT = {IMAGE: "image/*", TRACK: "text/vtt"}
"""The Accept header by kind; a video's or audio's file asks for `video/*` or `audio/*`."""
MAX_REDIRECTS = 5
PER_HOST = 2
"""Requests to one host at the same time, across all worker processes."""
POST_BUDGET = 900.0
"""Seconds a post's reading time may grow by while its images and media are fetched (three
media files at their time cap)."""
WARC_NAME = "fetch.warc.gz"
REDIRECTS = {301, 302, 303, 307, 308}


class Refused(Exception):
    """A URL Octavo will not fetch or keep; the message is the reason the warning gives."""


def is_public(address: str) -> bool:
    """True only for globally routable unicast addresses (no loopback, private, link-local…)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


class Fetcher:
    """Fetches remote images into a Store under the rules above."""

    def __init__(self, store: Store, allow_hosts: tuple[str, ...] = ()):
        self.store = store
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.locks = store.folder / ".locks"
        self.notes = store.folder / "urls"

    @classmethod
    def for_store(cls, store: Store, settings) -> "Fetcher":
        return cls(store, settings.allow_hosts)

    def resource(self, url: str, kind: str = IMAGE) -> Resource:
        """The archived image (or media file, by `kind`) at `url`, or why it is not: fetched
        at most once per batch and kind."""
        key = hashlib.sha256((url if kind == IMAGE else f"{kind} {url}").encode("utf-8")).hexdigest()
        with self._locked(f"url-{key}"):
            note = self._note(key)
            if note is not None:
                return Resource(src=url, **note)
            resource = self._fetch(url, kind)
            self._remember(key, resource)
            return resource

    # ---- the once-per-URL notes -----------------------------------------------------

    def _note(self, key: str) -> dict | None:
        """What an earlier fetch of this URL gave: an archived copy still in the store (any
        run), or a failure of this same batch (a later run tries again)."""
        try:
            note = json.loads((self.notes / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        run = note.pop("run", None)
        note.pop("src", None)
        if note.get("reason") is None and note.get("file") and Path(note["file"]).is_file():
            return note
        return note if note.get("reason") and run == self.store.run else None

    def _remember(self, key: str, resource: Resource) -> None:
        from .batch import atomic_write

        self.notes.mkdir(parents=True, exist_ok=True)
        note = {**resource.record(), "run": self.store.run}
        atomic_write(self.notes / f"{key}.json", json.dumps(note, sort_keys=True).encode())

    @contextmanager
    def _locked(self, name: str, blocking: bool = True):
        """An exclusive lock file under the store, shared with the other workers."""
        self.locks.mkdir(parents=True, exist_ok=True)
        with open(self.locks / name, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _host_slot(self, host: str):
        """One of PER_HOST slots for `host` (waits when all are taken)."""
        stem = "host-" + hashlib.sha256(host.encode()).hexdigest()[:16]
        for slot in range(PER_HOST):
            with self._locked(f"{stem}-{slot}", blocking=False) as got:
                if got:
                    yield
                    return
        with self._locked(f"{stem}-0"):
            yield

    # ---- fetching ---------------------------------------------------------------------

    def _fetch(self, url: str, kind: str) -> Resource:
        max_bytes, seconds = CAPS[kind]
        deadline = time.monotonic() + seconds
        current, status = url, None
        try:
            for _ in range(MAX_REDIRECTS + 1):
                status, headers, body, when = self._get(current, deadline, kind)
                location = headers.get("location")
                if status in REDIRECTS and location:
                    current = urljoin(current, location.strip())
                    continue
                if status != 200:
                    raise Refused(f"HTTP {status}")
                if len(body) > max_bytes:
                    raise Refused(f"larger than {max_bytes} bytes")
                return keep(url, url, body, self.store, kind=kind, status=status, fetched=when)
            raise Refused(f"more than {MAX_REDIRECTS} redirects")
        except Refused as exc:
            return Resource(url, url, status=status, reason=str(exc), kind=kind)

    def _vet(self, parts) -> str:
        """The address to connect to: resolved once; Refused unless public or allowed."""
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"not an http(s) URL ({parts.scheme or 'no scheme'}:)")
        host = parts.hostname.lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refused(f"offline or unknown host ({host}: {exc})") from None
        addresses = [info[4][0] for info in infos]
        named = {host, f"{host}:{port}", f"[{host}]:{port}"}
        if not (named & self.allow_hosts) and not all(is_public(a) for a in addresses):
            raise Refused(f"refused address: {host} resolves to a private, loopback or link-local "
                          "address (--allow-host to permit it)")
        return addresses[0]

    def _get(self, url: str, deadline: float, kind: str = IMAGE) -> tuple[int, dict, bytes, str]:
        """One GET, recorded in the WARC: (status, lower-cased headers, body, ISO time)."""
        parts = urlsplit(url)
        address = self._vet(parts)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [("Host", parts.netloc), ("User-Agent", USER_AGENT),
                           ("Accept", ACCEPT.get(kind, f"{kind}/*")), ("Accept-Encoding", "identity")]
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(parts.hostname, address, port=port, timeout=min(CONNECT_SECONDS, _left(deadline, CAPS[kind][1])))
        when = datetime.now(timezone.utc).replace(microsecond=0)
        try:
            with self._host_slot(parts.hostname.lower()):
                conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
                for name, value in request_headers:
                    conn.putheader(name, value)
                conn.endheaders()
                response = conn.getresponse()
                body, truncated = _read(response, deadline, *CAPS[kind])
        except (OSError, http.client.HTTPException) as exc:
            raise Refused(f"offline or failed ({type(exc).__name__}: {exc})"[:200]) from None
        finally:
            conn.close()
        headers = response.getheaders()
        self._record(url, address, when, f"GET {target} HTTP/1.1", request_headers, response, headers, body,
                     truncated)
        return response.status, {k.lower(): v for k, v in headers}, body, when.isoformat()

    def _record(self, url, address, when, request_line, request_headers, response, headers, body,
                truncated) -> None:
        """Append a request and a response record (with its bytes) to the batch's WARC."""
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        version = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
        self.store.folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        request = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(request_line, request_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": address})
        extra = {"WARC-Date": date, "WARC-IP-Address": address,
                 "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
        if truncated:
            extra["WARC-Truncated"] = "length"
        reply = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders(f"{response.status} {response.reason}", headers, protocol=version),
            warc_headers_dict=extra)
        writer.write_record(request)
        writer.write_record(reply)
        with open(self.store.folder / WARC_NAME, "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                if handle.seek(0, io.SEEK_END) == 0:
                    handle.write(_warcinfo())
                handle.write(buffer.getvalue())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _warcinfo() -> bytes:
    """The warcinfo record opening a new WARC file: which software wrote it, and how."""
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record(WARC_NAME, {
        "software": f"Octavo/{__version__} (convert/remote.py)", "format": "WARC File Format 1.1",
        "conformsTo": "https://iso.org/standard/68004.html", "robots": "ignore (images of posts being archived)",
        "http-header-user-agent": USER_AGENT, "description": "every request and response of --fetch-assets"}))
    return buffer.getvalue()


def _left(deadline: float, seconds: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Refused(f"took longer than {seconds:g} s")
    return left


def _read(response, deadline: float, max_bytes: int, seconds: float) -> tuple[bytes, bool]:
    """The body, at most `max_bytes` + 1 bytes (True when there was more). The deadline is
    checked between reads, and each read waits at most CONNECT_SECONDS (the socket's
    timeout), so a server that trickles is cut off within `seconds` + CONNECT_SECONDS."""
    chunks, size = [], 0
    while size <= max_bytes:
        _left(deadline, seconds)
        chunk = response.read(min(65536, max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), True


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a pre-vetted address while verifying the certificate for the real host name."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    """Plain HTTP to a pre-vetted address (no second DNS lookup, so no rebinding)."""

    def __init__(self, host, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
