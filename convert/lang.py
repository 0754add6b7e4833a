"""A post's language: declared (by the post, else its site), else detected from its prose.

Order (`choose`): the `--lang` setting, front matter `lang`/`locale`, `_config.yml`
`lang`/`locale`, then detection, then DEFAULT_LANG. Detection uses lingua (a statistical
n-gram detector shipped with its models, no network) on the post's prose only: the
title and text blocks, without code, URLs or lists of names (a contributor list with one
name in kana must not make an English release note Japanese).
"""

from __future__ import annotations

import functools
import re

DEFAULT_LANG = "en"
"""Language of a post that declares none, on a site that declares none, with too little
prose to detect: English, the default of Jekyll's own themes (minima's `site.lang |
default: "en"`, minimal-mistakes' `locale` "en-US")."""

MIN_LETTERS = 40
"""Letters of prose below which a post is not detected but takes DEFAULT_LANG (its site's
language, when declared, comes before detection anyway): about eight English words, or twenty Chinese, Japanese or Korean characters (each counts
two letters: a syllable or a word, not a sound). On the English Jekyll sites and the
finews corpus, the detector is right on prose cut to its first 40 letters for 216 of 217
posts, and on Chinese prose cut to 20 characters for 87 of 88."""

MAX_CHARS = 3000
"""Prose fed to the detector at most (its time grows with the text; the language of a
post is settled long before)."""
MAX_HTML = 200_000
"""Characters of a body searched for that prose (an 8 MB body would take seconds to parse;
lxml closes what the cut leaves open)."""

LANGUAGES = ("ENGLISH", "CHINESE", "JAPANESE", "KOREAN", "FRENCH", "GERMAN", "SPANISH",
             "PORTUGUESE", "ITALIAN", "DUTCH", "RUSSIAN", "POLISH", "TURKISH", "VIETNAMESE",
             "INDONESIAN", "ARABIC")
"""Languages the detector chooses among (lingua names): those of the sites Octavo is used
on and the most common on the web. Fewer candidates make it faster and keep short posts
from landing on a rare neighbour (Latin for a list of titles, Wu for Mandarin news)."""

_SKIP = {"pre", "code", "kbd", "samp", "var", "script", "style", "math", "svg", "template"}
"""Elements whose text is not prose in the post's language (code, markup, formulas)."""
_BLOCK = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "td", "th",
          "figcaption", "caption", "div", "section", "article", "aside", "header", "footer",
          "tr", "ul", "ol", "dl", "table", "figure", "details", "summary", "address", "br", "hr"}
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@[\w-]+")
_ITEM_SEPARATORS = re.compile(r"[,，、;；]")
MIN_LIST_ITEMS = 6
"""A text block of at least this many comma-separated short items (names, tags) is a list,
not prose: its words are proper names whose script says nothing about the post."""

# Pairs of characters whose simplified and traditional forms differ, frequent in any text.
_PAIRS = ("国國发發们們这這说說时時会會对對经經过過还還进進门門关關开開长長业業东東车車为為实實现現"
          "问問体體与與书書见見个個来來学學后後动動电電话話机機间間样樣应應该該没沒从從头頭两兩"
          "务務区區报報场場产產员員让讓认認议議选選资資总總记記计計设設论論华華万萬亿億网網试試谢謝")
_SIMPLIFIED = set(_PAIRS[0::2])
_TRADITIONAL = set(_PAIRS[1::2])


def normalize_tag(value) -> str | None:
    """A declared language as a BCP 47 tag (`en_US` → `en-US`, `zh_cn` → `zh-CN`), or None
    when the value is not shaped like one."""
    if not isinstance(value, str):
        return None
    parts = value.strip().replace("_", "-").split("-")
    if not re.fullmatch(r"[A-Za-z]{2,3}", parts[0]) or not all(re.fullmatch(r"[A-Za-z0-9]{1,8}", p) for p in parts[1:]):
        return None
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 and part.isalpha() else part.title() if len(part) == 4 else part)
    return "-".join(out)


def prose(title: str | None, html: str) -> str:
    """The post's own sentences: the title and each text block, without code, URLs,
    e-mail addresses, @handles or blocks that are lists of short items."""
    import lxml.html   # here: the site's language tag (normalize_tag) needs no parser

    root = lxml.html.fragment_fromstring((html or "")[:MAX_HTML], create_parent="div")
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.tag in _SKIP and element.getparent() is not None:
            element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    kept, size = [], 0
    for block in [title or "", *root.text_content().split("\n")]:
        block = " ".join(_NOT_WORDS.sub(" ", block[:MAX_CHARS * 4]).split())
        if block and not _is_list(block):
            kept.append(block)
            size += len(block)
            if size >= MAX_CHARS:
                break
    return "\n".join(kept)[:MAX_CHARS]


def _is_list(block: str) -> bool:
    items = [item.strip() for item in _ITEM_SEPARATORS.split(block) if item.strip()]
    if len(items) < MIN_LIST_ITEMS:
        return False
    short = sum(len(item) <= 25 and len(item.split()) <= 3 for item in items)
    return short >= 0.8 * len(items)


@functools.lru_cache(maxsize=1)
def _cjk() -> re.Pattern:
    """CJK characters (compiled on first use: the class spans the supplementary planes and
    takes ~8 ms to compile, which a run whose posts all declare a language never needs)."""
    return re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff]")


def letters(text: str) -> int:
    """How much text there is to detect: letters, CJK characters counting two."""
    return sum(ch.isalpha() for ch in text) + len(_cjk().findall(text))


@functools.lru_cache(maxsize=1)
def _detector():
    """lingua in low-accuracy mode (trigrams only: 0.2 s and 30 MB to load per process
    against 3–4 s and 300 MB for the full models, and as accurate past MIN_LETTERS here)."""
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LANGUAGES))
            .with_low_accuracy_mode().build())


def detect(text: str) -> str | None:
    """BCP 47 tag of `text` (zh-CN or zh-TW by script for Chinese), or None when it has
    fewer than MIN_LETTERS letters or the detector cannot tell."""
    text = text[:MAX_CHARS]
    if letters(text) < MIN_LETTERS:
        return None
    found = _detector().detect_language_of(text)
    if found is None:
        return None
    tag = found.iso_code_639_1.name.lower()
    if tag == "zh":
        simplified = sum(ch in _SIMPLIFIED for ch in text)
        traditional = sum(ch in _TRADITIONAL for ch in text)
        return "zh-TW" if traditional > simplified else "zh-CN"
    return tag


def choose(declared: list, site_lang: str | None, title: str | None, html: str) -> str:
    """The post's language: the first of `declared` (setting, front matter) that is a tag,
    else the site's declared language, else the language detected in the post's prose,
    else DEFAULT_LANG (too little prose, or the detector cannot tell). Declared beats
    detected: a Chinese site's post quoting an English press release stays Chinese."""
    for value in declared:
        tag = normalize_tag(value)
        if tag:
            return tag
    if site_lang:
        return site_lang
    return detect(prose(title, html)) or DEFAULT_LANG
