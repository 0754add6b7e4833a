"""One Locale per Document: labels, punctuation, date formats and the default citation
style for its language, so no other module asks "is this Chinese?"."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime

_LABELS_HANS = {
    "summary": "摘要", "author": "作者", "source": "来源", "original": "原文链接", "published": "发布日期",
    "converted": "转换日期", "identifier": "标识符", "cite": "引用格式", "colophon": "版本说明",
    "publisher": "发布者", "keywords": "关键词", "contents": "目录", "document_number": "文号",
    "issuer": "发文机关", "signed": "成文日期", "image": "图片", "video": "视频", "audio": "音频",
    "accessibility": "纯文本电子书：有目录与结构化标题导航，阅读顺序与原文一致，无图片，"
                     "无闪烁、声音或动画等危险内容。",
    "sources": "文献来源", "undated": "未注明日期", "ungrouped": "未分类", "also": "另载",
    "articles": "收录文章", "period": "时间范围", "made": "制作", "book_identifier": "本书标识符",
    "duplicates": "重复稿件（未收录）", "failed": "未能读取（未收录）", "selection": "筛选条件",
    "arrangement": "编排", "count": "{n} 篇", "book": "合集", "cover": "封面",
    "accessibility_images": "电子书含{count}幅图片，其中{undescribed}幅没有文字说明；有目录与结构化"
                            "标题导航，阅读顺序与原文一致，无闪烁、声音或动画等危险内容。",
    "accessibility_media": "电子书含{count}幅图片（其中{undescribed}幅没有文字说明）和{media}段没有文字稿的"
                           "视频或音频；有目录与结构化标题导航，阅读顺序与原文一致；音视频的声音与画面"
                           "未经危险内容检查。",
}
_LABELS_HANT = {
    **_LABELS_HANS,
    "source": "來源", "original": "原文連結", "published": "發布日期", "converted": "轉換日期",
    "identifier": "標識符", "colophon": "版本說明", "publisher": "發布者", "keywords": "關鍵詞",
    "contents": "目錄", "document_number": "文號", "issuer": "發文機關", "image": "圖片",
    "video": "影片", "audio": "音訊",
    "accessibility": "純文字電子書：有目錄與結構化標題導覽，閱讀順序與原文一致，無圖片，"
                     "無閃爍、聲音或動畫等危險內容。",
    "sources": "文獻來源", "undated": "未註明日期", "ungrouped": "未分類", "also": "另載",
    "articles": "收錄文章", "period": "時間範圍", "made": "製作", "book_identifier": "本書標識符",
    "duplicates": "重複稿件（未收錄）", "failed": "未能讀取（未收錄）", "selection": "篩選條件",
    "arrangement": "編排", "book": "合集", "cover": "封面",
    "accessibility_images": "電子書含{count}幅圖片，其中{undescribed}幅沒有文字說明；有目錄與結構化"
                            "標題導覽，閱讀順序與原文一致，無閃爍、聲音或動畫等危險內容。",
    "accessibility_media": "電子書含{count}幅圖片（其中{undescribed}幅沒有文字說明）和{media}段沒有文字稿的"
                           "影片或音訊；有目錄與結構化標題導覽，閱讀順序與原文一致；影音的聲音與畫面"
                           "未經危險內容檢查。",
}
_LABELS_EN = {
    "summary": "Summary", "author": "Author", "source": "Source", "original": "Original article", "published": "Published",
    "converted": "Converted", "identifier": "Identifier", "cite": "Cite as", "colophon": "Colophon",
    "publisher": "Publisher", "keywords": "Keywords", "contents": "Contents",
    "document_number": "Document number", "issuer": "Issued by", "signed": "Signed", "image": "Image",
    "video": "Video", "audio": "Audio",
    "accessibility": "Text-only e-book with a table of contents and structured headings in reading "
                     "order; no images and no flashing, sound or motion hazards.",
    "sources": "Sources", "undated": "Undated", "ungrouped": "Uncategorized", "also": "Also published as",
    "articles": "Articles", "period": "Period", "made": "Made", "book_identifier": "Book identifier",
    "duplicates": "Duplicates left out", "failed": "Could not be read (left out)", "selection": "Selection",
    "arrangement": "Arrangement", "count": "{n} articles", "book": "Collection", "cover": "Cover",
    "accessibility_images": "E-book with {count} image(s), {undescribed} of them without a description "
                            "in words; a table of contents and structured headings in reading order; "
                            "no flashing, sound or motion hazards.",
    "accessibility_media": "E-book with {count} image(s), {undescribed} of them without a description in "
                           "words, and {media} video or audio recording(s) without a transcript; a table of "
                           "contents and structured headings in reading order; the recordings' sound and "
                           "motion were not checked for hazards.",
}


@dataclass(frozen=True)
class Locale:
    """How text around an article's content is written in its language."""

    tag: str
    """The BCP 47 tag this locale was made for (zh-CN, en, ja…)."""
    labels: dict[str, str] = field(default_factory=lambda: dict(_LABELS_EN), compare=False)
    """Label key → text: the words Octavo adds (colophon rows, image placeholders…)."""
    colon: str = ": "
    """Between a label and its value: full-width in Chinese (来源：), `: ` otherwise."""
    brackets: tuple[str, str] = ("[", "]")
    """Around a placeholder (［图片：说明］ / [Image: description])."""
    cjk_dates: bool = False
    """Dates as 2022年1月19日 rather than 2022-01-19."""
    citation_style: str = "apa"
    """Default CSL style of the colophon's citation: GB/T 7714 (author-date) for Chinese,
    APA otherwise."""
    list_separator: str = ", "
    """Between the items of a list of names: the enumeration comma (、) in Chinese."""
    direction: str = "ltr"
    """The text's base direction (see direction()): written on every output's root element
    when right to left, or a mixed Arabic and English sentence reads in the wrong order."""

    @property
    def labels_dir(self) -> str:
        """` dir="ltr"` for what Octavo writes in its labels' language (English) within a
        right-to-left text (its colophon), else nothing."""
        return ' dir="ltr"' if self.direction == "rtl" else ""

    def label(self, key: str) -> str:
        return self.labels[key]

    def labelled(self, key: str, value: str) -> str:
        """`来源：X` / `Source: X`."""
        return f"{self.labels[key]}{self.colon}{value}"

    def placeholder(self, description: str = "", kind: str = "image") -> str:
        """What stands in for an image (or a `video`, an `audio`) that is not shown:
        ［图片：说明］ / [Video: description]."""
        open_, close = self.brackets
        return f"{open_}{self.labels[kind]}{self.colon + description if description else ''}{close}"

    def month(self, value: date | datetime) -> str:
        """`2022年1月` or `2022-01` (a bound book's month heading)."""
        return f"{value.year}年{value.month}月" if self.cjk_dates else f"{value.year}-{value.month:02d}"

    def date(self, value: date | datetime) -> str:
        """`2022年1月19日 17:07` or `2022-01-19 17:07`; no time for a date or midnight."""
        text = f"{value.year}年{value.month}月{value.day}日" if self.cjk_dates else value.strftime("%Y-%m-%d")
        if isinstance(value, datetime) and (value.hour or value.minute):
            text += value.strftime(" %H:%M")
        return text


_TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


_RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}
"""Languages written right to left by default (Arabic, Hebrew, Thaana, Syriac scripts)."""
_RTL_SCRIPTS = {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"}
_LTR_SCRIPTS = {"latn", "cyrl"}


def direction(tag: str) -> str:
    """"rtl" or "ltr" for a BCP 47 tag: its script subtag when it has one (`az-Arab`,
    `ku-Arab` are rtl, `ug-Latn` ltr), else its language (`ar`, `he`, `fa-IR`)."""
    parts = (tag or "").lower().replace("_", "-").split("-")
    script = next((part for part in parts[1:] if len(part) == 4 and part.isalpha()), "")
    if script in _RTL_SCRIPTS or script in _LTR_SCRIPTS:
        return "rtl" if script in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0] in _RTL_LANGUAGES else "ltr"


def dir_attribute(tag: str) -> str:
    """` dir="rtl"` for a right-to-left tag, else nothing (left to right is HTML's default)."""
    return ' dir="rtl"' if direction(tag) == "rtl" else ""


@functools.lru_cache(maxsize=64)
def for_tag(tag: str) -> Locale:
    """The Locale for a BCP 47 tag: Chinese (simplified or traditional), Japanese dates, else
    English labels, right to left for Arabic, Hebrew… (direction())."""
    if direction(tag) == "rtl":
        return Locale(tag, direction="rtl")
    low = (tag or "").lower()
    if low.startswith("zh"):
        labels = _LABELS_HANT if low.startswith(_TRADITIONAL) else _LABELS_HANS
        return Locale(tag, dict(labels), list_separator="、", colon="：", brackets=("［", "］"),
                      cjk_dates=True, citation_style="gb7714")
    if low.startswith("ja"):
        return Locale(tag, cjk_dates=True)
    return Locale(tag)
