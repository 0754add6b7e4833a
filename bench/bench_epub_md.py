"""EPUB + Markdown for the corpus: Octavo's batch path against the naive pandoc loop.

Run: .venv/bin/python bench/bench_epub_md.py [--batch-size N] [CORPUS_DIR]

- naive: per post, `pandoc post.md -o post.epub` and `pandoc -t gfm post.md`
  (two processes per post, no sandbox, no metadata, no cleaning);
- octavo per document: `epub.write` + `markdown.write` (one sandboxed pandoc per
  post per format, the path a single `octavo convert` takes);
- octavo batch: `epub.write_many` + `markdown.write_many` (one `pandoc lua` process
  per batch per format), with and without the time to read and normalize the posts,
  and the share of it spent formatting the colophons' citations (one `pandoc lua`
  citeproc run for the corpus, `citation.prepare`);
- octavo runner: `convert.batch.run` (chunks of posts over a process pool, one
  worker per CPU), reading, writing files and all.

All three run in the same invocation on the same machine; the ratio printed is naive
time over Octavo's batch time including reading. Target: ≥ 3×.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import convert  # noqa: E402
from convert import batch, citation  # noqa: E402
from convert.pandoc import executable  # noqa: E402
from convert.writers import epub, markdown  # noqa: E402
from convert.settings import Settings  # noqa: E402

SETTINGS = Settings()

SHARED = ROOT.parent / "shared" / "corpus" / "finews"


def corpus(folder: Path | None) -> list[Path]:
    folder = folder or (SHARED if SHARED.is_dir() else ROOT / "tests" / "corpus")
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def naive(paths: list[Path], out: Path) -> None:
    """Two pandoc processes per post, as a shell loop would run them."""
    pandoc = executable()
    for path in paths:
        subprocess.run([pandoc, str(path), "-o", str(out / f"{path.stem}.epub")], check=True,
                       capture_output=True)
        subprocess.run([pandoc, "-t", "gfm", str(path), "-o", str(out / f"{path.stem}.gfm.md")],
                       check=True, capture_output=True)


def per_document(docs) -> None:
    for doc in docs:
        epub.write(doc, SETTINGS)
        markdown.write(doc, SETTINGS)


def batched(docs, size: int) -> None:
    for start in range(0, len(docs), size):
        chunk = docs[start:start + size]
        for result in epub.write_many(chunk, SETTINGS) + markdown.write_many(chunk, SETTINGS):
            if isinstance(result, Exception):
                raise result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--batch-size", type=int, default=0, help="documents per pandoc process (0: all)")
    args = parser.parse_args()
    paths = corpus(args.corpus)
    size = args.batch_size or len(paths)

    with tempfile.TemporaryDirectory() as tmp:
        t_naive, _ = timed(lambda: naive(paths, Path(tmp)))
    t_load, docs = timed(lambda: [convert.load(p) for p in paths])
    t_single, _ = timed(lambda: per_document(docs))
    t_batch, _ = timed(lambda: batched(docs, size))
    t_cite, _ = timed(lambda: citation.prepare([doc.meta for doc in docs]))
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [batch.Job(path=p, name=p.stem) for p in paths]
        settings = Settings(formats=("epub", "md"), jobs=workers, cache=False)
        t_runner, _ = timed(lambda: batch.run(jobs, Path(tmp), settings))

    print(f"{len(paths)} posts, EPUB + Markdown each (batch size {size})")
    print(f"  naive pandoc loop (2 processes/post)      {t_naive:7.2f} s")
    print(f"  octavo, one sandboxed pandoc per file      {t_single:7.2f} s  (+ {t_load:.2f} s read/normalize)")
    print(f"  octavo batch (pandoc lua), writers only    {t_batch:7.2f} s  (citations: {t_cite:.2f} s)")
    print(f"  octavo batch incl. read/normalize          {t_batch + t_load:7.2f} s")
    print(f"  octavo runner, {workers} workers, files written  {t_runner:7.2f} s")
    print(f"  speed-up over naive: {t_naive / (t_batch + t_load):.1f}x "
          f"(writers only {t_naive / t_batch:.1f}x; per-file path {t_naive / (t_single + t_load):.1f}x; "
          f"runner {t_naive / t_runner:.1f}x)")


if __name__ == "__main__":
    main()
