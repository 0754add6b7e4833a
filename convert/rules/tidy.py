"""Rules that remove noise: hidden paragraphs, empty blocks, stray breaks and indentation."""

from __future__ import annotations

from bs4 import NavigableString, Tag

from .tree import INLINE_SPACE, meaningful_children, text_of

VOCABULARY = {"summary", "centered", "right", "doc-number", "signature", "source"}
"""The only classes a normalized body carries; styles/ and every writer know these."""

_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure")


def drop_hidden(root: Tag, ctx) -> None:
    """Hidden paragraphs go, with a warning when they held text.

    `<p class="hidden">secret</p>` (from `style="display:none"`) → nothing.
    """
    for tag in root.find_all(class_="hidden"):
        if tag.decomposed:
            continue
        text = text_of(tag)
        if text:
            ctx.warn(f"dropped hidden text: {text[:40]!r}")
        tag.decompose()


def tidy_blocks(root: Tag, ctx) -> None:
    """Drop empty blocks, leading/trailing <br>, and full-width indentation.

    `<p>\u3000\u3000文字<br></p><p> </p>` → `<p>文字</p>`.
    """
    for tag in root.find_all(_BLOCKS):
        if tag.decomposed:
            continue
        _trim_breaks(tag)
        first = tag.contents[0] if tag.contents else None
        if isinstance(first, NavigableString) and first.strip(INLINE_SPACE) != first:
            stripped = first.lstrip(INLINE_SPACE)
            if stripped:
                first.replace_with(stripped)
            else:
                first.extract()
        last = tag.contents[-1] if tag.contents else None
        if isinstance(last, NavigableString) and last.rstrip(INLINE_SPACE) != last:
            stripped = last.rstrip(INLINE_SPACE)
            if stripped:
                last.replace_with(stripped)
            else:
                last.extract()
        if not meaningful_children(tag) and not tag.find("img"):
            tag.decompose()


def _trim_breaks(tag: Tag) -> None:
    for end in (0, -1):
        while tag.contents:
            node = tag.contents[end]
            if isinstance(node, Tag) and node.name == "br":
                node.decompose()
            elif isinstance(node, NavigableString) and not node.strip(INLINE_SPACE):
                node.extract()
            else:
                break


def drop_foreign_classes(root: Tag, ctx) -> None:
    """Keep only Octavo's own classes; the site's (`em_media`, `keytip`) mean nothing downstream.

    `<p class="em_media source">` → `<p class="source">`.
    """
    for tag in root.find_all(class_=True):
        kept = [c for c in tag["class"] if c in VOCABULARY]
        if kept:
            tag["class"] = kept
        else:
            del tag["class"]
    for tag in root.find_all("div"):
        if tag.get("class"):
            continue
        if tag.find(_BLOCKS + ("ul", "ol", "table", "pre", "section", "footer")):
            tag.unwrap()
        else:
            tag.name = "p"
