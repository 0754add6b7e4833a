"""`octavo archive`: posts → a repository package in DIR (BagIt with RO-Crate, DSpace Simple
Archive Format, InvenioRDM deposits), incremental and safe against a kill at any instant.

DIR's layout (DESIGN.md, "Archives"):

    DIR/bag, DIR/saf, DIR/invenio   a symbolic link to the current package of that format
    DIR/.octavo/work/               the conversions: batch.run's OUTDIR, with its cache
    DIR/.octavo/originals/NAME/     each post's bytes as archived
    DIR/.octavo/fetched/NAME.*      each article's images (records) and the WARC of their fetches
    DIR/.octavo/book/KEY/           the bound book (--include-book), reused while KEY holds
    DIR/.octavo/articles.json       article name → the post it holds (stable across runs)
    DIR/.octavo/packages/FORMAT/ID/ complete packages, never changed once made
    DIR/report.json                 the batch report of the last run with --review (its outputs
                                    named through the link: bag/data/NAME/NAME.pdf)

A run converts (only what changed, batch.run's cache), builds the whole new package in a
folder of its own, and then replaces the link with `os.replace`: a reader that resolves
DIR/bag sees the old package or the new one, complete. The previous package is kept until
the next run, so a reader that resolved the link just before the swap can finish.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Callable

from .. import __version__, batch
from ..batch import Job, Result, atomic_write
from ..errors import ArchiveError, PostError, PostWarning, UsageError
from ..model import conversion_time
from ..paths import inside
from ..settings import Settings
from . import bag, fetched, invenio, saf
from .articles import BOOK, FORMATS, Article, Entry, Staging, assign
from .book import Book, stage

PACKAGES: dict[str, ModuleType] = {"bagit": bag, "saf": saf, "invenio": invenio}
"""`--format` → the module that builds that package: LINK, place(article, rel) → where a file
of an article's folder lies in the package, and build(target, package) → the warnings about
what the package lacks."""
STATE = ".octavo"
FORMAT_NAMES = {"html": "HTML", "pdf": "PDF/A", "epub": "EPUB 3", "md": "Markdown"}


@dataclass
class Package:
    """What a package builder needs: the articles, where their files are, and how to
    describe the whole."""

    articles: list[Article]
    staging: Staging
    date: datetime
    versions: dict[str, str]
    pdf_variant: str
    organizations: list[str]
    description: str
    title: str
    group: str | None
    book: Book | None = None
    """The articles bound into one book (`--include-book`), at package level."""

    def folders(self) -> list[tuple[Article, list[Entry]]]:
        """Each article with the files of its folder."""
        return [(article, self.staging.entries(article, self.pdf_variant)) for article in self.articles]


@dataclass
class Outcome:
    """What an archive run did: each post's result, the package now current (None when none
    could be made), how many articles it holds and were added, and why it was not rebuilt."""

    results: list[Result]
    package: Path | None = None
    articles: int = 0
    added: list[str] = field(default_factory=list)
    unchanged: bool = False
    kept_because: list[Result] = field(default_factory=list)
    """Failed posts that an earlier package holds: the package is not rebuilt without them."""
    warnings: list[PostWarning] = field(default_factory=list)
    """What the package lacks for an article (a field its format requires), when it was built."""
    packed: dict[Path, list[Path]] = field(default_factory=dict)
    """Each post's outputs as the linked package holds them, through DIR's link (DIR/bag/data/
    NAME/NAME.pdf): what a review page links to. A post the package does not hold has none."""


def versions() -> dict[str, str]:
    """The versions of the software that made the outputs (recorded in every package)."""
    import pypandoc

    return {"octavo": __version__, "pandoc": pypandoc.get_pandoc_version(),
            "weasyprint": batch._version("weasyprint")}


def reserved(outdir: Path, path: Path) -> bool:
    """Whether a file written at `path` would land in DIR's staging area or in one of its
    packages (never changed once made), by name or through a link."""
    places = [outdir / STATE, *(outdir / module.LINK for module in PACKAGES.values())]
    return any(inside(os.path.abspath(path), os.path.abspath(place))
               or inside(os.path.realpath(path), os.path.realpath(place)) for place in places)


@contextmanager
def _locked(state: Path):
    """One archive run per DIR at a time (a second one would race on the link)."""
    with open(state / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another `octavo archive` is writing {state.parent}") from None
        _held.add(handle.fileno())
        try:
            yield
        finally:
            _held.discard(handle.fileno())


_held: set[int] = set()
"""Descriptors of the locks this process holds. A process forked during a run (the PDF
render child, which outlives the run to serve the next one) would hold each lock as long
as it lives, as flock locks belong to the open file, not the process: it closes them."""


def _close_held_locks() -> None:
    for fd in _held:
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_held_locks)


def run(jobs: list[Job], outdir: Path, settings: Settings, fmt: str = "bagit", *,
        organization: str | None = None, description: str | None = None, group: str | None = None,
        include_book: bool = False, progress: Callable[[list], None] | None = None) -> Outcome:
    """Archive the posts of `jobs` into `outdir` (with the articles archived there before),
    with their bound book when `include_book`; failures are in the outcome's results, never
    raised (ArchiveError only when the package itself, or its book, cannot be made)."""
    module = PACKAGES[fmt]
    link = outdir / module.LINK
    if link.exists() and not link.is_symlink():
        raise UsageError(f"{link} exists and is not Octavo's link to a package: move it away first")
    staging = Staging(outdir / STATE)
    staging.root.mkdir(parents=True, exist_ok=True)
    with _locked(staging.root):
        _remove_leftovers(outdir, staging, module.LINK)
        registry = staging.load_registry()
        if include_book and any(name.casefold() == BOOK for name in registry):
            raise UsageError(f"an article of {outdir} is named {BOOK!r}, the folder --include-book puts the "
                             "book in: archive into a new folder")
        assigned = assign([job.path for job in jobs], registry)
        named = [replace(job, name=assigned[job.path].name) for job in jobs]   # keeps what discovery found
        results = batch.run(named, staging.work, settings.replace(formats=FORMATS), progress=progress)
        outcome = Outcome(results)
        for result in results:
            if result.ok and not result.skipped:
                _keep_original(result, staging.original(assigned[result.path]))
        fetched.keep([(r, assigned[r.path]) for r in results if r.ok and not r.skipped], staging)
        for result in results:
            article = assigned[result.path]
            if not result.ok:
                if article.name in registry:
                    outcome.kept_because.append(result)
            elif not result.skipped and article.name not in registry:
                outcome.added.append(article.name)
                registry[article.name] = article
        if outcome.kept_because:
            outcome.package = link.resolve() if link.exists() else None
        else:
            outcome.articles = len(registry)
            if registry:
                package = _package(registry, staging, settings, organization, description, group)
                if include_book:
                    package.book = stage(package.articles, staging, settings)
                outcome.package, outcome.unchanged, outcome.warnings = _publish(module, fmt, package, link)
                outcome.warnings = (package.book.warnings if package.book else []) + outcome.warnings
        outcome.packed = {result.path: _packed(result, assigned[result.path], module, link) for result in results}
        return outcome


def _packed(result: Result, article: Article, module: ModuleType, link: Path) -> list[Path]:
    """The post's outputs in the package the link points at (an old package, when this run
    did not rebuild it, holds its earlier version; a post it does not hold has none)."""
    placed = [link / module.place(article.name, output.name) for output in result.outputs]
    return [path for path in placed if path.is_file()]


def _remove_leftovers(outdir: Path, staging: Staging, link: str) -> None:
    """What a killed run left half-written: temporary files (never read: every file is
    renamed into place whole), a half-made link and a half-bound book."""
    for leftover in [*staging.work.glob(".*.tmp"), *staging.root.glob(".*.tmp"), *staging.fetched.glob(".*.tmp"),
                     *staging.originals.glob("*/.*.tmp"), *outdir.glob(f".{link}.tmp-*")]:
        leftover.unlink(missing_ok=True)
    for leftover in (staging.root / BOOK).glob("tmp-*"):
        shutil.rmtree(leftover)


def _keep_original(result: Result, target: Path) -> None:
    """The post's bytes into the staging area (rewritten only when they changed); an error
    in the result when the post can no longer be read."""
    try:
        data = result.path.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
    except OSError as exc:
        result.errors[batch.READ] = PostError(f"cannot keep the original: {exc.strerror or exc}", str(result.path))


def _package(registry: dict[str, Article], staging: Staging, settings: Settings, organization, description,
             group) -> Package:
    articles = [registry[name] for name in sorted(registry)]
    publishers = sorted({(staging.jsonld(a).get("publisher") or {}).get("name") for a in articles} - {None})
    formats = ", ".join(FORMAT_NAMES.values())
    return Package(
        articles=articles, staging=staging, date=conversion_time(), versions=versions(),
        pdf_variant=settings.pdf.variant,
        organizations=[organization] if organization else publishers,
        description=description or (
            f"{len(articles)} published posts{' from ' + ', '.join(publishers) if publishers else ''}, each "
            f"kept byte for byte and converted by Octavo {__version__} into {formats} and citation records "
            "(CSL-JSON, BibLaTeX, BibTeX, RIS, Dublin Core, DataCite, schema.org JSON-LD)."),
        title=f"Octavo archive of {len(articles)} articles", group=group)


def _state(fmt: str, package: Package) -> str:
    """A digest of everything a package is made from: the settings of the package, the
    articles and each of their files (name, size, change time, inode; the staging area
    replaces a file whenever it changes, never edits one)."""
    digest = hashlib.sha256(json.dumps([fmt, __version__, package.versions, package.pdf_variant,
                                        package.organizations, package.description, package.group,
                                        os.environ.get("SOURCE_DATE_EPOCH", "")]).encode())
    folders = [(str(article), entries) for article, entries in package.folders()]
    if package.book:
        folders.append((BOOK, package.book.entries))
    for name, entries in folders:
        digest.update(f"\n{name}".encode())
        for entry in entries:
            try:
                info = entry.path.stat()
            except FileNotFoundError:
                raise ArchiveError(f"{entry.path}: missing from the staging area (was it deleted?); "
                                   "run again with --no-cache", str(entry.path)) from None
            digest.update(f"\n{entry.rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}".encode())
    return digest.hexdigest()


def _publish(module: ModuleType, fmt: str, package: Package, link: Path) -> tuple[Path, bool, list[PostWarning]]:
    """Make the package (unless the current one was made from the same state) and point the
    link at it; (its folder, whether it was already current, the builder's warnings)."""
    packages = package.staging.root / "packages" / fmt
    packages.mkdir(parents=True, exist_ok=True)
    for leftover in packages.glob("tmp-*"):   # a killed run's half-made package
        shutil.rmtree(leftover)
    state = _state(fmt, package)
    final = packages / state[:32]
    previous = link.resolve() if link.is_symlink() else None
    if previous == final.resolve() and final.is_dir():
        return final, True, []
    warnings: list[PostWarning] = []
    if not final.is_dir():
        building = packages / f"tmp-{state[:32]}"
        try:
            warnings = module.build(building, package)
        except (OSError, ValueError) as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise ArchiveError(f"cannot make the {fmt} package: {exc}", str(link.parent)) from exc
        os.rename(building, final)
    atomic_write(package.staging.registry_path, package.staging.registry_bytes(
        {article.name: article for article in package.articles}))
    temporary = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final, link.parent), temporary)
    os.replace(temporary, link)
    for old in packages.iterdir():
        if old.resolve() not in (final.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)
    return final, False, warnings
