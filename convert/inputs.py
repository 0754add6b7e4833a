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
from .writers import writer

SUFFIXES = {".md", ".markdown", ".html", ".htm"}
SKIP_NAMES = re.compile(r"^(readme|changelog|license|contributing)(\.|$)", re.I)
"""Project documents that share a post's suffix but are not posts (directory walks only)."""
SKIP_DIRS = {"_site", "node_modules", ".git", ".venv"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
"""What Path.exists() takes for "no such file"."""


def safe_name(stem: str) -> str:
    """An output base name that cannot escape OUTDIR or upset a file system, without the
    invisible characters (bidi overrides, controls) that would make it read as another name."""
    name = _UNSAFE.sub("_", strip_controls(stem)[0]).strip(" .")
    return name[:150] or "post"


def discover(inputs: list[str], warn, outdir: Path | None = None) -> list[Job]:
    """Walk files and folders into Jobs; skip what is not a regular post file, with a warning.

    A path that does not exist stays a Job, so that it fails (and is counted) like any
    unreadable post. Files under `outdir` are never inputs: Octavo's own Markdown outputs
    would otherwise be converted again when OUTDIR lies inside an input folder.
    """
    forget()
    files: list[Path] = []
    skip = outdir.resolve() if outdir else None
    for item in inputs:
        path = Path(item)
        if path.is_symlink() and not path.exists():
            warn(f"{item}: broken symbolic link, skipped")
        elif path.is_dir():
            if skip and path.resolve().is_relative_to(skip):
                raise UsageError(f"the input folder {item} lies in the output folder {outdir}: outputs would "
                                 "replace or mix with the posts; write into another folder with -o OUTDIR")
            files.extend(p for p in _walk(path, warn) if not (skip and inside(real(p), skip)))
        elif not path.exists() or _regular(path, warn):
            files.append(path)
    return _name_jobs(files, warn)


def check_clashes(jobs: list[Job], outdir: Path, formats) -> None:
    """UsageError when an output would replace an input (the same file by path, through a
    symbolic link, or as a hard link), before anything is written."""
    inputs: dict[object, Path] = {}
    for job in jobs:
        try:
            info = job.path.stat()
        except OSError as exc:
            if exc.errno not in _MISSING:
                raise
            continue
        inputs[real(job.path)] = job.path
        inputs[(info.st_dev, info.st_ino)] = job.path
    suffixes = [writer(f).SUFFIX for f in formats]
    for target in [outdir / f"{job.name}{suffix}" for job in jobs for suffix in suffixes] + [outdir / CACHE_FILE]:
        clash = _replaced_input(target, inputs)
        if clash is not None:
            raise UsageError(f"the output {target} would replace the input {clash}; "
                             "write into another folder with -o OUTDIR")


def check_book_output(jobs: list[Job], output: Path) -> None:
    """UsageError when the book would replace one of its inputs (by path, symbolic link or
    hard link), before anything is read."""
    if not output.exists():
        return
    for job in jobs:
        if job.path.exists() and (job.path.resolve() == output.resolve() or job.path.samefile(output)):
            raise UsageError(f"the book {output} would replace the input {job.path}; name another file with -o")


def _replaced_input(target: Path, inputs: dict[object, Path]) -> Path | None:
    """The input that writing `target` would replace: by real path, or by inode through a
    link; None when `target` does not exist yet (its real path is then no input's either)."""
    try:
        info = os.lstat(target)
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return None
    if not stat.S_ISLNK(info.st_mode):
        return inputs.get(real(target)) or inputs.get((info.st_dev, info.st_ino))
    clash = inputs.get(target.resolve())
    if clash is None and target.exists():
        info = target.stat()
        clash = inputs.get((info.st_dev, info.st_ino))
    return clash


def _regular(path: Path, warn, mode: int | None = None) -> bool:
    """Whether `path` (whose `mode` may be known already) is a regular file; else a warning."""
    if not stat.S_ISREG(path.stat().st_mode if mode is None else mode):
        warn(f"{path}: not a regular file (FIFO, device or folder), skipped")
        return False
    return True


def _walk(root: Path, warn) -> list[Path]:
    """Post files under `root`, sorted; symlinks that lead outside `root` are skipped, and so
    are Octavo's own output folders below it (they hold its cache file), whose Markdown and
    HTML would otherwise be converted again."""
    real_root = root.resolve()
    everything = list(root.rglob("*"))
    outputs = sorted({path.parent for path in everything if path.name == CACHE_FILE and path.parent != root})
    for folder in outputs:
        warn(f"{folder}: an Octavo output folder ({CACHE_FILE}), skipped")
    found = []
    for path in sorted(everything):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith(".") or SKIP_NAMES.match(path.name):
            continue
        folders = path.parts[len(root.parts):-1]   # rglob's paths start with root's parts
        if any(part.startswith(".") or part in SKIP_DIRS for part in folders):
            continue
        if any(path.is_relative_to(folder) for folder in outputs):
            continue
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            if exc.errno not in _MISSING:
                raise
            continue
        if stat.S_ISLNK(mode):
            if not path.resolve().is_relative_to(real_root):
                warn(f"{path}: symbolic link leads outside {root}, skipped")
                continue
            if not path.exists():
                continue
            mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            warn(f"{path}: a folder named like a post, skipped")
        elif _regular(path, warn, mode):
            found.append(path)
    return found


def _name_jobs(files: list[Path], warn) -> list[Job]:
    """One Job per distinct file; a repeated output name gets -2, -3… and a warning."""
    jobs: list[Job] = []
    seen_paths: set[Path] = set()
    used: set[str] = set()
    for path in files:
        resolved = real(path)
        if resolved in seen_paths:
            continue
        seen_paths.add(resolved)
        base = safe_name(path.stem)
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base}-{n}"
        if name != base:
            warn(f"{path}: output name {base!r} already taken, writing {name!r}")
        used.add(name.lower())
        jobs.append(Job(path=path, name=name))
    return jobs
