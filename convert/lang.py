"""Language detection by script, for posts whose front matter and site do not say."""

from __future__ import annotations

import re

_TAGS = re.compile(r"<[^>]*>")
# Characters whose simplified and traditional forms differ, common in news text.
_SIMPLIFIED = set("国发们这说时会对经过还进门关开长业东车为实现问体与书见")
_TRADITIONAL = set("國發們這說時會對經過還進門關開長業東車為實現問體與書見")


def detect_language(html: str) -> str:
    """BCP 47 tag from the dominant script: zh-CN / zh-TW, ja (kana), ko (hangul), else en."""
    text = _TAGS.sub(" ", html)
    han = kana = hangul = latin = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            han += 1
        elif "\u3040" <= ch <= "\u30ff":
            kana += 1
        elif "\uac00" <= ch <= "\ud7af":
            hangul += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if hangul > max(han, kana) // 2 and hangul:
        return "ko"
    if kana and kana * 5 >= han:
        return "ja"
    if han and han * 2 >= latin // 3:
        simplified = sum(ch in _SIMPLIFIED for ch in text)
        traditional = sum(ch in _TRADITIONAL for ch in text)
        return "zh-TW" if traditional > simplified else "zh-CN"
    return "en" if latin else "zh-CN"
