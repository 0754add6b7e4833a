"""A PDF's first page as a small JPEG, and its page count, from poppler run locally: what a
review card shows of the PDF without a viewer (a few KB each, so a page of 1,000 cards stays light)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HEIGHT = 240
"""Pixels of the thumbnail's longer side: enough to see the layout, not to read the text."""
QUALITY = 55
TIMEOUT = 60


def first_page(pdf: Path) -> bytes | None:
    """The first page as JPEG bytes; None when poppler is missing or cannot render the file."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="octavo-thumb-") as work:
        stem = Path(work) / "page"
        try:
            subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-scale-to", str(HEIGHT), "-jpeg",
                            "-jpegopt", f"quality={QUALITY},optimize=y", str(pdf), str(stem)],
                           capture_output=True, timeout=TIMEOUT, check=True)
            return stem.with_suffix(".jpg").read_bytes()
        except (OSError, subprocess.SubprocessError):
            return None


def pages(pdf: Path) -> int | None:
    """The PDF's page count (pdfinfo); None when unknown."""
    if shutil.which("pdfinfo") is None:
        return None
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, errors="replace",
                              timeout=TIMEOUT, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(found.group(1)) if found else None
