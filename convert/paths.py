"""Real paths for many files of a few folders: each folder resolved once, a file joined to
its folder's real path unless the file itself is a symbolic link (Path.resolve() walks
every component of every file, several times per post)."""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.lru_cache(maxsize=1024)
def _real_folder(folder: str, cwd: str) -> Path:
    """The real path of `folder`; `cwd` is part of the key, a relative folder depends on it."""
    return Path(os.path.realpath(folder))


def real(path: Path) -> Path:
    """What `path.resolve()` gives (links followed, `..` taken physically), at one lstat
    when the folder was seen before. Folders are remembered until `forget()`."""
    if path.name in ("", "..") or path.is_symlink():
        return path.resolve()
    return _real_folder(os.fspath(path.parent), os.getcwd()) / path.name


def forget() -> None:
    """Drop the remembered folders (a run starts afresh: a link may have been moved)."""
    _real_folder.cache_clear()


def inside(path: str, folder: str) -> bool:
    """`Path(path).is_relative_to(folder)` for two real (absolute) paths as strings, without
    making Paths (discovery asks it of every post file)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def states(files) -> str:
    """One line per `(name, file)` pair, the file being anything with `stat()` (a Path, an
    os.DirEntry): name, size and mtime, the stat-first stand-in for its bytes in cache
    keys; a file that cannot be stat'ed is left out (its absence is the change)."""
    lines = []
    for name, file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        lines.append(f"{name}\0{info.st_size}\0{info.st_mtime_ns}")
    return "\n".join(lines)
