"""Octavo's exception hierarchy: one base type, one subclass and exit code per stage."""

from __future__ import annotations


class OctavoError(Exception):
    """Base of every error Octavo reports to the user (printed without a traceback)."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class PostError(OctavoError):
    """A post cannot be read: undecodable bytes, unreadable front matter, too large."""


class ExportError(OctavoError):
    """A writer failed on a readable post (missing glyphs, pandoc or WeasyPrint failure)."""


class ArchiveError(OctavoError):
    """A package (BagIt bag) cannot be built or does not validate."""


class UsageError(OctavoError):
    """The command line asks for something impossible (unknown format, no inputs)."""

    exit_code = 2
