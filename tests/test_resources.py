"""Images archived with the article (issue 10): the site's own files always, remote ones only
with --fetch-assets (a local HTTP server on 127.0.0.1 stands for the web), and everything
left out named with its reason."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from warcio.archiveiterator import ArchiveIterator

from convert import batch, remote, resources
from convert.inputs import discover
from convert.settings import Settings
from imageserver import ImageServer, jpeg, png

FIXTURES = Path(__file__).parent / "fixtures" / "images"
TABLES_POST = FIXTURES / "2022-06-14-NW202206142412311033.md"
"""A finews post whose trading tables were published as images (copied unchanged)."""


def convert_all(inputs: list[Path], outdir: Path, **settings) -> list[batch.Result]:
    values = {"jobs": 1, "cache": False, "formats": ("html", "md", "epub"), **settings}
    jobs = discover([str(p) for p in inputs], lambda message: None, outdir)
    return batch.run(jobs, outdir, Settings(**values))


def imgs(html_file: Path) -> list[str]:
    return [img["src"] for img in BeautifulSoup(html_file.read_text("utf-8"), "lxml").find_all("img")]


def md_images(md_file: Path) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", md_file.read_text("utf-8"))


def epub_media(epub_file: Path) -> tuple[list[str], str]:
    """(image media types listed in the OPF, the chapter's XHTML)."""
    with zipfile.ZipFile(epub_file) as book:
        opf = book.read("EPUB/content.opf").decode()
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
    return re.findall(r'media-type="(image/[^"]+)"', opf), chapter


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- 1. the site's own files, always ----------------------------------------------------


@pytest.fixture
def site(tmp_path) -> Path:
    """A Jekyll site: a site-root image, one on the site's own URL (WebP), one beside the
    post, a link leading out of the site and a `..` path."""
    root = tmp_path / "site"
    (root / "assets" / "img").mkdir(parents=True)
    (root / "_posts").mkdir()
    (root / "_config.yml").write_text("title: Pics\nurl: https://blog.example.org\nbaseurl: /blog\n"
                                      "lang: en\ntimezone: UTC\n")
    (root / "assets" / "img" / "a.png").write_bytes(png(2400, 900, "Quarterly table"))
    from PIL import Image

    Image.new("RGB", (200, 100), "red").save(root / "assets" / "img" / "b.webp")
    (root / "_posts" / "near.jpg").write_bytes(jpeg())
    (root / "assets" / "img" / "leak.png").symlink_to("/etc/passwd")
    (tmp_path / "secret.png").write_bytes(png())
    (root / "_posts" / "2024-01-01-pics.md").write_text(
        "---\ntitle: Pictures\n---\n"
        "![Image](/assets/img/a.png)\n\n"
        '<figure><img src="{{ site.url }}{{ site.baseurl }}/assets/img/b.webp" alt="图片">'
        "<figcaption>The red one</figcaption></figure>\n\n"
        'Again: <img src="{{ "/assets/img/a.png" | relative_url }}" alt="the same table">\n\n'
        "Near: ![a navy box](near.jpg), out: ![leak](/assets/img/leak.png) ![up](../../secret.png).\n",
        encoding="utf-8")
    return root


def test_site_images_reach_html_markdown_and_epub_through_one_store(site, tmp_path):
    out = tmp_path / "out"
    [result] = convert_all([site / "_posts"], out)
    assert result.ok, result.errors
    html = imgs(out / "2024-01-01-pics.html")
    assert len(html) == 4 and all(src.startswith("resources/") for src in html)
    assert html[0] == html[2]                                 # one image, two paths to it: one copy
    assert all((out / src).is_file() and (out / src).name.startswith(sha(out / src)) for src in html)
    assert sha(out / html[0]) == sha(site / "assets" / "img" / "a.png")      # the original, kept whole
    assert md_images(out / "2024-01-01-pics.md") == html
    media, chapter = epub_media(out / "2024-01-01-pics.epub")
    assert len(media) == 3 and "image/webp" not in media                      # WebP converted for EPUB 3
    assert chapter.count("<img") == 4 and "data:" not in chapter
    with zipfile.ZipFile(out / "2024-01-01-pics.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    assert '<meta property="schema:accessMode">visual</meta>' in opf
    assert "4 image(s), 1 of them without a description" in opf     # alt "Image", no caption: none
    assert '<meta property="schema:accessModeSufficient">textual</meta>' not in opf
    stored = sorted(p.name for p in (out / resources.STORE).iterdir() if p.is_file())
    assert len(stored) == 3


def test_resolution_stays_inside_the_site_and_names_what_it_left_out(site, tmp_path):
    out = tmp_path / "out"
    [result] = convert_all([site / "_posts"], out)
    left_out = {r["url"]: r["reason"] for r in result.resources if "reason" in r}
    assert left_out == {"/assets/img/leak.png": "outside the site's folder",
                        "../../secret.png": "outside the site's folder"}
    [warning] = [w for w in result.warnings if w.kind == resources.LEFT_OUT]
    assert "leak.png (outside the site's folder)" in warning.message and "secret.png" in warning.message
    assert warning.is_repair                                    # --strict refuses a post that lost an image
    text = (out / "2024-01-01-pics.md").read_text("utf-8")
    assert "\\[Image: leak\\] /assets/img/leak.png" in text
    assert b"root:x:0:0" not in b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_provenance_lists_each_resource(site, tmp_path):
    [result] = convert_all([site / "_posts"], tmp_path / "out", formats=("html",))
    archived = [r for r in result.resources if "reason" not in r]
    assert [r["url"] for r in archived] == ["assets/img/a.png", "assets/img/b.webp", "assets/img/a.png",
                                            "_posts/near.jpg"]
    for record in archived:
        assert (tmp_path / "out" / record["path"]).is_file()
        assert record["sha256"] == sha(Path(record["origin"]))
        assert record["media_type"].startswith("image/")


def test_a_changed_site_image_redoes_the_post(site, tmp_path):
    out = tmp_path / "out"
    assert not convert_all([site / "_posts"], out, cache=True, formats=("html",))[0].cached
    assert convert_all([site / "_posts"], out, cache=True, formats=("html",))[0].cached
    (site / "assets" / "img" / "a.png").write_bytes(png(300, 100, "Revised table"))
    again = convert_all([site / "_posts"], out, cache=True, formats=("html",))[0]
    assert not again.cached
    assert sha(site / "assets" / "img" / "a.png") in {r.get("sha256") for r in again.resources}


def test_orientation_applied_and_location_removed_from_the_copy(tmp_path):
    from PIL import Image

    from convert import imaging

    exif = Image.Exif()
    exif[imaging.ORIENTATION_TAG] = 6                   # rotated 90° clockwise
    exif[imaging.GPS_TAG] = {1: "N", 2: (31.0, 14.0, 0.0)}
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 20), "green").save(path, exif=exif.tobytes())
    kept = imaging.clean(path.read_bytes(), "image/jpeg")
    import io

    copy = Image.open(io.BytesIO(kept))
    assert copy.size == (20, 40)
    assert imaging.GPS_TAG not in copy.getexif() and copy.getexif().get(imaging.ORIENTATION_TAG, 1) == 1


# ---- 2. remote images, opt-in ---------------------------------------------------------


@pytest.fixture
def server():
    table = png(400, 300, "成交明细")
    routes = {
        "/table.png": (200, {"Content-Type": "image/png"}, table),
        "/page.png": (200, {"Content-Type": "image/png"}, b"<!DOCTYPE html><html><body>Server error</body></html>"),
        "/evil.svg": (200, {"Content-Type": "image/svg+xml"},
                      b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'),
        "/big.png": (200, {"Content-Type": "image/png"}, png() + b"\0" * 300_000),
    }
    srv = ImageServer(routes)
    srv.routes["/to-private.png"] = (302, {"Location": f"http://localhost:{srv.port}/table.png"}, b"")
    srv.table = table
    yield srv
    srv.close()


def remote_posts(folder: Path, base: str) -> list[Path]:
    folder.mkdir()
    one = folder / "2024-02-01-one.md"
    one.write_text(f"---\ntitle: One\nlang: en\n---\n![Trading table]({base}/table.png)\n\nText.\n", "utf-8")
    two = folder / "2024-02-02-two.md"
    two.write_text(f"---\ntitle: Two\nlang: en\n---\n<figure><img src=\"{base}/table.png\" alt=\"Image\">"
                   "<figcaption>Net buying</figcaption></figure>\n\n"
                   f"![r]({base}/to-private.png) ![p]({base}/page.png) ![s]({base}/evil.svg) "
                   f"![b]({base}/big.png) ![m]({base}/missing.png)\n", "utf-8")
    return [one, two]


def test_two_posts_one_request_recorded_in_the_warc(server, tmp_path):
    posts = remote_posts(tmp_path / "posts", server.base)
    out = tmp_path / "out"
    results = convert_all([tmp_path / "posts"], out, fetch_assets=True, allow_hosts=(server.host,))
    assert server.hits["/table.png"] == 1
    assert all(ua.startswith("Octavo/") for ua in server.user_agents)
    stored = hashlib.sha256(server.table).hexdigest()
    for post in posts:
        name = post.stem
        assert f"resources/{stored}.png" in imgs(out / f"{name}.html")
        assert f"resources/{stored}.png" in md_images(out / f"{name}.md")
        media, _ = epub_media(out / f"{name}.epub")
        assert "image/png" in media
    record = next(r for r in results[0].resources if r["url"].endswith("/table.png"))
    assert record["status"] == 200 and record["sha256"] == stored and record["fetched"]
    with open(out / resources.STORE / remote.WARC_NAME, "rb") as handle:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers.get_statuscode() if r.http_headers else None, r.content_stream().read())
                   for r in ArchiveIterator(handle)]
    assert records[0][0] == "warcinfo"
    assert ("response", f"{server.base}/table.png", "200", server.table) in records
    assert [r[1] for r in records if r[0] == "request"] == [r[1] for r in records if r[0] == "response"]
    convert_all([tmp_path / "posts"], out, fetch_assets=True, allow_hosts=(server.host,))
    assert server.hits["/table.png"] == 1                     # a later run reuses the store


def test_unsafe_or_broken_resources_are_refused_with_a_warning(server, tmp_path, monkeypatch):
    monkeypatch.setitem(resources.CAPS, resources.IMAGE, (200_000, 30.0))
    remote_posts(tmp_path / "posts", server.base)
    results = convert_all([tmp_path / "posts"], tmp_path / "out", fetch_assets=True, allow_hosts=(server.host,))
    reasons = {r["url"].rsplit("/", 1)[1]: r["reason"] for r in results[1].resources if "reason" in r}
    assert reasons["to-private.png"].startswith("refused address: localhost")
    assert reasons["page.png"] == "not an image (an HTML page)"
    assert reasons["evil.svg"].startswith("SVG with <script>")
    assert reasons["big.png"] == "larger than 200000 bytes"
    assert reasons["missing.png"] == "HTTP 404"
    assert server.hits["/table.png"] == 1                     # the redirect to localhost was not followed
    [warning] = [w for w in results[1].warnings if w.kind == resources.LEFT_OUT]
    for name in reasons:
        assert name in warning.message
    html = (tmp_path / "out" / "2024-02-02-two.html").read_text("utf-8")
    assert f'[Image: Net buying] <a href="{server.base}/table.png">' not in html   # it was archived
    assert f'[Image: p] <a href="{server.base}/page.png">{server.base}/page.png</a>' in html


def test_without_fetch_assets_nothing_is_requested_and_every_remote_image_is_named(server, tmp_path):
    remote_posts(tmp_path / "posts", server.base)
    results = convert_all([tmp_path / "posts"], tmp_path / "out", allow_hosts=(server.host,))
    assert server.connections == 0
    assert not (tmp_path / "out" / resources.STORE / remote.WARC_NAME).exists()
    [warning] = [w for w in results[1].warnings if w.kind == resources.OFFLINE]
    for name in ("table.png", "to-private.png", "page.png", "evil.svg", "big.png", "missing.png"):
        assert f"{server.base}/{name}" in warning.message
    assert not warning.is_repair                              # the user's choice, not a repair
    text = (tmp_path / "out" / "2024-02-02-two.md").read_text("utf-8")
    # the placeholder as Markdown text, or, inside a figure kept as HTML, as its span
    assert (f"\\[Image: Net buying\\] <{server.base}/table.png>" in text
            or f'[Image: Net buying] <a href="{server.base}/table.png">' in text)


def test_private_addresses_need_allow_host(server, tmp_path):
    remote_posts(tmp_path / "posts", server.base)
    results = convert_all([tmp_path / "posts"], tmp_path / "out", fetch_assets=True)
    assert server.connections == 0
    assert all(r["reason"].startswith("refused address") for r in results[0].resources)


# ---- the corpus post whose tables are images -------------------------------------------


@pytest.mark.slow
def test_corpus_tables_survive_as_images_in_every_format(tmp_path):
    """2022-06-14-NW202206142412311033: its four trading tables are images on the feed's CDN;
    served locally, every format keeps them as images (the live K-line chart is dropped by design)."""
    served = {}

    def table(path: str):
        match = re.search(r"_w(\d+)h(\d+)\.jpg$", path)
        if not match:
            return None
        served[path] = png(int(match.group(1)), int(match.group(2)), path)
        return 200, {"Content-Type": "image/jpeg"}, served[path]   # a server's wrong type: sniffed

    srv = ImageServer(fallback=table)
    try:
        posts = tmp_path / "posts"
        posts.mkdir()
        text = TABLES_POST.read_text("utf-8").replace("https://dfscdn.dfcfw.com", srv.base)
        (posts / TABLES_POST.name).write_text(text, "utf-8")
        out = tmp_path / "out"
        [result] = convert_all([posts], out, formats=("html", "md", "epub", "pdf"), fetch_assets=True,
                               allow_hosts=(srv.host,))
    finally:
        srv.close()
    assert result.ok, result.errors
    assert len(served) == 4 and all(count == 1 for count in srv.hits.values())
    stem = TABLES_POST.stem
    assert len(imgs(out / f"{stem}.html")) == 4
    assert len(md_images(out / f"{stem}.md")) == 4
    media, chapter = epub_media(out / f"{stem}.epub")
    assert len(media) == 4 and chapter.count("<img") == 4
    from test_epub import epubcheck_many

    checked, messages = epubcheck_many([out / f"{stem}.epub"], tmp_path)
    assert checked[str(out / f"{stem}.epub")][:2] == (0, 0), messages
    listing = subprocess.run(["pdfimages", "-list", str(out / f"{stem}.pdf")], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert len(listing) == 4
    assert not [w for w in result.warnings if w.kind in (resources.LEFT_OUT, resources.OFFLINE)]


@pytest.mark.slow
def test_pdf_embeds_the_downscaled_copies_with_their_pixels(site, tmp_path):
    """The PDF holds each image's embedding copy (downscaled, converted), whose pixels are the
    image's own: extracted back with poppler's pdfimages."""
    from PIL import Image

    out = tmp_path / "out"
    [result] = convert_all([site / "_posts"], out, formats=("pdf",))
    assert result.ok, result.errors
    pdf_file = out / "2024-01-01-pics.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf_file)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    sizes = sorted((int(row.split()[3]), int(row.split()[4])) for row in listing)
    assert sizes == [(120, 80), (200, 100), (1600, 600), (1600, 600)]     # 2400×900 → 1600 wide
    subprocess.run(["pdfimages", "-png", str(pdf_file), str(tmp_path / "img")], check=True)
    extracted = {Image.open(p).size: Image.open(p).convert("RGB") for p in tmp_path.glob("img-*.png")}
    assert extracted[(200, 100)].getpixel((100, 50))[0] > 200 > extracted[(200, 100)].getpixel((100, 50))[1] + 100
    assert extracted[(1600, 600)].getpixel((800, 250)) == (255, 255, 255)  # between two rules
    assert extracted[(120, 80)].getpixel((60, 40))[2] > 80                 # navy, not garbage


def test_a_server_that_does_not_answer_in_time_is_left_out(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(remote, "CONNECT_SECONDS", 0.3)
    srv = ImageServer(fallback=lambda path: time.sleep(1.5) or (200, {}, png()))
    try:
        post = tmp_path / "posts" / "2024-03-01-slow.md"
        post.parent.mkdir()
        post.write_text(f"---\ntitle: Slow\nlang: en\n---\n![chart]({srv.base}/slow.png)\n", "utf-8")
        [result] = convert_all([post.parent], tmp_path / "out", formats=("html",), fetch_assets=True,
                               allow_hosts=(srv.host,))
    finally:
        srv.close()
    [record] = result.resources
    assert "timed out" in record["reason"] and "path" not in record
    assert "slow.png" in next(w.message for w in result.warnings if w.kind == resources.LEFT_OUT)


def test_command_line_fetches_with_its_flags(server, tmp_path):
    import sys

    remote_posts(tmp_path / "posts", server.base)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "convert", "convert", str(tmp_path / "posts"), "-o", str(out),
                           "-t", "html", "--jobs", "1", "--fetch-assets", "--allow-host", server.host,
                           "--allow-host", "intranet.example:8080"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "(images: 3 archived, 4 left out)" in proc.stderr       # big.png is under the 20 MB default
    assert "page.png (not an image (an HTML page))" in proc.stderr
    assert (out / resources.STORE / remote.WARC_NAME).is_file()


def test_epub_accessibility_follows_the_images():
    from convert.model import Document, Meta
    from convert.writers import epub

    shown = resources.Resource("a.png", "a.png", "ab", "resources/ab.png", "/x/ab.png", "image/png")
    body = '<figure><img alt="Image" src="a.png"><figcaption>成交明细</figcaption></figure>'
    described = epub.accessibility(Document(Meta(lang="zh-CN"), body, resources=[shown]))
    assert described["accessModes"] == ["textual", "visual"]
    assert "textual" in described["accessModeSufficient"]
    assert "alternativeText" in described["accessibilityFeatures"]
    assert "1幅图片，其中0幅没有文字说明" in described["accessibilitySummary"]
    bare = epub.accessibility(Document(Meta(lang="en"), '<p><img alt="" src="a.png"></p>', resources=[shown]))
    assert "textual" not in bare["accessModeSufficient"] and "alternativeText" not in bare["accessibilityFeatures"]
    left_out = resources.Resource("a.png", "a.png", reason="HTTP 404")
    text_only = epub.accessibility(Document(Meta(lang="en"), body, resources=[left_out]))
    assert text_only["accessModes"] == ["textual"] and "no images" in text_only["accessibilitySummary"]


@pytest.mark.parametrize("fmt,media_type,embedded", [
    ("TIFF", "image/tiff", "image/png"), ("BMP", "image/bmp", "image/png"),
    ("WEBP", "image/webp", "image/jpeg"), ("AVIF", "image/avif", "image/jpeg"), ("PNG", "image/png", "image/png")])
def test_formats_outside_epub_core_are_converted_for_embedding(fmt, media_type, embedded):
    import io

    from PIL import Image

    from convert import imaging

    data = io.BytesIO()
    Image.new("RGB", (2000, 500), "teal").save(data, format=fmt)
    assert imaging.sniff(data.getvalue()) == media_type
    out, kind = imaging.for_embedding(data.getvalue(), media_type)
    assert kind == embedded and imaging.sniff(out) == embedded
    assert Image.open(io.BytesIO(out)).size == (1600, 400)


def test_svg_loses_external_references_and_refuses_script():
    from convert import imaging

    svg = (b'<?xml version="1.0"?><!-- c --><svg xmlns="http://www.w3.org/2000/svg" '
           b'xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://evil.example/x.png"/>'
           b'<use href="#a"/><rect style="fill: url(http://evil.example/p)" width="4" height="4"/></svg>')
    assert imaging.sniff(svg) == "image/svg+xml"
    clean = imaging.clean(svg, "image/svg+xml")
    assert b"evil.example" not in clean and b'href="#a"' in clean and b"<!--" not in clean
    for active in (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                   b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>'):
        with pytest.raises(imaging.NotAnImage):
            imaging.clean(active, "image/svg+xml")
    entity = imaging.clean(b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                           b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "image/svg+xml")
    assert b"passwd" not in entity and b"root:" not in entity and b"&x;" not in entity


def test_one_request_per_url_across_worker_processes(server, tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for n in range(2 * batch.CHUNK + 1):      # three chunks over two worker processes
        (posts / f"2024-04-{n + 1:02d}-p{n}.md").write_text(
            f"---\ntitle: P{n}\nlang: en\n---\n![Trading table]({server.base}/table.png)\n", "utf-8")
    results = convert_all([posts], tmp_path / "out", formats=("html",), jobs=2, fetch_assets=True,
                          allow_hosts=(server.host,))
    assert all(r.ok for r in results) and len(results) == 2 * batch.CHUNK + 1
    assert server.hits["/table.png"] == 1
    assert len({r.resources[0]["path"] for r in results}) == 1
