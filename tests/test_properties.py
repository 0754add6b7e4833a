"""Property tests: random compositions of real-world block shapes normalize idempotently
and keep their text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convert import normalize
from convert.model import Document, Meta
from convert.sanitize import clean

TEXT = st.text(alphabet="国务院办公厅关于意见一二三、，。：（）()“”ABCabc123 　<>&\"'{}#", min_size=1, max_size=30)
BLOCKS = [
    lambda t: f"<p>{t}</p>",
    lambda t: f"<p><strong>{t}</strong></p>",
    lambda t: f'<p style="text-align:center;"><strong>{t}</strong></p>',
    lambda t: f'<p style="text-align:center;">{t}</p>',
    lambda t: f'<p style="text-align:right;">{t}</p>',
    lambda t: f'<p style="text-align:right;">2021年12月{len(t) % 28 + 1}日</p>',
    lambda t: f"<blockquote><p>{t}</p></blockquote>",
    lambda t: f'<p class="em_media">（文章来源：{t}）</p>',
    lambda t: f'<p>{t}<span class="em_stock_key_common" data-code="1">{t}</span></p>',
    lambda t: f'<p><a class="keytip" href="http://quote.eastmoney.com/x">{t}</a></p>',
    lambda t: f'<p style="display:none">{t}</p>',
    lambda t: f'<center><img src="//img.example/{len(t)}.jpg" alt="{t}"></center>',
    lambda t: f"<h1>{t}</h1>",
    lambda t: f"<h3>{t}</h3>",
    lambda t: f"<ul><li>{t}</li></ul>",
    lambda t: f"<div>{t}</div>",
    lambda t: f'<p><a href="http://example.com/{len(t)}">http://example.com/{len(t)}</a></p>',
    lambda t: f'<p><a href="../x/">返回{t}</a></p>',
    lambda t: "<p>&lt;&gt;</p>",
    lambda t: f"<p>　　{t}<br></p>",
    lambda t: f'<div class="site-box">{t}</div>',
    lambda t: f'<p class="site-lead"><strong>{t}</strong></p>',
    lambda t: f"<div><p>{t}</p><p>{t}</p></div>",
]
POSTS = st.lists(st.tuples(st.sampled_from(range(len(BLOCKS))), TEXT), min_size=1, max_size=12).map(
    lambda items: "".join(BLOCKS[i](t.replace("<", "").replace(">", "").replace("&", "")) for i, t in items))
_TAGS = re.compile(r"<[^>]*>")


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(POSTS, st.sampled_from(["", "标题"]))
def test_normalize_is_idempotent(html, title):
    once = normalize(Document(meta=Meta(title=title, source_path="p.md"), body=clean(html)), "eastmoney")
    twice = normalize(once, "eastmoney")
    assert twice.body == once.body
    assert twice.meta == once.meta


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(POSTS)
def test_visible_text_of_paragraphs_survives(html):
    doc = normalize(Document(meta=Meta(title="标题", source_path="p.md"), body=clean(html)), "eastmoney")
    kept = " ".join(_TAGS.sub(" ", doc.body).split())
    for match in re.finditer(r"<p>([^<]*)</p>", html):
        if match.group(1) == "&lt;&gt;":  # the empty source link, dropped on purpose
            continue
        words = match.group(1).split()
        for word in words:
            assert word in kept or not word.strip("　")
