"""Markdown writer: front matter that reads back, no raw HTML, and a round trip through Octavo."""

from __future__ import annotations

import re
import string

import frontmatter
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import convert
from conftest import CORPUS_POSTS, REFERENCE, SHARED, corpus_ids, posts
from convert.model import Document, Meta
from convert.writers import markdown
from convert.writers.html import with_images
from convert.errors import UsageError
from convert.settings import Settings
from warncheck import BY_DESIGN, WarningWatch

SHARED_POSTS = posts(SHARED) if SHARED.is_dir() else []


@pytest.fixture(scope="module")
def reference():
    """The reference post and its Markdown, made without a single warning."""
    with WarningWatch(BY_DESIGN).watching() as watch:
        doc = watch.load(REFERENCE)
        with watch.post(REFERENCE):
            text = markdown.write(doc, Settings()).decode("utf-8")
    return doc, text


def test_front_matter_reads_back(reference):
    doc, text = reference
    post = frontmatter.loads(text)
    assert post["title"] == doc.meta.title
    assert post["date"] == doc.meta.date
    assert post["date"].isoformat() == "2022-01-19T17:07:03+08:00"
    assert re.search(r"^date: 2022-01-19T17:07:03\+08:00$", text, re.M)
    assert post["canonical_url"] == "http://finance.eastmoney.com/news/1345,202201192253651534.html"
    assert post["lang"] == "zh-CN"
    assert post["identifier"] == doc.meta.identifier
    assert post["categories"] == ["emnews"] and post["tags"] == ["东财滚动新闻"]
    assert post["source"] == "中国政府网"
    assert post["issuer"] == "国务院办公厅" and post["doc_number"] == "国办发〔2021〕59号"
    assert post["summary"] == doc.meta.summary


def test_no_raw_html(reference):
    _, text = reference
    for needle in ("<span", "<p", "style=", "<div", "<footer", "<h2"):
        assert needle not in text
    # the one element with no Markdown syntax it keeps: the signature's machine-readable date
    assert re.findall(r"<[a-z]+", text) == ["<time"]


def test_structure_in_pandoc_attribute_syntax(reference):
    _, text = reference
    body = frontmatter.loads(text).content
    assert "## 国务院办公厅关于促进内外贸一体化发展的意见 {.centered}" in body
    assert re.findall(r"^## ([一二三四五]、\S+)$", body, re.M) == [
        "一、总体要求", "二、完善内外贸一体化制度体系", "三、增强内外贸一体化发展能力",
        "四、加快内外贸融合发展", "五、完善保障措施"]
    assert "::: signature\n国务院办公厅\n\n<time datetime=\"2021-12-30\">2021年12月30日</time>\n:::" in body
    assert "::: summary\n" in body and "::: centered\n国办发〔2021〕59号\n:::" in body
    assert "“走出去”" in body  # quotes kept as written (no smart-quote rewriting)


@pytest.mark.parametrize("flavor", ["gfm", "commonmark"])
def test_strict_flavors(reference, flavor):
    doc, _ = reference
    text = markdown.write(doc, Settings(markdown=markdown.Options(flavor=flavor))).decode("utf-8")
    body = frontmatter.loads(text).content
    assert ":::" not in body and "{." not in body and "<" not in body
    assert body.startswith("> 国务院办公厅关于促进内外贸一体化发展的意见。")
    assert "\n## 一、总体要求\n" in body
    html = MarkdownIt("commonmark").enable("table").render(body)
    assert [h.get_text() for h in BeautifulSoup(html, "lxml").find_all("h2")][1] == "一、总体要求"


def test_front_matter_keys_that_collide_keep_every_value(tmp_path):
    """Keys that differ only by control characters, and keys named like a field Octavo
    writes but holding another value (an invalid `lang`), each keep their value in the
    Markdown front matter under a free name; the warning names the key as written out."""
    post = tmp_path / "keys.md"
    post.write_text('---\ntitle: keys\n"ti\\x07tle": a\n"\\u202etitle": b\nlang: ../../etc\n'
                    'note: {"k\\x07": 1, "k": 2}\n---\nBody.\n', encoding="utf-8")
    doc = convert.load(post)
    front = frontmatter.loads(markdown.write(doc, Settings()).decode()).metadata
    assert front["title"] == "keys" and front["lang"] == "en" and front["lang_"] == "../../etc"
    assert sorted(v for k, v in front.items() if k.startswith("title_")) == ["a", "b"]
    assert front["note"] == {"k": 2, "k_": 1} or front["note"] == {"k": 1, "k_": 2}
    named = [w.message for w in doc.warnings if "control or bidi" in w.message]
    assert not any("\u202e" in m or "\x07" in m for m in named) and len(named) == 3, named


def test_unknown_flavor_is_a_usage_error_naming_the_option():
    with pytest.raises(UsageError, match="--md-flavor"):
        markdown.Options(flavor="asciidoc")


def test_single_and_batch_paths_agree(warning_watch):
    docs = [warning_watch.load(p) for p in CORPUS_POSTS]
    assert markdown.write_many(docs, Settings()) == [markdown.write(d, Settings()) for d in docs]


def shape(body: str):
    """What must survive a round trip: headings (with their classes), signature, summary, text."""
    soup = BeautifulSoup(body, "lxml")
    return {
        "headings": [(h.name, h.get("class"), h.get_text()) for h in soup.find_all(re.compile("^h[1-6]$"))],
        "signature": [p.get_text() for p in soup.select("footer.signature p")],
        "summary": [p.get_text() for p in soup.select(".summary p")],
        "text": "".join(soup.get_text().split()),
    }


def round_trip(doc: Document, folder, watch=None) -> Document:
    """Write `doc` as Markdown and read it back (both under `watch` when given)."""
    path = folder / f"{doc.stem or 'post'}.md"
    if watch is None:
        path.write_bytes(markdown.write(doc, Settings()))
        return convert.load(path)
    with watch.post(path):
        path.write_bytes(markdown.write(doc, Settings()))
    return watch.load(path)


@pytest.mark.parametrize("post", CORPUS_POSTS + SHARED_POSTS, ids=corpus_ids(CORPUS_POSTS + SHARED_POSTS))
def test_round_trip_over_the_corpus(post, tmp_path, warning_watch):
    doc = warning_watch.load(post)
    back = round_trip(doc, tmp_path, warning_watch)
    # what the Markdown holds: images not archived are their description and URL
    assert shape(back.body) == shape(with_images(doc, lambda r: r.path or r.src).body)
    assert back.meta.title == doc.meta.title
    assert back.meta.date == doc.meta.date
    assert back.meta.canonical_url == doc.meta.canonical_url
    assert back.meta.tags == doc.meta.tags and back.meta.categories == doc.meta.categories


def test_reference_round_trip_keeps_the_document_structure(reference, tmp_path):
    doc, _ = reference
    back = round_trip(doc, tmp_path)
    soup = BeautifulSoup(back.body, "lxml")
    assert soup.select_one("h2.centered").get_text() == "国务院办公厅关于促进内外贸一体化发展的意见"
    assert [p.get_text() for p in soup.select("footer.signature p")] == ["国务院办公厅", "2021年12月30日"]
    assert back.meta.issuer == "国务院办公厅" and back.meta.signed_date == doc.meta.signed_date


WORDS = st.text(alphabet=st.sampled_from("内外贸一体化发展意见国务院" + string.ascii_letters + string.digits
                                         + "*_[]<>#`\\|$~&!()-+.:;'\"“”（）：，。"),
                min_size=1, max_size=40).map(str.strip).filter(lambda s: s and not s.startswith(("http", "www")))


@st.composite
def bodies(draw):
    """A body in the normalizer's vocabulary with arbitrary (Markdown-hostile) text."""
    from html import escape

    heading = escape(draw(WORDS))
    paras = [escape(p) for p in draw(st.lists(WORDS, min_size=1, max_size=4))]
    issuer = escape(draw(WORDS))
    return (f'<h2 class="centered">{heading}</h2>' + "".join(f"<p>{p}</p>" for p in paras)
            + f'<footer class="signature"><p>{issuer}</p></footer>')


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies())
def test_round_trip_property(body, tmp_path):
    doc = Document(meta=Meta(title="property", lang="zh-CN", source_path=str(tmp_path / "p.md")), body=body)
    back = round_trip(doc, tmp_path)
    before, after = shape(body), shape(back.body)
    assert after["headings"] == before["headings"]
    assert after["signature"] == before["signature"]
    assert after["text"] == before["text"]
