"""HTML → Markdown → HTML gives the same body (tests/roundtrip.py defines the trip and the
comparison) for at least 99% of the posts, and what Markdown cannot say stays HTML."""

from __future__ import annotations

import re
import subprocess
import tempfile
from html import escape
from pathlib import Path

import pytest
from PIL import Image
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import convert
from conftest import CORPUS, GENERIC, ROOT, SHARED, posts
from convert.errors import PostError
from convert.model import Document, Meta
from convert.pandoc import executable
from convert.settings import Settings
from convert.writers import markdown
from roundtrip import body, canonical, first_difference, round_trip

NEWS = Settings()
BLOG = Settings(profile="generic")
FIXTURES = ROOT / "tests" / "fixtures"
STRUCTURES = FIXTURES / "markdown" / "2026-11-30-structures.md"
JEKYLL = ROOT.parent / "shared" / "corpus" / "jekyll"
REQUIRED_SHARE = 0.99

BUNDLED = [*((p, NEWS) for p in posts(CORPUS)), *((p, NEWS) for p in posts(FIXTURES / "hostile")),
           *((p, BLOG) for p in [*posts(GENERIC), *posts(FIXTURES / "blog" / "_posts"), *posts(FIXTURES / "markdown")])]
"""The bundled corpus (news) and every fixture post; Jekyll-style ones with the blog profile."""


def share(cases, folder: Path, capsys, label: str) -> None:
    """Round-trip every case; print the share kept; fail below REQUIRED_SHARE, naming each
    post that changed. A post Octavo refuses to read (a binary, an alias bomb) has no body
    to compare and is left out, its count printed."""
    kept, changed, refused = 0, [], 0
    for n, (post, settings) in enumerate(cases):
        folder_n = folder / str(n)
        folder_n.mkdir()
        try:
            before, after = round_trip(post, settings, folder_n)
        except PostError:
            refused += 1
            continue
        if before == after:
            kept += 1
        else:
            changed.append(f"{post}: {first_difference(before, after)}")
    total = kept + len(changed)
    with capsys.disabled():
        print(f"\nMarkdown round trip, {label}: {kept} of {total} bodies unchanged "
              f"({kept / total:.1%}); {refused} refused by the reader")
    assert total and kept / total >= REQUIRED_SHARE, "\n".join(changed)


@pytest.mark.slow
def test_round_trip_over_the_bundled_posts(tmp_path, capsys):
    share(BUNDLED, tmp_path, capsys, "tests/corpus and tests/fixtures")


@pytest.mark.slow
def test_round_trip_over_the_shared_sites(tmp_path, capsys):
    if not SHARED.is_dir() or not JEKYLL.is_dir():
        pytest.skip("the workplace's corpora (../shared/corpus) are not present")
    cases = [*((p, NEWS) for p in posts(SHARED)),
             *((p, BLOG) for p in sorted(JEKYLL.glob("*/_posts/*")) if p.is_file())]
    share(cases, tmp_path, capsys, "finews, jekyll-docs and minimal-mistakes")


def test_the_structures_fixture_round_trips(tmp_path):
    before, after = round_trip(STRUCTURES, BLOG, tmp_path)
    assert before == after, first_difference(before, after)
    for needle in ("<table", "<dl>", "<figure>", "<address>", "<details>", "<cite>", "<kbd>", "<sub>",
                   'lang="de"', 'class="footnotes"', 'class="language-python"', 'class="centered"'):
        assert needle in before   # the fixture does hold what the trip must keep


# --- the comparison itself ---------------------------------------------------------------

def canon(html: str) -> str:
    return canonical(body(f"<html><body><article>{html}</article></body></html>".encode()))


def test_canonical_ignores_only_what_html_ignores():
    assert canon('<p>a  b\n c</p>\n\n<p title="t" lang="en">d</p>') == canon('<p>a b c</p><p lang="en" title="t">d</p>')
    assert canon("<p><strong>x </strong>y</p>") == canon("<p><strong>x</strong> y</p>")
    assert canon("<p>a<br>\n b</p>") == canon("<p>a<br>b</p>")


@pytest.mark.parametrize("before,after", [
    ("<p>a b</p>", "<p>a c</p>"),                                     # text
    ("<p>ab</p>", "<p>a b</p>"),                                      # a space that was not there
    ("<div class=\"centered\">x</div>", "<p class=\"centered\">x</p>"),  # element
    ("<ul><li>x</li></ul>", "<ul><li><p>x</p></li></ul>"),            # nesting (tight → loose)
    ("<pre><code>\tx\n</code></pre>", "<pre><code>    x\n</code></pre>"),  # code, exactly
    ("<pre><code>x\n\n</code></pre>", "<pre><code>x\n</code></pre>"),
    ("<td class=\"right\">1</td>", "<td>1</td>"),                     # attributes
])
def test_canonical_tells_lost_text_and_structure(before, after):
    assert canon(before) != canon(after)


# --- what the Markdown holds -------------------------------------------------------------

def write(body_html: str, flavor: str = "pandoc", lang: str = "en") -> str:
    doc = Document(meta=Meta(title="t", lang=lang, source_path="t.md"), body=body_html)
    return markdown.write(doc, Settings(markdown=markdown.Options(flavor=flavor))).decode("utf-8")


PIPE_TABLE = ('<table><thead><tr><th>Option</th><th class="centered">Example</th></tr></thead><tbody>'
              '<tr><td><code>a|b</code></td><td class="centered">x | y</td></tr></tbody></table>')
MERGED = ('<table><thead><tr><th rowspan="2">Year</th><th colspan="2">Quarter</th></tr>'
          '<tr><th>Q1</th><th>Q2</th></tr></thead><tbody><tr><td>2021</td><td>1.5</td><td>2.5</td></tr>'
          '</tbody></table>')


def test_a_pipe_in_a_code_span_keeps_its_cell_in_every_reader():
    """GFM and Octavo's reader read `a\\|b` in a pipe table's code span as a|b, pandoc as
    a\\|b: the pandoc flavour writes such a table as HTML, which all of them read alike."""
    text = write(PIPE_TABLE)
    assert "<td><code>a|b</code></td>" in text and "`" not in text
    rendered = MarkdownIt("commonmark", {"html": True}).render(text.split("---\n", 2)[2])
    assert "<td><code>a|b</code></td>" in rendered and rendered.count("<td") == 2
    by_pandoc = subprocess.run([executable(), "-f", "markdown", "-t", "html"], input=text.encode(),
                               capture_output=True, check=True).stdout.decode()
    assert "<code>a|b</code>" in by_pandoc and by_pandoc.count("<td") == 2


def test_gfm_escapes_a_pipe_in_a_code_span_and_keeps_alignment():
    text = write(PIPE_TABLE, "gfm")
    assert "| `a\\|b` " in text and re.search(r"^\|-+\|:-+:\|$", text, re.M)
    rendered = MarkdownIt("commonmark").enable("table").render(text.split("---\n", 2)[2])
    assert "<td><code>a|b</code></td>" in rendered and rendered.count("<td") == 2
    assert 'style="text-align:center"' in rendered


def test_pandoc_reads_a_pipe_table_as_octavo_wrote_it():
    text = write(PIPE_TABLE.replace("a|b", "a-b"))
    assert re.search(r"^\|-+\|:-+:\|$", text, re.M)   # a pipe table, its second column centered
    html = subprocess.run([executable(), "-f", "markdown", "-t", "html"], input=text.encode(),
                          capture_output=True, check=True).stdout.decode()
    assert "<td><code>a-b</code></td>" in html and '<td style="text-align: center;">x | y</td>' in html


@pytest.mark.parametrize("flavor", ["pandoc", "gfm", "commonmark"])
def test_no_table_is_lost(flavor):
    text = write(MERGED, flavor)
    assert "[TABLE]" not in text
    for cell in ("Year", "Quarter", "Q1", "Q2", "2021", "1.5", "2.5"):
        assert cell in text


def test_a_table_a_pipe_table_cannot_hold_is_an_html_table():
    text = write(MERGED)
    assert '<th rowspan="2">Year</th><th colspan="2">Quarter</th></tr>\n' in text
    assert "|" not in text


def test_images_keep_reference_alt_and_title(tmp_path):
    """An archived image keeps alt and title and points at its copy in the store; one left
    out is its description and URL (issue 10's placeholder), in the Markdown too."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "img").mkdir()
    Image.new("RGB", (4, 4), "red").save(tmp_path / "img" / "chart.png")
    post = tmp_path / "2024-01-01-p.md"
    post.write_text('---\ntitle: t\n---\n<figure><img src="/img/chart.png" alt="A chart" title="Its title">'
                    '</figure>\n\nAn icon <img src="https://example.com/i.png" alt="icon"> inline.\n')
    text = markdown.write(convert.load(post), Settings()).decode()
    assert re.search(r'!\[A chart\]\(/img/chart\.png "Its title"\)|!\[A chart\]\(resources/[0-9a-f]+\.png "Its title"\)', text)
    assert "https://example.com/i.png" in text and "icon" in text


def test_code_blocks_keep_language_tabs_and_blank_lines():
    text = write('<pre><code class="language-python">\n\ndef f():\n\treturn 1\n</code></pre>'
                 '<pre><code>second\n</code></pre>')
    assert "```python\n\n\ndef f():\n\treturn 1\n```\n\n```\nsecond\n```" in text


def test_rendered_liquid_is_not_rendered_again(tmp_path):
    text = write("<pre><code>{{ page.title }} {% if x %}\n</code></pre>")
    assert "render_with_liquid: false" in text
    assert "render_with_liquid" not in write("<p>plain</p>")
    post = tmp_path / "p.md"
    post.write_text(text, encoding="utf-8")
    assert "{{ page.title }} {% if x %}" in convert.load(post).body


def test_elements_without_markdown_syntax_stay_html():
    text = write('<p><cite>A Book</cite>, <kbd>Ctrl</kbd>, H<sub>2</sub>O, <q>q</q>, <em lang="fr">oui</em>.</p>'
                 '<dl><dt>T</dt><dd>D</dd></dl>')
    assert "<cite>A Book</cite>, <kbd>Ctrl</kbd>, H<sub>2</sub>O, <q>q</q>, <em lang=\"fr\">oui</em>." in text
    assert re.search(r"^<dl>\n<dt>T</dt>\n<dd>D</dd>\n</dl>\n", text, re.M)


def test_footnotes_and_tex():
    doc = convert.load(GENERIC / "2022-02-02-footnotes.md")
    assert re.search(r"^\[\^1\]: ", markdown.write(doc, Settings()).decode(), re.M)
    assert "Inline \\$x\\^2 + y\\^2 = z\\^2\\$" in write("<p>Inline $x^2 + y^2 = z^2$</p>")   # text, not math
    # `$$` in text (not a math span) is escaped: kramdown would read it back as math
    assert "\\$\\$ \\\\int_0\\^1 x dx = \\\\frac{1}{2} \\$\\$" in write("<p>$$ \\int_0^1 x dx = \\frac{1}{2} $$</p>")
    assert "\\~\\~\\~" in write("<p><s>~</s></p><p>~~~</p>")   # no code fence
    assert "a\\\\: b \\\\\\* c" in write("<p>a\\: b \\* c</p>")   # a backslash and what follows it


# --- bodies nobody has seen --------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from("内外贸 abcXYZ019*_[]<>#`\\|$~&!()-+.:;'\"“”（）：，。{}^"), min_size=1,
               max_size=24).map(lambda s: " ".join(s.split())).filter(lambda s: s and not s.startswith(("http", "www")))
CODE = st.text(alphabet=st.sampled_from("ab{}%`~|\t \n<>&\\"), max_size=30).map(lambda s: s + "\n")


@st.composite
def inline(draw) -> str:
    text = escape(draw(TEXT))
    tag = draw(st.sampled_from(["", "em", "strong", "code", "s", "cite", "kbd", "sub", "sup", "q", "a", "img", "br",
                                "strong em"]))
    if not tag:
        return text
    if tag == "a":
        title = f' title="{escape(draw(TEXT))}"' if draw(st.booleans()) else ""
        return f'<a href="https://example.com/{draw(st.integers(0, 9))}"{title}>{text}</a>'
    if tag == "img":
        return f'<img src="/i/{draw(st.integers(0, 9))}.png" alt="{text}">'
    if tag == "br":
        return f"{text}<br>"
    if tag == "strong em":
        return f"<strong>{text}<em>{escape(draw(TEXT))}</em></strong>"
    return f"<{tag}>{text}</{tag}>"


@st.composite
def block(draw) -> str:
    line = "".join(draw(st.lists(inline(), min_size=1, max_size=3)))
    kind = draw(st.sampled_from(["p", "ul", "ol", "pre", "table", "merged", "blockquote", "dl", "figure",
                                 "h3", "centered", "hr"]))
    if kind == "p":
        return f"<p>{line}</p>"
    if kind == "h3":
        return f"<h3>{line}</h3>"
    if kind == "centered":
        return f'<p style="text-align: center">{line}</p>'
    if kind == "hr":
        return "<hr>"
    if kind in ("ul", "ol"):
        items = draw(st.lists(st.lists(inline(), min_size=1, max_size=2).map("".join), min_size=1, max_size=3))
        nested = f"<ul><li>{line}</li></ul>" if draw(st.booleans()) else ""
        return f"<{kind}>" + "".join(f"<li>{item}</li>" for item in items[:-1]) + f"<li>{items[-1]}{nested}</li></{kind}>"
    if kind == "pre":
        language = draw(st.sampled_from(["", ' class="language-python"']))
        return f"<pre><code{language}>{escape(draw(CODE))}</code></pre>"
    if kind in ("table", "merged"):
        cells = draw(st.lists(inline(), min_size=2, max_size=2))
        span = ' colspan="2"' if kind == "merged" else ""
        second = f"<td{span}>{cells[1]}</td>" if span else f"<td>{cells[1]}</td><td>{line}</td>"
        return f"<table><thead><tr><th>{cells[0]}</th><th>h</th></tr></thead><tbody><tr>{second}</tr></tbody></table>"
    if kind == "blockquote":
        return f"<blockquote><p>{line}</p></blockquote>"
    if kind == "dl":
        return f"<dl><dt>{escape(draw(TEXT))}</dt><dd>{line}</dd></dl>"
    return f'<figure><img src="/img/{draw(st.integers(0, 9))}.png" alt="{escape(draw(TEXT))}"></figure>'


@pytest.mark.parametrize("profile", [NEWS, BLOG], ids=["news", "blog"])
@settings(max_examples=60, deadline=None)
@given(blocks=st.lists(block(), min_size=1, max_size=5))
@pytest.mark.slow
def test_round_trip_property(profile, blocks):
    """Random bodies of what posts hold, with Markdown-hostile text, read as an HTML post
    of a site that has its images (`/img/N.png`, `/i/N.png`), as a real site does: an image
    left out is text in every format, which test_images_keep_reference_alt_and_title covers."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "_config.yml").write_text("title: property\n")
        for name in ("img", "i"):
            (Path(folder) / name).mkdir()
            for n in range(10):
                Image.new("RGB", (2, 2), (n * 20, 0, 0)).save(Path(folder) / name / f"{n}.png")
        post = Path(folder) / "post.html"
        post.write_text("---\ntitle: property\nlang: en\n---\n<p>Opening.</p>" + "".join(blocks), encoding="utf-8")
        out = Path(folder) / "out"
        out.mkdir()
        before, after = round_trip(post, profile, out)
    assert before == after, first_difference(before, after)


def test_notes_called_from_html_stay_html_with_their_notes(tmp_path):
    """A note called inside an HTML table cannot be `[^2]` there: every call and the notes
    are written as HTML, so calls and notes still match when read back."""
    note = ('<a class="footnote-ref" href="#fn{n}" id="fnref{n}" role="doc-noteref"><sup>{n}</sup></a>')
    back = '<a class="footnote-back" href="#fnref{n}" role="doc-backlink">↩︎</a>'
    html = (f"<p>Text{note.format(n=1)}.</p>"
            f'<table><tbody><tr><td colspan="2">Cell{note.format(n=2)}</td></tr></tbody></table>'
            '<section class="footnotes" id="footnotes" role="doc-endnotes"><hr><ol>'
            f'<li id="fn1"><p>First. {back.format(n=1)}</p></li><li id="fn2"><p>Second. {back.format(n=2)}</p></li>'
            "</ol></section>")
    text = write(html)
    assert "[^" not in text and '<li id="fn2"><p>Second.' in text
    post = tmp_path / "notes.md"
    post.write_text(text, encoding="utf-8")
    doc = Document(meta=Meta(title="t", lang="en", source_path="t.md"), body=html)
    assert canonical(body(convert.write(convert.load(post, BLOG), "html"))) == \
        canonical(body(convert.write(doc, "html")))
