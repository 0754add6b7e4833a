"""The batch runner: many posts through an Executor, atomic writes, a cache, a failure report.

Conversion itself knows nothing of this module. Work goes to workers in chunks so that
a writer with `write_many` (one pandoc process per chunk) and a writer's `warm()`
(WeasyPrint's font set-up) are paid per chunk and per worker, not per post.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import tempfile
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .errors import OctavoError, PostError
from .model import Document
from .writers import writer

log = logging.getLogger(__name__)

CHUNK = 8
"""Posts per worker task: large enough to share a pandoc process, small enough to balance."""
READ_TIMEOUT = 60.0
"""Seconds one post may take to read and normalize (pathological Markdown is slow, not endless)."""
CACHE_FILE = ".octavo-cache.json"


@dataclass
class Job:
    """One input file and the output base name chosen for it."""

    path: Path
    name: str


@dataclass
class Result:
    """What became of one input: the files written, or the error that stopped it."""

    path: Path
    name: str = ""
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    cached: bool = False


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


def _render(docs: list[Document], fmt: str, options: dict) -> list[bytes | Exception]:
    """Render docs in one format, through write_many when the writer batches."""
    module = writer(fmt)
    if hasattr(module, "write_many") and len(docs) > 1:
        return module.write_many(docs, options)
    out: list[bytes | Exception] = []
    for doc in docs:
        try:
            out.append(module.write(doc, options))
        except Exception as exc:  # one post's failure, whatever its type, is that post's alone
            out.append(exc)
    return out


def convert_chunk(jobs: list[Job], outdir: Path, formats: list[str], options: dict) -> list[Result]:
    """Read, normalize and write one chunk of posts (runs inside a worker)."""
    from . import load

    results = [Result(path=job.path, name=job.name) for job in jobs]
    docs: dict[int, Document] = {}
    for i, job in enumerate(jobs):
        try:
            with _time_limit(READ_TIMEOUT, str(job.path)):
                docs[i] = load(job.path, **options.get("reader", {}))
            results[i].warnings = docs[i].warnings
        except OctavoError as exc:
            results[i].error = str(exc)
        except Exception as exc:  # a bug must not stop the batch; report it against the file
            results[i].error = f"{job.path}: internal error: {type(exc).__name__}: {exc}"
    rendered: dict[int, dict[str, bytes]] = {i: {} for i in docs}
    for fmt in formats:
        order = [i for i in docs if results[i].error is None]
        try:
            outputs = _render([docs[i] for i in order], fmt, options)
        except Exception as exc:
            outputs = [exc] * len(order)
        for i, data in zip(order, outputs):
            if isinstance(data, Exception):
                message = str(data) if isinstance(data, OctavoError) else f"{type(data).__name__}: {data}"
                if str(jobs[i].path) not in message:
                    message = f"{jobs[i].path}: {fmt}: {message}"
                results[i].error = message
            else:
                rendered[i][fmt] = data
    for i, files in rendered.items():
        if results[i].error is None:
            _write_all(results[i], outdir, jobs[i].name, files)
    return results


def _write_all(result: Result, outdir: Path, name: str, files: dict[str, bytes]) -> None:
    """Write every format of one post, or none: on failure, remove what was written."""
    try:
        for fmt, data in files.items():
            target = outdir / f"{name}{writer(fmt).SUFFIX}"
            atomic_write(target, data)
            result.outputs.append(target)
    except OSError as exc:
        for path in result.outputs:
            path.unlink(missing_ok=True)
        result.outputs = []
        result.error = f"{result.path}: cannot write output: {exc}"


def warm(formats: list[str]) -> None:
    """Worker initializer: import writers and pay their one-time set-up once per process."""
    for fmt in formats:
        module = writer(fmt)
        if hasattr(module, "warm"):
            module.warm()


def _worker_start(formats: list[str]) -> None:
    """Process-pool initializer: leave Ctrl-C to the parent (which stops handing out work and
    lets running chunks finish their atomic writes), then warm the writers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm(formats)


def _code_fingerprint() -> str:
    """Hash of Octavo's own code and styles, so a changed Octavo never reuses stale outputs."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.json"), *root.rglob("*.lua"),
                        *(root.parent / "styles").glob("*.css")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(path: Path, formats: list[str], options: dict, fingerprint: str) -> str:
    """Content hash of everything an output depends on."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(path.read_bytes())
    digest.update(json.dumps([formats, options, os.environ.get("SOURCE_DATE_EPOCH")],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


def run(jobs: list[Job], outdir: Path, formats: list[str], options: dict, *,
        jobs_count: int = 1, executor: Executor | None = None, use_cache: bool = True,
        progress: Callable[[int], None] | None = None) -> list[Result]:
    """Convert every job; failures are collected in the results, never raised.

    `executor` may be any concurrent.futures.Executor (a Dask client works too);
    by default a process pool of `jobs_count` workers, or in-process for one job.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    cache_path = outdir / CACHE_FILE
    cache = _load_cache(cache_path) if use_cache else {}
    fingerprint = _code_fingerprint()
    keys: dict[str, str] = {}
    results: list[Result] = []
    todo: list[Job] = []
    for job in jobs:
        try:
            keys[job.name] = cache_key(job.path, formats, options, fingerprint)
        except OSError as exc:
            error = PostError(f"cannot read: {exc.strerror}", str(job.path))
            results.append(Result(path=job.path, name=job.name, error=str(error)))
            continue
        expected = [outdir / f"{job.name}{writer(f).SUFFIX}" for f in formats]
        if use_cache and cache.get(job.name) == keys[job.name] and all(p.exists() for p in expected):
            results.append(Result(path=job.path, name=job.name, outputs=expected, cached=True))
        else:
            todo.append(job)
    if progress and results:
        progress(len(results))
    chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
    for chunk_results in _map(chunks, outdir, formats, options, jobs_count, executor):
        results.extend(chunk_results)
        for result in chunk_results:
            if result.error is None:
                cache[result.name] = keys[result.name]
            else:
                cache.pop(result.name, None)
        if progress:
            progress(len(chunk_results))
    if use_cache:
        atomic_write(cache_path, json.dumps(cache, sort_keys=True, indent=0).encode())
    order = {job.path: n for n, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(r.path, 0))


def _map(chunks, outdir, formats, options, jobs_count, executor) -> Iterable[list[Result]]:
    if executor is None and (jobs_count <= 1 or len(chunks) <= 1):
        warm(formats)
        for chunk in chunks:
            yield convert_chunk(chunk, outdir, formats, options)
        return
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=jobs_count, initializer=_worker_start, initargs=(formats,))
    try:
        futures = [pool.submit(convert_chunk, chunk, outdir, formats, options) for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker died (memory cap, signal): fail its chunk only
                reason = f"worker failed: {type(exc).__name__}: {exc}"
                yield [Result(path=job.path, name=job.name, error=f"{job.path}: {reason}") for job in chunk]
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def _load_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
