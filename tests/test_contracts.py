"""DESIGN.md's contracts for `octavo convert`: no input ever replaced, every failure counted,
one format's trouble costs only that format, one warnings channel, a cache that sees
everything that shapes an output."""

from __future__ import annotations

import os

import pytest

from convert import batch
from convert.errors import ExportError
from convert.settings import Settings

from test_cli import GOOD, leftovers, octavo

NAIVE_DATE = "---\ntitle: 无时区\ndate: 2022-01-19 17:07:03\n---\n正文。\n"


def _errors(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]


def _warnings(run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("octavo: warning:")]


@pytest.mark.parametrize("layout", ["file-into-its-folder", "folder-into-itself", "symlinked-outdir",
                                    "hard-link"])
def test_an_output_never_replaces_an_input(tmp_path, layout):
    posts = tmp_path / "posts"
    posts.mkdir()
    post = posts / "a.md"
    post.write_text(GOOD, encoding="utf-8")
    before = post.read_bytes()
    if layout == "file-into-its-folder":
        args = [post, "-o", posts]
    elif layout == "folder-into-itself":
        args = [posts, "-o", posts]
    elif layout == "symlinked-outdir":
        (tmp_path / "link").symlink_to(posts)
        args = [post, "-o", tmp_path / "link"]
    else:
        out = tmp_path / "out"
        out.mkdir()
        os.link(post, out / "a.md")
        args = [post, "-o", out]
    run = octavo("convert", *args, "-t", "html,md")
    assert run.returncode == 2, run.stderr
    named = "posts" if layout == "folder-into-itself" else "a.md"
    assert named in run.stderr and "would replace" in run.stderr and "-o OUTDIR" in run.stderr
    assert post.read_bytes() == before
    assert not list(posts.glob("a.html")) and "Traceback" not in run.stderr


def test_an_html_input_and_its_html_output_clash_too(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>t</title></head><body><p>x</p></body></html>", encoding="utf-8")
    run = octavo("convert", page, "-o", tmp_path, "-t", "md")
    assert run.returncode == 0, run.stderr  # page.md does not replace page.html
    run = octavo("convert", page, "-o", tmp_path, "-t", "html")
    assert run.returncode == 2 and "page.html" in run.stderr


@pytest.mark.parametrize("quiet, cache", [([], []), (["-q"], []), ([], ["--no-cache"])])
def test_a_missing_input_is_a_failure_named_in_an_error(tmp_path, quiet, cache):
    """With the cache, its key finds the file missing; without, the reader does: the same error."""
    good = tmp_path / "good.md"
    good.write_text(GOOD, encoding="utf-8")
    run = octavo("convert", tmp_path / "nope.md", good, "-o", tmp_path / "out", "-t", "html", *quiet, *cache)
    assert run.returncode == 1
    errors = _errors(run)
    assert len(errors) == 1 and "nope.md" in errors[0] and "cannot read: No such file or directory" in errors[0]
    assert (tmp_path / "out" / "good.html").exists()
    if not quiet:
        assert "1 of 2 converted" in run.stderr


def test_one_formats_failure_costs_only_that_format(tmp_path, monkeypatch):
    from convert.writers import epub

    def failing(doc, settings):
        raise ExportError("pandoc exploded")

    monkeypatch.setattr(epub, "write", failing)
    monkeypatch.setattr(epub, "write_many", lambda docs, settings: [ExportError("pandoc exploded") for _ in docs])
    posts = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.md"
        path.write_text(GOOD, encoding="utf-8")
        posts.append(batch.Job(path, name))
    out = tmp_path / "out"
    out.mkdir()
    results = batch.convert_chunk(posts, out, Settings(formats=("html", "epub", "md"), jobs=1))
    for result in results:
        assert set(result.errors) == {"epub"} and "pandoc exploded" in str(result.errors["epub"])
        assert sorted(p.name for p in result.outputs) == [f"{result.name}.html", f"{result.name}.md"]
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "a.md", "b.html", "b.md"]


def test_a_failed_format_exits_1_and_names_the_format(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "p.pdf").mkdir()  # a folder where the PDF should go: that format cannot be written
    run = octavo("convert", post, "-o", out, "-t", "html,pdf", "--jobs", "1")
    assert run.returncode == 1
    errors = _errors(run)
    assert len(errors) == 1 and "p.md" in errors[0] and "pdf" in errors[0]
    assert (out / "p.html").exists() and leftovers(out) == []


def test_warnings_are_collected_per_post_grouped_and_hidden_by_quiet(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for n in range(3):
        (posts / f"p{n}.md").write_text(NAIVE_DATE, encoding="utf-8")
    run = octavo("convert", posts, "-o", tmp_path / "out", "-t", "html", "--jobs", "2")
    assert run.returncode == 0, run.stderr
    zone = [w for w in _warnings(run) if "time zone" in w]
    assert len(zone) == 1 and "3 posts" in zone[0], run.stderr
    quiet = octavo("convert", posts, "-o", tmp_path / "out2", "-t", "html", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_strict_turns_a_repair_into_a_failure(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(NAIVE_DATE, encoding="utf-8")
    run = octavo("convert", post, "-o", tmp_path / "out", "-t", "html", "--strict")
    assert run.returncode == 1 and "--strict" in run.stderr and "time zone" in run.stderr
    assert not (tmp_path / "out" / "p.html").exists()
    assert octavo("convert", post, "-o", tmp_path / "out", "-t", "html").returncode == 0


def test_a_bug_is_reported_as_a_bug_not_as_a_usage_error(tmp_path, monkeypatch):
    from convert.writers import html

    monkeypatch.setattr(html, "page", lambda *a, **k: 1 / 0)
    post = tmp_path / "p.md"
    post.write_text(GOOD, encoding="utf-8")
    [result] = batch.convert_chunk([batch.Job(post, "p")], tmp_path, Settings(formats=("html",)))
    error = result.errors["html"]
    assert "internal error" in str(error) and "ZeroDivisionError" in str(error) and error.exit_code == 1


@pytest.mark.parametrize("change", ["site-title", "settings", "user-style", "image-beside-post"])
def test_the_cache_sees_everything_that_shapes_an_output(tmp_path, change):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_config.yml").write_text("title: 旧站名\nurl: https://old.example\n", encoding="utf-8")
    post = site / "2022-01-19-p.md"
    post.write_text(GOOD, encoding="utf-8")
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "base.css").write_text("body { color: #111; }\n", encoding="utf-8")
    out = tmp_path / "out"
    args = [post, "-o", out, "-t", "html", "--styles", styles]
    assert octavo("convert", *args).returncode == 0
    assert "(1 unchanged)" in octavo("convert", *args).stderr
    if change == "site-title":
        (site / "_config.yml").write_text("title: 新站名\nurl: https://old.example\n", encoding="utf-8")
    elif change == "settings":
        args += ["--lang", "zh-TW"]
    elif change == "user-style":
        (styles / "base.css").write_text("body { color: #222; }\n", encoding="utf-8")
    else:
        (site / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    again = octavo("convert", *args)
    assert again.returncode == 0 and "unchanged" not in again.stderr, change
    html = (out / "2022-01-19-p.html").read_text(encoding="utf-8")
    if change == "site-title":
        assert "新站名" in html
    if change == "user-style":
        assert "#222" in html


def test_strict_lets_site_chrome_removed_by_design_pass(tmp_path):
    """The profile's navigation links are dropped on purpose: a warning, not a repair."""
    post = tmp_path / "2022-01-19-nav.md"
    post.write_text("---\ntitle: 导航\ndate: 2022-01-19 17:07:03 +0800\n---\n正文。\n\n"
                    "[返回东财滚动新闻](https://example.com/emnews/)｜[返回首页](https://example.com/)\n",
                    encoding="utf-8")
    run = octavo("convert", post, "-o", tmp_path / "out", "-t", "html", "--strict")
    assert run.returncode == 0, run.stderr
    assert any("navigation" in w or "返回首页" in w for w in _warnings(run)), run.stderr


def test_an_earlier_output_folder_inside_an_input_folder_is_not_converted_again(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text(GOOD, encoding="utf-8")
    assert octavo("convert", posts, "-o", posts / "out", "-t", "html,md").returncode == 0
    run = octavo("convert", posts, "-o", tmp_path / "elsewhere", "-t", "html,md")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir() if not p.name.startswith(".")) == \
        ["good.html", "good.md"]
    assert any("Octavo output folder" in w for w in _warnings(run))
