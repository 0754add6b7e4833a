"""`--styles DIR`: every writer that uses a stylesheet (HTML, PDF, EPUB) takes the user's
when the folder has it, and Octavo's own (the packaged styles/) when it does not."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

import convert
from convert import assets
from convert.settings import Settings
from convert.writers import epub

from conftest import REFERENCE

MARK = "Restyled-By-User"
"""Generated content only the user's stylesheets produce: it shows in every output."""


def own(name: str) -> str:
    return (assets.styles() / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc():
    return convert.load(REFERENCE)


@pytest.fixture
def user_styles(tmp_path):
    """A folder holding all three stylesheets, each with its own mark."""
    for name in ("base.css", "pdf.css", "epub.css"):
        (tmp_path / name).write_text(f'/* {name} */\narticle > header h1::before {{ content: "{MARK} {name} "; }}\n',
                                     encoding="utf-8")
    return tmp_path


def epub_css(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read(epub.STYLESHEET).decode("utf-8")


def test_octavos_stylesheets_are_found():
    for name in ("base.css", "pdf.css", "epub.css"):
        assert "{" in own(name)


def test_html_inlines_the_users_base_css(doc, user_styles):
    html = convert.write(doc, "html", Settings(styles=user_styles)).decode("utf-8")
    assert (user_styles / "base.css").read_text(encoding="utf-8") in html
    assert own("base.css") not in html


def test_epub_carries_the_users_epub_css(doc, user_styles):
    css = epub_css(convert.write(doc, "epub", Settings(styles=user_styles)))
    assert css == (user_styles / "epub.css").read_text(encoding="utf-8")


def test_pdf_is_set_with_the_users_base_and_print_css(doc, user_styles, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(convert.write(doc, "pdf", Settings(styles=user_styles, formats=("pdf",))))
    text = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert f"{MARK} pdf.css" in text  # pdf.css comes after base.css, so its rule wins


def test_missing_stylesheets_fall_back_to_octavos(doc, tmp_path):
    (tmp_path / "pdf.css").write_text("@page { margin: 1cm; }\n", encoding="utf-8")
    settings = Settings(styles=tmp_path)
    assert own("base.css") in convert.write(doc, "html", settings).decode("utf-8")
    assert epub_css(convert.write(doc, "epub", settings)) == own("epub.css")
