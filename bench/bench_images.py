"""Benchmark: a batch whose images are archived (--fetch-assets, served from 127.0.0.1)
against the same batch without (each image its description and URL), in one run.

    .venv/bin/python bench/bench_images.py [--formats html,md,epub] [--jobs 1] [CORPUS_DIR]

The corpus (finews by default) is copied to a temporary folder with its image host
(dfscdn.dfcfw.com, where the feed keeps its tables and photos) replaced by a local server
that answers every image path with a PNG of the size the file name states. Prints both
wall times, their ratio, the requests made, and the store's files and bytes.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from convert import batch, resources  # noqa: E402
from convert.inputs import discover  # noqa: E402
from convert.settings import Settings  # noqa: E402
from imageserver import ImageServer, png  # noqa: E402

FINEWS = ROOT.parent / "shared" / "corpus" / "finews"
IMAGE_HOST = "https://dfscdn.dfcfw.com"


def answer(path: str):
    """A PNG as large as the name says (`…_w506h907.jpg`), else 600×400."""
    match = re.search(r"_w(\d+)h(\d+)", path)
    width, height = (int(match.group(1)), int(match.group(2))) if match else (600, 400)
    return 200, {"Content-Type": "image/png"}, png(min(width, 4000), min(height, 4000), path[-24:])


def staged(corpus: Path, folder: Path, base: str) -> Path:
    """The corpus copied with its image host pointed at `base`."""
    target = folder / "posts"
    shutil.copytree(corpus, target, ignore=shutil.ignore_patterns(".*"))
    for post in target.glob("*.md"):
        text = post.read_text("utf-8")
        if IMAGE_HOST in text:
            post.write_text(text.replace(IMAGE_HOST, base), "utf-8")
    return target


def cpu() -> float:
    """CPU seconds used so far by this process and its reaped children (pandoc)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(posts: Path, outdir: Path, settings: Settings) -> tuple[float, float, list]:
    """Wall seconds, CPU seconds (steadier on a shared machine) and the results."""
    jobs = discover([str(posts)], lambda message: None, outdir)
    start, start_cpu = time.perf_counter(), cpu()
    results = batch.run(jobs, outdir, settings)
    return time.perf_counter() - start, cpu() - start_cpu, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=FINEWS)
    parser.add_argument("--formats", default="html,md,epub")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each; the fastest counts")
    args = parser.parse_args()
    server = ImageServer(fallback=answer)
    times: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            posts = staged(args.corpus, Path(tmp), server.base)
            common = dict(formats=args.formats, jobs=args.jobs, cache=False)
            for n in range(args.rounds):
                before = sum(server.hits.values())
                *spent, plain = timed(posts, Path(tmp) / f"without{n}", Settings(**common))
                times["without"].append(tuple(spent))
                assert sum(server.hits.values()) == before, "a run without --fetch-assets made a request"
                outdir = Path(tmp) / f"with{n}"       # a fresh store: every image fetched again
                *spent, fetched = timed(posts, outdir, Settings(
                    **common, fetch_assets=True, allow_hosts=(server.host,)))
                times["with"].append(tuple(spent))
            store = [p for p in (outdir / resources.STORE).glob("*") if p.is_file()]
            warc = outdir / resources.STORE / "fetch.warc.gz"
            warc_kb = warc.stat().st_size / 1024
            copies_kb = sum(p.stat().st_size for p in store if p != warc) / 1024
            copies = len(store) - 1
            used = sum(len([r for r in res.resources if "reason" not in r]) for res in fetched)
            failed = sum(not r.ok for r in plain + fetched)
    finally:
        server.close()
    print(f"{len(plain)} posts, formats {args.formats}, --jobs {args.jobs}, best of {args.rounds}")
    wall = {k: min(t[0] for t in v) for k, v in times.items()}
    spent = {k: min(t[1] for t in v) for k, v in times.items()}
    print(f"without images (placeholders): {wall['without']:.2f} s wall, {spent['without']:.2f} s CPU")
    print(f"with images (--fetch-assets):  {wall['with']:.2f} s wall, {spent['with']:.2f} s CPU "
          f"({wall['with'] / wall['without']:.2f}× wall, {spent['with'] / spent['without']:.2f}× CPU)")
    print(f"image uses {used}; requests {sum(server.hits.values())} for {len(server.hits)} URLs "
          f"over {args.rounds} fresh stores; store {copies} files, {copies_kb:.0f} KB; WARC {warc_kb:.0f} KB")
    if failed:
        print(f"{failed} failed results")


if __name__ == "__main__":
    main()
