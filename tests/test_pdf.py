"""PDF writer: checked with poppler (pdffonts, pdftotext, pdfinfo, pdfdetach, pdftoppm) and qpdf."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import convert
from convert import citation
from convert.errors import ExportError, UsageError
from convert import resources
from convert.fetcher import STYLES_DIR, Denied, SafeFetcher
from convert.remote import is_public
from convert.model import Document, Meta
from convert.sandbox import run_limited
from convert.writers import pdf

from conftest import CORPUS, REFERENCE, SHARED as FINEWS
from warncheck import BY_DESIGN, WarningWatch
from convert.errors import collecting
from convert.settings import Settings
from textcheck import cjk_runs, missing_runs

HERE = Path(__file__).parent
EPOCH = "1700000000"


def run(*cmd: str | Path) -> str:
    """Run a validator; fail the test with its output when it exits non-zero."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd[0]} failed: {proc.stdout}{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def epoch():
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    yield EPOCH
    if old is None:
        del os.environ["SOURCE_DATE_EPOCH"]
    else:
        os.environ["SOURCE_DATE_EPOCH"] = old


@pytest.fixture(scope="module")
def reference(tmp_path_factory, epoch):
    """The reference post, loaded, and its PDF written to disk, without a single warning."""
    path = tmp_path_factory.mktemp("ref") / "ref.pdf"
    with WarningWatch(BY_DESIGN).watching() as watch:
        doc = watch.load(REFERENCE)
        with watch.post(REFERENCE):
            path.write_bytes(pdf.write(doc, Settings()))
    return doc, path


# ---- the reference post --------------------------------------------------------------


def test_fonts_embedded_subset_and_simplified_chinese(reference):
    _, path = reference
    rows = run("pdffonts", path).splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
    names = [row.split()[0] for row in rows]
    assert any("Serif-CJK-SC" in n for n in names), names
    assert any("Sans-CJK-SC" in n for n in names), names
    assert not any("CJK-JP" in n for n in names), names
    assert all(re.search(r"\+Noto-(Serif|Sans)(-CJK-SC)?(-Bold)?$", n) for n in names), names


def test_every_cjk_run_of_the_body_comes_back_in_order(reference):
    doc, path = reference
    # Crop to the text block (72 dpi = points) so running headers and folios stay out.
    text = run("pdftotext", "-r", "72", "-x", "0", "-y", "72", "-W", "596", "-H", "690",
               path, "-")
    body_text = re.sub(r"<[^>]+>", "", doc.body)
    assert len(cjk_runs(body_text)) > 100
    assert missing_runs(body_text, text) == []


def test_metadata_pdfa_title_dates_keywords(reference):
    doc, path = reference
    xmp = run("pdfinfo", "-meta", path)
    assert re.search(r'pdfaid:part(="|>)3', xmp)
    assert doc.meta.title in xmp
    assert doc.meta.identifier in xmp
    info = run("pdfinfo", "-isodates", path)
    assert re.search(r"^Title:\s+" + re.escape(doc.meta.title) + "$", info, re.M)
    assert re.search(r"^CreationDate:\s+2022-01-19T(17:07:03\+08|09:07:03Z)", info, re.M)
    assert re.search(r"^ModDate:\s+2023-11-14T22:13:20", info, re.M)  # SOURCE_DATE_EPOCH
    assert re.search(r"^Keywords:.*东财滚动新闻", info, re.M)
    # anonymous (citation.creators): no Author, no dc:creator; the site stays dc:publisher
    assert not re.search(r"^Author:", info, re.M) and "dc:creator" not in xmp
    assert re.search(r"<dc:publisher>\s*<rdf:Bag>\s*<rdf:li>东方财富网</rdf:li>", xmp)
    assert "国务院办公厅关于促进内外贸一体化发展的意见" in re.search(r"^Subject:.*$", info, re.M)[0]
    assert "/Lang (zh-CN)" in _qdf(path).decode("latin-1")


def test_sources_attached_as_associated_files(reference, tmp_path):
    doc, path = reference
    listing = run("pdfdetach", "-list", path)
    assert "2 embedded files" in listing
    assert f"{REFERENCE.stem}.md" in listing and f"{REFERENCE.stem}.csl.json" in listing
    run("pdfdetach", "-saveall", "-o", tmp_path, path)
    assert (tmp_path / REFERENCE.name).read_bytes() == REFERENCE.read_bytes()
    record = json.loads((tmp_path / f"{REFERENCE.stem}.csl.json").read_text("utf-8"))
    assert record == json.loads(json.dumps(citation.csl(doc.meta)))
    qdf = _qdf(path)
    assert re.search(rb"/AFRelationship /Source", qdf)
    assert re.search(rb"/AFRelationship /Data", qdf)
    assert re.search(rb"/AF \[", qdf)


def test_qpdf_check_and_outline(reference):
    doc, path = reference
    run("qpdf", "--check", path)
    outlines = json.loads(run("qpdf", "--json", "--json-key=outlines", path))["outlines"]
    titles = list(_outline_titles(outlines))
    assert len(titles) >= 6, titles
    assert titles[0] == doc.meta.title
    for section in ("一、总体要求", "五、"):
        assert any(t.startswith(section) for t in titles), titles


def test_centered_title_and_right_aligned_signature(reference):
    _, path = reference
    pages = _lines(path)
    width = pages[0]["width"]
    title = next(l for l in pages[0]["lines"] if l["text"] == "国务院办公厅关于促进内外贸一体化发展的意见")
    assert abs((title["x0"] + title["x1"]) / 2 - width / 2) < 2
    last = pages[-1]["lines"]
    right_edge = max(l["x1"] for p in pages for l in p["lines"])
    # The signature comes first in reading order; the colophon repeats issuer and date after it.
    signature = [l for l in last if l["text"] in ("国务院办公厅", "2021年12月30日")][:2]
    assert [l["text"] for l in signature] == ["国务院办公厅", "2021年12月30日"]
    for line in signature:
        assert abs(line["x1"] - right_edge) < 2 and line["x0"] > width / 2


def test_first_page_renders(reference, tmp_path):
    _, path = reference
    run("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", path, tmp_path / "page")
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


# ---- determinism, options, limits, glyphs ------------------------------------------


@pytest.mark.slow
def test_byte_identical_across_runs(tmp_path):
    script = ("import sys, convert; from convert.writers import pdf; "
              "sys.stdout.buffer.write(pdf.write(convert.load(sys.argv[1]), convert.Settings()))")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    outputs = [subprocess.run([sys.executable, "-c", script, REFERENCE], env=env, check=True,
                              capture_output=True, cwd=HERE.parent).stdout for _ in range(2)]
    assert outputs[0].startswith(b"%PDF") and outputs[0] == outputs[1]


def test_page_size_and_pdf_ua_variant(tmp_path):
    doc = convert.load(CORPUS / "2021-12-08-202112082206672930.md")
    path = tmp_path / "ua.pdf"
    path.write_bytes(pdf.write(doc, Settings(pdf=pdf.Options(page_size="A5 landscape", variant="pdf/ua-1"))))
    info = run("pdfinfo", path)
    assert re.search(r"Page size:\s+595\.\d* x 419\.\d* pts", info)
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r'pdfuaid:part(="|>)1', run("pdfinfo", "-meta", path))


def test_bad_options_are_usage_errors():
    with pytest.raises(UsageError):
        pdf.Options(variant="pdf/z-9")
    with pytest.raises(UsageError):
        pdf.Options(page_size="A4; } @import url(http://x/)")
    with pytest.raises(UsageError):
        pdf.Options(page_size="60mm 80mm")


def test_latin_post_gets_latin_serif(tmp_path):
    doc = Document(Meta(title="Quarterly report", lang="en", source_path=str(tmp_path / "q.md")),
                   "<p>Revenue rose by four percent in the third quarter.</p>", source_bytes=b"x")
    path = tmp_path / "en.pdf"
    path.write_bytes(pdf.write(doc, Settings()))
    names = [row.split()[0] for row in run("pdffonts", path).splitlines()[2:]]
    assert any(n.endswith("+Noto-Serif") for n in names), names
    assert not any("CJK" in n for n in names), names


def test_a_title_too_long_for_the_running_head_leaves_a_valid_text_map(tmp_path):
    """The running head clips a long title: with text-overflow: ellipsis, WeasyPrint mapped
    the "…" glyph to all the text it hid, a ToUnicode entry poppler calls illegal (one
    warning per page)."""
    title = " ".join(f"Word{n}" for n in range(60))
    body = "".join(f"<p>Paragraph {n} of a long post, long enough for a second page.</p>" for n in range(60))
    doc = Document(Meta(title=title, lang="en", source_path=str(tmp_path / "t.md")), body, source_bytes=b"x")
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf.write(doc, Settings()))
    proc = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert int(run("pdfinfo", path).split("Pages:")[1].split()[0]) >= 2
    assert "Illegal entry" not in proc.stderr, proc.stderr


def test_missing_glyph_is_a_warning_naming_it(tmp_path):
    doc = Document(Meta(title="缺字", source_path=str(tmp_path / "g.md")),
                   "<p>私用区字符 \ue000 无字形</p>", source_bytes=b"x")
    with collecting() as warnings:
        data = pdf.write(doc, Settings())
    assert data.startswith(b"%PDF")
    assert [w.path for w in warnings] == [str(tmp_path / "g.md")]
    assert "U+E000" in warnings[0].message and warnings[0].kind == "missing-glyph"


@pytest.mark.slow
def test_rare_cjk_embeds_hanamin_and_an_unknown_code_point_is_a_cli_warning(tmp_path):
    """Ext B–F characters (names like 𠀀𪚥, 𫠠) are set in HanaMin A/B, after the Noto faces;
    a code point no installed font has (private use) is a warning naming it, not an error."""
    rare = HERE / "fixtures" / "hostile" / "rare-cjk.md"
    unknown = tmp_path / "unknown.md"
    unknown.write_text("---\ntitle: 缺字\n---\n私用区字符\ue000无字形。\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "convert", "convert", rare, unknown, "-o", out, "-t", "pdf"],
                          capture_output=True, text=True, cwd=HERE.parent)
    assert proc.returncode == 0, proc.stderr
    assert not any(line.startswith("octavo: error:") for line in proc.stderr.splitlines())
    glyph_warnings = [line for line in proc.stderr.splitlines() if "no installed font has glyphs" in line]
    assert len(glyph_warnings) == 1 and glyph_warnings[0].startswith(f"octavo: warning: {unknown}")
    assert "U+E000" in glyph_warnings[0]
    path = out / "rare-cjk.pdf"
    names = [row.split()[0] for row in run("pdffonts", path).splitlines()[2:]]
    assert any(re.search(r"\+HanaMin[AB]", n) for n in names), names
    assert any("Serif-CJK-SC" in n for n in names) and not any("CJK-JP" in n for n in names), names
    run("qpdf", "--check", path)
    text = run("pdftotext", path, "-")
    for phrase in ("𠀀𪚥𫠠：生僻字人名与地名", "当事人姓名为𠀀𪚥，籍贯𫠠乡", "C 区𪜀、D 区𫝀、F 区𬺰"):
        assert phrase in text, phrase


def test_time_cap_fails_one_post_only(tmp_path):
    ref = convert.load(REFERENCE)
    huge = Document(ref.meta, ref.body * 60, source_bytes=ref.source_bytes)
    with pytest.raises(ExportError, match="time limit"):
        pdf.write(huge, Settings(pdf=pdf.Options(timeout=1)))
    assert pdf.write(ref, Settings()).startswith(b"%PDF")


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_memory_cap_fails_the_render_not_the_worker():
    # An allocation far past the cap: deterministic, unlike a render whose memory the
    # parent's freed heap may already hold.
    with pytest.raises(ExportError, match="memory"):
        run_limited(_allocate, 400, timeout=30, memory_mb=50, path="big.md")
    assert run_limited(_allocate, 1, timeout=30, memory_mb=50) == 1024 * 1024


def test_render_child_is_reused_until_a_cap_ends_it():
    # One fork serves call after call (a fork per post cost each PDF ~100 ms of
    # copy-on-write faults); a call that breaks a cap costs that child, not the next call.
    first = run_limited(os.getpid, timeout=30, memory_mb=50)
    assert first != os.getpid()
    assert run_limited(os.getpid, timeout=30, memory_mb=50) == first
    with pytest.raises(ExportError, match="memory"):
        run_limited(_allocate, 400, timeout=30, memory_mb=50)
    after = run_limited(os.getpid, timeout=30, memory_mb=50)
    assert after not in (first, os.getpid())
    with pytest.raises(ExportError, match="time limit"):
        run_limited(time.sleep, 5, timeout=1, memory_mb=50)
    assert run_limited(os.getpid, timeout=30, memory_mb=50) not in (after, os.getpid())


# ---- the corpus ----------------------------------------------------------------------


def _render_to(args):
    """Worker: load one post and write its PDF; returns (post, error or None, warnings seen)."""
    post, out = args
    watch = WarningWatch(BY_DESIGN)
    try:
        doc = watch.load(Path(post))
        with watch.post(Path(post)):
            Path(out).write_bytes(pdf.write(doc, Settings()))
    except Exception as exc:  # reported by the test, one line per post
        return post, f"{type(exc).__name__}: {exc}", watch.seen
    return post, None, watch.seen


def corpus_posts() -> list[Path]:
    posts = sorted(CORPUS.glob("*.md"))
    if FINEWS.is_dir():
        posts += sorted(FINEWS.glob("*.md"))
    return [p for p in posts if p.name != "README.md"]


@pytest.mark.slow
def test_every_corpus_post_renders_and_passes_qpdf(tmp_path, warning_watch):
    posts = corpus_posts()
    jobs = [(str(p), str(tmp_path / f"{i:03d}.pdf")) for i, p in enumerate(posts)]
    failures = []
    with ProcessPoolExecutor(max(2, os.cpu_count() or 2), initializer=pdf.warm, initargs=(Settings(),)) as pool:
        for post, err, seen in pool.map(_render_to, jobs):
            warning_watch.seen += seen
            if err:
                failures.append(f"{post}: {err}")
    assert not failures, "\n".join(failures)
    for _, out in jobs:
        run("qpdf", "--check", out)


# ---- untrusted input -----------------------------------------------------------------


class Listener:
    """A TCP listener on an ephemeral loopback port that records every connection."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def hostile_body(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (f'<style>@import url("{base}/import.css"); @import "file:///etc/passwd";</style>'
            f'<link rel="stylesheet" href="{base}/link.css">'
            f'<link rel="attachment" href="file:///etc/passwd">'
            f'<p>正文<img src="file:///etc/passwd"><img src="/etc/hostname">'
            f'<img src="{base}/pixel.png"><img src="/dev/urandom"><img src="/proc/self/environ">'
            f'<img src="evil.png"><a rel="attachment" href="/etc/hostname">附件</a></p>'
            f'<p style="background: url({base}/bg.png)">背景</p><img src="picture.png">')


def secrets() -> list[bytes]:
    found = [b"root:x:0:0"]
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").exists() else b""
    return found + ([hostname] if len(hostname) >= 6 else [])


@pytest.mark.parametrize("fetch_assets", [False, True])
@pytest.mark.parametrize("route", ["load", "raw"])
def test_hostile_post_reads_nothing_outside_its_folder(tmp_path, listener, route, fetch_assets,
                                                        reference):
    post_dir = tmp_path / "post"
    post_dir.mkdir()
    run("pdftoppm", "-r", "8", "-png", "-f", "1", "-l", "1", "-singlefile", reference[1],
        post_dir / "picture")
    (post_dir / "evil.png").symlink_to("/etc/passwd")
    body = hostile_body(listener.port)
    post = post_dir / "hostile.md"
    post.write_text(f"---\ntitle: 恶意文章\ndate: 2022-01-19 17:07:03 +0800\n---\n{body}\n", "utf-8")
    settings = Settings(fetch_assets=fetch_assets)   # loopback is refused without --allow-host
    store = resources.Store(tmp_path / "out")
    if route == "load":
        doc = convert.load(post, settings, store)
    else:  # unsanitized body: resolving and the fetcher alone must hold
        doc = Document(Meta(title="恶意文章", source_path=str(post)), body,
                       source_bytes=post.read_bytes())
        resources.resolve(doc, settings, store)
    out = tmp_path / "hostile.pdf"
    out.write_bytes(pdf.write(doc, settings))
    assert listener.connections == 0
    run("qpdf", "--check", out)
    assert "2 embedded files" in run("pdfdetach", "-list", out)
    expanded = _qdf(out) + run("pdftotext", out, "-").encode()
    for secret in secrets():
        assert secret not in expanded
    if route == "raw":  # the one local image beside the post is allowed in
        assert len(run("pdfimages", "-list", out).splitlines()[2:]) == 1


def test_fetcher_policy(tmp_path):
    from imageserver import png

    (tmp_path / "ok.png").write_bytes(png())
    (tmp_path / "other.png").write_bytes(png())
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "link.png").symlink_to("/etc/passwd")
    fetcher = SafeFetcher({"octavo-image:0": (str(tmp_path / "ok.png"), "image/png")})
    assert fetcher.fetch("octavo-image:0").read() == png()
    assert b"@page" in fetcher.fetch((STYLES_DIR / "pdf.css").as_uri()).read()
    for url in ["file:///etc/passwd", "file:///dev/urandom", "file:///proc/self/environ",
                (tmp_path / "notes.txt").as_uri(), (tmp_path / "link.png").as_uri(),
                (tmp_path / ".." / "x.png").as_uri(), "file://remote-host/share/x.png",
                (tmp_path / "ok.png").as_uri(), (tmp_path / "other.png").as_uri(), "octavo-image:1",
                "http://example.com/x.png", "ftp://example.com/x"]:
        with pytest.raises(Denied):
            fetcher.fetch(url)


@pytest.mark.parametrize("address,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.5", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("fc00::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False),
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True)])
def test_public_address_classification(address, public):
    assert is_public(address) is public


# ---- helpers ---------------------------------------------------------------------------


def _qdf(path: Path) -> bytes:
    """The PDF with every stream decompressed (qpdf QDF mode), for byte searches."""
    proc = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", "--decode-level=all",
                           str(path), "-"], capture_output=True)
    assert proc.returncode in (0, 3), proc.stderr
    return proc.stdout


def _outline_titles(items):
    for item in items:
        yield item["title"]
        yield from _outline_titles(item.get("kids", []))


def _lines(path: Path) -> list[dict]:
    """Per page: width and text lines with their x extent (pdftotext -bbox-layout)."""
    from lxml import etree

    xml = run("pdftotext", "-bbox-layout", path, "-").encode()
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    pages = []
    for page in root.iter("{*}page"):
        lines = []
        for line in page.iter("{*}line"):
            words = line.findall("{*}word")
            lines.append({"text": "".join(w.text or "" for w in words),
                          "x0": float(line.get("xMin")), "x1": float(line.get("xMax"))})
        pages.append({"width": float(page.get("width")), "lines": lines})
    return pages


def test_code_is_never_hyphenated(tmp_path):
    """English text is hyphenated (`hyphens: auto`), but code is not text: a hyphen added
    where a code line wraps changes what a reader copies (found in minimal-mistakes'
    syntax-highlighting post: `ti-` / `tle="{{ page.title }}"`). Each code word must come
    back from the PDF whole or split without a hyphen of Octavo's."""
    words = ["title=\"{{ page.previous.title }}\">Previous", "configuration_statement", "documentation"]
    line = " ".join(["x" * 40] + words * 3)
    body = (f"<p>Inline <code>{' '.join(words * 4)}</code> code.</p>"
            f"<pre><code>{line}\n{line}</code></pre>")
    doc = Document(Meta(title="Code", lang="en", source_path=str(tmp_path / "c.md")), body, source_bytes=b"x")
    path = tmp_path / "code.pdf"
    path.write_bytes(pdf.write(doc, Settings()))
    text = run("pdftotext", path, "-")
    assert "\u2010\n" not in text and not re.search(r"[a-z]-\n", text), text


def test_a_links_address_is_printed_after_its_text(tmp_path):
    """On paper a link is its text alone: where the text does not show the address, the PDF
    prints it after the text (314 of the 493 web links of the two Jekyll sites' posts, e.g.
    "See our [documentation](https://jekyllrb.com/docs/assets/)"), whole and without a
    hyphen of its own; a link showing its address, an in-page link and a mail link do not
    print it again."""
    url = "https://jekyllrb.com/docs/themes/#overriding-theme-defaults-and-configuration"
    body = (f'<p>See our <a href="{url}">documentation</a> on the subject for more info.</p>'
            '<p>Bare: <a href="https://example.org/x">https://example.org/x</a>, '
            '<a href="https://example.org/y/">example.org/y</a>, <a href="#top">up</a>, '
            '<a href="mailto:a@example.org">write</a>.</p><p id="top">End.</p>')
    doc = Document(Meta(title="Links", lang="en", source_path=str(tmp_path / "l.md")), body, source_bytes=b"x")
    path = tmp_path / "links.pdf"
    path.write_bytes(pdf.write(doc, Settings()))
    text = run("pdftotext", "-f", "1", "-l", "1", path, "-")
    joined = "".join(text.split())
    assert joined.count(url) == 1 and "documentation(" + url in joined, text
    assert joined.count("example.org/x") == 1 and joined.count("example.org/y") == 1, text
    assert "#top" not in joined and "mailto" not in joined, text
    assert "\u2010" not in text and "‐" not in text, text


def test_addresses_in_the_text_wrap_without_a_hyphen(tmp_path):
    """A link showing its address and an image left out (its description and URL in its
    place) print addresses that wrap; English hyphenation put hyphens into them (binding
    minimal-mistakes: `…/minimal-mistakes/as-` / `sets/images/…`)."""
    words = ["internationalization", "accessibility", "documentation", "configuration", "photography"]
    url = "https://mmistakes.github.io/" + "/".join(words * 2)
    image = "https://example.org/" + "/".join(reversed(words * 2)) + ".jpg"
    post = tmp_path / "2020-01-01-addresses.md"
    post.write_text(f"---\ntitle: Addresses\nlang: en\n---\n\nSee <{url}> for more.\n\n"
                    f"![A photograph]({image})\n", encoding="utf-8")
    path = tmp_path / "addresses.pdf"
    path.write_bytes(pdf.write(convert.load(post), Settings()))
    # -layout: the plain mode joins a line ending in "-" to the next, dropping the hyphen
    lines = [line.strip() for line in run("pdftotext", "-layout", path, "-").splitlines()]
    assert not any(url in line for line in lines) and not any(image in line for line in lines), lines
    joined = "".join(lines)
    assert url in joined and image in joined, lines


@pytest.mark.slow
def test_a_table_leaves_no_lone_rows_at_a_page_break(tmp_path):
    """A table breaks with at least three of its rows on each side: minimal-mistakes'
    HTML-tags post had its table cut after the first row, the header and footer repeated
    around it. A table longer than a page still starts where it stands."""
    rows = "".join(f"<tr><td>cell{n}a</td><td>cell{n}b</td></tr>" for n in range(8))
    path = tmp_path / "table.pdf"
    for before in range(22, 34):   # the table starts lower and lower, past the page's foot
        filler = "".join(f"<p>Paragraph {n} of the text that comes before the table, filling the page.</p>"
                         for n in range(before))
        body = (f"{filler}<table><thead><tr><th>Head1</th><th>Head2</th></tr></thead><tbody>{rows}</tbody>"
                "</table><p>After.</p>")
        doc = Document(Meta(title="Table", lang="en", source_path=str(tmp_path / "t.md")), body, source_bytes=b"x")
        path.write_bytes(pdf.write(doc, Settings()))
        pages = run("pdftotext", path, "-").split("\f")
        parts = [len(re.findall(r"cell\d+a", text)) for text in pages if "cell" in text]
        assert sum(parts) == 8 and min(parts) >= 3, (before, parts)
    rows = "".join(f"<tr><td>cell{n}a</td><td>cell{n}b</td></tr>" for n in range(90))
    doc = Document(Meta(title="Long", lang="en", source_path=str(tmp_path / "t.md")),
                   f"<p>Intro.</p><table><tbody>{rows}</tbody></table>", source_bytes=b"x")
    path.write_bytes(pdf.write(doc, Settings()))
    assert "cell0a" in run("pdftotext", "-f", "1", "-l", "1", path, "-")


@pytest.mark.slow
def test_text_laid_out_beyond_the_page_is_named_and_a_table_that_fits_is_quiet(tmp_path):
    """WeasyPrint does not split a table too wide for the page: its last columns fall off
    the right edge, unseen. Each hidden cell is named in a warning; every token the PDF's
    text lacks is among them; a table that fits gives no such warning."""
    import losscheck

    wide = convert.load(Path(__file__).parent / "fixtures" / "hostile" / "wide-table.md")
    out = tmp_path / "wide.pdf"
    with collecting() as warnings:
        out.write_bytes(pdf.write(wide, Settings()))
    [hidden] = [w.message for w in warnings if w.kind == "off-page"]
    assert "列119" in hidden and "值2x119" in hidden and "表格之后" not in hidden
    text = losscheck.pdf_text(out)
    assert all("列119" not in t for t in text)
    assert losscheck.unexplained(losscheck.html_text(wide.body), text, [w.message for w in warnings]) == []
    narrow = convert.load(Path(__file__).parent / "fixtures" / "hostile" / "rich.md")
    with collecting() as quiet:
        pdf.write(narrow, Settings())
    assert not [w for w in quiet if w.kind == "off-page"]
