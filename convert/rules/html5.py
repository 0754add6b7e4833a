"""The rules' tree in and out: parse a body fragment with lxml's HTML parser, and serialize
it as HTML5 with only &, < and > escaped (no named entities), attributes sorted and quoted,
void elements without a slash, and space-separated list attributes (class, rel) folded to
single spaces: the bytes every writer and the golden files were made with."""

from __future__ import annotations

import re
import threading

import lxml.etree

VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
    "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame",
    "image", "isindex", "nextid", "spacer"})
"""Elements written as a start tag alone when empty."""
_LIST_ATTRIBUTES = {"class", "accesskey", "dropzone"}
_LIST_ATTRIBUTES_OF = {"a": {"rel", "rev"}, "link": {"rel", "rev"}, "area": {"rel"},
                       "td": {"headers"}, "th": {"headers"}, "form": {"accept-charset"},
                       "object": {"archive"}, "icon": {"sizes"}, "iframe": {"sandbox"},
                       "output": {"for"}}
"""Attributes whose value is a list of space-separated tokens, per element."""
_RAW_TEXT = frozenset({"script", "style"})
"""Elements whose text is written as it is."""
_PRESERVE_SPACE = frozenset({"pre", "textarea"})
_ASCII_SPACE = " \n\t\f\r"


_PARSERS = threading.local()
"""One feed parser per thread, reused (a new one costs as much as parsing a short post):
a feed parser holds state, so threads (which may share the rules) each have their own."""


def parse(html: str):
    """The body fragment as a tree; returns its root element (the <body>).

    Text made only of ASCII whitespace becomes one newline (if it held one) or one space,
    outside <pre> and <textarea>: the normal form the golden outputs were made with.
    """
    parser = getattr(_PARSERS, "parser", None) or lxml.etree.HTMLParser()
    _PARSERS.parser = None   # taken: should feeding fail, no half-fed parser is left for the next post
    parser.feed(f"<body>{html}</body>")
    body = parser.close().find("body")
    _PARSERS.parser = parser
    if _HTML5_VOID_HINT.search(html):
        _empty_html5_voids(body)
    _fold_blank_text(body)
    return body


_HTML5_VOID = ("source", "track", "wbr", "keygen", "menuitem")
"""Void elements of HTML5 that libxml2's HTML 4 parser does not know: it nests whatever
follows one inside it (`<source><track>…</track></source>`) until its parent closes."""
_HTML5_VOID_HINT = re.compile(rf"<(?:{'|'.join(_HTML5_VOID)})\b", re.I)


def _empty_html5_voids(body) -> None:
    """Move what libxml2 nested inside an HTML5 void element out after it, in order, as an
    HTML5 parser reads it: `<video><source><track>x</video>` → source, track and "x" siblings."""
    for void in list(body.iter(*_HTML5_VOID)):   # document order: an outer one is emptied first
        children, text, tail = list(void), void.text, void.tail
        if not children and not text:
            continue
        void.text, void.tail = None, text
        for child in reversed(children):
            void.addnext(child)
        last = children[-1] if children else void
        last.tail = (last.tail or "") + (tail or "") or None


def _fold_blank_text(body) -> None:
    """Fold blank text and tails in one pass of lxml's iterator (not a recursive walk)."""
    preserved, inside = set(), set()  # <pre>/<textarea> elements, and every element within one
    for element in body.iter(*_PRESERVE_SPACE):
        preserved.add(element)
        inside.update(element.iterdescendants())
    for element in body.iter():
        text, tail = element.text, element.tail
        if text and not text.strip(_ASCII_SPACE) and element not in preserved and element not in inside:
            element.text = "\n" if "\n" in text else " "
        if tail and not tail.strip(_ASCII_SPACE) and element not in inside:
            element.tail = "\n" if "\n" in tail else " "


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(value: str) -> str:
    """A quoted attribute value: double quotes, single ones around a value holding only double
    quotes, and &quot; when it holds both."""
    value = _escape(value)
    if '"' in value:
        if "'" not in value:
            return f"'{value}'"
        value = value.replace('"', "&quot;")
    return f'"{value}"'


def _write(element, out: list, raw_tail: bool) -> None:
    """The element and its tail (as it is when `raw_tail`: the parent is a raw-text element)."""
    name = element.tag
    if not isinstance(name, str):  # a comment or processing instruction
        out.append(lxml.etree.tostring(element, encoding="unicode", with_tail=False))
    else:
        out.append("<" + name)
        attributes = element.items()
        if attributes:
            listed = _LIST_ATTRIBUTES_OF.get(name, ())
            for key, value in sorted(attributes):
                if key in _LIST_ATTRIBUTES or key in listed:
                    value = " ".join(value.split())
                out.append(f" {key}={_quoted(value)}")
        out.append(">")
        if not (name in VOID and not element.text and not len(element)):
            _write_contents(element, out)
            out.append(f"</{name}>")
    tail = element.tail
    if tail:
        out.append(tail if raw_tail else _escape(tail))


def _write_contents(element, out: list) -> None:
    raw = element.tag in _RAW_TEXT
    text = element.text
    if text:
        out.append(text if raw else _escape(text))
    for child in element:
        _write(child, out, raw)


def serialize(root) -> str:
    """The root's content (the root itself left out) as HTML5, ends stripped of whitespace."""
    out: list[str] = []
    _write_contents(root, out)
    return "".join(out).strip()
