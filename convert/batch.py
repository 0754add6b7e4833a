"""The batch runner: many posts through an Executor, atomic writes, a cache, typed results.

Conversion itself knows nothing of this module. Work goes to workers in chunks so that
a writer with `write_many` (one pandoc process per chunk) and a writer's `warm()`
(WeasyPrint's font set-up) are paid per chunk and per worker, not per post.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import signal
import sys
import threading
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from . import __version__, assets, resources
from .errors import ExportError, InternalError, OctavoError, PostError, PostWarning, StrictError, collecting
from .model import Document
from .paths import forget, real, states
from .profiles import AUTO, Choice, choose, forget_choices, site_choice, site_state
from .settings import Settings
from .site import config_for, posts_fingerprint, site_fingerprint, site_for
from .writers import BatchWriter, WarmWriter, writer, writer_suffix

if TYPE_CHECKING:   # the pool itself is imported only when one is started
    from concurrent.futures import Executor

CHUNK = 8
"""Posts per worker task: large enough to share a pandoc process, small enough to balance."""
CACHE_FILE = ".octavo-cache.json"
READ = "read"
"""The key of a result's error when the post could not be read (else a format's name)."""
UNPUBLISHED = "skipped: its front matter says `published: false` (--unpublished converts it)"


@dataclass
class Job:
    """One input file and the output base name chosen for it."""

    path: Path
    name: str
    real: str | None = None
    """The file's real path, when discovery worked it out (else `paths.real(path)`)."""
    info: os.stat_result | None = None
    """The file's status (links followed) as discovery found it: a rerun stats a post once."""


@dataclass
class Result:
    """What became of one input: the files written, the typed error of each failed stage
    (READ or a format), the warnings, and whether the cache made it unnecessary."""

    path: Path
    name: str = ""
    outputs: list[Path] = field(default_factory=list)
    errors: dict[str, OctavoError] = field(default_factory=dict)
    warnings: list[PostWarning] = field(default_factory=list)
    cached: bool = False
    skipped: bool = False
    """Not converted on purpose (`published: false`): neither written nor failed."""
    profile: Choice | None = None
    """The site profile the post was read with, and why (`--profile auto` picks it)."""
    resources: list[dict] = field(default_factory=list)
    """Provenance of the post's images (`Resource.record()`: src, url, sha256, path in
    OUTDIR, media type, HTTP status and fetch time, or why it was left out)."""

    @property
    def ok(self) -> bool:
        return not self.errors


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()
"""The process's umask: outputs get ordinary permissions, not mkstemp's private 0600."""


_TEMPORARY = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
"""How a temporary output is opened: created new (never an existing file or link), as mkstemp does."""


def _temporary(target: Path) -> tuple[int, str]:
    """(descriptor, path) of a new private file beside `target`, named `.NAME.RANDOM.tmp`
    (tempfile.mkstemp's way, without its overhead, which was half the cost of a write)."""
    folder, name = os.fspath(target.parent), target.name
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(5).hex()}.tmp")
        try:
            return os.open(tmp, _TEMPORARY, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and os.replace: never a partial file."""
    fd, tmp = _temporary(target)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.chmod(tmp, 0o666 & ~UMASK)
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class _Expired(Exception):
    """SIGALRM went off while a post was read (`_time_limit` names the post)."""


def _expire(signum, frame):
    raise _Expired


@contextmanager
def _alarms():
    """Let `_time_limit` cap each post read in this block: the SIGALRM handler is installed
    once per chunk, not per post (installing and restoring it cost 2% of an HTML batch).
    Main thread only; elsewhere posts are read without a cap."""
    if threading.current_thread() is not threading.main_thread():
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _time_limit(seconds: float, path: str, armed: bool):
    """Raise PostError when the block runs longer than `seconds`, when `armed` (inside
    `_alarms`, which said so)."""
    if not armed:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise PostError(f"reading took longer than {seconds:g} s", path) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _render(docs: list[Document], fmt: str, settings: Settings) -> list[tuple[bytes | Exception, list]]:
    """Render docs in one format (through write_many when the writer batches); for each doc
    its bytes or exception, and the warnings the writer gave about it."""
    module = writer(fmt)
    with collecting() as warnings:
        if isinstance(module, BatchWriter) and len(docs) > 1:
            try:
                outputs = module.write_many(docs, settings)
            except Exception as exc:  # the whole call failed: each doc gets the error
                outputs = [exc] * len(docs)
        else:
            outputs = []
            for doc in docs:
                try:
                    outputs.append(module.write(doc, settings))
                except Exception as exc:  # one post's failure, whatever its type, is that post's alone
                    outputs.append(exc)
    by_path: dict[str, list[PostWarning]] = {}
    for warning in warnings:
        by_path.setdefault(warning.path, []).append(warning)
    return [(out, by_path.get(doc.meta.source_path, [])) for out, doc in zip(outputs, docs)]


def _as_error(exc: BaseException, path: str) -> OctavoError:
    """A typed error naming the post: Octavo's own as it is, anything else as a bug."""
    if isinstance(exc, OctavoError):
        if exc.path is None:
            exc.path = path
        return exc
    return InternalError.wrap(exc, path)


def strict_error(path: str, warnings: list[PostWarning], what: str) -> StrictError | None:
    """--strict's failure for a stage whose warnings include a repair, else None (the one
    rule `convert` and `cite` apply)."""
    repairs = [w for w in warnings if w.is_repair]
    if not repairs:
        return None
    first = repairs[0]
    more = f" (and {len(repairs) - 1} more)" if len(repairs) > 1 else ""
    return StrictError(f"--strict: {what} needed a repair: {first.message}{more}", path, first.line)


def read_job(job: Job, settings: Settings, store: resources.Store | None = None,
             armed: bool = False) -> tuple[Result, Document | None]:
    """Read and normalize one post and resolve its images (into `store` when given), capped
    in time when `armed` (see `_alarms`): its Result (the READ error, skipped when
    unpublished, the warnings, the images' provenance) and its Document when it is to be written."""
    from . import load

    result = Result(path=job.path, name=job.name)
    try:
        with _time_limit(settings.read_timeout + resources.fetch_budget(settings), str(job.path), armed):
            doc = load(job.path, settings, store)
    except Exception as exc:  # a bug must not stop the batch; it is reported against the file
        result.errors[READ] = _as_error(exc, str(job.path))
        return result, None
    result.warnings = list(doc.warnings)
    result.resources = [r.record() for r in doc.resources]
    if not (doc.meta.published or settings.unpublished):
        result.skipped = True
        result.warnings.append(PostWarning(str(job.path), UNPUBLISHED, kind="unpublished"))
        return result, None
    refused = settings.strict and strict_error(str(job.path), doc.warnings, "reading")
    if refused:
        result.errors[READ] = refused
        return result, None
    return result, doc


def read_chunk(jobs: list[Job], settings: Settings,
               store: resources.Store | None = None) -> list[tuple[Result, Document | None]]:
    """read_job over a chunk (a worker's task)."""
    with _alarms() as armed:
        return [read_job(job, settings, store, armed) for job in jobs]


def read_all(jobs: list[Job], settings: Settings,
             store: resources.Store | None = None) -> list[tuple[Result, Document | None]]:
    """Read every post as `run` does, in `settings.jobs` worker processes (in this one for
    a single job or chunk), in the order given: what `octavo book` binds (`archive
    --include-book` gives its store, so the book has the images its articles archived)."""
    chunks = [jobs[i:i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    if settings.jobs <= 1 or len(chunks) <= 1:
        return [pair for chunk in chunks for pair in read_chunk(chunk, settings, store)]
    from concurrent.futures import ProcessPoolExecutor

    out: list[tuple[Result, Document | None]] = []
    with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
        futures = [pool.submit(read_chunk, chunk, settings, store) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                out.extend(future.result())
            except Exception as exc:  # a worker died: its chunk's posts failed, the others stand
                reason = f"worker failed: {type(exc).__name__}: {exc}"
                out.extend((Result(path=job.path, name=job.name,
                                   errors={READ: OctavoError(reason, str(job.path))}), None) for job in chunk)
    return out


def convert_chunk(jobs: list[Job], outdir: Path, settings: Settings,
                  store: resources.Store | None = None) -> list[Result]:
    """Read, normalize, resolve the images of (into OUTDIR's store) and write one chunk of
    posts (runs inside a worker).

    Each format stands alone: one that fails costs only itself, the others are written.
    """
    results: list[Result] = []
    docs: dict[int, Document] = {}
    store = store or resources.Store(outdir)
    with _alarms() as armed:
        for i, job in enumerate(jobs):
            result, doc = read_job(job, settings, store, armed)
            results.append(result)
            if doc is not None:
                docs[i] = doc
    rendered: dict[int, dict[str, bytes]] = {i: {} for i in docs}
    for fmt in settings.formats:
        order = list(docs)
        for i, (data, warnings) in zip(order, _render([docs[i] for i in order], fmt, settings)):
            path = str(jobs[i].path)
            results[i].warnings += warnings
            refused = settings.strict and strict_error(path, warnings, fmt)
            if isinstance(data, BaseException):
                results[i].errors[fmt] = _as_error(data, path)
            elif refused:
                results[i].errors[fmt] = refused
            else:
                rendered[i][fmt] = data
    for i, files in rendered.items():
        _write_formats(results[i], outdir, jobs[i].name, files)
    return results


def _write_formats(result: Result, outdir: Path, name: str, files: dict[str, bytes]) -> None:
    """Write each rendered format atomically; a format that cannot be written is its own error."""
    for fmt, data in files.items():
        target = outdir / f"{name}{writer_suffix(fmt)}"
        try:
            atomic_write(target, data)
        except OSError as exc:
            result.errors[fmt] = ExportError(f"cannot write {target}: {exc.strerror or exc}", str(result.path))
        else:
            result.outputs.append(target)


def warm(settings: Settings) -> None:
    """Worker initializer: import writers and pay their one-time set-up once per process."""
    for fmt in settings.formats:
        module = writer(fmt)
        if isinstance(module, WarmWriter):
            module.warm(settings)


def _worker_start(settings: Settings) -> None:
    """Process-pool initializer: leave Ctrl-C to the parent (which stops handing out work and
    lets running chunks finish their atomic writes), then warm the writers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm(settings)


def _code_fingerprint() -> str:
    """Hash of Octavo's own code, profiles, filters and styles, wherever the package keeps
    them (convert/assets.py): a changed Octavo never reuses stale outputs."""
    digest = hashlib.sha256(__version__.encode())
    code = [(name, item) for name, item in assets.walk() if name.endswith((".py", ".json", ".lua"))]
    styles = [(f"styles/{p.name}", p) for p in sorted(assets.styles().glob("*.css"))]
    for name, item in sorted(code + styles, key=lambda pair: pair[0]):
        digest.update(f"{name}\0".encode() + item.read_bytes())
    return digest.hexdigest()


def _fonts_fingerprint() -> str:
    """The installed fonts as fontconfig lists them (file, size): they shape every PDF."""
    import subprocess

    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\\n"], capture_output=True, timeout=30,
                                 check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return "no fc-list"
    digest = hashlib.sha256()
    for name in sorted(set(listing.decode("utf-8", "replace").splitlines())):
        try:
            digest.update(f"{name}\0{os.stat(name).st_size}\n".encode())
        except OSError:
            continue
    return digest.hexdigest()


def _version(package: str) -> str:
    import importlib.metadata   # here: its import (email, socket…) costs more than a small run

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _installed(package: str) -> str:
    """Which release of `package` is installed, for the cache's key: its `NAME-VERSION.dist-info`
    folder's name, found by listing the import path (importlib.metadata's own import costs
    more than the rest of a rerun); its metadata's version when there is no such folder."""
    wanted = re.sub(r"[-_.]+", "_", package).lower()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project = name[:-len(".dist-info")].rpartition("-")[0]
                if re.sub(r"[-_.]+", "_", project).lower() == wanted:
                    return name
    return _version(package)


def tool_versions() -> dict[str, str]:
    """The versions of what makes the outputs, for reports and provenance."""
    import platform

    return {"python": platform.python_version(), "pandoc (pypandoc-binary)": _version("pypandoc-binary"),
            "weasyprint": _version("weasyprint")}


HOW_NOT_WHAT = frozenset({"jobs", "cache", "read_timeout", "formats"})
"""Settings that say how a run goes, not what a post's outputs hold: changing them reuses
the cache (formats: each run checks that its own formats' files exist; a timed-out read
is never cached)."""


def environment_fingerprint(settings: Settings) -> str:
    """Everything besides the post that shapes its outputs, once per run: Octavo's code
    and assets, the user's stylesheets, the settings, pandoc's and WeasyPrint's versions,
    the fonts (when a PDF is made) and SOURCE_DATE_EPOCH."""
    shaping = {name: value for name, value in settings.fingerprint().items() if name not in HOW_NOT_WHAT}
    parts = [_code_fingerprint(), json.dumps(shaping, sort_keys=True),
             _installed("pypandoc-binary"), _installed("weasyprint"), os.environ.get("SOURCE_DATE_EPOCH", "")]
    if settings.styles:
        parts += [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(settings.styles.glob("*.css"))]
    if "pdf" in settings.formats:
        parts.append(_fonts_fingerprint())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp")


def _images_beside(folder: Path) -> str:
    """The image files in `folder` (name, size, mtime): a post may use them."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if e.name.lower().endswith(IMAGE_SUFFIXES)), key=lambda e: e.name)
    except OSError:
        return ""
    return states((entry.name, entry) for entry in entries)


@functools.lru_cache(maxsize=1024)
def _folder_fingerprint(folder: Path) -> str:
    """What a post may pull in from its folder and site: the resolved `_config.yml` and
    `_data/`, the files of the site's `_includes/` and `_data/`, and the image files beside
    it (name, size, mtime)."""
    site = site_for(folder)
    digest = hashlib.sha256(repr(site).encode())
    digest.update(site_fingerprint(site.root).encode())
    digest.update(_images_beside(folder).encode())
    return digest.hexdigest()


class Folders:
    """What the posts of one folder share in their cache entries, worked out once per run.

    The quick context stands for everything but the post's bytes by file states alone (the
    site's `_config.yml` by size and mtime, its `_includes/` and `_data/`, the posts `auto`
    judges the site by, the images beside the post): a rerun with nothing changed parses no
    configuration and reads no post. The full context (the resolved configuration and the
    chosen profile) keys a post whose quick key no longer matches.
    """

    def __init__(self, environment: str, profile: str, sites: dict[str, dict] | None = None):
        self.environment = environment
        self.profile = profile
        self.sites = {} if sites is None else sites
        """The cache file's memo of what `auto` chose for each site, updated in place."""
        self._quick: dict[str, object] = {}
        self._roots: dict[str, Path | None] = {}
        self._posts: dict[Path | None, str] = {}
        self._choices: dict[Path, Choice | None] = {}

    def root(self, folder: str) -> Path | None:
        """The site root of `folder` (a real path): where its nearest `_config.yml` is."""
        if folder not in self._roots:
            config = config_for(Path(folder))
            self._roots[folder] = config.parent if config else None
        return self._roots[folder]

    def quick(self, folder: str):
        """The hash of the quick context of `folder`'s posts (copy it before updating)."""
        if folder not in self._quick:
            root = self.root(folder)
            digest = hashlib.sha256(f"{self.environment}\0{self.profile}\0{root}\0".encode())
            if root is not None:
                digest.update(resources.file_state(os.fspath(root / "_config.yml")).encode())
                digest.update(site_fingerprint(root).encode())
            choice = self.site_choice(folder)
            digest.update(f"{choice.name if choice else ''}\0".encode())
            digest.update(_images_beside(Path(folder)).encode())
            self._quick[folder] = digest
        return self._quick[folder]

    def site_choice(self, folder: str) -> Choice | None:
        """The profile `auto` gives every post of `folder`'s site (None: the setting is not
        `auto`, no site, or a site with no posts to judge by, so each post is judged alone).
        Judged again only when the posts it judges by, the configuration or the environment
        (the profiles are Octavo's code) changed since the memo: a new post changes no other
        post's quick key unless the choice changes."""
        root = self.root(folder) if self.profile == AUTO else None
        if root is None:
            return None
        if root not in self._choices:
            state = hashlib.sha256(f"{self.environment}\0{resources.file_state(os.fspath(root / '_config.yml'))}"
                                   f"\0{site_state(root)}".encode()).hexdigest()
            memo = self.sites.get(os.fspath(root))
            if memo and memo["state"] == state:
                choice = Choice(*memo["choice"]) if memo["choice"] else None
            else:
                choice = site_choice(site_for(root))
                self.sites[os.fspath(root)] = {"state": state, "choice": [choice.name, choice.reason] if choice else None}
            self._choices[root] = choice
        return self._choices[root]

    def posts(self, folder: str) -> str:
        """The site's post files, for a post using `post_url`/`link` (once per site)."""
        root = self.root(folder)
        if root not in self._posts:
            self._posts[root] = posts_fingerprint(root)
        return self._posts[root]

    def full(self, folder: str, profile: str):
        """The hash of the full context: the resolved site and the chosen profile."""
        digest = hashlib.sha256(self.environment.encode())
        digest.update(f"{profile}\0".encode())
        digest.update(_folder_fingerprint(Path(folder)).encode())
        return digest


_LINKS_POSTS = re.compile(rb"{%-?\s*(?:post_url|link)\b")
"""Liquid tags whose output is another post's permalink, read from that post's file."""


def cache_entry(path: Path, environment: str, profile: str, known: dict | None = None,
                folders: Folders | None = None, job: Job | None = None) -> dict:
    """`{key, quick, uses_posts, profile}`: the content hash of everything one post's
    outputs depend on, a quick key from file states in place of bytes (the post's size and
    mtime, its folder's `Folders.quick`), whether it uses `post_url`/`link`, and the profile
    it gets (`profile` is the setting: `auto` may pick another when the site's posts change).
    When `known` (the stored entry) has the same quick key, its key and profile are taken
    unread: a rerun with nothing changed reads no post. `job`: its real path and status
    as discovery found them (else they are looked up). OSError when unreadable."""
    folders = folders or Folders(environment, profile)
    info = job.info if job and job.info else path.stat()
    folder = os.path.dirname(job.real if job and job.real else real(path))
    site = folders.site_choice(folder)

    def quick(uses_posts: bool) -> str:
        digest = folders.quick(folder).copy()
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{uses_posts}".encode())
        if uses_posts:
            digest.update(folders.posts(folder).encode())
        return digest.hexdigest()

    if known and known["quick"] == quick(known["uses_posts"]):
        chosen = [site.name, site.reason] if site else known["profile"]
        return {**{name: known[name] for name in ("key", "quick", "uses_posts")}, "profile": chosen}
    raw = path.read_bytes()
    choice = site or choose(profile, path, text=raw)
    uses_posts = bool(_LINKS_POSTS.search(raw))
    key = folders.full(folder, choice.name)
    if uses_posts:
        key.update(folders.posts(folder).encode())
    key.update(raw)
    return {"key": key.hexdigest(), "quick": quick(uses_posts), "uses_posts": uses_posts,
            "profile": [choice.name, choice.reason]}


def run(jobs: list[Job], outdir: Path, settings: Settings, *, executor: Executor | None = None,
        progress: Callable[[list[Result]], None] | None = None) -> list[Result]:
    """Convert every job; failures are collected in the results, never raised.

    `executor` may be any concurrent.futures.Executor (a Dask client's, see cluster.py);
    by default a process pool of `settings.jobs` workers, or in-process for one job.
    `progress` is called with each group of finished results (the cached ones first).
    """
    _fresh_run()
    outdir.mkdir(parents=True, exist_ok=True)
    cache_path = outdir / CACHE_FILE
    cache, sites = _load_cache(cache_path) if settings.cache else ({}, {})
    loaded = (dict(cache), dict(sites))
    environment = environment_fingerprint(settings) if settings.cache else ""
    folders = Folders(environment, settings.profile, sites)
    present = _present(outdir) if cache else set()
    suffixes = [writer_suffix(f) for f in settings.formats]
    entries: dict[str, dict] = {}
    results: list[Result] = []
    todo: list[Job] = []
    choices: dict[str, Choice] = {}
    for job in jobs:
        stored = cache.get(job.name)
        try:
            if not settings.cache:   # nothing to compare with or record: the reader reports an unreadable post
                folder = os.path.dirname(job.real or real(job.path))
                choices[job.name] = folders.site_choice(folder) or choose(settings.profile, job.path)
                todo.append(job)
                continue
            entry = entries[job.name] = cache_entry(job.path, environment, settings.profile, stored, folders, job)
            choices[job.name] = Choice(*entry["profile"])
        except OSError as exc:
            error = PostError(f"cannot read: {exc.strerror or exc}", str(job.path))
            results.append(Result(path=job.path, name=job.name, errors={READ: error}))
            continue
        names = [f"{job.name}{suffix}" for suffix in suffixes]
        if stored and stored["key"] == entry["key"] and all(name in present for name in names) \
                and _images_unchanged(stored):
            results.append(Result(path=job.path, name=job.name, outputs=[outdir / name for name in names],
                                  warnings=_replayed(stored["warnings"], job.path), cached=True,
                                  profile=choices[job.name], resources=stored["resources"]))
            cache[job.name] = {**stored, **entry}
        else:
            todo.append(job)
    if progress and results:
        progress(list(results))
    if settings.cache and any(cache.pop(job.name, None) for job in todo):
        # Outputs about to be rewritten are no longer the ones their entry vouches for: drop
        # the entries first, so that a run killed half-way never leaves an entry over new
        # files (a post changed, half-converted, then changed back would look up to date).
        _save_cache(cache_path, cache, sites)
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    store = resources.Store(outdir)
    for chunk_results in _map(chunks, outdir, settings, executor, store):
        results.extend(chunk_results)
        for result in chunk_results:
            result.profile = choices[result.name]
            if not settings.cache:
                continue
            if result.ok and not result.skipped and not _retry(result):
                cache[result.name] = {**entries[result.name], "resources": result.resources,
                                      "files": resources.fingerprint(result.resources),
                                      "warnings": _recorded(result)}
            else:
                cache.pop(result.name, None)
        if progress:
            progress(chunk_results)
    if settings.cache and (cache, sites) != loaded:
        _save_cache(cache_path, cache, sites)
    order = {job.path: n for n, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(r.path, 0))


def _fresh_run() -> None:
    """Forget what an earlier run in this process remembered of the file system (real
    paths, sites, the profile `auto` chose): a file may have changed since."""
    forget()
    site_for.cache_clear()
    _folder_fingerprint.cache_clear()
    forget_choices()


def _present(outdir: Path) -> set[str]:
    """The names in OUTDIR that are files, from one listing (a link counts when it leads to one)."""
    with os.scandir(outdir) as listing:
        return {entry.name for entry in listing if entry.is_file()}


def _images_unchanged(entry: dict) -> bool:
    """Whether a cached post's images (site files and stored copies) are as they were."""
    return resources.fingerprint(entry["resources"]) == entry["files"]


def _recorded(result: Result) -> list[list]:
    """A converted post's warnings as its cache entry keeps them, so that a rerun reports
    them again (a cached post is no less warned); the post's own path is stored as None."""
    own = str(result.path)
    return [[None if w.path == own else w.path, w.message, w.line, w.kind] for w in result.warnings]


def _replayed(recorded: list[list], path: Path) -> list[PostWarning]:
    """The warnings `_recorded` kept, under the path the post has in this run."""
    return [PostWarning(str(path) if where is None else where, message, line, kind)
            for where, message, line, kind in recorded]


def _retry(result: Result) -> bool:
    """A post with a remote image that could not be fetched (a server's error, a time-out)
    is not cached, so the next run tries again."""
    return any(r.get("reason") and r.get("reason") != resources.NOT_FETCHED
               and r["url"].startswith(("http://", "https://")) for r in result.resources)


def _map(chunks, outdir, settings: Settings, executor, store) -> Iterable[list[Result]]:
    if executor is None and (settings.jobs <= 1 or len(chunks) <= 1):
        if chunks:
            warm(settings)
        for chunk in chunks:
            yield convert_chunk(chunk, outdir, settings, store)
        return
    from concurrent.futures import ProcessPoolExecutor  # --jobs 1 never starts processes

    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=settings.jobs, initializer=_worker_start,
                                           initargs=(settings,))
    try:
        futures = [pool.submit(convert_chunk, chunk, outdir, settings, store) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker died (memory cap, signal): fail its chunk only
                reason = f"worker failed: {type(exc).__name__}: {exc}"
                yield [Result(path=job.path, name=job.name, errors={READ: OctavoError(reason, str(job.path))})
                       for job in chunk]
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


CACHE_FIELDS = {"key": str, "quick": str, "uses_posts": bool, "profile": list, "resources": list, "files": dict,
                "warnings": list}
"""One stored entry per post: cache_entry's keys, its images' provenance and fingerprint,
and its warnings (reported again when the post is cached)."""


def _load_cache(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """The stored entries of posts and the memo of sites (`Folders.sites`); anything else in
    the file (an older layout, damage) is ignored, which costs a re-conversion, never a
    stale output."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict) or not isinstance(data.get("posts"), dict) or not isinstance(data.get("sites"), dict):
        return {}, {}
    posts = {name: entry for name, entry in data["posts"].items()
             if isinstance(entry, dict) and all(isinstance(entry.get(k), t) for k, t in CACHE_FIELDS.items())}
    sites = {root: memo for root, memo in data["sites"].items()
             if isinstance(memo, dict) and isinstance(memo.get("state"), str)
             and (memo.get("choice") is None or isinstance(memo.get("choice"), list))}
    return posts, sites


def _save_cache(path: Path, posts: dict[str, dict], sites: dict[str, dict]) -> None:
    atomic_write(path, json.dumps({"posts": posts, "sites": sites}, sort_keys=True, indent=0).encode())
