"""Fixture tests for the sanitizer and the normalization rules (title / input / expected)."""

from __future__ import annotations

import ast
import copy
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from conftest import CORPUS_POSTS, SHARED, posts

from convert import normalize
from convert.model import Document, Meta
from convert.profiles import load
from convert.reader import read_post
from convert.rules import RULES, Context, parse, serialize
from convert.rules.tree import detach, unwrap
from convert.sanitize import NestingError, check_nesting, clean

FIXTURES = Path(__file__).parent / "fixtures" / "rules.txt"


def load_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """Blocks of `title / . / input / . / expected / .`, separated by blank lines."""
    cases = []
    for block in path.read_text(encoding="utf-8").strip().split("\n.\n\n"):
        title, given, expected = block.rstrip(".\n").split("\n.\n")
        cases.append((title.strip(), given, expected.strip()))
    return cases


CASES = load_fixtures(FIXTURES)


def run(html: str, **meta) -> Document:
    meta.setdefault("title", "文章标题")
    meta.setdefault("site_url", "https://finews.withounder.com")
    return normalize(Document(meta=Meta(source_path="fixture.md", **meta), body=clean(html)), "eastmoney")


@pytest.mark.parametrize("title,given,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture(title, given, expected):
    assert run(given).body == expected


@pytest.mark.parametrize("title,given,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture_idempotent(title, given, expected):
    once = run(given)
    twice = normalize(once, "eastmoney")
    assert twice.body == once.body
    assert twice.meta == once.meta


_VALUE = r'(?:"[^"]*"|None)'
_GIVEN = rf'(?:meta\.\w+ = {_VALUE}|profile [\w-]+)'
EXAMPLE = re.compile(
    rf'(?:[Ww]ith (?P<given>{_GIVEN}(?:, {_GIVEN})*):\s*)?'
    r'`(?P<before>[^`]+)`\s*→\s*(?:`(?P<after>[^`]*)`|nothing)'
    rf'(?P<effects>(?:,\s*meta\.\w+ = {_VALUE})*)')
"""A docstring example: [with GIVEN, ...:] `before` → `after` (or nothing)[, meta.FIELD = VALUE ...],
where GIVEN is `meta.FIELD = VALUE` (set before the rule runs) or `profile NAME`."""
_ASSIGNMENT = re.compile(rf'meta\.(\w+) = ({_VALUE})')


def rule_examples() -> list[tuple[str, str, dict, str, str, dict]]:
    """(rule name, profile, meta given, before, after, meta expected) from every rule's docstring."""
    cases = []
    for name, fn, _genres in RULES:
        for match in EXAMPLE.finditer(fn.__doc__ or ""):
            given = match["given"] or ""
            profile = re.search(r"profile ([\w-]+)", given)
            cases.append((name, profile[1] if profile else "eastmoney",
                          {f: ast.literal_eval(v) for f, v in _ASSIGNMENT.findall(given)},
                          match["before"], match["after"] or "",
                          {f: ast.literal_eval(v) for f, v in _ASSIGNMENT.findall(match["effects"])}))
    return cases


EXAMPLES = rule_examples()


def test_every_rule_has_a_docstring_example():
    names = [name for name, _, _ in RULES]
    assert len(names) == len(set(names))
    lacking = sorted(set(names) - {case[0] for case in EXAMPLES})
    assert not lacking, f"rules without a `before` → `after` docstring example: {lacking}"


@pytest.mark.parametrize("name,profile,given,before,after,effects", EXAMPLES,
                         ids=[f"{c[0]}-{n}" for n, c in enumerate(EXAMPLES)])
def test_rule_docstring_example(name, profile, given, before, after, effects):
    """Each example runs its rule alone, on a fresh Context, and gives exactly the after-HTML
    and the metadata it states."""
    rule = {name: fn for name, fn, _ in RULES}[name]
    ctx = Context(meta=Meta(source_path="example.md", **given), profile=load(profile))
    root = parse(before)
    rule(root, ctx)
    assert serialize(root) == after
    for field, expected in effects.items():
        actual = getattr(ctx.meta, field)
        assert (actual.isoformat() if isinstance(actual, date) else actual) == expected, field


def test_metadata_lifted_from_body():
    doc = run(
        '<blockquote><p>摘要。（中国政府网）</p></blockquote>'
        '<p style="text-align:center">国办发〔2021〕59号</p><p>正文。</p>'
        '<p style="text-align:right">国务院办公厅</p><p style="text-align:right">2021年12月30日</p>'
        '<p class="em_media">（文章来源：上海<a class="keytip" href="http://quote.eastmoney.com/x">证券</a>报）</p>'
        '<p><a href="http://finance.eastmoney.com/news/1.html">http://finance.eastmoney.com/news/1.html</a></p>'
    )
    meta = doc.meta
    assert meta.summary == "摘要。（中国政府网）"
    assert meta.doc_number == "国办发〔2021〕59号"
    assert meta.issuer == "国务院办公厅"
    assert meta.signed_date.isoformat() == "2021-12-30"
    assert meta.source == "上海证券报"
    assert meta.canonical_url == "http://finance.eastmoney.com/news/1.html"
    assert meta.container == "东方财富网"


def test_trailing_credit_names_source():
    assert run("<p>累计打击恶意商标注册申请37.6万件。(央视新闻)</p>").meta.source == "央视新闻"
    assert run("<p>按职责分工负责。(各有关部门、各地区按职责分工负责)</p>").meta.source is None


def test_hidden_text_is_reported():
    doc = run('<p style="display: none">隐藏的文字</p><p>正文</p>')
    assert doc.body == "<p>正文</p>"
    assert any("hidden" in str(w) for w in doc.warnings)


def test_nested_hidden_text_is_dropped_and_reported_once():
    doc = run('<div style="display:none"><p>外层</p><p hidden>内层</p></div><p>正文</p>'
              '<div><em style="visibility:hidden">甲</em>乙<em hidden>丙</em></div>')
    assert doc.body == "<p>正文</p><p>乙</p>"
    hidden = [w.message for w in doc.warnings if "hidden" in w.message]
    assert hidden == ["dropped hidden text: '外层内层'", "dropped hidden text: '甲'", "dropped hidden text: '丙'"]


def test_normalize_leaves_its_input_unchanged():
    meta = Meta(source_path="fixture.md", title="", tags=["甲"], authors=["乙"], extra={"k": {"n": [1]}})
    before = copy.deepcopy(meta)
    doc = Document(meta=meta, body=clean("<blockquote><p>摘要。</p></blockquote><p>（文章来源：新华社）</p>"))
    result = normalize(doc, "eastmoney")
    assert (result.meta.summary, result.meta.source) == ("摘要。", "新华社") and result.meta.title
    assert doc.meta == before
    assert result.meta.tags is not meta.tags and result.meta.extra["k"] is not meta.extra["k"]


def test_nesting_limit_is_exact():
    check_nesting("<div>" * 3 + "x", limit=3)
    check_nesting("<div>" * 3 + "x" + "</div>" * 3 + "<p>" * 9, limit=3)  # <p> closes itself
    with pytest.raises(NestingError):
        check_nesting("<div>" * 4 + "x", limit=3)
    with pytest.raises(NestingError):
        check_nesting("<div><b>" * 2 + "x" + "</b></div>" * 2, limit=3)


def test_generic_profile_keeps_site_specific_links():
    html = '<p><a class="keytip" href="http://quote.eastmoney.com/x">蔚来</a></p>'
    doc = normalize(Document(meta=Meta(title="t"), body=clean(html)), "generic")
    assert 'href="http://quote.eastmoney.com/x"' in doc.body


def test_title_from_first_sentence_when_missing():
    doc = run("<blockquote><p>据官网消息，某公司宣布一事。据悉如此。</p></blockquote><p>正文</p>", title="")
    assert doc.meta.title == "据官网消息，某公司宣布一事"
    assert any("no title" in str(w) for w in doc.warnings)


@pytest.mark.parametrize("given,expected", [
    ("<p title='a \"b\"'>x &amp; &lt;y&gt; \"q\"</p>", "<p title='a \"b\"'>x &amp; &lt;y&gt; \"q\"</p>"),
    ("<p title=\"a &quot;b&quot; 'c'\">t</p>", "<p title=\"a &quot;b&quot; 'c'\">t</p>"),
    ("<p>a<br/>b<img src=x></p>", '<p>a<br>b<img src="x"></p>'),
    ('<a rel="x  y" href="h" class=" c  d " id="fn1">t</a>', '<a class="c d" href="h" id="fn1" rel="x y">t</a>'),
    ("<p>中&nbsp;文&copy;</p>", "<p>中\u00a0文©</p>"),
    ("<p>a</p>\n\n  <p>b</p> \t <p>c</p>\u3000<p>d</p>", "<p>a</p>\n<p>b</p> <p>c</p>\u3000<p>d</p>"),
    ("<pre><code>x\n\n  </code>\n\n</pre>", "<pre><code>x\n\n  </code>\n\n</pre>"),
    ("text before <p>p</p> after", "text before <p>p</p> after"),
])
def test_serialize(given, expected):
    """HTML5 as the golden outputs have it: only &, <, > escaped; attributes sorted, quoted
    with single quotes around double ones; void elements bare; list attributes single-spaced;
    blank text folded to one newline or space outside <pre>."""
    assert serialize(parse(given)) == expected


_BS4_HTML = HTMLFormatter(entity_substitution=EntitySubstitution.substitute_xml, void_element_close_prefix="")


@pytest.mark.parametrize("path", [*CORPUS_POSTS, *(posts(SHARED) if SHARED.is_dir() else [])],
                         ids=lambda p: p.name)
def test_tree_round_trip_matches_beautifulsoup(path):
    """parse → serialize gives, byte for byte, what the former BeautifulSoup tree gave."""
    body = read_post(path).body
    reference = BeautifulSoup(f"<body>{body}</body>", "lxml").body.decode_contents(formatter=_BS4_HTML).strip()
    assert serialize(parse(body)) == reference


def test_unwrap_and_detach_keep_the_text_around_them():
    root = parse("<p>a<b>b<i>c</i>d</b>e<br>f</p>")
    p = root[0]
    unwrap(p[0])
    assert serialize(root) == "<p>ab<i>c</i>de<br>f</p>"
    detach(p[0])
    assert serialize(root) == "<p>abde<br>f</p>"
    unwrap(p[0])
    assert serialize(root) == "<p>abdef</p>"


def test_conversion_does_not_import_beautifulsoup(tmp_path):
    """bs4 (with soupsieve and html5lib) cost 0.17 s of every start: the HTML path runs without it."""
    script = ("import sys, convert; convert.write(convert.load(sys.argv[1]), 'html'); "
              "print(sorted({'bs4', 'soupsieve', 'html5lib'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script, str(CORPUS_POSTS[0])], cwd=Path(__file__).parents[1],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_signature_date_split_by_a_stock_link_is_marked_up_on_the_first_pass():
    """Regression: with BeautifulSoup, unwrapping the link left the date in three strings, so the
    first pass gave no <time> and the second did (normalize was not idempotent)."""
    once = run('<p style="text-align:right;">国务院</p>'
               '<p style="text-align:right;">2021年<a class="keytip" href="http://quote.eastmoney.com/x">12月</a>30日</p>')
    assert once.body == ('<footer class="signature"><p>国务院</p>'
                         '<p><time datetime="2021-12-30">2021年12月30日</time></p></footer>')
    assert normalize(once, "eastmoney").body == once.body
