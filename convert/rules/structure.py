"""Rules that recover structure: summary, headings, centered titles, figures, the title."""

from __future__ import annotations

import re
from pathlib import Path

from lxml.etree import Element

from .tree import (
    add_class,
    blocks,
    classes,
    clear,
    detach,
    elements,
    first,
    has_class,
    has_meaningful_children,
    meaningful_children,
    own_classes,
    set_attributes,
    sole_child,
    text_of,
    trim_edges,
    unwrap,
)

MAX_HEADING = 40
"""A bold paragraph longer than this (in characters) is emphasis, not a heading."""
MAX_CAPTION = 60
"""A centered line under a figure up to this long is its caption."""
_SENTENCE_END = tuple("。！？；，、：.!?;,:")
_HEADING_ATTRS = re.compile(r"\s*\{((?:\s*[.#][\w-]+)+)\s*\}\s*$")


def extract_summary(root, ctx) -> None:
    """A blockquote opening a news article is its summary (and its abstract).

    `<blockquote><p>摘要</p></blockquote><p>正文</p>` → `<div class="summary"><p>摘要</p></div><p>正文</p>`,
    meta.summary = "摘要".
    """
    first = next(iter(blocks(root)), None)
    if first is not None and first.tag == "blockquote":
        first.tag = "div"
        set_attributes(first, {"class": "summary"})
        summary_div(root, ctx)


def summary_div(root, ctx) -> None:
    """A summary marked as one (Octavo's own `::: summary`, read back) opening the body is
    the abstract, whatever the genre.

    `<div class="summary"><p>摘要</p></div><p>正文</p>` → `<div class="summary"><p>摘要</p></div><p>正文</p>`,
    meta.summary = "摘要".
    """
    first = next(iter(blocks(root)), None)
    if first is not None and first.tag == "div" and has_class(first, "summary") and not ctx.meta.summary:
        ctx.meta.summary = text_of(first) or None


def heading_attributes(root, ctx) -> None:
    """Pandoc attribute syntax on headings (from Octavo's own Markdown) becomes classes
    and the id.

    `<h2>标题 {#a .centered}</h2>` → `<h2 class="centered" id="a">标题</h2>`.
    """
    for heading in elements(root, "h1", "h2", "h3", "h4", "h5", "h6"):
        last = heading[-1].tail if len(heading) else heading.text
        match = _HEADING_ATTRS.search(last) if last else None
        if match:
            if len(heading):
                heading[-1].tail = last[: match.start()]
            else:
                heading.text = last[: match.start()]
            for token in match.group(1).split():
                if token.startswith("."):
                    add_class(heading, token[1:])
                elif not heading.get("id"):
                    heading.set("id", token[1:])


def demote_headings(root, ctx) -> None:
    """The article title is the only <h1>: a body <h1> repeating it goes, others move down a level.

    with meta.title = "标题": `<h1>标题</h1><h2>一</h2>` → `<h2>一</h2>`;
    with meta.title = "标题": `<h1>甲</h1><h2>乙</h2>` → `<h2>甲</h2><h3>乙</h3>`;
    without a title the first <h1> is it: `<h1>甲</h1><p>正文</p>` → `<p>正文</p>`, meta.title = "甲".
    """
    first_h1 = first(root, "h1")
    if first_h1 is None:
        return
    if not ctx.meta.title:
        ctx.meta.title = text_of(first_h1)
    if text_of(first_h1) == ctx.meta.title:
        detach(first_h1)
    if first(root, "h1") is None:
        return
    for level in range(5, 0, -1):
        for heading in elements(root, f"h{level}"):
            heading.tag = f"h{level + 1}"


def centered_headings(root, ctx) -> None:
    """A centered paragraph that is all bold is a centered heading.

    `<p class="centered"><strong>国务院办公厅关于促进内外贸一体化发展的意见</strong></p>` →
    `<h2 class="centered">国务院办公厅关于促进内外贸一体化发展的意见</h2>`.
    """
    for block in blocks(root):
        if block.tag in ("p", "div") and has_class(block, "centered"):
            strong = sole_child(block, "strong", "b")
            if strong is not None and text_of(strong):
                unwrap(strong)
                trim_edges(block)
                block.tag = "h2"
                block.set("class", "centered")


def section_heads(root, ctx) -> None:
    """A short paragraph that is all bold and does not end a sentence is a section head.

    `<p><strong>一、总体要求</strong></p>` → `<h2>一、总体要求</h2>`;
    a bold sentence stays a paragraph:
    `<p><strong>部分信托公司收到监管窗口指导。</strong></p>` → `<p><strong>部分信托公司收到监管窗口指导。</strong></p>`.
    """
    for block in blocks(root):
        if block.tag != "p" or not len(block) or own_classes(block):   # no child: no <strong> either
            continue
        strong = sole_child(block, "strong", "b")
        if strong is None:
            continue
        text = text_of(strong)
        if text and len(text) <= MAX_HEADING and not text.endswith(_SENTENCE_END) and first(strong, "img") is None:
            unwrap(strong)
            trim_edges(block)
            block.tag = "h2"


CAPTION_CLASSES = {"caption", "image-caption", "figure-caption", "wp-caption-text", "img-caption"}
"""Classes Jekyll themes and posts give a caption paragraph under an image."""
_CAPTION_TAGS = ("em", "i", "small")


def figures(root, ctx) -> None:
    """A block holding only images becomes a figure, and its caption a figcaption: a centered
    line under it, an emphasized line right after the image (Jekyll's `![](a.png)` then
    `*caption*`), an emphasized paragraph under it, or one with a caption class. An image
    whose source the allowlist removed (data:, javascript:) goes, with a warning.

    `<div class="centered"><img src="a.jpg" width="552"></div><p class="centered">图片来源：X</p>` →
    `<figure><img alt="" src="a.jpg"><figcaption>图片来源：X</figcaption></figure>`;
    `<p><img alt="" src="a.png">\n<em>Net buying</em></p>` →
    `<figure><img alt="" src="a.png"><figcaption>Net buying</figcaption></figure>`;
    `<p>甲<img alt="x"></p>` → `<p>甲</p>`; `<p><img alt="x"></p><p>乙</p>` → `<p>乙</p>`.
    """
    for img in elements(root, "img"):
        if not img.get("src"):
            ctx.warn(f"dropped an image whose source was unsafe or missing: {img.get('alt') or '(no description)'!r}")
            parent = img.getparent()
            detach(img)
            if parent is not root and parent.tag in ("p", "div", "figure") and not has_meaningful_children(parent):
                detach(parent)   # tidy_blocks ran before: the block it leaves empty goes too
            continue
        if img.getparent() is root:
            figure = Element("figure")
            figure.tail, img.tail = img.tail, None
            img.addprevious(figure)
            figure.append(img)
        for attr in ("width", "height"):
            img.attrib.pop(attr, None)
        if "alt" not in img.attrib:
            img.set("alt", "")
    for block in blocks(root):
        if block.tag in ("p", "div") and first(block, "img") is not None:
            children = meaningful_children(block)
            inline_caption = _inline_caption(children)
            if inline_caption is not None:
                children = children[:-1]
            if children and all(not isinstance(c, str) and c.tag == "img" for c in children):
                block.tag = "figure"
                block.attrib.clear()
                if inline_caption is not None:
                    _make_caption(block, inline_caption)
        if block.tag == "figure" and first(block, "figcaption") is None:
            caption = block.getnext()
            if caption is not None and _is_caption(caption):
                block.append(detach(caption))
                _make_caption(block, caption)


def _inline_caption(children: list):
    """The emphasized line closing an image paragraph (`<img>` then `<em>caption</em>`)."""
    if len(children) < 2 or isinstance(children[-1], str) or children[-1].tag not in _CAPTION_TAGS:
        return None
    last = children[-1]
    return last if 0 < len(text_of(last)) <= MAX_CAPTION and first(last, "img") is None else None


def _is_caption(block) -> bool:
    """A paragraph under a figure that is its caption: centered, emphasized or so classed."""
    if block.tag != "p" or not 0 < len(text_of(block)) <= MAX_CAPTION or first(block, "img") is not None:
        return False
    return (has_class(block, "centered") or bool(set(classes(block)) & CAPTION_CLASSES)
            or sole_child(block, *_CAPTION_TAGS) is not None)


def _make_caption(figure, element) -> None:
    """Turn `element` (inside `figure`, at its end) into the figure's figcaption."""
    emphasis = sole_child(element, *_CAPTION_TAGS) if element.tag == "p" else element
    if element.tag == "p" and emphasis is not None:
        unwrap(emphasis)
    element.tag = "figcaption"
    element.attrib.clear()
    if element.getparent() is not figure:
        figure.append(detach(element))
    for br in [c for c in figure if c.tag == "br"]:       # the line break before the caption
        detach(br)
    before = element.getprevious()
    if before is not None and before.tail and not before.tail.strip():
        before.tail = None
    trim_edges(element)
    element.tail = None


def footnotes(root, ctx) -> None:
    """Footnotes in the DPUB-ARIA form pandoc reads back as notes (EPUB notes, Markdown [^1]).

    `<p>正文<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup></p>` →
    `<p>正文<a class="footnote-ref" href="#fn1" id="fnref1" role="doc-noteref"><sup>1</sup></a></p>`;
    `<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list"><li class="footnote-item" id="fn1"><p>注 <a class="footnote-backref" href="#fnref1">↩︎</a></p></li></ol></section>`
    → `<section class="footnotes" id="footnotes" role="doc-endnotes"><hr><ol><li id="fn1"><p>注 <a class="footnote-back" href="#fnref1" role="doc-backlink">↩︎</a></p></li></ol></section>`.
    """
    for sup in elements(root, "sup"):
        link = sole_child(sup, "a")
        if has_class(sup, "footnote-ref") and link is not None:
            number = text_of(link).strip("[]")
            unwrap(sup)
            clear(link)
            marker = Element("sup")
            marker.text = number
            link.append(marker)
            link.attrib.update({"class": "footnote-ref", "role": "doc-noteref"})
    for section in elements(root, "section"):
        if not has_class(section, "footnotes") or section.get("role") == "doc-endnotes":
            continue
        rule = section.getprevious()
        if rule is not None and rule.tag == "hr":
            detach(rule)
        set_attributes(section, {"class": "footnotes", "id": "footnotes", "role": "doc-endnotes"})
        rule = Element("hr")
        rule.tail, section.text = section.text, None
        section.insert(0, rule)
        for item in elements(section, "ol", "li"):
            set_attributes(item, {"id": item.get("id")} if item.get("id") else {})
        for back in elements(section, "a"):
            if has_class(back, "footnote-backref"):
                set_attributes(back, {"class": "footnote-back", "href": back.get("href", ""), "role": "doc-backlink"})


def title_fallback(root, ctx) -> None:
    """No title in front matter: an opening heading, else the first sentence (at most 40
    characters), else the file name; a warning says which.

    `<div class="summary"><p>据霍尼韦尔官网消息，5月24日，公司宣布一事。据悉如此。</p></div>` →
    `<div class="summary"><p>据霍尼韦尔官网消息，5月24日，公司宣布一事。据悉如此。</p></div>`,
    meta.title = "据霍尼韦尔官网消息，5月24日，公司宣布一事";
    `<h2>开篇</h2><p>正文。</p>` → `<h2>开篇</h2><p>正文。</p>`, meta.title = "开篇".
    """
    if ctx.meta.title:
        return
    opening = next(iter(blocks(root)), None)
    candidates = [text_of(opening)] if opening is not None and opening.tag in ("h2", "h3") else []
    candidates += [ctx.meta.summary or ""] + [text_of(p) for p in elements(root, "p")[:3]]
    for text in candidates:
        sentence = re.split(r"(?<=[。！？!?])", text.strip(), maxsplit=1)[0].rstrip("。")
        if sentence:
            ctx.meta.title = sentence if len(sentence) <= MAX_HEADING else sentence[:MAX_HEADING] + "…"
            break
    else:
        ctx.meta.title = Path(ctx.meta.source_path).stem.strip("-_ ") or "Untitled"
    ctx.warn(f"no title in front matter; using {ctx.meta.title!r}", kind="repair")
