"""The reference post (国办发〔2021〕59号): what the normalized HTML must and must not hold."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import convert

from conftest import REFERENCE
from warncheck import BY_DESIGN, WarningWatch


@pytest.fixture(scope="module")
def page():
    """The reference post and its page, made without a single warning."""
    with WarningWatch(BY_DESIGN).watching() as watch:
        doc = watch.load(REFERENCE)
        with watch.post(REFERENCE):
            html = convert.write(doc, "html")
    return doc, BeautifulSoup(html, "html.parser")


def test_title_and_language(page):
    doc, soup = page
    assert soup.html["lang"] == "zh-CN"
    assert soup.find("h1").get_text() == "国办：支持市场主体内外贸一体化经营 鼓励有条件的物流企业“走出去”"
    assert len(soup.find_all("h1")) == 1
    assert soup.find("header").find("time")["datetime"] == "2022-01-19T17:07:03+08:00"


def test_centered_heading_and_document_number(page):
    _, soup = page
    heading = soup.find("h2", class_="centered")
    assert heading.get_text() == "国务院办公厅关于促进内外贸一体化发展的意见"
    number = soup.find("p", class_="doc-number")
    assert number.get_text() == "国办发〔2021〕59号" and "centered" in number["class"]


def test_five_section_heads(page):
    _, soup = page
    heads = [h.get_text() for h in soup.find_all("h2") if not h.get("class")]
    assert heads == ["一、总体要求", "二、完善内外贸一体化制度体系", "三、增强内外贸一体化发展能力",
                     "四、加快内外贸融合发展", "五、完善保障措施"]


def test_signature_block(page):
    doc, soup = page
    signature = soup.find("footer", class_="signature")
    assert "国务院办公厅" in signature.get_text()
    assert signature.find("time")["datetime"] == "2021-12-30"
    assert signature.find("time").get_text() == "2021年12月30日"
    assert doc.meta.issuer == "国务院办公厅" and doc.meta.signed_date.isoformat() == "2021-12-30"


def test_presentation_and_chrome_dropped_text_kept(page):
    _, soup = page
    text = str(soup)
    assert not soup.find(attrs={"style": True})
    assert "em_stock_key_common" not in text and "<span" not in text
    assert "quote.eastmoney.com" not in text
    for word in ("农产品", "教育", "保险", "银行"):
        assert word in soup.article.get_text()
    assert "返回首页" not in text and "返回东财滚动新闻" not in text


def test_provenance(page):
    doc, soup = page
    url = "http://finance.eastmoney.com/news/1345,202201192253651534.html"
    assert soup.find("link", rel="canonical")["href"] == url
    assert doc.meta.canonical_url == url
    assert doc.meta.source == "中国政府网"
    assert soup.find("p", class_="source").get_text() == "（文章来源：中国政府网）"
    assert soup.find("meta", attrs={"name": "citation_title"})
    assert soup.find("script", type="application/ld+json")


def test_summary(page):
    doc, soup = page
    summary = soup.find("div", class_="summary")
    assert summary is not None and summary.get_text().startswith("国务院办公厅关于促进内外贸一体化发展的意见。")
    assert doc.meta.summary == summary.get_text().strip()


def test_every_metadata_field_captured_once(page):
    doc, soup = page
    body = doc.body
    assert body.count("国办发〔2021〕59号") == 1
    assert len(re.findall(r"finance\.eastmoney\.com", body)) == 0
