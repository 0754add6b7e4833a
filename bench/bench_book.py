"""A book of the corpus against converting its posts one by one, both as whole processes.

Run: .venv/bin/python bench/bench_book.py [--jobs N] [CORPUS_DIR]

For EPUB and for PDF, in the same invocation: `octavo book CORPUS -o book.FMT --group-by
month` (one document: one pandoc process, or one WeasyPrint render) against `octavo
convert CORPUS -t FMT --no-cache` (one file per post), both with `--jobs N`. Prints the
wall-clock time of each and their ratio (the book's time over the batch's).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus" / "finews"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "convert", *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"octavo {' '.join(args)} failed:\n{proc.stderr}")
    return elapsed


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
            print(f"{fmt}: book of {posts} posts {book:.1f} s; one file per post {each:.1f} s; "
                  f"book / per-post = {book / each:.2f}")


if __name__ == "__main__":
    main()
