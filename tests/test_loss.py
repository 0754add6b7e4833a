"""No silent loss: every word of a post's text reaches the HTML, the Markdown body, the EPUB
chapters and the PDF's text, or a warning of that post names it (see losscheck.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convert import Settings, liquid, load
from convert.batch import Job, run
from convert.cli import warning_lines
from convert.errors import PostWarning
from convert.reader import HTML_SUFFIXES, decode, render, split_front_matter
from convert.sanitize import CODE, removed
from convert.site import site_for
from convert.writers.markdown import Options as MarkdownOptions

import losscheck
from conftest import CORPUS_POSTS, GENERIC, posts
from test_hostile import EXPECTED_FAILURES, HOSTILE
FORMATS = ("html", "md", "epub", "pdf")
SUFFIXES = {"html": ".html", "md": ".md", "epub": ".epub", "pdf": ".pdf"}
EXTRACT = {"html": lambda p: losscheck.html_text(p.read_bytes()),
           "md": lambda p: losscheck.markdown_text(p.read_bytes()),
           "epub": losscheck.epub_text, "pdf": losscheck.pdf_text}


def post_text(path: Path) -> str:
    """The post's text: its body rendered to HTML as the reader renders it (Liquid, then
    Markdown, before the allowlist, so what sanitizing removes counts), without scripts
    and styles, which are code."""
    text, _ = decode(path.read_bytes(), str(path))
    data, body, _ = split_front_matter(text, str(path))
    if data.get("render_with_liquid") is not False:
        body, _ = liquid.render(body, site_for(path.resolve().parent), data, str(path))
    html = render(body, path.suffix.lower() in HTML_SUFFIXES, site_for(path.resolve().parent).config)
    if not html.strip():
        return ""
    root = losscheck.lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(root.iter(*CODE)):
        element.drop_tree()
    for mark in root.xpath('//*[contains(@class, "footnote-ref") or contains(@class, "footnote-backref")]'):
        tail = mark.tail   # note numbers the Markdown stage makes (`1:1` for a second call), not the post's
        mark.clear()
        mark.text, mark.tail = " ", tail
    return " ".join(root.itertext())


def losses(paths: list[Path], outdir: Path, formats=FORMATS, unreadable=(), flavor="pandoc") -> dict[str, list[str]]:
    """"post format" → its unexplained tokens, for posts converted in one batch; only the
    posts named in `unreadable` may fail to read (they have no outputs to check)."""
    settings = Settings(formats=formats, jobs=2, cache=False, markdown=MarkdownOptions(flavor=flavor))
    found: dict[str, list[str]] = {}
    for result in run([Job(p, f"{n:03d}-{p.stem}") for n, p in enumerate(paths)], outdir, settings):
        if "read" in result.errors:
            assert result.path.name in unreadable, result.errors["read"]
            continue
        expected = post_text(result.path)
        said = [w.message for w in result.warnings]
        for fmt in formats:
            assert fmt not in result.errors, result.errors[fmt]
            actual = EXTRACT[fmt](outdir / f"{result.name}{SUFFIXES[fmt]}")
            lost = losscheck.unexplained(expected, actual, said)
            if lost:
                found[f"{result.path.name} {fmt}"] = lost
    return found


def test_tokens_survive_line_breaks_hyphenation_widths_and_ligatures():
    assert losscheck.unexplained("ＡＢＣ１２ 全角 ﬁnance hyphenation 中文句子",
                                 "abc12 全\n角 finance hy-\nphenation 中文\n句子", []) == []
    assert losscheck.unexplained("甲乙 word", "甲 wor", []) == ["甲乙", "word"]
    assert losscheck.unexplained("甲乙 word", "甲", ["dropped: '甲乙 word'"]) == []
    assert losscheck.unexplained("一 一", "一", []) == ["一"]


@pytest.mark.slow
def test_bundled_posts_lose_nothing_silently(tmp_path):
    """The bundled corpus, the generic fixtures and the hostile posts that convert."""
    paths = [*CORPUS_POSTS, *posts(GENERIC), *sorted(HOSTILE.glob("*.md"))]
    assert losses(paths, tmp_path, unreadable=tuple(f"{name}.md" for name in EXPECTED_FAILURES)) == {}


@pytest.mark.slow
def test_full_corpus_loses_nothing_silently(shared_posts, tmp_path):
    assert losses(shared_posts, tmp_path) == {}


def test_object_fallback_is_kept_and_removed_text_is_named(tmp_path):
    post = tmp_path / "2022-01-01-object.md"
    post.write_text("---\ntitle: 对象\n---\n"
                    '<object data="x.swf"><param name="a" value="b">请安装播放器观看</object>\n\n'
                    "<noscript>请启用脚本</noscript>\n\n<svg><text>图中文字</text></svg>\n", encoding="utf-8")
    out = tmp_path / "out"
    assert losses([post], out) == {}
    html = (out / "000-2022-01-01-object.html").read_text(encoding="utf-8")
    assert "请安装播放器观看" in html and "请启用脚本" not in html


def test_removed_names_readable_text_only():
    """Scripts are code and go silently; an <embed> is void, so the text after it is not its own."""
    assert removed('<p><embed src="x.swf">嵌入之后</p><script>var a = "代码";</script>') == []
    assert removed("<p>甲</p><noscript><p>请启用脚本</p></noscript>") == [
        "removed <noscript> and its text: '请启用脚本'"]


def test_an_image_without_a_safe_source_is_named(tmp_path):
    post = tmp_path / "2022-01-01-image.md"
    post.write_text('---\ntitle: 图\n---\n<img src="data:image/png;base64,AAAA" alt="内嵌图说明">\n\n正文\n',
                    encoding="utf-8")
    assert any("内嵌图说明" in w.message for w in load(post).warnings)


def test_navigation_warnings_of_many_posts_are_one_line():
    """Site navigation is dropped from every post of a site: named, but once for the run."""
    message = "dropped site navigation: '返回东财滚动新闻｜返回首页'"
    lines = warning_lines([PostWarning(f"{n}.md", message, kind="navigation") for n in range(3)]
                          + [PostWarning("0.md", "dropped hidden text: '秘密'", kind="dropped")]
                          + [PostWarning("3.md", "dropped site navigation: '返回首页'", kind="navigation")])
    assert lines == ["0.md: dropped hidden text: '秘密'", f"{message}, and 1 more like it (4 posts, first: 0.md)"]


WORDS = ["国务院", "办公厅", "关于", "意见", "发展", "市场", "企业", "一体化", "推进", "March",
         "policy", "trade", "2021", "Zhōngguó", "第三方", "（试行）", "，", "。", "、", "“引号”"]
TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
DEPTH = st.integers(min_value=1, max_value=200)
"""Nesting levels of one deep block: with the unclosed tags of up to ten other blocks (three
each), under the reader's limit of 256 elements (lists nest at most 100: 200 elements)."""


def _nested(tag: str, depth: int, inner: str) -> str:
    """`inner` in `depth` levels of `tag` (a list level is two elements, <ul><li>)."""
    if tag == "ul":
        return "<ul><li>" * depth + inner + "</li></ul>" * depth
    return f"<{tag}>" * depth + inner + f"</{tag}>" * depth


BLOCK = st.one_of(
    TEXT.map(lambda t: f"{t}\n"),
    TEXT.map(lambda t: f"<p><strong>{t}</strong></p>\n"),
    TEXT.map(lambda t: f'<p style="text-align:center;"><strong>{t}</strong></p>\n'),
    TEXT.map(lambda t: f'<p style="text-align:right;">{t}</p>\n'),
    TEXT.map(lambda t: f"> {t}\n"),
    TEXT.map(lambda t: f'<p style="display:none">{t}</p>\n'),
    TEXT.map(lambda t: f'<p class="em_media">（文章来源：{t}）</p>\n'),
    TEXT.map(lambda t: f'<p><a class="keytip" href="http://quote.eastmoney.com/x">{t}</a>的股价</p>\n'),
    TEXT.map(lambda t: f'<p><a href="../x/">返回{t}</a></p>\n'),
    TEXT.map(lambda t: f"## {t}\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"- {t[0]}\n  - {t[1]}\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"1. {t[0]}\n2. {t[1]}\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"| 项目 | 说明 |\n|---|---|\n| {t[0]} | {t[1]} |\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"<table><tr><th>{t[0]}</th></tr><tr><td>{t[1]}</td></tr></table>\n"),
    st.tuples(TEXT, TEXT, TEXT).map(lambda t: f"<table><caption>{t[0]}</caption><tr><td><p>{t[1]}</p>"
                                    f"<ul><li>{t[2]}</li></ul></td><td>{t[0]}<br>{t[1]}</td></tr>"
                                    f"<tr><td colspan=\"2\"><table><tr><td>{t[2]}</td></tr></table></td></tr></table>\n"),
    st.tuples(st.integers(min_value=6, max_value=16), TEXT).map(
        lambda t: "<table><tr>" + "".join(f"<td>{t[1]}{i}</td>" for i in range(t[0])) + "</tr></table>\n"),
    st.integers(min_value=60, max_value=600).map(lambda n: f"前文 {'x' * n}z 后文\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"{t[0]}[^{len(t[1])}]\n\n[^{len(t[1])}]: {t[1]}\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f'<object data="v.swf"><param name="q" value="1">{t[0]}</object>{t[1]}\n'),
    st.tuples(TEXT, TEXT, TEXT).map(lambda t: f"<p>{t[0]} <b>{t[1]} <i>斜</b> {t[2]}</i></p>\n"),
    st.tuples(TEXT, TEXT, TEXT).map(lambda t: f"<b>{t[0]} <i>{t[1]}</b> {t[2]}</i>\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"<div>{t[0]} <span>{t[1]} <em>未闭合\n"),
    st.tuples(TEXT, TEXT).map(lambda t: f"<p>{t[0]} <strong>{t[1]}\n"),
    st.tuples(st.sampled_from(["blockquote", "div"]), DEPTH, TEXT).map(lambda t: _nested(*t) + "\n"),
    st.tuples(DEPTH, TEXT).map(lambda t: _nested("ul", min(t[0], 100), t[1]) + "\n"),
    st.tuples(DEPTH, TEXT).map(lambda t: "> " * min(t[0], 60) + t[1] + "\n"),
)
POSTS = st.lists(BLOCK, min_size=1, max_size=10).map(lambda blocks: "\n".join(blocks))


def _write_posts(folder: Path, bodies: list[str]) -> list[Path]:
    paths = []
    for n, body in enumerate(bodies):
        path = folder / f"2022-01-{n + 1:02d}-generated.md"
        path.write_text(f"---\ntitle: 生成的文章\n---\n{body}", encoding="utf-8")
        paths.append(path)
    return paths


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(POSTS, min_size=1, max_size=8), st.sampled_from(["pandoc", "gfm", "commonmark"]))
@pytest.mark.slow
def test_generated_posts_lose_nothing_silently(bodies, flavor):
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_posts(Path(folder), bodies)
        assert losses(paths, Path(folder) / "out", ("html", "md", "epub"), flavor=flavor) == {}


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
          database=None)
@given(st.lists(POSTS, min_size=2, max_size=4))
@pytest.mark.slow
def test_generated_posts_lose_nothing_in_the_pdf(bodies):
    """Derandomized: in a table of a dozen narrow columns a CJK word breaks across lines and
    pdftotext interleaves the columns in both its orders, so the checker cannot find the word
    although the page shows it (seen once at random); the fixed examples keep CI steady."""
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_posts(Path(folder), bodies)
        assert losses(paths, Path(folder) / "out", ("pdf",)) == {}


TABLES = ("<table><caption>表题甲</caption><tr><th>头乙</th><th>头丙</th></tr>"
          "<tr><td><p>段丁</p><p>段戊</p></td><td>行己<br>行庚</td></tr>"
          "<tr><td><ul><li>项辛</li></ul></td><td><table><tr><td>内壬</td><td>内癸</td></tr></table></td></tr>"
          '<tr><td colspan="2">跨列子</td></tr></table>\n\n结尾丑\n')


@pytest.mark.parametrize("flavor", ["pandoc", "gfm", "commonmark"])
def test_every_markdown_flavor_keeps_the_text_of_tables(flavor, tmp_path):
    """pandoc writes "[TABLE]" for a table its flavour cannot hold (commonmark: any table)."""
    post = tmp_path / "2022-01-01-tables.md"
    post.write_text(f"---\ntitle: 表\n---\n{TABLES}", encoding="utf-8")
    out = tmp_path / "out"
    run([Job(post, "tables")], out, Settings(formats=("md",), jobs=1, cache=False,
                                             markdown=MarkdownOptions(flavor=flavor)))
    body = losscheck.markdown_text((out / "tables.md").read_bytes())
    assert "[TABLE]" not in body
    assert losscheck.unexplained(post_text(post), body, []) == []


@pytest.mark.parametrize("shape", ["blockquote", "div", "ul"])
def test_deepest_nesting_the_reader_accepts_keeps_its_text(shape, tmp_path):
    post = tmp_path / f"2022-01-01-{shape}.md"
    post.write_text(f"---\ntitle: 深\n---\n{_nested(shape, 120, '最深处的文字')}\n\n结尾\n", encoding="utf-8")
    assert losses([post], tmp_path / "out") == {}
