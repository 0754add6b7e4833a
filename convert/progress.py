"""Progress of a batch on stderr: a bar with rate and ETA on a terminal, a plain line every
few seconds otherwise (CI logs), and lines printed above the bar, never into it."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

PLAIN_EVERY = 10.0
"""Seconds between plain progress lines when stderr is not a terminal."""


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Counts finished posts out of `total`; `line()` prints a message above the bar."""

    def __init__(self, total: int, *, label: str = "converting", stream: TextIO | None = None,
                 enabled: bool = True, clock=time.monotonic):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream or sys.stderr
        self.clock = clock
        self.started = self.last_plain = clock()
        self.tty = enabled and self.stream.isatty()
        self.plain = enabled and not self.tty
        self._drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> bool:
        self._clear()
        return False

    def advance(self, n: int) -> None:
        """`n` more posts finished (converted, cached, skipped or failed)."""
        self.done += n
        now = self.clock()
        if self.tty:
            self._draw()
        elif self.plain and (now - self.last_plain >= PLAIN_EVERY) and self.done < self.total:
            self.last_plain = now
            self.stream.write(f"octavo: {self.status()}\n")
            self.stream.flush()

    def line(self, text: str) -> None:
        """Print `text` on its own line above the bar (the bar is redrawn below it)."""
        self._clear()
        self.stream.write(text + "\n")
        if self.tty:
            self._draw()
        self.stream.flush()

    def status(self) -> str:
        """`120 of 512 (23%), 35.2 posts/s, 0:11 left`: what both the bar and the plain lines say."""
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        left = f", {_duration((self.total - self.done) / rate)} left" if rate > 0 and self.done < self.total else ""
        return f"{self.label} {self.done} of {self.total}{share}, {rate:.1f} posts/s{left}"

    def _draw(self) -> None:
        status = self.status()
        width = max(10, min(30, shutil.get_terminal_size((80, 20)).columns - 64))   # steady as figures change
        filled = width * self.done // self.total if self.total else width
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {status}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self._drawn = False
