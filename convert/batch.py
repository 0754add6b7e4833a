"""The batch runner: many posts through an Executor, atomic writes, a cache, typed results.

Conversion itself knows nothing of this module. Work goes to workers in chunks so that
a writer with `write_many` (one pandoc process per chunk) and a writer's `warm()`
(WeasyPrint's font set-up) are paid per chunk and per worker, not per post.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__, assets
from .errors import ExportError, InternalError, OctavoError, PostError, PostWarning, StrictError, collecting
from .model import Document
from .settings import Settings
from .site import posts_fingerprint, site_fingerprint, site_for
from .writers import BatchWriter, WarmWriter, writer

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

    @property
    def ok(self) -> bool:
        return not self.errors


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _umask()
"""The process's umask: outputs get ordinary permissions, not mkstemp's private 0600."""


def atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and os.replace: never a partial file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~UMASK)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _time_limit(seconds: float, path: str):
    """Raise PostError when the block runs longer than `seconds` (SIGALRM; main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise PostError(f"reading took longer than {seconds:g} s", path)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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


def convert_chunk(jobs: list[Job], outdir: Path, settings: Settings) -> list[Result]:
    """Read, normalize and write one chunk of posts (runs inside a worker).

    Each format stands alone: one that fails costs only itself, the others are written.
    """
    from . import load

    results = [Result(path=job.path, name=job.name) for job in jobs]
    docs: dict[int, Document] = {}
    for i, job in enumerate(jobs):
        try:
            with _time_limit(settings.read_timeout, str(job.path)):
                doc = load(job.path, settings)
        except Exception as exc:  # a bug must not stop the batch; it is reported against the file
            results[i].errors[READ] = _as_error(exc, str(job.path))
            continue
        results[i].warnings = list(doc.warnings)
        if not (doc.meta.published or settings.unpublished):
            results[i].skipped = True
            results[i].warnings.append(PostWarning(str(job.path), UNPUBLISHED, kind="unpublished"))
            continue
        refused = settings.strict and strict_error(str(job.path), doc.warnings, "reading")
        if refused:
            results[i].errors[READ] = refused
            continue
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
        target = outdir / f"{name}{writer(fmt).SUFFIX}"
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
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def environment_fingerprint(settings: Settings) -> str:
    """Everything besides the post that shapes its outputs, once per run: Octavo's code
    and assets, the user's stylesheets, the settings, pandoc's and WeasyPrint's versions,
    the fonts (when a PDF is made) and SOURCE_DATE_EPOCH."""
    parts = [_code_fingerprint(), json.dumps(settings.fingerprint(), sort_keys=True),
             _version("pypandoc-binary"), _version("weasyprint"), os.environ.get("SOURCE_DATE_EPOCH", "")]
    if settings.styles:
        parts += [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(settings.styles.glob("*.css"))]
    if "pdf" in settings.formats:
        parts.append(_fonts_fingerprint())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp")


@functools.lru_cache(maxsize=1024)
def _folder_fingerprint(folder: Path) -> str:
    """What a post may pull in from its folder and site: the resolved `_config.yml` and
    `_data/`, the files of the site's `_includes/` and `_data/`, and the image files beside
    it (name, size, mtime)."""
    site = site_for(folder)
    digest = hashlib.sha256(repr(site).encode())
    digest.update(site_fingerprint(site).encode())
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        entries = []
    for entry in entries:
        if entry.name.lower().endswith(IMAGE_SUFFIXES):
            try:
                info = entry.stat()
            except OSError:
                continue
            digest.update(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


_LINKS_POSTS = re.compile(rb"{%-?\s*(?:post_url|link)\b")
"""Liquid tags whose output is another post's permalink, read from that post's file."""


def cache_key(path: Path, environment: str) -> str:
    """Content hash of everything one post's outputs depend on (OSError when unreadable)."""
    digest = hashlib.sha256(environment.encode())
    folder = path.resolve().parent
    digest.update(_folder_fingerprint(folder).encode())
    raw = path.read_bytes()
    if _LINKS_POSTS.search(raw):
        digest.update(posts_fingerprint(site_for(folder)).encode())
    digest.update(raw)
    return digest.hexdigest()


def run(jobs: list[Job], outdir: Path, settings: Settings, *, executor: Executor | None = None,
        progress: Callable[[int], None] | None = None) -> list[Result]:
    """Convert every job; failures are collected in the results, never raised.

    `executor` may be any concurrent.futures.Executor (a Dask client works too);
    by default a process pool of `settings.jobs` workers, or in-process for one job.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    cache_path = outdir / CACHE_FILE
    cache = _load_cache(cache_path) if settings.cache else {}
    environment = environment_fingerprint(settings)
    keys: dict[str, str] = {}
    results: list[Result] = []
    todo: list[Job] = []
    for job in jobs:
        try:
            keys[job.name] = cache_key(job.path, environment)
        except OSError as exc:
            error = PostError(f"cannot read: {exc.strerror or exc}", str(job.path))
            results.append(Result(path=job.path, name=job.name, errors={READ: error}))
            continue
        expected = [outdir / f"{job.name}{writer(f).SUFFIX}" for f in settings.formats]
        if settings.cache and cache.get(job.name) == keys[job.name] and all(p.exists() for p in expected):
            results.append(Result(path=job.path, name=job.name, outputs=expected, cached=True))
        else:
            todo.append(job)
    if progress and results:
        progress(len(results))
    if settings.cache and any(cache.pop(job.name, None) for job in todo):
        # Outputs about to be rewritten are no longer the ones their entry vouches for: drop
        # the entries first, so that a run killed half-way never leaves an entry over new
        # files (a post changed, half-converted, then changed back would look up to date).
        atomic_write(cache_path, json.dumps(cache, sort_keys=True, indent=0).encode())
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    for chunk_results in _map(chunks, outdir, settings, executor):
        results.extend(chunk_results)
        for result in chunk_results:
            if result.ok and not result.skipped:
                cache[result.name] = keys[result.name]
            else:
                cache.pop(result.name, None)
        if progress:
            progress(len(chunk_results))
    if settings.cache:
        atomic_write(cache_path, json.dumps(cache, sort_keys=True, indent=0).encode())
    order = {job.path: n for n, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(r.path, 0))


def _map(chunks, outdir, settings: Settings, executor) -> Iterable[list[Result]]:
    if executor is None and (settings.jobs <= 1 or len(chunks) <= 1):
        if chunks:
            warm(settings)
        for chunk in chunks:
            yield convert_chunk(chunk, outdir, settings)
        return
    from concurrent.futures import ProcessPoolExecutor  # --jobs 1 never starts processes

    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=settings.jobs, initializer=_worker_start,
                                           initargs=(settings,))
    try:
        futures = [pool.submit(convert_chunk, chunk, outdir, settings) for chunk in chunks]
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


def _load_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
