"""Command-line inputs → post files, with safe and unique output names that never
replace an input."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .batch import CACHE_FILE, Job
from .controls import strip_controls
from .errors import UsageError
from .paths import forget, inside, real
from .writers import writer_suffix

SUFFIXES = {".md", ".markdown", ".html", ".htm"}
SKIP_NAMES = re.compile(r"^(readme|changelog|license|contributing)(\.|$)", re.I)
"""Project documents that share a post's suffix but are not posts (directory walks only)."""
SKIP_DIRS = {"_site", "node_modules", ".git", ".venv"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
"""What Path.exists() takes for "no such file"."""


def safe_name(stem: str) -> str:
    """An output base name that cannot escape OUTDIR or upset a file system, without the
    invisible characters (bidi overrides, controls) that would make it read as another name;
    at most 150 characters and MAX_NAME_BYTES bytes of UTF-8, cut at a character."""
    name = _UNSAFE.sub("_", strip_controls(stem)[0]).strip(" .")[:150]
    name = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    return name or "post"


MAX_NAME_BYTES = 180
"""File systems allow 255 bytes a name; a temporary output is `.NAME.SUFFIX.RANDOM.tmp`
(NAME + 25 bytes with `.csl.json`): 80 CJK characters, 240 bytes, failed every format."""


def discover(inputs: list[str], warn, outdir: Path | None = None) -> list[Job]:
    """Walk files and folders into Jobs; skip what is not a regular post file, with a warning.

    A path that does not exist stays a Job, so that it fails (and is counted) like any
    unreadable post. Files under `outdir` are never inputs: Octavo's own Markdown outputs
    would otherwise be converted again when OUTDIR lies inside an input folder.
    """
    forget()
    files: list[Job] = []
    skip = os.path.realpath(outdir) if outdir else None
    for item in inputs:
        path = Path(item)
        if path.is_symlink() and not path.exists():
            warn(f"{item}: broken symbolic link, skipped")
        elif path.is_dir():
            if skip and inside(os.path.realpath(path), skip):
                raise UsageError(f"the input folder {item} lies in the output folder {outdir}: outputs would "
                                 "replace or mix with the posts; write into another folder with -o OUTDIR")
            files.extend(job for job in _walk(path, warn) if not (skip and inside(job.real, skip)))
        elif not path.exists():
            files.append(Job(path, "", os.fspath(real(path))))
        elif _regular(path, warn):
            files.append(Job(path, "", os.fspath(real(path)), path.stat()))
    return _name_jobs(files, warn)


def check_clashes(jobs: list[Job], outdir: Path, formats) -> None:
    """UsageError when an output would replace an input (the same file by path, through a
    symbolic link, or as a hard link), before anything is written. OUTDIR is listed once;
    only the outputs already there are looked at."""
    inputs: dict[object, Path] = {}
    for job in jobs:
        info = job.info
        if info is None:
            try:
                info = job.path.stat()
            except OSError as exc:
                if exc.errno not in _MISSING:
                    raise
                continue
        inputs[job.real or os.fspath(real(job.path))] = job.path
        inputs[(info.st_dev, info.st_ino)] = job.path
    try:
        with os.scandir(outdir) as listing:
            present = {entry.name: entry for entry in listing}
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return   # no OUTDIR yet: nothing in it to replace
    real_outdir = os.path.realpath(outdir)
    suffixes = [writer_suffix(f) for f in formats]
    for name in [f"{job.name}{suffix}" for job in jobs for suffix in suffixes] + [CACHE_FILE]:
        entry = present.get(name)
        clash = entry and _replaced_input(entry, os.path.join(real_outdir, name), inputs)
        if clash:
            raise UsageError(f"the output {outdir / name} would replace the input {clash}; "
                             "write into another folder with -o OUTDIR")


def check_book_output(jobs: list[Job], output: Path) -> None:
    """UsageError when the book would replace one of its inputs (by path, symbolic link or
    hard link), before anything is read."""
    if not output.exists():
        return
    for job in jobs:
        if job.path.exists() and (job.path.resolve() == output.resolve() or job.path.samefile(output)):
            raise UsageError(f"the book {output} would replace the input {job.path}; name another file with -o")


def _replaced_input(entry: os.DirEntry, real_path: str, inputs: dict[object, Path]) -> Path | None:
    """The input that writing the existing OUTDIR entry (whose real path is `real_path`
    unless it is a link) would replace: by real path, or by inode through a link."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return None
    if not stat.S_ISLNK(info.st_mode):
        return inputs.get(real_path) or inputs.get((info.st_dev, info.st_ino))
    clash = inputs.get(os.path.realpath(entry.path))
    if clash is None and os.path.exists(entry.path):
        info = os.stat(entry.path)
        clash = inputs.get((info.st_dev, info.st_ino))
    return clash


def _regular(path: Path, warn, mode: int | None = None) -> bool:
    """Whether `path` (whose `mode` may be known already) is a regular file; else a warning."""
    if not stat.S_ISREG(path.stat().st_mode if mode is None else mode):
        warn(f"{path}: not a regular file (FIFO, device or folder), skipped")
        return False
    return True


def _walk(root: Path, warn) -> list[Job]:
    """Post files under `root` in path order (unnamed Jobs, with real path and status):
    symlinks that lead outside `root` are skipped, and so are hidden folders, SKIP_DIRS and
    Octavo's own output folders below it (they hold its cache file), whose Markdown and HTML
    would otherwise be converted again. One listing per folder, one lstat per post file."""
    real_root = os.path.realpath(root)
    found: list[Job] = []

    def visit(folder: str, real_folder: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return
        if real_folder != real_root and any(entry.name == CACHE_FILE for entry in entries):
            warn(f"{Path(folder)}: an Octavo output folder ({CACHE_FILE}), skipped")
            return
        for entry in entries:
            name = entry.name
            post_like = (os.path.splitext(name)[1].lower() in SUFFIXES and not name.startswith(".")
                         and not SKIP_NAMES.match(name))
            if entry.is_dir(follow_symlinks=False):
                if name.startswith(".") or name in SKIP_DIRS:
                    continue
                if post_like:
                    warn(f"{Path(entry.path)}: a folder named like a post, skipped")
                visit(entry.path, os.path.join(real_folder, name))
                continue
            if not post_like:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in _MISSING:
                    raise
                continue
            path, real_path = Path(entry.path), os.path.join(real_folder, name)
            if stat.S_ISLNK(info.st_mode):
                real_path = os.path.realpath(entry.path)
                if not inside(real_path, real_root):
                    warn(f"{path}: symbolic link leads outside {root}, skipped")
                    continue
                try:
                    info = os.stat(entry.path)
                except OSError as exc:
                    if exc.errno not in _MISSING:
                        raise
                    continue
            if stat.S_ISDIR(info.st_mode):
                warn(f"{path}: a folder named like a post, skipped")
            elif _regular(path, warn, info.st_mode):
                found.append(Job(path, "", real_path, info))

    visit(os.fspath(root), real_root)
    return found


def _name_jobs(files: list[Job], warn) -> list[Job]:
    """Name each distinct file (by real path): a repeated output name gets -2, -3… and a warning."""
    jobs: list[Job] = []
    seen_paths: set[str] = set()
    used: set[str] = set()
    for job in files:
        if job.real in seen_paths:
            continue
        seen_paths.add(job.real)
        base = safe_name(job.path.stem)
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base}-{n}"
        if name != base:
            warn(f"{job.path}: output name {base!r} already taken, writing {name!r}")
        used.add(name.lower())
        job.name = name
        jobs.append(job)
    return jobs
