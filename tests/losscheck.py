"""No silent loss: the words of a post's text that an output lacks and no warning names.

A post's text is the text of the sanitized body the reader produces (what is left of the
post once scripts, styles and markup are gone). Text is compared as a stream of word
characters: NFKC (full-width → half-width, ligatures → letters), case-folded, and every
character that is not a letter or digit removed, so line breaks, hyphenation, spacing
between CJK characters and Markdown escapes in an output change nothing. A token is a
run of letters and digits of the post's text (a CJK run between punctuation, a Latin
word); it is found when the output's stream holds it as often as the post's text does.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import yaml

_WORD = re.compile(r"[^\W_]+")
PDF_CROP = ("-r", "72", "-x", "0", "-y", "64", "-W", "596", "-H", "720")
"""pdftotext crop to the A4 text block of styles/pdf.css (margins 24 mm top, 22 mm bottom;
72 dpi = points): the running header (y ≈ 47–59) and folio (y ≈ 792–804) stay out, or
they would split a CJK run that crosses a page break."""


def tokens(text: str) -> list[str]:
    """Runs of letters and digits, NFKC-normalized and case-folded."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def stream(text: str) -> str:
    """The text's letters and digits, joined with no separator (see the module docstring)."""
    return "".join(tokens(text))


def html_text(html: str | bytes) -> str:
    """The text of an HTML fragment or document body (the <head> left out)."""
    if not html.strip():
        return ""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    return " ".join((body if body is not None else root).itertext())


LIFTED = ("title", "summary", "canonical_url", "source", "container", "doc_number", "issuer", "signed_date")
"""Front-matter fields the rules fill from the body (a body <h1> repeating the title goes
to the title): their words moved, they are not lost."""


def markdown_text(data: bytes) -> str:
    """The Markdown file's body, after its YAML front matter, and the lifted fields' values."""
    text = data.decode("utf-8")
    match = re.match(r"---\n(.*?\n)---\n", text, re.S)
    if not match:
        return text
    meta = yaml.safe_load(match.group(1)) or {}
    return " ".join([text[match.end():], *(str(meta[k]) for k in LIFTED if k in meta)])


def epub_text(path: Path) -> str:
    """The text of the EPUB's chapters (text/*.xhtml; the title page and nav left out)."""
    with zipfile.ZipFile(path) as book:
        return " ".join(html_text(book.read(n)) for n in sorted(book.namelist())
                        if "/text/" in n and n.endswith(".xhtml") and not n.endswith("title_page.xhtml"))


def pdf_text(path: Path) -> list[str]:
    """pdftotext of the PDF's text block in its two reading orders: the default (lines in
    page order; a table's narrow columns come out interleaved line by line) and -raw
    (content-stream order: cells one after another, but list markers and colophon labels
    drawn before the text they sit beside)."""
    return [subprocess.run(["pdftotext", *mode, *PDF_CROP, str(path), "-"], capture_output=True,
                           text=True, check=True, timeout=120).stdout for mode in ((), ("-raw",))]


def unexplained(expected: str, actual: str | list[str], warnings: list[str]) -> list[str]:
    """Tokens of `expected` that `actual` (or each of several extractions of one output)
    holds fewer times than `expected` does and that no warning message names."""
    have = [stream(text) for text in ([actual] if isinstance(actual, str) else actual)]
    said = stream(" ".join(warnings))
    lost = []
    for token, count in Counter(tokens(expected)).items():
        if max(h.count(token) for h in have) < count and token not in said:
            lost.append(token)
    return lost
