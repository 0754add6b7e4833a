"""The review page (`octavo report OUTDIR -o review.html`, `--review FILE` on convert and
archive): one static HTML file an archivist reads before deposit. It is made from the
batch report's data (convert/report.py), so its counts are the report's; it adds what a
reviewer needs to see and the report does not hold: each post read again for its title,
date and what normalization removed (removed.py), the validators' verdict on every output
(convert/validate.py, EPUBCheck once for all EPUBs), and a thumbnail of each PDF's first
page (thumbnails.py). page.py lays it out; nothing on it is fetched from anywhere.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OctavoError, UsageError
from ..model import Meta
from ..report import input_path
from ..settings import Settings, from_mapping
from . import thumbnails
from .removed import Comparison, compare

READING = ("profile", "lang", "timezone", "site_title", "site_url")
"""The settings a post is read again with, from the batch report when the run's are not at hand."""


@dataclass
class Article:
    """One input of the batch report with what the page shows of it."""

    entry: dict
    """The batch report's record (outcome, warnings, errors, outputs, resources)."""
    source: Path
    """The post's path, resolved from the report's folder (wherever the page is made)."""
    outputs: list[tuple[Path, int | None]] = field(default_factory=list)
    """Each output's absolute path and size (None when the report could not stat it)."""
    meta: Meta | None = None
    comparison: Comparison | None = None
    unread: str | None = None
    """Why the post could not be read again (moved, deleted, failing), else None."""
    thumbnail: bytes | None = None
    pages: int | None = None
    problems: dict[Path, list] = field(default_factory=dict)
    """Validator problems per output checked (an empty list: it passed)."""

    @property
    def name(self) -> str:
        return self.entry["name"]

    @property
    def pdf(self) -> Path | None:
        return next((path for path, _ in self.outputs if path.suffix == ".pdf"), None)


@dataclass
class Review:
    """What the page is made of: the report, its articles, and how the checks went."""

    report: dict
    articles: list[Article]
    where: str
    """The name of the outputs' folder, for the page's title."""
    checks_run: bool = True
    seconds: float = 0.0
    """Time spent making the page (re-reading, validators, thumbnails)."""
    changed: int = 0
    """Outputs no longer of the size the report recorded, or gone: a later run changed them
    and did not write a report (the page still shows the report's run)."""


def _settings(report: dict) -> Settings:
    """The settings the batch read its posts with, as far as reading goes (defaults when
    the report's are not valid any more)."""
    recorded = report.get("settings") or {}
    try:
        return from_mapping({k: recorded[k] for k in READING if recorded.get(k) is not None}, "batch report")
    except UsageError:
        return Settings()


def _reread(article: Article, settings: Settings) -> None:
    from ..reader import read_post

    try:
        before = read_post(article.source, settings)
        article.comparison = compare(before, settings)
        article.meta = article.comparison.meta
    except OctavoError as exc:
        article.unread = exc.message
    except Exception as exc:  # a bug in reading again must not cost the page: the card says so
        article.unread = f"{type(exc).__name__}: {exc}"


def _check(articles: list[Article], jobs: int) -> None:
    """Every output a validator knows, checked in one `validate` run (EPUBCheck's JVM once);
    each article gets its files' problems."""
    from .. import validate

    owners = {path: article for article in articles for path, _ in article.outputs if validate.kind(path)}
    present = [path for path in owners if path.is_file()]
    result = validate.validate(present, jobs=jobs)
    for path in present:
        owners[path].problems[path] = []
    for problem in result.problems:
        article = owners.get(Path(problem.path))
        if article is not None:
            article.problems.setdefault(Path(problem.path), []).append(problem)


def _thumbnail(article: Article) -> None:
    if article.pdf is not None and article.pdf.is_file():
        article.thumbnail = thumbnails.first_page(article.pdf)
        article.pages = thumbnails.pages(article.pdf)


def collect(report: dict, base: Path, settings: Settings | None = None, *, checks: bool = True,
            jobs: int = 2) -> Review:
    """The review of a batch report whose paths are relative to `base`: each post read again
    (with `settings`, else the report's), its outputs validated and its PDF's first page drawn."""
    clock = time.monotonic()
    settings = settings or _settings(report)
    articles = []
    for entry in report["inputs"]:
        outputs = [(Path(os.path.abspath(base / output["path"])), output.get("bytes")) for output in entry["outputs"]]
        articles.append(Article(entry=entry, source=input_path(report, entry, base), outputs=outputs))
    for article in articles:
        _reread(article, settings)
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        drawn = pool.map(_thumbnail, articles)
        if checks:
            _check(articles, jobs)
        list(drawn)
    where = Path(os.path.abspath(base / report.get("outdir", "."))).name
    return Review(report=report, articles=articles, where=where, checks_run=checks,
                  seconds=time.monotonic() - clock, changed=sum(map(_changed, articles)))


def _changed(article: Article) -> int:
    """How many of the article's outputs differ in size from the report's record, or are gone."""
    def differs(path: Path, size: int | None) -> bool:
        try:
            return size is not None and path.stat().st_size != size
        except OSError:
            return True

    return sum(differs(path, size) for path, size in article.outputs)


def write(review: Review, target: Path) -> int:
    """Write the page atomically; its size in bytes."""
    from ..batch import atomic_write
    from .page import render

    data = render(review, Path(os.path.abspath(target)).parent).encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return len(data)


def by_kind(articles: list[Article]) -> dict[str, dict[str, int]]:
    """Per validator kind: files checked, with problems, and not checked (validator missing)."""
    from .. import validate

    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"checked": 0, "problems": 0, "unchecked": 0})
    for article in articles:
        for path, problems in article.problems.items():
            row = tally[validate.kind(path)]
            row["checked"] += 1
            row["problems"] += any(not p.unchecked for p in problems)
            row["unchecked"] += any(p.unchecked for p in problems)
    return dict(tally)
