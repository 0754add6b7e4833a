"""Rules that remove noise: hidden paragraphs, empty blocks, stray breaks and indentation."""

from __future__ import annotations

import re

from lxml.etree import Element

from .tree import (
    VOCABULARY,
    classes,
    detach,
    elements,
    first,
    has_class,
    has_meaningful_children,
    meaningful_children,
    outermost,
    own_classes,
    set_classes,
    text_of,
    trim_edges,
    unwrap,
)

_CODE_LANGUAGE = re.compile(r"^language-[\w+#.-]{1,30}$")
_MATH = {"math", "inline", "display"}
"""A math span's classes (`<span class="math inline">`): how pandoc and the writers know TeX."""
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure")


def drop_hidden(root, ctx) -> None:
    """Hidden paragraphs (`style="display:none"`) go, with a warning when they held text.

    `<p class="hidden">secret</p><p>正文</p>` → `<p>正文</p>`.
    """
    for tag in outermost(root, lambda tag: has_class(tag, "hidden")):
        text = text_of(tag)
        if text:
            ctx.warn(f"dropped hidden text: {text if len(text) <= 300 else text[:300] + '…'!r}")
        detach(tag)


def tidy_blocks(root, ctx) -> None:
    """Drop empty blocks, leading/trailing <br>, full-width indentation, and the <source>
    and <track> of no player (a <picture>'s, left when the allowlist unwrapped it: invalid
    outside <video> and <audio>).

    `<p>\u3000\u3000文字<br></p><p> </p>` → `<p>文字</p>`; `<p><source></p>` → nothing.
    """
    for part in elements(root, "source", "track"):
        if part.getparent().tag not in ("video", "audio"):
            unwrap(part)
    # Children before their parents, so no tag here lies inside one already dropped.
    for tag in reversed(elements(root, *_BLOCKS)):
        trim_edges(tag)
        if not has_meaningful_children(tag) and first(tag, "img") is None:
            detach(tag)


def flatten_class_divs(root, ctx) -> None:
    """A classed div of paragraphs (pandoc's `::: centered` read back) passes its class down;
    one of text is a paragraph of that class (the same line, however it was centered).

    `<div class="centered"><p>国办发〔2021〕59号</p></div>` → `<p class="centered">国办发〔2021〕59号</p>`;
    `<div class="centered"><a href="x">甲</a></div>` → `<p class="centered"><a href="x">甲</a></p>`.
    """
    for div in (d for d in elements(root, "div") if {"centered", "right", "source"} & set(classes(d))):
        children = meaningful_children(div)
        if children and all(not isinstance(c, str) and c.tag == "p" for c in children):
            for p in children:
                own = classes(p)
                set_classes(p, [*own, *[c for c in classes(div) if c not in own]])
            unwrap(div)
        elif children and first(div, *_BLOCKS, "ul", "ol", "table", "pre", "section", "footer") is None:
            div.tag = "p"


def plain_divs(root, ctx) -> None:
    """A div without a class is no structure: a paragraph when it holds text, else unwrapped.

    `<div>文字</div>` → `<p>文字</p>`;
    `<div><p>甲</p><p>乙</p></div>` → `<p>甲</p><p>乙</p>`.
    """
    for tag in reversed(elements(root, "div")):
        if own_classes(tag):
            continue
        if first(tag, *_BLOCKS, "ul", "ol", "table", "pre", "section", "footer") is not None:
            unwrap(tag)
        else:
            tag.tag = "p"


_FLOW = {*_BLOCKS, "ul", "ol", "dl", "table", "pre", "section", "footer", "hr", "address", "details", "img"}
"""Top-level elements that are not loose text (an image at the top level becomes a figure)."""


_PHRASING = ("abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small",
             "strong", "sub", "sup", "time", "u")
"""Inline elements the allowlist keeps that may hold no block (spans are unwrapped before; a
link may wrap blocks, and moving them out would take their link away)."""
_BLOCKS_IN_FLOW = tuple(sorted(_FLOW - {"img", "li"}))


def blocks_out_of_inline(root, ctx) -> None:
    """A block inside an inline element (what an unclosed `<em>` before a list leaves) moves
    out after it, the inline split around it: HTML cannot nest them (a browser re-reads the
    page into another tree) and a paragraph made of the inline would hold the block.

    `<em>甲<ul><li>乙</li></ul>丙</em>。` → `<em>甲</em><ul><li>乙</li></ul><em>丙</em>。`.
    """
    # Innermost first, each inline split once: a block nested in two inlines moves out of
    # each in turn, and a thousand blocks in one unclosed <em> cost one pass, not a thousand.
    for inline in reversed(list(root.iter(*_PHRASING))):
        if next(inline.iterchildren(*_BLOCKS_IN_FLOW), None) is not None:
            _split_around_blocks(inline)


def _split_around_blocks(inline) -> None:
    """`inline`'s block children become its following siblings, in order; the inline content
    between them goes into copies of `inline` (without its id), empty ones left out."""
    tail, inline.tail = inline.tail, None
    attributes = {k: v for k, v in inline.attrib.items() if k != "id"}
    placed, piece = inline, None   # the last node put in the parent; the copy being filled

    def flush() -> None:
        nonlocal placed
        if piece is None:
            return
        if (piece.text or "").strip() or len(piece):
            placed.addnext(piece)
            placed = piece
        elif piece.text:
            placed.tail = (placed.tail or "") + piece.text

    for child in list(inline):
        if child.tag in _BLOCKS_IN_FLOW:
            flush()
            after, child.tail = child.tail, None
            placed.addnext(child)
            placed = child
            piece = Element(inline.tag, attributes)
            piece.text = after
        elif piece is not None:
            piece.append(child)
    flush()
    placed.tail = (placed.tail or "") + (tail or "") or None


def loose_inline(root, ctx) -> None:
    """Text and inline elements lying between the body's blocks are a paragraph, as a
    Markdown renderer would make them.

    `<p>文字</p><a>链接</a>。<p>乙</p>` → `<p>文字</p><p><a>链接</a>。</p><p>乙</p>`; a link that wraps
    blocks stays one: `<a href="x"><p>卡片</p></a>` is left as it is.
    """
    para = None
    if (root.text or "").strip():
        para = Element("p")
        para.text, root.text = root.text, None
        root.insert(0, para)
    for child in list(root):
        if child is para or not isinstance(child.tag, str):
            continue
        if child.tag not in _FLOW and not (child.tag == "a" and next(child.iterdescendants(*_BLOCKS_IN_FLOW), None)
                                           is not None):   # a link wrapping blocks is a block
            if para is None:
                para = Element("p")
                child.addprevious(para)
            para.append(child)
            continue
        para = None
        if (child.tail or "").strip():
            para = Element("p")
            para.text, child.tail = child.tail, None
            child.addnext(para)


def drop_foreign_classes(root, ctx) -> None:
    """Keep only Octavo's own classes; the site's (em_media, keytip) mean nothing downstream.

    `<p class="em_media source">甲</p>` → `<p class="source">甲</p>`;
    a code block's language and a math span's kind stay:
    `<pre><code class="language-python hljs">x = 1</code></pre>` → `<pre><code class="language-python">x = 1</code></pre>`.
    """
    for tag in (t for t in elements(root) if "class" in t.attrib):
        kept = [c for c in classes(tag) if c in VOCABULARY or (tag.tag == "code" and _CODE_LANGUAGE.match(c))
                or (tag.tag == "span" and c in _MATH)]
        if kept:
            set_classes(tag, kept)
        else:
            del tag.attrib["class"]
