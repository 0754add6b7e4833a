"""Benchmark: the whole `octavo convert -t html --jobs 1` process against the naive loop.

Both run in the same run over the same posts: the bundled corpus (tests/corpus, plus
../shared/corpus/finews when present) copied round-robin into a temp folder until there
are POSTS files. Octavo is timed as a user runs it: a fresh process (start-up and imports
included), a fresh OUTDIR, `--no-cache`, with its modules' byte-code compiled (as pip compiles
an installed package's; one untimed warm-up run fills a byte-code cache in a temp folder, so
PYTHONDONTWRITEBYTECODE in the caller's environment does not make every timed run recompile
Octavo's own modules, about 45 ms, and the checkout gets no __pycache__). The naive loop is one `pandoc -s -f markdown -t html`
process per post (pandoc from convert.pandoc.executable()). The machine is shared and
noisy, so Octavo runs several times and the range is printed.
Then the same batch in this process after a warm-up (no start-up: how issue 6's target was
first measured), and the Markdown parsers alone on the same bodies (the reason for markdown-it-py).
Run: .venv/bin/python bench/bench_html.py [--posts 512] [--runs 5] [CORPUS_DIR...]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from convert.pandoc import executable  # noqa: E402


def corpus(folders: list[Path]) -> list[Path]:
    """Posts of the given folders (default: tests/corpus and the shared finews corpus)."""
    folders = folders or [ROOT / "tests" / "corpus", ROOT.parent / "shared" / "corpus" / "finews"]
    return [p for folder in folders if folder.is_dir()
            for p in sorted(folder.glob("*.md")) if p.name != "README.md"]


SITE_CONFIG = ROOT / "tests" / "corpus" / "_config.yml"
"""The finews site's configuration: a user converts a site's posts beside their `_config.yml`
(which declares the language and zone, so nothing is detected or assumed)."""


def stage(posts: list[Path], count: int, folder: Path) -> list[Path]:
    """`count` copies of `posts`, round-robin, under unique names in `folder`, with the site's
    `_config.yml`."""
    folder.mkdir()
    shutil.copyfile(SITE_CONFIG, folder / "_config.yml")
    staged = []
    for n in range(count):
        source = posts[n % len(posts)]
        target = folder / f"{n:04d}-{source.name.lstrip('-')}"
        shutil.copyfile(source, target)
        staged.append(target)
    return staged


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def installed_env(pycache: Path) -> dict[str, str]:
    """The environment with byte-code written to and read from `pycache` (see the module doc)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def octavo(indir: Path, outdir: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one `octavo convert -t html --jobs 1 --no-cache` process;
    CPU time is the steadier figure on a shared machine."""
    cpu, start = cpu_of_children(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "convert", "convert", str(indir), "-o", str(outdir),
                    "-t", "html", "--jobs", "1", "--no-cache"],
                   cwd=ROOT, check=True, capture_output=True, env=env)
    return time.perf_counter() - start, cpu_of_children() - cpu


def naive(posts: list[Path], outdir: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds of one pandoc process per post."""
    pandoc = executable()
    outdir.mkdir()
    cpu, start = cpu_of_children(), time.perf_counter()
    for n, path in enumerate(posts):
        subprocess.run([pandoc, "-s", "-f", "markdown", "-t", "html", "--metadata", "title=x",
                        str(path), "-o", str(outdir / f"{n}.html")], check=True, capture_output=True)
    return time.perf_counter() - start, cpu_of_children() - cpu


def in_process(posts: list[Path], folder: Path, runs: int) -> list[float]:
    """CPU seconds of `batch.run` over `posts` (HTML, one job, no cache) in this process after
    a warm-up: the per-post cost without start-up, as issue 6's target was first measured."""
    from convert import batch
    from convert.settings import Settings

    settings = Settings(formats=("html",), jobs=1, cache=False)
    jobs = [batch.Job(p, p.stem) for p in posts]
    batch.run(jobs[:20], folder / "warm", settings)
    times = []
    for n in range(runs):
        start = time.process_time()
        results = batch.run(jobs, folder / f"run{n}", settings)
        times.append(time.process_time() - start)
        assert all(r.ok for r in results)
    return times


def parsers(posts: list[Path]) -> None:
    """Markdown parsing alone, in-process, on the distinct bodies."""
    from convert.kramdown import renderer
    from convert.reader import decode, split_front_matter

    bodies = [split_front_matter(decode(p.read_bytes(), str(p))[0], str(p))[1] for p in posts]

    def best(fn) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    print(f"markdown parsing alone ({len(bodies)} distinct bodies, best of 3):")
    plain, jekyll = renderer({"markdown": "CommonMark"}), renderer({})
    print(f"  markdown-it-py         {best(lambda: [plain.render(b) for b in bodies]) * 1000:7.1f} ms")
    print(f"  + kramdown extensions  {best(lambda: [jekyll.render(b, {}) for b in bodies]) * 1000:7.1f} ms")
    try:
        import mistune
    except ImportError:
        return
    render = mistune.create_markdown(escape=False)
    print(f"  mistune                {best(lambda: [render(b) for b in bodies]) * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--posts", type=int, default=512)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    posts = corpus(args.folders)
    with tempfile.TemporaryDirectory() as tmp:
        staged = stage(posts, args.posts, Path(tmp) / "posts")
        env = installed_env(Path(tmp) / "pycache")
        octavo(Path(tmp) / "posts", Path(tmp) / "warm-up", env)
        runs = [octavo(Path(tmp) / "posts", Path(tmp) / f"out{n}", env) for n in range(args.runs)]
        theirs, theirs_cpu = naive(staged, Path(tmp) / "naive")
        inside = in_process(staged, Path(tmp), args.runs)
    ours, ours_cpu = [wall for wall, _ in runs], [cpu for _, cpu in runs]
    print(f"posts: {args.posts} ({len(posts)} distinct, repeated)")
    print(f"octavo convert -t html --jobs 1, whole process, {args.runs} runs:")
    print(f"  wall  {min(ours):.3f}–{max(ours):.3f} s  "
          f"{args.posts / max(ours):.0f}–{args.posts / min(ours):.0f} posts/s")
    print(f"  CPU   {min(ours_cpu):.3f}–{max(ours_cpu):.3f} s")
    print(f"naive pandoc per post:  wall {theirs:.3f} s ({args.posts / theirs:.1f} posts/s), "
          f"CPU {theirs_cpu:.3f} s")
    print(f"ratio (naive / octavo): wall {theirs / max(ours):.1f}–{theirs / min(ours):.1f}x, "
          f"CPU {theirs_cpu / max(ours_cpu):.1f}–{theirs_cpu / min(ours_cpu):.1f}x")
    print(f"in-process batch (no start-up), {args.runs} runs: CPU {min(inside):.3f}–{max(inside):.3f} s, "
          f"{args.posts / max(inside):.0f}–{args.posts / min(inside):.0f} posts/s, "
          f"{theirs_cpu / max(inside):.1f}–{theirs_cpu / min(inside):.1f}x the naive loop's CPU")
    parsers(posts)


if __name__ == "__main__":
    main()
