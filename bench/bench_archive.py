"""Benchmark: `octavo archive` over the corpus from scratch, then again with nothing changed
(the whole command each time, start-up included), into a fresh folder.

    .venv/bin/python bench/bench_archive.py [--jobs 2] [--format bagit] [CORPUS_DIR]

Prints both wall times and the re-run's share of the first run (the target is under 5%):
the re-run converts nothing (the cache) and keeps the bag, whose link already names a
package made from the same staged files.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FINEWS = ROOT.parent / "shared" / "corpus" / "finews"


def archive(corpus: Path, out: Path, jobs: int, fmt: str) -> float:
    """Wall time of one `octavo archive` process; exits when it fails."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "convert", "archive", str(corpus), "-o", str(out),
                          "--jobs", str(jobs), "--format", fmt, "-q"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):   # 1: some post failed, the others are archived
        sys.exit(f"octavo archive failed ({run.returncode}):\n{run.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=FINEWS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", default="bagit", choices=["bagit", "saf", "invenio"])
    args = parser.parse_args()
    posts = [p for p in args.corpus.glob("*.md") if p.name != "README.md"]
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "archive"
        first = archive(args.corpus, out, args.jobs, args.format)
        again = archive(args.corpus, out, args.jobs, args.format)
        files = sum(1 for p in (out / {"bagit": "bag"}.get(args.format, args.format)).rglob("*") if p.is_file())
    print(f"archive ({args.format}, --jobs {args.jobs}) of {len(posts)} posts from scratch: {first:.1f} s "
          f"({files} files in the package)")
    print(f"re-run with nothing changed: {again:.2f} s = {100 * again / first:.1f}% of the first run "
          f"(target: under 5%)")


if __name__ == "__main__":
    main()
