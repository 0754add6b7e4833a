"""`octavo convert`: the DESIGN.md contract (outputs, exit codes, safe names, atomic writes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import CORPUS, CORPUS_POSTS, REFERENCE, ROOT
from convert.errors import InternalError
from convert.settings import Settings

GOOD = "---\ntitle: 好\ndate: 2022-01-19 17:07:03 +0800\n---\n正文。\n"


def octavo(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "convert", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=600)


def leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_cache_sees_the_post_a_post_url_points_at(tmp_path):
    """`{% post_url %}` prints another post's permalink: changing that post re-converts
    the one linking to it, and only posts that link are keyed on the other posts."""
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    (posts.parent / "_config.yml").write_text("title: T\nurl: https://t.example\n")
    linking = posts / "2024-01-02-a.md"
    linking.write_text("---\ntitle: A\n---\nSee [b]({% post_url 2024-01-01-b %}).\n")
    target = posts / "2024-01-01-b.md"
    target.write_text("---\ntitle: B\npermalink: /old/\n---\nB.\n")
    out = tmp_path / "out"
    assert octavo("convert", linking, "-o", out, "-t", "html").returncode == 0
    assert "t.example/old/\"" in (out / "2024-01-02-a.html").read_text()
    target.write_text("---\ntitle: B\npermalink: /new/\n---\nB.\n")
    again = octavo("convert", linking, "-o", out, "-t", "html")
    assert again.returncode == 0 and "unchanged" not in again.stderr
    assert "t.example/new/\"" in (out / "2024-01-02-a.html").read_text()


def test_html_for_a_folder(tmp_path):
    run = octavo("convert", CORPUS, "-o", tmp_path / "out", "-t", "html", "--jobs", "2")
    assert run.returncode == 0, run.stderr
    produced = sorted(p.stem for p in (tmp_path / "out").glob("*.html"))
    expected = sorted(p.stem for p in CORPUS.glob("*.md") if p.name != "README.md")
    assert produced == expected
    assert "Traceback" not in run.stderr


def test_how_a_run_goes_does_not_invalidate_the_cache(tmp_path):
    out = tmp_path / "out"
    assert octavo("convert", REFERENCE, "-o", out, "-t", "html,md", "--jobs", "1").returncode == 0
    again = octavo("convert", REFERENCE, "-o", out, "-t", "html", "--jobs", "2")
    assert again.returncode == 0 and "(1 unchanged)" in again.stderr


def test_cache_skips_unchanged_inputs(tmp_path):
    out = tmp_path / "out"
    assert octavo("convert", REFERENCE, "-o", out, "-t", "html").returncode == 0
    again = octavo("convert", REFERENCE, "-o", out, "-t", "html")
    assert again.returncode == 0 and "(1 unchanged)" in again.stderr
    (out / f"{REFERENCE.stem}.html").unlink()
    third = octavo("convert", REFERENCE, "-o", out, "-t", "html")
    assert "(1 unchanged)" not in third.stderr and (out / f"{REFERENCE.stem}.html").exists()


def test_a_bad_post_fails_alone_with_one_line(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text(GOOD, encoding="utf-8")
    (posts / "bad-encoding.md").write_bytes(b"---\ntitle: x\n---\n" + b"\x81\xff\xfe\x80" * 50)
    (posts / "deep.md").write_text("<div>" * 5000 + "x" + "</div>" * 5000)
    (posts / "broken-yaml.md").write_text("---\n[[[: {\n---\nbody\n")
    out = tmp_path / "out"
    run = octavo("convert", posts, "-o", out, "-t", "html,md")
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]
    assert len(errors) == 3
    assert any("bad-encoding.md" in e for e in errors)
    assert any("deep.md" in e and "nested" in e for e in errors)
    assert any("broken-yaml.md:2:" in e for e in errors)
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["good.html", "good.md"]
    assert leftovers(out) == []


def test_usage_errors_exit_2(tmp_path):
    assert octavo("convert", REFERENCE, "-o", tmp_path, "-t", "docx").returncode == 2
    (tmp_path / "empty").mkdir()
    assert octavo("convert", tmp_path / "empty", "-o", tmp_path / "out").returncode == 2
    assert octavo("convert").returncode == 2
    assert octavo("convert", REFERENCE, "--profile", "nope", "-o", tmp_path).returncode == 2


def test_dash_file_name_after_double_dash(tmp_path):
    shutil.copy(CORPUS / "-202205262391921712.md", tmp_path / "-post.md")
    run = octavo("convert", "-o", "out", "-t", "html", "--", "-post.md", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "-post.html").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_walk_skips_fifos_outside_symlinks_and_folders_named_md(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text(GOOD, encoding="utf-8")
    os.mkfifo(posts / "pipe.md")
    (posts / "folder.md").mkdir()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: 秘密\n---\n秘密内容\n", encoding="utf-8")
    (posts / "escape.md").symlink_to(secret)
    (posts / "README.md").write_text("# not a post\n")
    run = octavo("convert", posts, "-o", tmp_path / "out", "-t", "html")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == ["good.html"]
    assert "escape.md" in run.stderr and "outside" in run.stderr
    assert "pipe.md" in run.stderr and "folder.md" in run.stderr


def test_output_names_stay_inside_outdir(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "weird:name*?.md").write_text(GOOD, encoding="utf-8")
    (posts / "a").mkdir()
    (posts / "a" / "good.md").write_text(GOOD, encoding="utf-8")
    (posts / "good.md").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    run = octavo("convert", posts, "-o", out, "-t", "html")
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.glob("*.html"))
    assert names == ["good-2.html", "good.html", "weird_name__.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "posts"]


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from convert import batch

    target = tmp_path / "x.html"

    class Boom(Exception):
        pass

    def failing_replace(src, dst):
        raise Boom()

    monkeypatch.setattr(batch.os, "replace", failing_replace)
    with pytest.raises(Boom):
        batch.atomic_write(target, b"data")
    assert list(tmp_path.iterdir()) == []


def test_python_dash_m_and_console_script_agree(tmp_path):
    script = ROOT / ".venv" / "bin" / "octavo"
    if not script.exists():
        pytest.skip("console script not installed (run `make setup`)")
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "octavo" in version.stdout
    assert octavo("--version").stdout == version.stdout


def test_a_writer_crash_fails_only_its_post(tmp_path, monkeypatch):
    """Regression: a non-Octavo exception from a writer used to fail the whole chunk."""
    from convert import batch
    from convert.writers import html

    real = html.write

    def flaky(doc, options):
        if doc.meta.title == "坏":
            raise ValueError("boom")
        return real(doc, options)

    monkeypatch.setattr(html, "write", flaky)
    paths = []
    for name, title in (("a", "好"), ("b", "坏"), ("c", "也好")):
        path = tmp_path / f"{name}.md"
        path.write_text(GOOD.replace("title: 好", f"title: {title}"), encoding="utf-8")
        paths.append(batch.Job(path=path, name=name))
    results = batch.convert_chunk(paths, tmp_path, Settings(formats=("html",)))
    assert [r.ok for r in results] == [True, False, True]
    error = results[1].errors["html"]
    assert isinstance(error, InternalError) and error.path.endswith("b.md") and "ValueError: boom" in str(error)


def test_outdir_inside_an_input_folder_is_not_walked(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "good.md").write_text(GOOD, encoding="utf-8")
    for _ in range(2):
        run = octavo("convert", posts, "-o", posts / "out", "-t", "html,md", "--no-cache")
        assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (posts / "out").iterdir() if not p.name.startswith(".")) == ["good.html", "good.md"]


def test_site_options_override_config(tmp_path):
    out = tmp_path / "out"
    run = octavo("convert", REFERENCE, "-o", out, "-t", "csl", "--site-title", "另一站点",
                 "--site-url", "https://other.example/", "--timezone", "UTC")
    assert run.returncode == 0, run.stderr
    assert "东方财富网" in (out / f"{REFERENCE.stem}.csl.json").read_text(encoding="utf-8")
    plain = tmp_path / "2021-12-08-plain.md"
    plain.write_text("---\ntitle: t\ndate: 2021-12-08 10:00:00\n---\n[链接](/about/)\n", encoding="utf-8")
    run = octavo("convert", plain, "-o", out, "-t", "html", "--site-url", "https://other.example/",
                 "--site-title", "另一站点", "--timezone", "UTC")
    html = (out / "2021-12-08-plain.html").read_text(encoding="utf-8")
    assert 'href="https://other.example/about/"' in html
    assert "2021-12-08T10:00:00+00:00" in html and "另一站点" in html


@pytest.mark.slow
def test_every_format_is_reproducible_under_source_date_epoch(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    for name in ("a", "b"):
        run = octavo("convert", REFERENCE, "-o", tmp_path / name, "--no-cache", env=env)
        assert run.returncode == 0, run.stderr
    files = sorted(p.name for p in (tmp_path / "a").iterdir() if not p.name.startswith("."))
    assert len(files) == 8
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_outputs_get_ordinary_permissions(tmp_path):
    from convert import batch

    target = tmp_path / "x.html"
    batch.atomic_write(target, b"data")
    assert target.stat().st_mode & 0o777 == 0o666 & ~batch.UMASK


@pytest.mark.slow
def test_interrupted_batch_leaves_whole_posts_only(tmp_path):
    """Ctrl-C mid-batch: the run stops early without a traceback, leaves no temporary
    file, and each post it wrote has all its formats."""
    import signal
    import time

    posts = tmp_path / "posts"
    posts.mkdir()
    for copy in range(8):  # enough chunks (of 8 posts) that the signal lands with work still queued
        for post in CORPUS_POSTS:
            shutil.copy(post, posts / f"{copy}{post.name}")
    total = len(list(posts.iterdir()))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "convert", "convert", str(posts), "-o", str(out),
                             "-t", "pdf,epub,html", "--no-cache", "--jobs", "2"], start_new_session=True,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (out.exists() and any(out.glob("*.pdf"))):
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert "Traceback" not in err
    assert proc.returncode != 0 or "Aborted" in err, (proc.returncode, err[-500:])
    names = [p.name for p in out.iterdir()]
    assert not [n for n in names if n.endswith(".tmp")]
    stems = {n.rsplit(".", 1)[0] for n in names if not n.startswith(".")}
    assert 0 < len(stems) < total, f"{len(stems)} of {total} posts written: the signal did not land mid-batch"
    for stem in stems:
        assert sorted(n for n in names if n.rsplit(".", 1)[0] == stem) == [f"{stem}.epub", f"{stem}.html",
                                                                            f"{stem}.pdf"]
        assert (out / f"{stem}.pdf").read_bytes().rstrip().endswith(b"%%EOF"), stem
        assert (out / f"{stem}.html").read_bytes().endswith(b"</html>\n"), stem
        with zipfile.ZipFile(out / f"{stem}.epub") as book:
            assert book.testzip() is None, stem


@pytest.mark.parametrize("fmt,needle", [("csl", '"number": "国办发〔2021〕59号"'), ("biblatex", "@online{"),
                                        ("bibtex", "@misc{"), ("ris", "TY  - NEWS"), ("dc", "<dc:title"),
                                        ("datacite", "<resource"), ("jsonld", '"@type": "NewsArticle"')])
def test_cite_prints_each_format(fmt, needle):
    run = octavo("cite", REFERENCE, "-f", fmt)
    assert run.returncode == 0, run.stderr
    assert needle in run.stdout


CITED = {
    ("apa", "news"): "国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去.” (2022, January 19). "
                     "东方财富网, 国办发〔2021〕59号. http://finance.eastmoney.com/news/1345,202201192253651534.html "
                     "(Original work published 2021, 中国政府网)",
    ("gb7714", "news"): "佚名, 2022. 国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去”: "
                        "国办发〔2021〕59号[N/OL]. 东方财富网, 2022-01-19[2025-01-01]. "
                        "http://finance.eastmoney.com/news/1345,202201192253651534.html.",
    ("chicago", "blog"): "Grace Hopper, Alan Turing, and Katherine Johnson. 2024. “A Guest Post.” Ahoy Notes, "
                         "March 2. https://ahoy.example.org/notes/2024/guest-post/.",
    ("gb7714", "blog"): "GRACE HOPPER, ALAN TURING, KATHERINE JOHNSON, 2024. A guest post[EB/OL]. "
                        "(2024-03-02)[2025-01-01]. https://ahoy.example.org/notes/2024/guest-post/.",
}
"""`octavo cite --style` on the real files (read, checked by hand): the news post is
anonymous and Chinese, the fixture blog's guest post has three authors and is English."""


@pytest.mark.parametrize("style, kind", sorted(CITED))
def test_cite_with_a_style_prints_the_expected_entry(style, kind):
    post = REFERENCE if kind == "news" else ROOT / "tests/fixtures/blog/_posts/2024-03-02-guest-post.md"
    profile = ["--profile", "generic"] if kind == "blog" else []
    run = octavo("cite", post, "--style", style, *profile, env={"SOURCE_DATE_EPOCH": "1735689600"})
    assert run.returncode == 0, run.stderr
    assert run.stdout == CITED[style, kind] + "\n"


def test_cite_with_a_style_and_usage_errors(tmp_path):
    assert octavo("cite", REFERENCE, "--style", "no-such-style").returncode == 2
    dependent = tmp_path / "dependent.csl"
    dependent.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info><link '
                         'rel="independent-parent" href="http://www.zotero.org/styles/apa"/></info></style>')
    refused = octavo("cite", REFERENCE, "--style", dependent)
    assert refused.returncode == 2 and "dependent style" in refused.stderr
    assert octavo("cite", REFERENCE, "-f", "docx").returncode == 2


def test_slow_post_fails_alone_on_the_read_time_limit(tmp_path, monkeypatch):
    from convert import batch

    slow = tmp_path / "slow.md"
    slow.write_text("---\ntitle: s\n---\n" + "[" * 400_000 + "\n", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text(GOOD, encoding="utf-8")
    settings = Settings(formats=("html",), read_timeout=0.3)
    results = batch.convert_chunk([batch.Job(slow, "slow"), batch.Job(good, "good")], tmp_path, settings)
    assert "slow.md" in str(results[0].errors["read"]) and "longer than 0.3 s" in str(results[0].errors["read"])
    assert results[1].ok and (tmp_path / "good.html").exists()


@pytest.mark.slow
def test_a_long_cjk_file_name_converts_to_every_format(tmp_path):
    """Scraped news names files after titles: 80 CJK characters are 240 bytes, and with a
    suffix and the temporary file's decoration every write passed the file system's 255.
    Names are cut to 180 bytes at a character; an ASCII name keeps its 150 characters."""
    from convert.inputs import safe_name

    posts = tmp_path / "posts"
    posts.mkdir()
    name = "关于进一步加强" * 12   # 84 characters, 252 bytes
    (posts / f"{name}.md").write_text("---\ntitle: 长文件名\n---\n正文。\n", "utf-8")
    run = octavo("convert", posts, "-o", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    made = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert len(made) == len(Settings().formats) and all(m.startswith(name[:60]) for m in made), made
    assert all(len(m.encode()) <= 180 + len(".csl.json") for m in made)
    assert safe_name("a" * 200) == "a" * 150 and safe_name("长" * 61 + ".") == "长" * 60
