"""Benchmark: the corpus to PDF through Octavo's batch runner (2 warmed workers) beside the
naive loop (pandoc -s, then the weasyprint CLI, one process each per post), in one run.

    .venv/bin/python bench/bench_pdf.py [--jobs 2] [CORPUS_DIR]

Prints both wall times, the speed-up and the peak RSS of each worker (and of its
per-post render children, which the PDF writer forks to cap time and memory).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convert import batch  # noqa: E402
from convert.settings import Settings  # noqa: E402

FINEWS = ROOT.parent / "shared" / "corpus" / "finews"
VENV_BIN = Path(sys.executable).parent


def posts_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


def cpu_of_children() -> float:
    """CPU seconds (user + system) used so far by this process's reaped children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def octavo(posts: list[Path], outdir: Path, jobs: int) -> tuple[float, list, dict]:
    """Wall time, results, and {pid: (worker peak MB, render-child peak MB)}."""
    settings = Settings(formats=("pdf",), jobs=jobs, cache=False)
    with ProcessPoolExecutor(jobs, initializer=batch.warm, initargs=(settings,)) as pool:
        start = time.perf_counter()
        results = batch.run([batch.Job(p, p.stem) for p in posts], outdir, settings, executor=pool)
        elapsed = time.perf_counter() - start
        peaks = dict(pool.map(_peak_rss, [0.3] * jobs * 4))
    return elapsed, results, peaks


def _peak_rss(pause: float) -> tuple[int, tuple[float, float]]:
    """Run in a worker: its pid and peak RSS (own, largest render child) in MB."""
    time.sleep(pause)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return os.getpid(), (own, child)


def naive(posts: list[Path], outdir: Path) -> tuple[float, int]:
    """pandoc → standalone HTML → weasyprint CLI, one process each per post (no network)."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    failures = 0
    start = time.perf_counter()
    for post in posts:
        html = outdir / f"{post.stem}.html"
        steps = [
            [pandoc, "-s", "-f", "markdown", "-t", "html", str(post), "-o", str(html)],
            [str(VENV_BIN / "weasyprint"), "-q", "--allowed-protocols", "file,data",
             str(html), str(outdir / f"{post.stem}.pdf")],
        ]
        for step in steps:
            if subprocess.run(step, capture_output=True).returncode != 0:
                failures += 1
                break
    return time.perf_counter() - start, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=FINEWS if FINEWS.is_dir() else ROOT / "tests" / "corpus")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    posts = posts_in(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        cpu = cpu_of_children()
        ours, results, peaks = octavo(posts, Path(tmp) / "octavo", args.jobs)
        ours_cpu, cpu = cpu_of_children() - cpu, cpu_of_children()
        (Path(tmp) / "naive").mkdir()
        theirs, naive_failures = naive(posts, Path(tmp) / "naive")
        theirs_cpu = cpu_of_children() - cpu
    failed = [r for r in results if not r.ok]
    print(f"posts: {len(posts)} from {args.corpus}")
    print(f"octavo batch, {args.jobs} workers: {ours:7.2f} s wall, {ours_cpu:7.2f} s CPU "
          f"({len(failed)} failed)")
    print(f"naive loop (pandoc + weasyprint CLI): {theirs:7.2f} s wall, {theirs_cpu:7.2f} s CPU "
          f"({naive_failures} failed)")
    print(f"speed-up: {theirs / ours:.1f}x wall, {theirs_cpu / ours_cpu:.1f}x CPU "
          f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end)")
    for pid, (own, child) in sorted(peaks.items()):
        print(f"worker {pid}: peak RSS {own:.0f} MB; largest render child {child:.0f} MB")
    for result in failed:
        print(f"FAILED {[str(e) for e in result.errors.values()]}")


if __name__ == "__main__":
    main()
