"""Octavo's problems: errors (raised, one subclass and exit status per case) and warnings
(collected with each post's result; the reporter decides what to show)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class OctavoError(Exception):
    """Base of every error Octavo reports to the user (printed without a traceback)."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.message}"

    def __reduce__(self):
        """Pickle with path and line (worker processes send errors back to the parent)."""
        return type(self), (self.message, self.path, self.line)


class PostError(OctavoError):
    """A post cannot be read: undecodable bytes, unreadable front matter, too large."""


class ExportError(OctavoError):
    """A writer failed on a readable post (pandoc or WeasyPrint failure, a limit)."""


class InternalError(ExportError):
    """A bug: an exception Octavo did not expect, reported against the post it hit."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message, path, line)

    @classmethod
    def wrap(cls, exc: BaseException, path: str | None) -> "InternalError":
        return cls(f"internal error (please report): {type(exc).__name__}: {exc}", path)


class StrictError(PostError):
    """`--strict`: a post that needed a repair (each warning is one) is a failure."""


class ArchiveError(OctavoError):
    """A package (BagIt bag) cannot be built or does not validate."""


class UsageError(OctavoError):
    """The command line or settings ask for something impossible (unknown format, bad value,
    an output that would replace an input)."""

    exit_code = 2


def _where(path: str | None, line: int | None) -> str:
    if not path:
        return ""
    return f"{path}:{line}: " if line else f"{path}: "


@dataclass(frozen=True)
class PostWarning:
    """Something repaired, assumed or left out while converting one post.

    `kind` groups warnings for the reporter: the same kind from many posts (say, an
    assumed time zone) can be shown once with a count.
    """

    path: str
    message: str
    line: int | None = None
    kind: str = "repair"

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.message}"

    @property
    def is_repair(self) -> bool:
        """Whether Octavo had to repair, assume or lose something (what --strict refuses),
        rather than do what it does by design (BY_DESIGN)."""
        return self.kind not in BY_DESIGN


BY_DESIGN = frozenset({"navigation", "chart", "title-from-file-name", "duplicate", "book-selection",
                       "offline-resource"})
"""Warning kinds that are not repairs: what normalization removes on purpose (the profile's
navigation links, live chart images), what Jekyll itself does (a blog post without a
title is titled from its file name), what `octavo book` is asked to do (a second copy of
an article it holds left out, an undated post outside --since/--until) and what the user
chose (remote images left as their description and URL when --fetch-assets is not given).
Reported, so nothing goes unsaid; --strict lets them pass (an image that could not be
archived, kind `resource`, it does not)."""


_SINK: ContextVar[list[PostWarning] | None] = ContextVar("octavo_warnings", default=None)


@contextmanager
def collecting():
    """Collect the warnings `warn()` gives inside the block (writers use it; batch reads them)."""
    sink: list[PostWarning] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def warn(path: str, message: str, line: int | None = None, kind: str = "repair") -> None:
    """A writer's warning about the post at `path`, into the innermost `collecting()` block.

    Outside any block (a library user calling a writer directly) it goes to the
    `convert` logger instead, so nothing is lost silently.
    """
    warning = PostWarning(path, message, line, kind)
    sink = _SINK.get()
    if sink is None:
        import logging

        logging.getLogger("convert").warning("%s", warning)
    else:
        sink.append(warning)
