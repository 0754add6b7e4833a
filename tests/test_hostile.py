"""Hostile posts through every format: a clear error or a clean conversion, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from convert.controls import CONTROLS
from convert.settings import Settings
from convert.writers import writer

from test_cli import leftovers, octavo

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXPECTED_FAILURES = {
    "binary": "binary file",
    "deep-nesting": "nested deeper",
    "deep-markdown-list": "Markdown nested deeper",
    "nul-bytes": "binary file",
    **{bomb.stem: "alias bomb" for bomb in HOSTILE.glob("yaml-bomb*.md")},
}
"""Posts that must fail, and what their one error line must say."""


@pytest.mark.slow
def test_hostile_batch_every_format(tmp_path):
    out = tmp_path / "out"
    run = octavo("convert", HOSTILE, "-o", out, "--jobs", "2")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]
    for name, message in EXPECTED_FAILURES.items():
        assert any(f"{name}.md" in e and message in e for e in errors), (name, errors)
    assert len(errors) == len(EXPECTED_FAILURES), errors
    assert any("pua.md" in line and "U+E000" in line for line in run.stderr.splitlines()
               if line.startswith("octavo: warning:"))
    suffixes = [writer(f).SUFFIX for f in Settings().formats]
    for post in HOSTILE.glob("*.md"):
        made = sorted(p.name for p in out.glob(f"{post.stem}.*"))
        expected = [] if post.stem in EXPECTED_FAILURES else sorted(post.stem + s for s in suffixes)
        assert made == expected, post.name
    assert leftovers(out) == []


@pytest.mark.slow
def test_no_file_content_or_request_leaks(tmp_path):
    """A post pointing at local files and a local server converts to every format, and no
    output holds those files' content nor a request reaches the server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = server.getsockname()[1]
    post = tmp_path / "active-content.md"
    post.write_text((HOSTILE / "active-content.md").read_text(encoding="utf-8")
                    .replace("127.0.0.1:9", f"127.0.0.1:{port}"), encoding="utf-8")
    out = tmp_path / "out"
    try:
        run = octavo("convert", post, "-o", out, "-t", "html,md,epub,pdf")
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    made = sorted(p.name for p in out.glob("active-content.*"))
    assert made == sorted(f"active-content{s}" for s in (".html", ".md", ".epub", ".pdf"))
    secrets = [Path("/etc/passwd").read_text(errors="replace").splitlines()[0].encode(), b"127.0.0.1"]
    hostname = Path("/etc/hostname").read_text(errors="replace").strip() if Path("/etc/hostname").exists() else ""
    if len(hostname) >= 6:
        secrets.append(hostname.encode())
    for name in made:
        for part, data in _readable_parts(out / name, post.read_bytes()):
            for secret in secrets:
                assert secret not in data, (name, part, secret)


def _readable_parts(path: Path, source: bytes):
    """(part name, bytes) of an output with compression undone: each EPUB member, the PDF
    with its streams decompressed by qpdf less the source post it attaches verbatim
    (PDF/A-3 keeps the input), other files as they are."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as epub:
            return [(member, epub.read(member)) for member in epub.namelist()]
    if path.suffix == ".pdf":
        plain = path.with_suffix(".qdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(plain)], check=True)
        data = plain.read_bytes()
        assert source in data, "the PDF should attach its source post"
        return [("qdf", data.replace(source, b""))]
    return [("file", path.read_bytes())]


def _tool(*cmd) -> str:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd[0]} failed: {proc.stdout}{proc.stderr}"
    return proc.stdout


@pytest.mark.slow
def test_controls_and_bidi_in_metadata_and_file_name_convert_to_every_format(tmp_path):
    """Bidi overrides, isolates, marks, C0/C1 controls and noncharacters in the title, authors,
    tags, summary, source and an unknown key (and a U+202E in the file name) are removed with
    a warning per field; every format is written and its metadata is clean."""
    posts, out = tmp_path / "posts", tmp_path / "out"
    posts.mkdir()
    shutil.copy(HOSTILE / "metadata-controls.md", posts / "report\u202egpj.md")
    run = octavo("convert", posts, "-o", out)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("octavo: warning:")]
    for field in ("title", "authors", "tags", "summary", "source", "review"):
        assert sum(f"character(s) from {field} (" in w for w in warnings) == 1, (field, warnings)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(
        f"reportgpj{writer(f).SUFFIX}" for f in Settings().formats)
    title = "报告：“مرحبا”与张三访谈"
    for path in out.glob("reportgpj.*"):
        if path.suffix not in (".pdf", ".epub"):
            assert not CONTROLS.search(path.read_text("utf-8")), path.name
    with zipfile.ZipFile(out / "reportgpj.epub") as epub:
        opf_name = next(n for n in epub.namelist() if n.endswith(".opf"))
        opf_text = epub.read(opf_name).decode("utf-8")
    assert not CONTROLS.search(opf_text)
    opf = etree.fromstring(opf_text.encode())
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert opf.findtext(".//dc:title", namespaces=dc) == title
    assert [c.text for c in opf.findall(".//dc:creator", dc)] == ["李四", "Jane Doe"]
    assert re.search(r"^Title:\s+" + re.escape(title) + "$", _tool("pdfinfo", out / "reportgpj.pdf"), re.M)
    xmp = _tool("pdfinfo", "-meta", out / "reportgpj.pdf")
    assert title in xmp and not CONTROLS.search(xmp)
    [record] = json.loads((out / "reportgpj.csl.json").read_text("utf-8"))
    assert record["title"] == title and record["author"] == [{"literal": "李四"}, {"literal": "Jane Doe"}]
    assert record["keyword"] == "财经, 要闻, news" and record["abstract"] == "摘要<>含有控制字符与 & 符号"
    front = yaml.safe_load((out / "reportgpj.md").read_text("utf-8").split("---\n")[1])
    assert front["title"] == title and front["source"] == "新华社" and front["review"]["editor"] == "王五"


def test_invalid_bytes_repaired_with_one_warning_and_kept_exact_in_the_pdf(tmp_path):
    post, out = HOSTILE / "invalid-bytes.md", tmp_path / "out"
    raw = post.read_bytes()
    run = octavo("convert", post, "-o", out, "-t", "pdf,html")
    assert run.returncode == 0, run.stderr
    repairs = [line for line in run.stderr.splitlines() if "U+FFFD" in line]
    first = raw.index(b"\xe4\xb8\xe6")
    assert repairs == [f"octavo: warning: {post}:8: 5 byte(s) invalid in UTF-8 replaced with U+FFFD "
                       f"(first at byte offset {first})"]
    assert "第二段\ufffd正文被截断了一个字符，\ufffd\ufffd\ufffd之后仍然可读" in (out / "invalid-bytes.html").read_text("utf-8")
    _tool("pdfdetach", "-saveall", "-o", tmp_path, out / "invalid-bytes.pdf")
    assert (tmp_path / post.name).read_bytes() == raw


def test_strict_turns_the_byte_repair_into_a_failure(tmp_path):
    run = octavo("convert", "--strict", HOSTILE / "invalid-bytes.md", "-o", tmp_path / "out", "-t", "html")
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]
    assert len(errors) == 1 and "--strict" in errors[0] and "U+FFFD" in errors[0]
    assert not any((tmp_path / "out").glob("invalid-bytes.*"))


def test_a_right_to_left_post_is_right_to_left_in_every_output_and_its_english_colophon_is_not(tmp_path):
    """An Arabic post: `dir="rtl"` on the HTML root, on every EPUB page (the spine progresses
    right to left; EPUB forbids CSS direction) and on the PDF's page; Octavo's colophon, in
    English, is left to right in each. A left-to-right post carries no dir at all."""
    from convert import load
    from convert.writers import pdf

    out = tmp_path / "out"
    run = octavo("convert", HOSTILE / "rtl-mixed.md", HOSTILE / "english.md", "-o", out, "-t", "html,epub")
    assert run.returncode == 0, run.stderr
    html = (out / "rtl-mixed.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in html and '<footer class="provenance"' not in html.replace(
        '<footer class="provenance" dir="ltr"', "")
    with zipfile.ZipFile(out / "rtl-mixed.epub") as epub:
        pages = {n: epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")}
        opf = epub.read("EPUB/content.opf").decode()
    assert 'page-progression-direction="rtl"' in opf
    assert all(re.search(r'<html dir="rtl"[^>]* lang="ar"', page) for page in pages.values()), list(pages)
    assert '<h1 class="colophon" dir="ltr">' in pages["EPUB/text/ch002.xhtml"]
    page = pdf._page(load(HOSTILE / "rtl-mixed.md"), Settings())
    assert '<html lang="ar" dir="rtl">' in page and '<section class="colophon" dir="ltr">' in page
    english = (out / "english.html").read_text("utf-8")
    with zipfile.ZipFile(out / "english.epub") as epub:
        english += "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith((".xhtml", ".opf")))
    assert " dir=" not in english and "page-progression-direction" not in english


@pytest.mark.slow
def test_every_hostile_page_passes_the_nu_checker(tmp_path):
    """The HTML of every hostile post that converts is valid HTML (a canonical URL with a
    space and quotes was written into href as it stood)."""
    from test_html import nu_check

    out = tmp_path / "out"
    run = octavo("convert", HOSTILE, "-o", out, "-t", "html", "--jobs", "2")
    assert "Traceback" not in run.stderr
    pages = sorted(out.glob("*.html"))
    assert len(pages) == len(list(HOSTILE.glob("*.md"))) - len(EXPECTED_FAILURES)
    errors = nu_check(pages)
    assert errors == [], errors[:5]


def test_an_image_given_only_by_srcset_keeps_its_largest_candidate_and_unsafe_ones_still_go():
    """The allowlist keeps no srcset: an <img> with none but a srcset (its own or its
    <picture>'s) went, URL and all. It takes the largest candidate as its src; a javascript:
    or data: candidate is still refused by the allowlist."""
    from convert.sanitize import clean

    html = clean('<img srcset="http://e.org/a.png 1x, http://e.org/b.png 2x" alt="一">'
                 '<picture><source srcset="http://e.org/c.webp 480w, http://e.org/d.webp 960w">'
                 '<img alt="二"></picture><img srcset="javascript:alert(1) 1x" alt="三">')
    assert '<img alt="一" src="http://e.org/b.png">' in html
    assert '<img alt="二" src="http://e.org/d.webp">' in html
    assert "javascript" not in html and "srcset" not in html
