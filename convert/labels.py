"""Human-readable labels and dates in the article's language (Chinese or English)."""

from __future__ import annotations

from datetime import date, datetime

LABELS = {
    "zh": {
        "summary": "摘要", "source": "来源", "original": "原文链接", "published": "发布日期",
        "converted": "转换日期", "identifier": "标识符", "cite": "引用格式", "colophon": "版本说明",
        "publisher": "发布者", "keywords": "关键词", "contents": "目录", "document_number": "文号",
        "issuer": "发文机关", "signed": "成文日期", "image": "图片",
    },
    "en": {
        "summary": "Summary", "source": "Source", "original": "Original article", "published": "Published",
        "converted": "Converted", "identifier": "Identifier", "cite": "Cite as", "colophon": "Colophon",
        "publisher": "Publisher", "keywords": "Keywords", "contents": "Contents",
        "document_number": "Document number", "issuer": "Issued by", "signed": "Signed",
        "image": "Image",
    },
}


def label(lang: str, key: str) -> str:
    """The label `key` in `lang` (Chinese for zh-*, English otherwise)."""
    table = LABELS["zh"] if lang.lower().startswith("zh") else LABELS["en"]
    return table[key]


def human_date(value: date | datetime, lang: str) -> str:
    """`2022年1月19日 17:07` for Chinese, `2022-01-19 17:07` otherwise; no time for a date."""
    has_time = isinstance(value, datetime)
    if lang.lower().startswith(("zh", "ja")):
        text = f"{value.year}年{value.month}月{value.day}日"
    else:
        text = value.strftime("%Y-%m-%d")
    if has_time and (value.hour or value.minute):
        text += value.strftime(" %H:%M")
    return text
