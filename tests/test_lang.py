"""Language detection by script (convert/lang.py)."""

from __future__ import annotations

import pytest

from convert.lang import detect_language


@pytest.mark.parametrize("html,expected", [
    ("<p>国务院办公厅关于促进内外贸一体化发展的意见</p>", "zh-CN"),
    ("<p>國務院辦公廳關於促進內外貿一體化發展的意見，這是經過討論的。</p>", "zh-TW"),
    ("<p>東京では、きょうも雨が降っています。</p>", "ja"),
    ("<p>한국은행이 기준금리를 동결했다</p>", "ko"),
    ("<p>The central bank kept rates unchanged.</p>", "en"),
    ('<p class="centered doc-number">A股 BYD 比亚迪</p>', "zh-CN"),
    ("<p>Nvidia, AMD, Intel and Qualcomm all reported earnings this week 美国</p>", "en"),
    ("<p>2022</p>", "zh-CN"),
    ("", "zh-CN"),
])
def test_detect_language(html, expected):
    assert detect_language(html) == expected


def test_markup_is_not_counted():
    """Tag names and attributes are not text: a Chinese paragraph in long markup stays Chinese."""
    markup = '<a class="keytip" href="http://quote.eastmoney.com/unify/r/106.NIO">'
    assert detect_language(f"<p>{markup}蔚来汽车</a>发布财报</p>") == "zh-CN"
