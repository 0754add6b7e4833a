"""Each article's own WARC: the records of the batch's `resources/fetch.warc.gz` (convert/remote.py)
that fetched that article's images, redirects followed, copied byte for byte (each record is
a gzip member of its own, so its digests and headers stay exactly as the fetcher wrote them),
after the batch WARC's opening warcinfo record. An article's folder then shows what each
server sent for it, without the batch's other fetches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from ..batch import Result, atomic_write
from ..remote import REDIRECTS, WARC_NAME
from ..resources import STORE
from .articles import Article, Staging


@dataclass
class Index:
    """Where each record of the batch WARC lies: (offset, length) of the warcinfo record, and
    per target URI its request and response records and the URL a redirect points to."""

    path: Path
    info: tuple[int, int] | None = None
    records: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    redirects: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> "Index":
        from warcio.archiveiterator import ArchiveIterator

        index = cls(path)
        if not path.is_file():
            return index
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                kind, uri = record.rec_type, record.rec_headers.get_header("WARC-Target-URI")
                status = record.http_headers.get_statuscode() if record.http_headers and kind == "response" else None
                location = record.http_headers.get_header("Location") if status else None
                records.read_to_end()
                where = (records.get_record_offset(), records.get_record_length())
                if kind == "warcinfo" and index.info is None:
                    index.info = where
                elif uri and kind in ("request", "response"):
                    index.records.setdefault(uri, []).append(where)
                    if status and int(status) in REDIRECTS and location:
                        index.redirects.setdefault(uri, set()).add(urljoin(uri, location.strip()))
        return index

    def chain(self, urls: list[str]) -> list[str]:
        """`urls` and every URL their redirects led to, in the order first met."""
        out, todo = [], list(urls)
        while todo:
            url = todo.pop(0)
            if url not in out:
                out.append(url)
                todo += sorted(self.redirects.get(url, ()))
        return out

    def extract(self, urls: list[str]) -> bytes:
        """The warcinfo record then every record of `urls` (redirects followed), in file
        order; empty when the batch WARC holds none of them."""
        spans = sorted({span for url in self.chain(urls) for span in self.records.get(url, [])})
        if not spans:
            return b""
        with open(self.path, "rb") as handle:
            parts = []
            for offset, length in ([self.info] if self.info else []) + spans:
                handle.seek(offset)
                parts.append(handle.read(length))
        return b"".join(parts)


def fetched_urls(records: list[dict]) -> list[str]:
    """The remote URLs a post's images were requested from (archived or not)."""
    return list(dict.fromkeys(r["url"] for r in records if r.get("fetched") or r.get("status")))


def keep(results: list[tuple[Result, Article]], staging: Staging) -> None:
    """Each converted article's image records and WARC into the staging area, rewritten
    only when its records changed (the batch WARC is read at most once, and only then). The
    WARC is written before the records that vouch for it: a run killed between the two
    leaves records that differ, so the next run writes both again."""
    index = None
    for result, article in results:
        data = json.dumps(result.resources, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        target, warc = staging.images(article), staging.warc(article)
        urls = fetched_urls(result.resources)
        if target.is_file() and target.read_bytes() == data and warc.is_file() == bool(urls):
            continue
        staging.fetched.mkdir(parents=True, exist_ok=True)
        if urls:
            index = index or Index.read(staging.work / STORE / WARC_NAME)
            records = index.extract(urls)
            if records:
                atomic_write(warc, records)
            else:
                warc.unlink(missing_ok=True)
        else:
            warc.unlink(missing_ok=True)
        atomic_write(target, data)
