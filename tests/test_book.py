"""`octavo book`: selection, duplicates, order and parts, the one book Document, and the
EPUB and PDF the ordinary writers make of it (epubcheck, qpdf, pdffonts, pdftotext)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

import convert
from conftest import CORPUS, GENERIC, ROOT, SHARED, posts
from convert import batch, book, bookmatter, fragment
from convert.book import Options
from convert.settings import Settings

BOOK_FIXTURES = ROOT / "tests" / "fixtures" / "book"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
INPUTS = [*posts(CORPUS), *posts(GENERIC), *posts(BOOK_FIXTURES)]
EPOCH = "1700000000"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml"}


def read(paths, settings=None) -> list[convert.Document]:
    settings = (settings or Settings()).replace(jobs=1)
    jobs = [batch.Job(p, p.stem) for p in paths]
    return [doc for _, doc in batch.read_all(jobs, settings) if doc is not None]


@pytest.fixture(scope="module")
def docs():
    return read(INPUTS)


@pytest.fixture(scope="module")
def monthly(docs):
    return book.bind(docs, Options(group_by="month"), Path("/tmp/book.epub"))


def run_octavo(*args, env=None):
    return subprocess.run([sys.executable, "-m", "convert", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)


# ---- selection, duplicates, order, parts ------------------------------------------------

def test_twins_and_the_redated_copy_go_in_once_with_a_note(docs, monthly):
    names = [Path(d.meta.source_path).name for d in monthly.chapters]
    assert "2022-01-19-202201192253651534.md" in names            # the twin with the news URL
    assert "2022-01-19-NW202201192253651534.md" not in names        # same title and date
    assert "2022-05-26-202205262391921712.md" in names              # dated, titled original
    assert "-202205262391921712.md" not in names                    # same text, date and title lost
    assert len(names) == len(docs) - 2
    left = {Path(w.path).name for w in monthly.warnings if w.kind == "duplicate"}
    assert left == {"2022-01-19-NW202201192253651534.md", "-202205262391921712.md"}
    root = fragment.parse(monthly.body)
    chapter = next(a for a in root.iter("article") if "国办：支持" in a.find("header/h2").text_content())
    note = chapter.find(".//p[@class='duplicates']").text_content()
    assert "NewsShare.html?infoCode=NW202201192253651534" in note and note.startswith("另载：")
    kept = book.bind(docs, Options(keep_duplicates=True), Path("/tmp/b.epub"))
    assert len(kept.chapters) == len(docs) and not [w for w in kept.warnings if w.kind == "duplicate"]


def test_short_identical_texts_are_not_duplicates():
    a = convert.Document(convert.Meta(title="A", source_path="a.md"), "<p>市场休市。</p>")
    b = convert.Document(convert.Meta(title="B", source_path="b.md"), "<p>市场休市。</p>")
    assert len(book.merge_duplicates([a, b])) == 2


def test_parts_by_month_in_order_and_chapters_by_date(docs, monthly):
    tree = bookmatter.contents(monthly)
    parts = [text for level, _, text in tree if level == 1]
    assert parts[:3] == ["2021年12月", "2022年1月", "2022年2月"]
    assert parts[-2:] == ["文献来源", "版本说明"]
    months = [p for p in parts if p.endswith("月")]
    assert months == sorted(months, key=lambda p: tuple(map(int, re.findall(r"\d+", p))))
    for part in fragment.parse(monthly.body).iter("section"):
        ids = [h.get("id") for h in part.iter("h2") if h.get("class") == "chapter-title"]
        dates = [d.meta.date for d in monthly.chapters if f"ch-{d.meta.slug}" in ids]
        assert [book._timestamp(d) for d in dates] == sorted(book._timestamp(d) for d in dates)
    kept = book.bind(docs, Options(group_by="month", keep_duplicates=True), Path("/tmp/b.pdf"))
    assert [t for level, _, t in bookmatter.contents(kept) if level == 1][-3] == "未注明日期"
    assert kept.chapters[-1].meta.date is None                           # undated last


@pytest.mark.parametrize("sort", ["title", "path"])
def test_sort_orders(docs, sort):
    bound = book.bind(docs, Options(sort=sort), Path("/tmp/b.pdf"))
    key = (lambda d: d.meta.title.casefold()) if sort == "title" else (lambda d: d.meta.source_path)
    assert [key(d) for d in bound.chapters] == sorted(key(d) for d in bound.chapters)
    assert not [t for level, _, t in bookmatter.contents(bound) if t.endswith("月")]   # no parts


def test_selection_by_dates_category_and_tag(docs):
    march = book.bind(docs, Options(since="2022-03", until="2022-03-31"), Path("/tmp/b.pdf"))
    assert [d.meta.title for d in march.chapters] == ["Notes on a trade report"]
    undated = [w for w in march.warnings if w.kind == "book-selection"]
    assert undated and all("undated" in w.message for w in undated)
    year = book.bind(docs, Options(since="2022"), Path("/tmp/b.pdf"))
    assert all(d.meta.date.year >= 2022 for d in year.chapters) and year.chapters
    notes = book.bind(docs, Options(category="trade-notes"), Path("/tmp/b.pdf"))
    assert [d.meta.title for d in notes.chapters] == ["Notes on a trade report"]
    trade = book.bind(docs, Options(tag="trade", group_by="tag"), Path("/tmp/b.pdf"))
    assert [t for level, _, t in bookmatter.contents(trade) if level == 1][0] == "trade"


def test_book_options_from_octavo_toml():
    from convert.settings import from_mapping

    settings = from_mapping({"book": {"group_by": "month", "since": "2022-01"}}, "octavo.toml")
    assert settings.book.group_by == "month" and book.period(settings.book.since)[1].day == 31
    with pytest.raises(convert.errors.UsageError, match=r"octavo.toml.*group_by"):
        from_mapping({"book": {"group_by": "week"}}, "octavo.toml")


@pytest.mark.parametrize("value", ["2022-13", "22-01-01", "yesterday", "2022-02-30"])
def test_bad_dates_are_usage_errors(value):
    with pytest.raises(convert.errors.UsageError, match="since"):
        Options(since=value)


# ---- the one book Document ----------------------------------------------------------------

def test_every_id_is_unique_and_every_in_book_link_lands(monthly):
    root = fragment.parse(monthly.body)
    ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))
    targets = {h.get("href")[1:] for h in root.iter("a") if (h.get("href") or "").startswith("#")}
    assert targets <= set(ids)
    notes = [i for i in ids if i.endswith("-fn1")]
    assert len(notes) >= 2                                 # chapters each with its own note 1


def test_chapters_keep_provenance_structure_and_language(monthly):
    root = fragment.parse(monthly.body)
    chapters = root.findall(".//article")
    assert len(chapters) == len(monthly.chapters)
    for chapter, doc in zip(chapters, monthly.chapters):
        title = chapter.find("header/h2")
        assert title.get("class") == "chapter-title" and title.get("id").startswith("ch-")
        assert chapter.get("lang") == title.get("lang") == doc.meta.lang
        assert " ".join(title.text_content().split()) == " ".join(doc.meta.title.split())
        if doc.meta.canonical_url:
            assert doc.meta.canonical_url in lxml.html.tostring(chapter, encoding="unicode")
        assert not chapter.findall(".//h1")                 # every heading demoted under the part
    english = [c for c in chapters if c.get("lang") == "en" and "trade" in c.find("header/h2").text]
    assert english and english[0].find(".//h3").text == "What the figures say"
    reference = next(c for c in chapters if "国办" in c.find("header/h2").text_content())
    assert reference.find(".//h3[@class='centered']") is not None           # centered heading
    assert reference.find(".//footer[@class='signature']") is not None
    assert reference.find(".//div[@class='summary']") is not None
    image = english[0].find(".//img")                 # the archived image, named for the book
    (resource,) = [r for r in monthly.resources if r.src == image.get("src")]
    assert image.get("src").startswith(english[0].find("header/h2").get("id") + ":")
    assert Path(resource.file).read_bytes() == (BOOK_FIXTURES / "chart.png").read_bytes()


def test_sources_chapter_cites_every_article_in_one_style(monthly):
    root = fragment.parse(monthly.body)
    items = root.findall(".//section[@class='sources']/ol/li")
    assert len(items) == len(monthly.chapters)
    texts = [" ".join(li.text_content().split()) for li in items]
    for text, doc in zip(texts, monthly.chapters):
        assert doc.meta.title.split()[0] in text
    chinese = [t for t, d in zip(texts, monthly.chapters) if d.meta.lang == "zh-CN" and d.meta.canonical_url]
    assert chinese and all(re.search(r"\[N/OL\]", t) for t in chinese)            # GB/T 7714
    months = "一月|二月|三月|四月|五月|六月|七月|八月|九月|十月|十一月|十二月|January|Edition|edition"
    assert not [t for t in texts if re.search(months, t)]
    assert {li.find("a").get("href")[1:] for li in items} == {h for _, h, _ in bookmatter.contents(monthly)
                                                              if h.startswith("ch-")}


def test_colophon_says_what_the_book_holds(monthly):
    colophon = monthly.body[monthly.body.index('class="colophon book-colophon"'):]
    text = " ".join(lxml.html.fromstring(colophon).text_content().split())
    assert f"{len(monthly.chapters)} 篇" in text and monthly.meta.coverage in text
    assert "--group-by month" in text and "-202205262391921712.md" in text
    assert monthly.meta.identifier in text and "Octavo" in text


def test_book_metadata_and_records(docs, monthly):
    meta = monthly.meta
    assert meta.genre == "book" and meta.lang == "zh-CN" and meta.title == "金融消息"
    first = min(d.meta.date for d in monthly.chapters if d.meta.date and d.meta.date.tzinfo)
    assert meta.coverage.startswith(first.date().isoformat())
    again = book.bind(list(docs), Options(group_by="month"), Path("/tmp/other.epub"))
    assert again.meta.identifier == meta.identifier                 # same selection, same book
    records = {name: data for name, _, data, _, _ in bookmatter.records(monthly)}
    articles = json.loads(records["articles.csl.json"])
    assert [a["id"] for a in articles] == [d.meta.identifier for d in monthly.chapters]
    assert json.loads(records["book.csl.json"])[0]["type"] == "book"
    assert records["book.bib"].startswith(b"@collection{")
    assert b"TY  - BOOK" in records["book.ris"]
    etree.fromstring(records["book.dc.xml"])


def test_book_language_is_the_most_common_unless_given(docs):
    english = [d for d in docs if d.meta.lang == "en"]
    assert book.bind(english + docs[:1], Options(), Path("/tmp/b.pdf")).meta.lang == "en"
    forced = book.bind(docs, Options(lang="en"), Path("/tmp/b.pdf"))
    assert forced.meta.lang == "en" and "<h1 id=\"sources\">Sources</h1>" in forced.body
    assert {d.meta.lang for d in forced.chapters} == {"zh-CN", "en"}        # chapters keep theirs


# ---- EPUB ---------------------------------------------------------------------------------

def epub_book(monkeypatch, doc, settings=None) -> zipfile.ZipFile:
    from convert.writers import epub

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return zipfile.ZipFile(io.BytesIO(epub.write(doc, settings or Settings())))


def test_epub_navigation_follows_the_book_tree(monkeypatch, monthly):
    book_zip = epub_book(monkeypatch, monthly)
    nav = etree.fromstring(book_zip.read("EPUB/nav.xhtml"))
    toc = nav.find(".//x:nav[@id='toc']/x:ol", NS)

    def tree(ol, level=1):
        for li in ol.findall("x:li", NS):
            link = li.find("x:a", NS)
            yield level, link.get("href").split("#")[1], " ".join("".join(link.itertext()).split())
            sub = li.find("x:ol", NS)
            if sub is not None:
                yield from tree(sub, level + 1)

    assert list(tree(toc)) == bookmatter.contents(monthly)


def test_epub_ids_never_repeat_and_chapters_keep_their_language(monkeypatch, monthly):
    book_zip = epub_book(monkeypatch, monthly)
    ids: Counter = Counter()
    langs = {}
    for name in book_zip.namelist():
        if name.endswith(".xhtml"):
            root = etree.fromstring(book_zip.read(name))
            ids.update(e.get("id") for e in root.iter() if e.get("id"))
            for section in root.iterfind(".//x:section[@lang]", NS):
                langs[section.get("id")] = section.get("lang")
    assert [i for i, n in ids.items() if n > 1] == []
    assert {h: l for h, l in langs.items() if h.startswith("ch-")} == {
        h: d.meta.lang for (_, h, _), d in zip([e for e in bookmatter.contents(monthly) if e[1].startswith("ch-")],
                                                monthly.chapters)}


def test_epub_metadata_cover_and_records(monkeypatch, monthly):
    book_zip = epub_book(monkeypatch, monthly)
    opf = etree.fromstring(book_zip.read("EPUB/content.opf"))
    assert opf.findtext(".//dc:identifier", namespaces=NS) == monthly.meta.identifier
    assert opf.findtext(".//dc:coverage", namespaces=NS) == monthly.meta.coverage
    assert opf.findtext(".//dc:language", namespaces=NS) == "zh-CN"
    items = {i.get("href"): i for i in opf.iterfind(".//opf:item", NS)}
    assert items["media/cover.svg"].get("properties") == "cover-image"
    assert "金融消息" in book_zip.read("EPUB/media/cover.svg").decode()
    for name in ("articles.csl.json", "book.csl.json", "book.bib", "book.ris", "book.dc.xml"):
        assert f"records/{name}" in items and f"EPUB/records/{name}" in book_zip.namelist()
    assert opf.find(".//opf:spine/opf:itemref", NS).get("idref") == "cover_xhtml"


@pytest.mark.slow
def test_epubcheck_clean_book(tmp_path, monkeypatch, monthly):
    from test_epub import epubcheck_many

    path = tmp_path / "book.epub"
    cover = tmp_path / "cover.png"
    shutil.copy(BOOK_FIXTURES / "chart.png", cover)
    settings = Settings().replace(book=Options(cover=cover))
    path.write_bytes(epub_book(monkeypatch, monthly, settings).fp.getvalue())
    plain = tmp_path / "plain.epub"
    plain.write_bytes(epub_book(monkeypatch, book.bind(monthly.chapters, Options(), plain)).fp.getvalue())
    hostile = tmp_path / "hostile.epub"                 # the readable hostile posts, bound
    hostile.write_bytes(epub_book(monkeypatch, book.bind(read(posts(HOSTILE)), Options(group_by="tag"),
                                                         hostile)).fp.getvalue())
    results, messages = epubcheck_many([path, plain, hostile], tmp_path)
    assert results == {str(p): (0, 0, 0) for p in (path, plain, hostile)}, messages


# ---- PDF ----------------------------------------------------------------------------------

def _outline(items, level=1):
    for item in items:
        yield level, item["title"], item.get("destpageposfrom1")
        yield from _outline(item.get("kids", []), level + 1)


def check_pdf(path: Path, doc: convert.Document) -> None:
    """qpdf --check, every font embedded, bookmarks = the book's tree, and each page the
    contents page lists really starts that chapter or part."""
    subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    outlines = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", str(path)],
                                         capture_output=True, text=True, check=True).stdout)["outlines"]
    marks = list(_outline(outlines))
    tree = bookmatter.contents(doc)
    assert [(level, " ".join(title.split())) for level, title, _ in marks[1:]] == \
        [(level, text) for level, _, text in tree]                     # after 目录 itself
    contents = _contents_pages(path, len(tree))
    for (level, title, page), listed in zip(marks[1:], contents):
        assert listed == page, (title, listed, page)
        top = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        assert " ".join(title.split())[:12] in " ".join(top.split())


def _contents_pages(path: Path, entries: int) -> list[int]:
    """The page numbers printed on the contents pages, in order (the trailing number of
    each dotted line)."""
    text = subprocess.run(["pdftotext", "-layout", "-f", "3", "-l", "12", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    numbers = [int(m.group(1)) for m in re.finditer(r"\.{3,}\s*(\d+)\s*$", text, re.M)]
    assert len(numbers) >= entries
    return numbers[:entries]


@pytest.mark.slow
def test_pdf_book_checks(tmp_path, monkeypatch, monthly):
    from convert.writers import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf.write(monthly, Settings()))
    check_pdf(path, monthly)
    attached = subprocess.run(["qpdf", "--list-attachments", str(path)], capture_output=True, text=True,
                              check=True).stdout
    for name in ("articles.csl.json", "book.csl.json", "book.bib", "book.ris", "book.dc.xml",
                 "001-2021-12-01-init.md"):
        assert name in attached
    info = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert monthly.meta.coverage in info and monthly.meta.identifier in info
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout
    assert len(images.splitlines()) > 2                   # the English chapter's chart.png
    from losscheck import html_text, pdf_text, unexplained

    expected = " ".join(f"{d.meta.title} {html_text(d.body)}" for d in monthly.chapters)
    assert unexplained(expected, pdf_text(path), []) == []
    plain = book.bind(monthly.chapters[:5], Options(sort="title"), tmp_path / "plain.pdf")
    (tmp_path / "plain.pdf").write_bytes(pdf.write(plain, Settings()))
    check_pdf(tmp_path / "plain.pdf", plain)                 # chapters are the top level


# ---- the command --------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_failure_is_reported_book_still_made(tmp_path):
    broken = tmp_path / "posts" / "2022-01-01-broken.md"
    broken.parent.mkdir()
    broken.write_bytes(b"---\ntitle: x\n---\n\x00\x00 binary")
    for p in posts(BOOK_FIXTURES):
        shutil.copy(p, broken.parent)
    shutil.copy(BOOK_FIXTURES / "chart.png", broken.parent)
    out = tmp_path / "b.epub"
    proc = run_octavo("book", broken.parent, "-o", out, "--jobs", "1", "--title", "Trade", "--author", "Ed Itor")
    assert proc.returncode == 1 and out.is_file(), proc.stderr
    assert re.search(r"octavo: error: .*2022-01-01-broken\.md", proc.stderr)
    opf = zipfile.ZipFile(out).read("EPUB/content.opf").decode()
    assert "<dc:title" in opf and ">Trade<" in opf and re.search(r"<dc:creator[^>]*>Ed Itor<", opf)
    covered = tmp_path / "c.epub"
    proc = run_octavo("book", broken.parent, "-o", covered, "--cover", BOOK_FIXTURES / "chart.png", "--jobs", "1")
    assert proc.returncode == 1 and "EPUB/media/cover.png" in zipfile.ZipFile(covered).namelist(), proc.stderr
    assert run_octavo("book", broken.parent, "-o", covered, "--cover", broken.parent).returncode == 2
    strict = tmp_path / "s.epub"
    proc = run_octavo("book", broken.parent, "-o", strict, "--strict", "--jobs", "1")
    assert proc.returncode == 1 and not strict.exists()


def test_cli_usage_errors(tmp_path):
    post = tmp_path / "2022-01-01-a.epub"
    post.write_text("---\ntitle: a\n---\ntext\n")
    assert run_octavo("book", post, "-o", post).returncode == 2          # would replace its input
    assert post.read_text().startswith("---")
    assert run_octavo("book", CORPUS, "-o", tmp_path / "b.docx").returncode == 2
    proc = run_octavo("book", CORPUS, "-o", tmp_path / "b.epub", "--group-by", "week")
    assert proc.returncode == 2 and "week" in proc.stderr
    assert "--group-by" not in run_octavo("convert", "--help").stdout
    proc = run_octavo("book", CORPUS, "-o", tmp_path / "none.epub", "--category", "no-such-category")
    assert proc.returncode == 1 and "no post matches" in proc.stderr and not (tmp_path / "none.epub").exists()


# ---- the full corpus ------------------------------------------------------------------------

@pytest.mark.slow
def test_shared_corpus_book_by_month(tmp_path, shared_posts):
    from test_epub import epubcheck_many

    epub_path, pdf_path = tmp_path / "finews.epub", tmp_path / "finews.pdf"
    for path in (epub_path, pdf_path):
        proc = run_octavo("book", SHARED, "-o", path, "--group-by", "month", "--jobs", "2", "-q")
        assert proc.returncode == 0, proc.stderr
    results, messages = epubcheck_many([epub_path], tmp_path)
    assert results[str(epub_path)] == (0, 0, 0), messages
    docs = read(shared_posts)
    bound = book.bind(docs, Options(group_by="month"), pdf_path)
    assert len(docs) - len(bound.chapters) == 11                # ten twins and one re-dated copy
    check_pdf(pdf_path, bound)


def test_epub_book_is_reproducible(monkeypatch, docs):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = (book.bind(list(docs), Options(group_by="category"), Path("/tmp/b.epub")) for _ in range(2))
    assert epub_book(monkeypatch, first).fp.getvalue() == epub_book(monkeypatch, second).fp.getvalue()


def test_every_word_of_every_chapter_reaches_the_epub(tmp_path, monkeypatch, monthly):
    from losscheck import epub_text, html_text, unexplained

    path = tmp_path / "book.epub"
    path.write_bytes(epub_book(monkeypatch, monthly).fp.getvalue())
    expected = " ".join(f"{d.meta.title} {html_text(d.body)}" for d in monthly.chapters)
    assert unexplained(expected, epub_text(path), []) == []


def test_a_chapters_opening_page_has_no_running_head(tmp_path):
    """The running head repeats the chapter's title on its later pages; on the page the
    chapter opens, where the title stands in full just below, a typesetter leaves it out
    (found binding jekyll-docs: each of 102 chapters opened with its title twice)."""
    from convert.writers import pdf

    for n, title in enumerate(["First Chapter Title", "Second Chapter Title"], 1):
        filler = "\n\n".join(f"Paragraph {k} of post {n}, long enough to need a second page. " * 3
                             for k in range(40))
        (tmp_path / f"2020-01-0{n}-post-{n}.md").write_text(
            f"---\ntitle: {title}\nlang: en\n---\n\n{filler}\n", encoding="utf-8")
    docs = read(sorted(tmp_path.glob("*.md")))
    volume = book.bind(docs, Options(group_by="none"), tmp_path / "book.pdf")
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf.write(volume, Settings()))

    def lines(page):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        return [line.strip() for line in text.splitlines() if line.strip()]

    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout).group(1))
    for title in ("First Chapter Title", "Second Chapter Title"):
        opening = next(p for p in range(1, pages + 1) if title in lines(p) and "Contents" not in lines(p))
        assert lines(opening).count(title) == 1, lines(opening)[:3]
        assert lines(opening + 1)[0] == title, lines(opening + 1)[:3]   # its later pages keep it


def test_the_sources_print_every_address_whole(tmp_path):
    """A Sources entry ends with the article's address, which wraps: hyphenation (on for
    English) split its words with a hyphen a reader would copy into the URL (binding
    minimal-mistakes: `https://mmis‐` / `takes.github.io/…` in 10 of 57 entries)."""
    from convert.writers import pdf

    (tmp_path / "_config.yml").write_text("title: Minimal Mistakes\nurl: https://mmistakes.github.io\n"
                                          "baseurl: /minimal-mistakes\nlang: en\n", encoding="utf-8")
    words = ["Header Image", "Sidebar Custom", "Text Readability", "Syntax Highlighting", "Image Alignment",
             "Another Post", "Gemified Release", "Header Overlay", "Navigation List", "Excerpt Generated"]
    for n, title in enumerate(words, 1):
        (tmp_path / f"2020-01-{n:02d}-{title.lower().replace(' ', '-')}.md").write_text(
            f"---\ntitle: \"Layout: {title}\"\n---\n\nPost {n} says something about {title.lower()}.\n",
            encoding="utf-8")
    docs = read(sorted(tmp_path.glob("*.md")))
    volume = book.bind(docs, Options(group_by="none"), tmp_path / "book.pdf")
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf.write(volume, Settings()))
    # -layout: the plain mode joins a line ending in "-" to the next, dropping the hyphen
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.strip() for line in text[text.rindex("Sources"):].splitlines()]
    urls = [doc.meta.canonical_url for doc in volume.chapters]
    assert all(urls), urls
    wrapped = [url for url in urls if not any(url in line for line in lines)]
    assert wrapped, "no address wrapped: the test needs longer ones"
    joined = "".join(lines)
    assert all(url in joined for url in urls), [u for u in urls if u not in joined]
