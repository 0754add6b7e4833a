"""Batches at scale: the JSON report, progress lines, incremental reruns, memory, and the
same work on a real Dask cluster (LocalCluster of separate worker processes)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, CORPUS_POSTS, ROOT
from convert.progress import PLAIN_EVERY, Progress


def octavo(*args, env=None):
    return subprocess.run([sys.executable, "-m", "convert", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=900, cwd=ROOT)


def site_copy(tmp_path: Path, count: int = 4) -> Path:
    """A site folder with `_config.yml` and the first `count` corpus posts."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(CORPUS / "_config.yml", site)
    for post in CORPUS_POSTS[:count]:
        shutil.copy(post, site)
    return site


def report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def by_outcome(data: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in data["inputs"]:
        found.setdefault(item["outcome"], []).append(item["name"])
    return found


# --- the report --------------------------------------------------------------------------


def test_report_lists_every_input_with_outcome_and_output_hashes(tmp_path):
    site = site_copy(tmp_path)
    (site / "2024-01-01-draft.md").write_text("---\ntitle: Draft\npublished: false\n---\nText.\n")
    out, target = tmp_path / "out", tmp_path / "report.json"
    run = octavo("convert", site, tmp_path / "missing.md", "-o", out, "-t", "html,csl", "--report", target)
    assert run.returncode == 1, run.stderr
    data = report(target)
    assert data["counts"] == {"converted": 4, "cached": 0, "skipped": 1, "failed": 1,
                              "warned": data["counts"]["warned"], "total": 6}
    assert len(data["inputs"]) == 6
    failed = next(i for i in data["inputs"] if i["outcome"] == "failed")
    assert failed["input"].endswith("missing.md") and "read" in failed["errors"]
    for item in data["inputs"]:
        for output in item["outputs"]:
            produced = target.parent / output["path"]
            assert hashlib.sha256(produced.read_bytes()).hexdigest() == output["sha256"]
            assert produced.stat().st_size == output["bytes"]
    converted = [i for i in data["inputs"] if i["outcome"] == "converted"]
    assert all(len(i["outputs"]) == 2 for i in converted)
    assert data["tools"]["weasyprint"] and data["settings"]["formats"] == ["html", "csl"]
    assert "4 of 6 converted" in run.stderr and "1 failed" in run.stderr


def test_rerun_touch_and_config_change_reconvert_exactly_what_changed(tmp_path):
    site = site_copy(tmp_path)
    out, target = tmp_path / "out", tmp_path / "r.json"
    args = ("convert", site, "-o", out, "-t", "html", "--report", target)
    assert octavo(*args).returncode == 0
    assert octavo(*args).returncode == 0
    assert set(by_outcome(report(target))) == {"cached"}
    touched = sorted(site.glob("*.md"))[1]
    touched.write_bytes(touched.read_bytes() + b"\n\nOne more paragraph.\n")
    assert octavo(*args).returncode == 0
    assert by_outcome(report(target))["converted"] == [touched.stem]
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntitle: A renamed site\n", encoding="utf-8")
    assert octavo(*args).returncode == 0
    assert set(by_outcome(report(target))) == {"converted"}


@pytest.mark.slow
def test_rerun_redoes_what_a_setting_a_stylesheet_or_a_deleted_output_changed(tmp_path):
    site = site_copy(tmp_path, 3)
    out, target = tmp_path / "out", tmp_path / "r.json"
    args = ("convert", site, "-o", out, "-t", "html,md", "--report", target)
    assert octavo(*args).returncode == 0
    first = sorted(site.glob("*.md"))[0]
    (out / f"{first.stem}.md").unlink()
    assert octavo(*args).returncode == 0
    assert by_outcome(report(target)) == {"converted": [first.stem],
                                          "cached": [p.stem for p in sorted(site.glob("*.md"))[1:]]}
    assert (out / f"{first.stem}.md").is_file()
    assert octavo(*args, "--md-flavor", "gfm").returncode == 0
    assert set(by_outcome(report(target))) == {"converted"}
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "base.css").write_text("body { color: black; }\n")
    assert octavo(*args, "--md-flavor", "gfm", "--styles", styles).returncode == 0
    assert set(by_outcome(report(target))) == {"converted"}
    assert octavo(*args, "--md-flavor", "gfm", "--styles", styles).returncode == 0
    assert set(by_outcome(report(target))) == {"cached"}
    (styles / "base.css").write_text("body { color: navy; }\n")
    assert octavo(*args, "--md-flavor", "gfm", "--styles", styles).returncode == 0
    assert set(by_outcome(report(target))) == {"converted"}


@pytest.mark.slow
def test_a_rerun_reads_no_post_and_imports_no_writer(tmp_path):
    """Stat-first: a post whose size and mtime are as recorded is not read (the README's
    promise, and its limit: bytes changed behind an unchanged mtime need --no-cache), and a
    rerun with nothing to write imports no parser, no writer and neither WeasyPrint nor pandoc."""
    site = site_copy(tmp_path, 2)
    out = tmp_path / "out"
    assert octavo("convert", site, "-o", out, "-t", "html,md,pdf").returncode == 0
    post = sorted(site.glob("*.md"))[0]
    info = post.stat()
    data = post.read_bytes()
    post.write_bytes(data.replace(b"\xe7\x9a\x84", b"\xe4\xb8\x80"))   # 的 → 一, same size
    os.utime(post, ns=(info.st_atime_ns, info.st_mtime_ns))
    probe = ("import runpy, sys\n"
             f"sys.argv = ['octavo', 'convert', {str(site)!r}, '-o', {str(out)!r}, '-t', 'html,md,pdf']\n"
             "try:\n    runpy.run_module('convert', run_name='__main__')\n"
             "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
             "heavy = {'weasyprint', 'pypandoc', 'yaml', 'lxml', 'markdown_it', 'liquid', 'PIL'}\n"
             "print(sorted({name.split('.')[0] for name in sys.modules} & heavy)"
             " + sorted(name for name in sys.modules if name.startswith(('convert.writers.', 'convert.reader',"
             " 'convert.pandoc'))))\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "(2 unchanged" in run.stderr
    assert run.stdout.strip() == "['convert.writers.markdown', 'convert.writers.pdf']"   # for their Options
    assert b"\xe4\xb8\x80" in post.read_bytes() and data != post.read_bytes()


def test_a_new_post_converts_alone_and_rereads_no_other(tmp_path):
    """The daily run: a post added to a site is converted, and the others are neither
    converted nor read (the profile `auto` chose for the site is remembered with the state
    of the posts it judged by, so the new post changes no other post's quick key)."""
    site = site_copy(tmp_path, 3)
    out, target = tmp_path / "out", tmp_path / "r.json"
    args = ("convert", site, "-o", out, "-t", "html", "--report", target)
    assert octavo(*args).returncode == 0
    post = sorted(site.glob("*.md"))[0]
    info, data = post.stat(), post.read_bytes()
    post.write_bytes(data.replace("的".encode(), "一".encode()))   # same size, old mtime: not read
    os.utime(post, ns=(info.st_atime_ns, info.st_mtime_ns))
    shutil.copy(CORPUS_POSTS[3], site)
    assert octavo(*args).returncode == 0
    outcomes = by_outcome(report(target))
    assert outcomes["converted"] == [CORPUS_POSTS[3].stem] and len(outcomes["cached"]) == 3
    assert post.read_bytes() != data   # had it been read, its changed bytes would have re-converted it


def test_runs_in_one_process_see_a_changed_site(tmp_path):
    """What a run remembers of sites (their configuration, the profile auto chose) is
    forgotten when the next starts: a changed `_config.yml` is seen by an API caller too."""
    from convert import batch
    from convert.inputs import discover
    from convert.settings import Settings

    site = site_copy(tmp_path, 2)
    out, settings = tmp_path / "out", Settings(formats=("html",), jobs=1)
    first = batch.run(discover([str(site)], lambda m: None, out), out, settings)
    assert not any(r.cached for r in first)
    assert all(r.cached for r in batch.run(discover([str(site)], lambda m: None, out), out, settings))
    config = site / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntitle: A renamed site\n", encoding="utf-8")
    again = batch.run(discover([str(site)], lambda m: None, out), out, settings)
    assert not any(r.cached for r in again)
    assert "A renamed site" in (out / f"{sorted(site.glob('*.md'))[0].stem}.html").read_text(encoding="utf-8")


# --- progress ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_plain_progress_lines_come_every_few_seconds_not_per_post():
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress(100, stream=stream, clock=clock)
    for _ in range(30):
        clock.now += PLAIN_EVERY / 10
        progress.advance(1)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("octavo: converting 30 of 100 (30%), 1.0 posts/s, 1:10 left")


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_bar_is_cleared_before_a_line_and_redrawn_below_it():
    stream = FakeTerminal()
    with Progress(4, stream=stream, clock=FakeClock()) as progress:
        progress.advance(1)
        progress.line("octavo: warning: something")
        progress.advance(1)
    text = stream.getvalue()
    before, after = text.split("octavo: warning: something\n")
    assert before.endswith("\r\x1b[K") and "1 of 4" in before
    assert "2 of 4" in after and after.endswith("\r\x1b[K")


def test_not_a_terminal_and_short_batches_print_no_progress(tmp_path):
    run = octavo("convert", site_copy(tmp_path, 2), "-o", tmp_path / "out", "-t", "html")
    assert run.returncode == 0 and "\r" not in run.stderr and "posts/s" not in run.stderr


# --- memory ------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_thousand_posts_keep_memory_flat(tmp_path):
    """The corpus repeated to 2,000 posts under distinct names: every process of the run
    (main and workers) stays under 300 MB peak."""
    folder = tmp_path / "many"
    folder.mkdir()
    shutil.copy(CORPUS / "_config.yml", folder)
    for n in range(2000):
        post = CORPUS_POSTS[n % len(CORPUS_POSTS)]
        shutil.copy(post, folder / f"{n:04d}{post.name}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = octavo("convert", folder, "-o", tmp_path / "out", "-t", "html", "--jobs", "2", "-q",
                 "--report", tmp_path / "r.json")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert run.returncode == 0, run.stderr[-2000:]
    assert report(tmp_path / "r.json")["counts"]["converted"] == 2000
    assert peak_mb < 300 or before / 1024 >= 300, f"peak {peak_mb:.0f} MB"


# --- Dask --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  worker_dashboard_address=None) as local:
        yield local
    del os.environ["SOURCE_DATE_EPOCH"]


@pytest.mark.slow
def test_dask_cluster_makes_the_same_bytes_as_the_local_pool(tmp_path, cluster):
    site = site_copy(tmp_path, 3)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    local = octavo("convert", site, "-o", tmp_path / "local", "--jobs", "2", "-t", "html,epub,md,pdf,csl", env=env)
    assert local.returncode == 0, local.stderr
    remote = octavo("convert", site, "-o", tmp_path / "dask", "-t", "html,epub,md,pdf,csl",
                    "--scheduler", cluster.scheduler_address, env=env)
    assert remote.returncode == 0, remote.stderr
    made = sorted(p.name for p in (tmp_path / "local").iterdir() if not p.name.startswith("."))
    assert len(made) == 15
    assert made == sorted(p.name for p in (tmp_path / "dask").iterdir() if not p.name.startswith("."))
    for name in made:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


@pytest.mark.slow
def test_dask_workers_that_would_differ_are_refused(tmp_path, cluster):
    run = octavo("convert", site_copy(tmp_path, 1), "-o", tmp_path / "out", "-t", "html",
                 "--scheduler", cluster.scheduler_address, env={"SOURCE_DATE_EPOCH": "1"})
    assert run.returncode == 2
    assert "SOURCE_DATE_EPOCH" in run.stderr and "would not make the same outputs" in run.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.html"))


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_usage_error(tmp_path):
    pytest.importorskip("distributed")
    run = octavo("convert", site_copy(tmp_path, 1), "-o", tmp_path / "out", "-t", "html",
                 "--scheduler", "tcp://127.0.0.1:9")
    assert run.returncode == 2 and "cannot reach the Dask scheduler" in run.stderr
