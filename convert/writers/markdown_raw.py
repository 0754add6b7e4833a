"""What Markdown cannot say, kept as HTML in Octavo's Markdown (the `pandoc` flavour).

Octavo's reader, Jekyll's kramdown and pandoc all read HTML inside Markdown, so an element
with no Markdown syntax is written as HTML instead of being lost:

- inline elements without syntax (`<cite>`, `<kbd>`, `<sub>`, `<q>`…), with attributes
  Markdown cannot hold (`lang`, a title with `"` or `\\`), or that CommonMark would misread
  (emphasis beside punctuation or another emphasis, a line break ending its text) keep
  their tags around Markdown content;
- tables a pipe table cannot hold (merged cells, a cell of several blocks or lines, no
  header row, a caption or footer, a column of mixed alignment, a `|` in a code span or an
  address, which readers take differently), figures that are more than images and a
  short plain caption, blocks without syntax (`<address>`, `<dl>`, `<details>`, `<pre>`
  without a `<code>`), containers mixing blocks and loose text, a list item holding two
  lists in a row, a heading with a line break, and blocks with `lang` or `title` are
  written whole, as one HTML block (and then the footnotes too, when one is called from
  inside such a block).

Code blocks are written here too, as fenced blocks: pandoc's HTML reader turns tabs into
spaces and trims blank lines, and writes two code blocks in a row as one.

`mark` leaves marks for convert/data/octavo.lua: `<span data-octavo-open data-octavo-close>`
becomes those tags around the span's content, `<pre data-octavo-raw data-octavo-text>` that
text as a raw block (HTML, or Markdown for a fenced code block).
"""

from __future__ import annotations

import re
import string
import unicodedata

from lxml.html import Element, tostring

from .. import fragment
from ..rules.structure import MAX_CAPTION

INLINE = {"abbr", "cite", "del", "ins", "kbd", "mark", "q", "small", "sub", "sup", "time", "u"}
"""Inline elements of a normalized body that Markdown has no syntax for."""
BLOCKS = {"address", "details", "dl"}
"""Block elements of a normalized body that Octavo's reader has no Markdown syntax for."""
FOREIGN_ATTRIBUTES = {"lang", "title"}
"""Attributes Markdown holds only on links and images."""
_BLOCK_TAGS = ("p", "div", "ul", "ol", "dl", "pre", "table", "blockquote", "hr", "figure", "h1", "h2", "h3",
               "h4", "h5", "h6", "address", "details", "section", "footer")
_CELL_BLOCKS = (*_BLOCK_TAGS, "br")
"""What a pipe table cell cannot hold: a block, or a line break."""
_ALIGN = {"centered": "center", "right": "right"}
_BLANK_LINE = re.compile(r"\n(?=[ \t]*\n)")
_CONTAINERS = {"table", "thead", "tbody", "tfoot", "tr", "dl", "details", "figure"}
_BREAK_AFTER = _CONTAINERS | {"caption", "figcaption", "dt", "dd", "summary"}
"""Inside an HTML block, a line break after these tags and inside those holding only
blocks, where whitespace means nothing, so a table reads row by row."""


def mark(body: str, html: bool = True) -> str:
    """The body with what Markdown cannot hold marked for octavo.lua (see the module doc);
    with `html` false (gfm, commonmark: no HTML) only its tables' column alignment."""
    root = fragment.parse(body)
    if html:
        for element in list(root.iter()):
            if root in element.iterancestors() and _needs_block(element):   # not inside one replaced
                _as_block(element)
        _notes_as_html(root)
        for pre in list(root.iter("pre")):
            if "data-octavo-raw" not in pre.attrib:
                _as_fenced(pre)
        for element in list(root.iter(*INLINE, "a", "img", "br", "em", "strong", "code", "s")):
            if _is_inline_raw(element):
                _as_span(element)
    for table in root.iter("table"):
        _align_columns(table)
    return fragment.serialize(root)


def _notes_as_html(root) -> None:
    """When a note is called from inside an HTML block, where no `[^1]` is read, every call
    and the notes themselves stay HTML, so the calls and their notes still match."""
    if not any('role="doc-noteref"' in pre.get("data-octavo-text", "") for pre in root.iter("pre")):
        return
    for section in list(root.iter("section")):
        if section.get("role") == "doc-endnotes":
            _as_block(section)
    for call in list(root.iter("a")):
        if call.get("role") == "doc-noteref":
            _as_span(call)


def _needs_block(element) -> bool:
    if element.tag in BLOCKS:
        return True
    if element.tag == "table":
        return not _pipe_table(element)
    if element.tag == "figure":
        following = element.getnext()
        captioned_look = following is not None and following.tag in ("p", "div") \
            and "centered" in (following.get("class") or "").split()
        # a figure's caption is written as a centered line after it: a centered line that
        # merely follows a figure would read back as its caption
        return not _plain_figure(element) or captioned_look
    if element.tag == "pre":
        return _fenced_code(element) is None
    if element.tag in ("div", "blockquote", "footer", "section") and _mixed(element):
        return True
    if element.tag in ("ul", "ol") and _adjacent_lists(element):
        return True
    if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and next(element.iter("br"), None) is not None:
        return True   # a Markdown heading is one line
    return element.tag in ("p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                           "section", "footer") and bool(FOREIGN_ATTRIBUTES & set(element.attrib))


def _mixed(element) -> bool:
    """Blocks and loose text side by side in one container, which Markdown cannot write
    (its loose text would become a paragraph of its own)."""
    children = list(element)
    has_block = any(child.tag in _BLOCK_TAGS for child in children)
    loose = (element.text or "").strip() or any((child.tail or "").strip() or child.tag not in _BLOCK_TAGS
                                                 for child in children)
    return has_block and bool(loose)


def _adjacent_lists(element) -> bool:
    """A list item holding two lists in a row: Markdown can only part them with a blank
    line, which makes the outer list loose (its items paragraphs)."""
    for item in element.iterchildren("li"):
        children = list(item)
        for first, second in zip(children, children[1:]):
            if first.tag in ("ul", "ol") and second.tag in ("ul", "ol") and not (first.tail or "").strip():
                return True
    return False


def _fenced_code(pre) -> tuple[str, str] | None:
    """(language, text) of a code block a fenced block holds exactly: one <code> of text
    ending in a line break, without attributes other than its language."""
    if len(pre) != 1 or (pre.text or "").strip() or (pre[0].tail or "").strip() or pre.attrib:
        return None
    code = pre[0]
    classes = (code.get("class") or "").split()
    language = classes[0][len("language-"):] if len(classes) == 1 and classes[0].startswith("language-") else ""
    if code.tag != "code" or len(code) or set(code.attrib) - {"class"} or len(classes) != bool(language):
        return None
    text = code.text or ""
    return (language, text) if text.endswith("\n") else None


def _as_fenced(pre) -> None:
    """A code block as a fenced block, written exactly (pandoc's reader would turn its
    tabs into spaces and trim its blank lines)."""
    language, text = _fenced_code(pre)
    longest = max((len(run) for run in re.findall(r"^[ \t]*(`{3,}|~{3,})", text, re.M)), default=2)
    fence = "`" * (longest + 1)
    _replace(pre, "markdown", f"{fence}{language}\n{text}{fence}")


def _as_block(element) -> None:
    """Replace `element` by its HTML, as one HTML block; a list item takes its list with it
    (a list cannot be half Markdown, half HTML)."""
    top = element.getparent() if element.tag == "li" else element
    _breaks(top)
    html = tostring(top, encoding="unicode", with_tail=False)
    if top.tag != "pre":   # any other HTML block ends at a blank line: keep none inside
        html = _BLANK_LINE.sub("&#10;", html)
    _replace(top, "html", html)


def _replace(element, kind: str, text: str) -> None:
    """`element` → `<pre data-octavo-raw="html|markdown" data-octavo-text="...">`, which
    octavo.lua writes as that text (an attribute: pandoc keeps it as it is)."""
    stand_in = Element("pre", {"data-octavo-raw": kind, "data-octavo-text": text})
    stand_in.tail = element.tail
    element.getparent().replace(element, stand_in)


def _breaks(top) -> None:
    """Line breaks between rows, cells and items, where whitespace means nothing."""
    for element in top.iter(*_BREAK_AFTER):
        if element.tag in _CONTAINERS and len(element) and not (element.text or "").strip():
            element.text = "\n"
        if element is not top and not (element.tail or "").strip():
            element.tail = "\n"


def _pipe_table(table) -> bool:
    """Whether a pipe table holds `table` exactly: one header row of <th>, one body, cells of
    one line of inline content without merged cells, each column aligned one way."""
    parts = [child.tag for child in table]
    if parts != ["thead", "tbody"] and parts != ["thead"]:
        return False
    head = list(table[0])
    if len(head) != 1 or any(cell.tag != "th" for cell in head[0]):
        return False
    aligns = [_align(cell) for cell in head[0]]
    rows = [head[0], *(list(table[1]) if len(parts) == 2 else [])]
    for row in rows:
        cells = list(row)
        if row.tag != "tr" or len(cells) != len(aligns) or (row.text or "").strip():
            return False
        for cell, align in zip(cells, aligns):
            if cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1" or _align(cell) != align:
                return False
            if FOREIGN_ATTRIBUTES & set(cell.attrib) or next(cell.iter(*_CELL_BLOCKS), None) is not None:
                return False
            if any("|" in code.text_content() for code in cell.iter("code")) or \
                    any("|" in value for element in cell.iter() for value in element.attrib.values()):
                return False   # `a\|b` in code: GFM and Octavo's reader drop the backslash, pandoc
                # keeps it; in a link's address or title pandoc leaves it bare, ending the cell
    return True


def _align(cell) -> str | None:
    classes = (cell.get("class") or "").split()
    return next((_ALIGN[c] for c in classes if c in _ALIGN), None)


def _align_columns(table) -> None:
    """The column alignment pandoc reads (`align` on the cells) from Octavo's classes."""
    for cell in table.iter("th", "td"):
        if _align(cell):
            cell.set("align", _align(cell))


def _plain_figure(figure) -> bool:
    """Images and at most a short plain-text caption, which the Markdown writes as image
    lines and a centered line that Octavo's normalizer reads back as the figure."""
    children = list(figure)
    if not children or (figure.text or "").strip():
        return False
    *images, last = children
    caption = last if last.tag == "figcaption" else None
    if caption is None:
        images.append(last)
    elif len(caption) or set(caption.attrib) or len(" ".join((caption.text or "").split())) > MAX_CAPTION:
        return False
    return all(img.tag == "img" and not (FOREIGN_ATTRIBUTES - {"title"}) & set(img.attrib)
               and not (img.tail or "").strip() for img in images)


def _is_inline_raw(element) -> bool:
    """An inline element Markdown has no syntax for, or one with attributes it cannot hold
    (a footnote's number and code's text are pandoc's to write)."""
    parent = element.getparent()
    if next(element.iterancestors("pre", "code"), None) is not None:
        return False
    if element.tag == "sup" and parent.tag == "a" and parent.get("role") == "doc-noteref":
        return False
    if element.tag in INLINE or (element.tag == "a" and not element.get("href")):
        return True   # no syntax (a link without a target is an anchor of text)
    if set(element.get("title", "")) & set('"\\'):
        return True   # pandoc writes `(url """)` and `(url "\")`: no reader takes them for titles
    if element.tag == "br":   # `\` ending a paragraph is a backslash, not a break
        following = element.getnext()
        return not (element.tail or "").strip() and (following is None or following.tag in _BLOCK_TAGS)
    if element.tag == "a" and "![" in element.text_content():
        return True   # pandoc writes `[\![](url)`, its `[` unescaped: a link inside the link
    if element.tag in ("em", "strong", "s") and not _delimiters_hold(element):
        return True
    previous = element.getprevious()
    if previous is not None and not previous.tail and (
            previous.tag == element.tag or {previous.tag, element.tag} <= {"em", "strong", "s"}):
        return True   # `*a**b*`, `*a***b**`: delimiters in a row read as one run
    foreign = set(element.attrib) & FOREIGN_ATTRIBUTES
    return bool(foreign - {"title"}) if element.tag in ("a", "img") else bool(foreign)


def _delimiters_hold(element) -> bool:
    """Whether `*x*`, `**x**` or `~~x~~` reads back as emphasis in CommonMark: a delimiter
    next to punctuation inside needs space or punctuation outside (`0*:*` is no emphasis)."""
    inner = element.text_content()
    if not inner.strip():
        return True
    first = inner.lstrip()[0] if element.text and element.text.strip() else "`"   # markup: punctuation
    last = inner.rstrip()[-1] if not len(element) or (element[-1].tail or "").strip() else "`"
    before = " " if inner[0].isspace() else _beside(element, before=True)
    after = " " if inner[-1].isspace() else _beside(element, before=False)
    opens = not _is_punctuation(first) or not before.strip() or _is_punctuation(before)
    closes = not _is_punctuation(last) or not after.strip() or _is_punctuation(after)
    return opens and closes


def _beside(element, before: bool) -> str:
    """The character just before (or after) `element` in its block; "`" for a neighbouring
    element's markup, "" at the block's edge."""
    parent = element.getparent()
    if before:
        previous = element.getprevious()
        text = previous.tail if previous is not None else parent.text
        if not text and _flattened(previous):
            text = previous.text_content()
        return text[-1] if text else ("`" if previous is not None else _beside(parent, True) if parent.tag in
                                      ("em", "strong", "s", "a") else "")
    text = element.tail
    if text:
        return text[0]
    following = element.getnext()
    if _flattened(following) and following.text_content():
        return following.text_content()[0]
    if following is not None:
        return "`"
    return _beside(parent, False) if parent.tag in ("em", "strong", "s", "a") else ""


def _flattened(element) -> bool:
    """A span written as its bare text (no tags of its own), e.g. an image placeholder."""
    return element is not None and element.tag == "span" and "data-octavo-open" not in element.attrib


def _is_punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith(("P", "S"))


def _as_span(element) -> None:
    """`<cite lang="en">x</cite>` → `<span data-octavo-open='<cite lang="en">' data-octavo-close="</cite>">x</span>`."""
    shell = Element(element.tag, dict(element.attrib))
    void = element.tag in ("img", "br")
    open_tag = tostring(shell, encoding="unicode") if void else tostring(shell, encoding="unicode").rsplit("</", 1)[0]
    attributes = {"data-octavo-open": open_tag, "data-octavo-close": "" if void else f"</{element.tag}>"}
    element.attrib.clear()
    element.attrib.update(attributes)
    element.tag = "span"
