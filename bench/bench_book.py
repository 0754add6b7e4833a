"""A book of the corpus against converting its posts one by one, both as whole processes.

Run: .venv/bin/python bench/bench_book.py [--jobs N] [CORPUS_DIR]

For EPUB and for PDF, in the same invocation: `octavo book CORPUS -o book.FMT --group-by
month` (one document: one pandoc process, or one WeasyPrint render) against `octavo
convert CORPUS -t FMT --no-cache` (one file per post), both with `--jobs N`. Prints the
wall-clock and the CPU time (user + system, the processes' own: steadier on a shared
machine) of each, and their ratios (the book's over the batch's).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus" / "finews"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `octavo` process (its workers included)."""
    start, start_cpu = time.perf_counter(), cpu()
    proc = subprocess.run([sys.executable, "-m", "convert", *args], cwd=ROOT, capture_output=True, text=True)
    elapsed, used = time.perf_counter() - start, cpu() - start_cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(f"octavo {' '.join(args)} failed:\n{proc.stderr}")
    return elapsed, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=SHARED if SHARED.is_dir() else ROOT / "tests" / "corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    posts = len([p for p in args.corpus.glob("*.md") if p.name != "README.md"])
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("epub", "pdf"):
            book = timed(["book", str(args.corpus), "-o", f"{tmp}/book.{fmt}", "--group-by", "month",
                          "--jobs", str(args.jobs), "-q"])
            each = timed(["convert", str(args.corpus), "-o", f"{tmp}/{fmt}", "-t", fmt, "--no-cache",
                          "--jobs", str(args.jobs), "-q"])
            print(f"{fmt}: book of {posts} posts {book[0]:.1f} s ({book[1]:.1f} s CPU); one file per post "
                  f"{each[0]:.1f} s ({each[1]:.1f} s CPU); book / per-post = {book[0] / each[0]:.2f} "
                  f"({book[1] / each[1]:.2f} in CPU time)")


if __name__ == "__main__":
    main()
