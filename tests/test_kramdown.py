"""Posts read as Jekyll reads them (issue 9, items 2 and 6): kramdown with GFM input and
Jekyll's defaults, each construct on a small post; ids kept and every in-page link
resolving in the HTML and the EPUB."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pytest

import convert
from convert import kramdown
from convert.writers import epub as epub_writer
from convert.settings import Settings

from conftest import ROOT

SITE = ROOT / "tests" / "fixtures" / "kramdown"
POST = SITE / "_posts" / "2024-05-01-every-construct.md"
JEKYLL_SITES = ROOT.parent / "shared" / "corpus" / "jekyll"
GENERIC = Settings(profile="generic")
KRAMDOWN_SYNTAX = re.compile(r"\{:[^}\n]*\}|\{::\w+|\{:/\w*\}|^\s*\*\[[^\]]+\]:|markdown=|\$\$", re.M)
"""What kramdown syntax looks like when it leaks into the text (outside code)."""


def render(text: str, **config) -> str:
    return kramdown.render(text, config)


def prose(html: str) -> str:
    """The page's text and attribute values outside <code>, <pre> and <math>."""
    root = lxml.html.fromstring(html)
    for tag in root.xpath("//code|//pre|//*[local-name()='math']|//head"):
        tag.drop_tree()
    values = [value for tag in root.iter() if isinstance(tag.tag, str) for value in tag.attrib.values()]
    return root.text_content() + "\n" + "\n".join(values)


def dangling(html: str) -> list[str]:
    """In-page links of the page whose target id is not on it."""
    root = lxml.html.fromstring(html)
    ids = {tag.get("id") for tag in root.iter() if isinstance(tag.tag, str) and tag.get("id")}
    return [a.get("href") for a in root.iter("a") if (a.get("href") or "").startswith("#")
            and a.get("href")[1:] not in ids]


# ------------------------------------------------------------------ constructs, one each

def test_block_attribute_list_applies_to_the_block_before():
    html = render('A notice.\n{: .notice #n data-x="1"}\n')
    assert html == '<p class="notice" id="n" data-x="1">A notice.</p>\n'


def test_block_attribute_list_after_a_blank_line_applies_to_the_block_after():
    assert render("{: .lead}\nNext paragraph.\n") == '<p class="lead">Next paragraph.</p>\n'
    assert render("Para.\n\n{: .lead}\nNext.\n") == '<p>Para.</p>\n<p class="lead">Next.</p>\n'


def test_span_attribute_list_applies_to_the_span_before():
    html = render("[Go](https://e.org){: .btn .btn--large} and *x*{: #em}\n")
    assert html == '<p><a href="https://e.org" class="btn btn--large">Go</a> and <em id="em">x</em></p>\n'


def test_attribute_list_definition_referred_by_name():
    html = render("{:warn: .notice--warning}\nCareful.\n{: warn}\n")
    assert html == '<p class="notice--warning">Careful.</p>\n'


def test_header_id_syntax():
    assert render("## Setup {#setup}\n") == '<h2 id="setup">Setup</h2>\n'
    assert render("Setup {#s2}\n-----\n") == '<h2 id="s2">Setup</h2>\n'


def test_toc_replaces_the_list_it_marks():
    html = render("* x\n{:toc}\n\n# One\n\n## Two\n\n## Skip\n{: .no_toc}\n\n# Three\n")
    assert "x</li>" not in html and "{:toc}" not in html
    toc = lxml.html.fromstring(html).get_element_by_id("markdown-toc")
    assert [a.get("href") for a in toc.iter("a")] == ["#one", "#two", "#three"]
    assert toc.xpath("./li[1]/ul/li/a")[0].text == "Two"   # nested under its parent heading


def test_toc_levels_from_the_config():
    html = render("* x\n{:toc}\n\n# One\n\n## Two\n", kramdown={"toc_levels": "2..3"})
    toc = lxml.html.fromstring(html).get_element_by_id("markdown-toc")
    assert [a.get("href") for a in toc.iter("a")] == ["#two"]


def test_comment_extension_is_dropped():
    html = render("Before.\n\n{::comment}\nsecret\n{:/comment}\n\nAfter {::comment}hidden{:/} end.\n")
    assert "secret" not in html and "hidden" not in html and "{:" not in html
    assert "Before." in html and "After" in html and "end." in html


def test_nomarkdown_extension_is_raw():
    assert render("{::nomarkdown}\n<b>*raw*</b>\n{:/nomarkdown}\n") == "<b>*raw*</b>\n"


def test_options_extension_leaves_nothing():
    assert render('{::options auto_ids="false" /}\nText.\n') == "<p>Text.</p>\n"


def test_definition_list():
    html = render("Term\n: Its definition.\n")
    assert html == "<dl>\n<dt>Term</dt>\n<dd>Its definition.</dd>\n</dl>\n"


def test_abbreviations_wrap_whole_words_outside_code():
    html = render("HTML and HTMLX and `HTML`.\n\n*[HTML]: Hyper Text Markup Language\n")
    assert html == ('<p><abbr title="Hyper Text Markup Language">HTML</abbr> and HTMLX and '
                    "<code>HTML</code>.</p>\n")


def test_markdown_attribute_parses_the_html_block():
    html = render('Intro.\n\n<div class="box" markdown="1">\n**bold**\n\n- item\n</div>\n')
    assert '<div class="box">\n<p><strong>bold</strong></p>\n<ul>\n<li>item</li>\n</ul>\n</div>' in html
    assert "markdown=" not in html
    assert "**bold**" in render('<div class="box">\n**bold**\n</div>\n')   # without it: raw HTML


def test_footnotes():
    html = render("Claim[^a].\n\n[^a]: Note.\n")
    assert 'href="#fn1"' in html and 'id="fn1"' in html and "Note." in html


def test_table_with_pipes_in_code_spans():
    html = render("| a | b |\n|---|---|\n| `x|y` | z |\n")
    assert "<td><code>x|y</code></td>\n<td>z</td>" in html


def test_math_stays_tex_inline_and_display():
    html = render("Inline $$x < y$$ here.\n\n$$\n\\frac{1}{2}\n$$\n\nCosts $5 and $10.\n")
    assert '<span class="math inline">\\(x &lt; y\\)</span>' in html
    assert '<span class="math display">\\[\\frac{1}{2}\\]</span>' in html
    assert "Costs $5 and $10." in html   # single dollars are text, as in kramdown


def test_smart_quotes_and_typographic_symbols():
    assert render("\"Don't\" -- wait --- ... << a >>\n") == \
        "<p>“Don’t” – wait — … «\u00a0a\u00a0»</p>\n"
    assert render("`\"--\"`\n") == "<p><code>&quot;--&quot;</code></p>\n"   # code untouched


def test_smart_quotes_from_the_config():
    html = render('"Hallo"\n', kramdown={"smart_quotes": "sbquo,lsquo,bdquo,ldquo"})
    assert html == "<p>„Hallo“</p>\n"


# ------------------------------------------------------------------ header ids

@pytest.mark.parametrize("heading,expected", [
    ("Hello, World!", "hello-world"),
    ("Don't stop", "dont-stop"),
    ("`code` and *em*", "code-and-em"),
    ("总体 要求", "总体-要求"),
    ("A -- B", "a--b"),
    ("snake_case 2", "snake_case-2"),
])
def test_auto_ids_as_kramdown_parser_gfm(heading, expected):
    assert render(f"## {heading}\n") .startswith(f'<h2 id="{expected}">')


def test_auto_ids_unique_prefix_and_off():
    assert re.findall(r'id="([^"]+)"', render("# A\n\n# A\n\n# A\n")) == ["a", "a-1", "a-2"]
    assert 'id="p-a"' in render("# A\n", kramdown={"auto_id_prefix": "p-"})
    assert "id=" not in render("# A\n", kramdown={"auto_ids": False})


def test_auto_ids_of_kramdown_input():
    """`input: kramdown` uses kramdown's own algorithm: ASCII only, "section" when empty."""
    html = render("# 1. Intro\n\n# 总体\n\n# 总体\n", kramdown={"input": "kramdown"})
    assert re.findall(r'id="([^"]+)"', html) == ["intro", "section", "section-1"]


def test_commonmark_site_gets_no_kramdown_extensions():
    html = render('"q" {: .x}\n\n*[A]: b\n', markdown="CommonMarkGhPages")
    assert html.startswith('<p>&quot;q&quot; {: .x}</p>')


def test_renderer_is_built_once_per_configuration():
    assert kramdown.renderer({"title": "a"}) is kramdown.renderer({"title": "b"})
    assert kramdown.renderer({}) is not kramdown.renderer({"kramdown": {"auto_ids": False}})


# ------------------------------------------------------------------ the whole pipeline

def test_post_keeps_ids_and_resolves_links(tmp_path):
    doc = convert.load(POST, GENERIC)
    html = convert.write(doc, "html", GENERIC).decode()
    assert not KRAMDOWN_SYNTAX.search(prose(html)), KRAMDOWN_SYNTAX.search(prose(html))
    assert dangling(html) == []
    for ident in ("lists", "notice-para", "top", "总体-要求", "markdown-toc", "fn1", "fnref1"):
        assert f'id="{ident}"' in html
    assert "<math" in html and "never shown" not in html
    assert [w for w in doc.warnings if w.kind == "dangling-link"] == []


def test_link_to_a_missing_id_is_unwrapped_with_a_warning(tmp_path):
    post = tmp_path / "2024-01-01-x.md"
    post.write_text("---\ntitle: X\n---\nSee [there](#nowhere) and [here](#here).\n\n## Here\n")
    doc = convert.load(post, GENERIC)
    assert '<a href="#here">here</a>' in doc.body and "#nowhere" not in doc.body
    assert any(w.kind == "dangling-link" and "#nowhere" in w.message for w in doc.warnings)


def test_markdown_output_reads_back_as_written(tmp_path):
    doc = convert.load(POST, GENERIC)
    md = convert.write(doc, "md", GENERIC)
    back = tmp_path / POST.name
    back.write_bytes(md)
    shutil.copy(SITE / "_config.yml", tmp_path / "_config.yml")
    again = convert.load(back, GENERIC)
    assert again.body.count("<h2") == doc.body.count("<h2")
    assert re.findall(r'<h2 id="([^"]+)"', again.body) == re.findall(r'<h2 id="([^"]+)"', doc.body)
    assert "Don’t “quote” – me…" in again.body
    assert '<span class="math display">' in again.body


@pytest.mark.slow
def test_epub_links_resolve_epubcheck(tmp_path):
    from test_epub import epubcheck_many
    doc = convert.load(POST, GENERIC)
    path = tmp_path / "post.epub"
    path.write_bytes(convert.write(doc, "epub", GENERIC))
    results, messages = epubcheck_many([path], tmp_path)
    assert results[str(path)][:2] == (0, 0), messages
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as book:
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
    assert "<math" in chapter and 'id="总体-要求"' in chapter


def _site_posts(name: str) -> list[Path]:
    folder = JEKYLL_SITES / name / "_posts"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    return sorted(p for p in folder.iterdir() if p.suffix in (".md", ".markdown"))


@pytest.mark.slow
@pytest.mark.parametrize("site", ["jekyll-docs", "minimal-mistakes"])
def test_jekyll_sites_show_no_kramdown_syntax_and_links_resolve(site, tmp_path):
    """Both real sites, converted with no flags: no kramdown syntax outside code, every
    in-page link of the HTML resolves, and epubcheck finds no error in any EPUB."""
    from test_epub import epubcheck_many
    leaks, broken, docs = {}, {}, []
    for post in _site_posts(site):
        doc = convert.load(post)
        html = convert.write(doc, "html").decode()
        if KRAMDOWN_SYNTAX.search(prose(html)):
            leaks[post.name] = KRAMDOWN_SYNTAX.search(prose(html)).group()
        if dangling(html):
            broken[post.name] = dangling(html)
        docs.append(doc)
    assert leaks == {} and broken == {}
    books = []
    for doc, data in zip(docs, epub_writer.write_many(docs, Settings())):
        assert isinstance(data, bytes), data
        books.append(tmp_path / f"{doc.stem}.epub")
        books[-1].write_bytes(data)
    results, messages = epubcheck_many(books, tmp_path)
    assert {path: counts for path, counts in results.items() if counts[:2] != (0, 0)} == {}, messages


def test_table_separator_lines_make_bodies_and_a_footer():
    html = render("| H |\n|---|\n| a |\n|---|\n| b |\n|===|\n| F |\n")
    root = lxml.html.fromstring(f"<div>{html}</div>")
    assert [len(body.findall("tr")) for body in root.iter("tbody")] == [1, 1]
    assert [td.text for td in root.find(".//tfoot").iter("td")] == ["F"]
    assert "---" not in html and "===" not in html


def test_site_settings_reach_the_post_and_markdownify(tmp_path):
    """`_config.yml`'s kramdown options shape the body and Liquid's `markdownify` alike."""
    (tmp_path / "_config.yml").write_text("kramdown:\n  auto_id_prefix: p-\n  smart_quotes: apos,apos,quot,quot\n")
    post = tmp_path / "2024-01-01-x.md"
    post.write_text('---\ntitle: X\n---\n## "One"\n\n{{ "## Two" | markdownify }}\n')
    doc = convert.read_post(post)
    assert '<h2 id="p-one">"One"</h2>' in doc.body
    assert '<h2 id="p-two">Two</h2>' in doc.body


def test_html_math_is_mathml_and_unreadable_tex_stays_with_a_warning(tmp_path):
    post = tmp_path / "2024-01-01-m.md"
    post.write_text("---\ntitle: M\n---\nGood $$\\sqrt{x}$$ and bad $$\\frac{1}{$$.\n")
    doc = convert.load(post, GENERIC)
    with convert.errors.collecting() as warnings:
        html = convert.write(doc, "html", GENERIC).decode()
    assert "<msqrt>" in html and '<annotation encoding="application/x-tex">\\sqrt{x}</annotation>' in html
    assert '<span class="math inline">\\(\\frac{1}{\\)</span>' in html
    assert [w.kind for w in warnings] == ["math"]
    pdf_page = convert.writers.html.page(doc)
    assert "<math" not in pdf_page and "\\(\\sqrt{x}\\)" in pdf_page   # the PDF shows TeX


def test_parse_block_html_from_the_config():
    text = '<div class="x">\n**bold**\n</div>\n\n<div markdown="0">\n**raw**\n</div>\n'
    assert "<strong>bold</strong>" in render(text, kramdown={"parse_block_html": True})
    assert "**raw**" in render(text, kramdown={"parse_block_html": True})
    assert "**bold**" in render(text)   # Jekyll's default: HTML blocks stay HTML


@pytest.mark.parametrize("depth", [12, 40, 120])
def test_deep_lists_and_quotes_keep_every_item_and_the_text_after_them(depth):
    """markdown-it's preset stops parsing at 20 levels and drops the rest of the post without
    a word: a 12-deep list lost its last items, a 40-deep quote half its lines."""
    items = "".join("  " * i + f"- item{i}\n" for i in range(depth)) + "\nafterlist\n\n"
    quotes = "".join(">" * (i + 1) + f" quote{i}\n\n" for i in range(depth)) + "afterquote\n"
    html = kramdown.render(items) + kramdown.render(quotes)
    assert re.findall(r"item\d+", html) == [f"item{i}" for i in range(depth)]
    assert re.findall(r"quote\d+", html) == [f"quote{i}" for i in range(depth)]
    assert "afterlist" in html and "afterquote" in html


def test_markdown_too_deep_to_parse_whole_fails_the_post_naming_it(tmp_path):
    post = tmp_path / "deep.md"
    post.write_text("---\ntitle: deep\n---\n" + "".join("  " * i + f"- {i}\n" for i in range(300)), "utf-8")
    with pytest.raises(convert.errors.PostError, match="Markdown nested deeper than 256 levels"):
        convert.load(post)


def test_a_run_of_attribute_lists_is_matched_to_its_blocks_in_linear_work():
    """Each `{: …}` line of a run looked for its neighbouring blocks past all the others
    (50,000 lines of them took 155 s, past the reader's time limit). Counted in executed
    lines of the two lookups, not timed: a run of n finds its neighbours once."""
    import sys

    counted = {"_previous_block", "_next_block"}
    lines = [0]

    def tracer(frame, event, arg):
        if frame.f_code.co_name not in counted:
            return None
        def local(frame, event, arg):
            lines[0] += event == "line"
            return local
        return local

    n = 1000
    sys.settrace(tracer)
    try:
        html = kramdown.render("para\n" + "{: .a}\n" * n + "\nnext\n{: .b}\n")
    finally:
        sys.settrace(None)
    assert html == '<p class="a">para</p>\n<p class="a b">next</p>\n'   # as before: only the first is adjacent
    assert lines[0] < 20 * n, lines[0]
