"""Benchmark: the corpus to HTML on one core, against the naive loop in the same run.

Naive loop: one `pandoc -s -f markdown -t html` process per post (pandoc from pypandoc-binary).
Also times the Markdown parsers alone on the same bodies (the reason for markdown-it-py).
Run: .venv/bin/python bench/bench_html.py [CORPUS_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypandoc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import convert  # noqa: E402
from convert.reader import _MARKDOWN, decode, split_front_matter  # noqa: E402


def corpus() -> list[Path]:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "finews"
    if not folder.is_dir():
        folder = ROOT / "tests" / "corpus"
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


def timed(fn, repeat: int = 3) -> float:
    """Best of `repeat` wall-clock runs (the machine is shared and noisy)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    posts = corpus()
    pandoc = pypandoc.get_pandoc_path()
    bodies = [split_front_matter(decode(p.read_bytes(), str(p))[0], str(p))[1] for p in posts]

    def octavo():
        for path in posts:
            convert.write(convert.load(path), "html")

    def naive():
        with tempfile.TemporaryDirectory() as tmp:
            for n, path in enumerate(posts):
                subprocess.run([pandoc, "-s", "-f", "markdown", "-t", "html", "--metadata", "title=x",
                                str(path), "-o", f"{tmp}/{n}.html"], check=True, capture_output=True)

    convert.load(posts[0])  # import and warm caches outside the timing
    ours = timed(octavo)
    theirs = timed(naive, repeat=1)
    md_it = timed(lambda: [_MARKDOWN.render(b) for b in bodies])
    print(f"posts: {len(posts)}")
    print(f"octavo html (1 core):   {ours:7.3f} s  {len(posts) / ours:8.1f} posts/s")
    print(f"naive pandoc per post:  {theirs:7.3f} s  {len(posts) / theirs:8.1f} posts/s")
    print(f"ratio:                  {theirs / ours:7.1f}x faster")
    print("markdown parsing alone (same bodies):")
    print(f"  markdown-it-py         {md_it * 1000:7.1f} ms")
    try:
        import mistune
        render = mistune.create_markdown(escape=False)
        print(f"  mistune                {timed(lambda: [render(b) for b in bodies]) * 1000:7.1f} ms")
    except ImportError:
        pass
    print(f"  pandoc, process/post   {theirs * 1000:7.1f} ms (includes the HTML template)")


if __name__ == "__main__":
    main()
