"""The Markdown round trip, defined once: HTML → Markdown → HTML gives the same body.

For a post P read with settings S:

1. `before`: the body of the page Octavo writes for P (`convert.write(doc, "html", S)`):
   the `<article>` without its `<header>` (title, dateline, keywords: metadata, which the
   front matter carries) and without the provenance footer (the canonical URL, likewise).
2. Octavo's Markdown for P (`convert.write(doc, "md", S)`) is saved as a `.md` post in an
   empty folder and read back by Octavo (`convert.load`, same S, with the profile P was
   read with: the folder alone would not say it is news): front matter and pandoc
   Markdown with fenced divs, as any Markdown post is read.
3. `after`: the body of the page written for that post, as in 1.

The two bodies are compared after `canonical`, which undoes only what HTML itself
ignores, so nothing that hides lost text or structure:

- attributes are sorted by name (their values are compared as they are);
- whitespace-only text between blocks, at the start and end of a block's content and
  beside a line break is removed (HTML renders none of it);
- outside `<pre>`, each run of whitespace is one space (HTML renders it so);
- a space at the inner edge of an inline element is moved just outside it (`<strong>x
  </strong>y` reads as `<strong>x</strong> y`): Markdown cannot hold it inside (`**x **`
  is no emphasis) and it renders the same.

- a heading id the second body has and the first lacks is dropped: the Markdown heading
  read back gets the automatic id Jekyll gives every Markdown heading, where the first
  body's heading came from raw HTML or a rule (a news post's bold section head) without
  one; an added link target loses nothing, while an id changed or lost still counts;
- an image placeholder (`<span class="image-placeholder">`, what every writer shows for an
  image that was not archived: its description and URL) is compared by its content: the
  Markdown holds that text and link, which read back as text and link.

Element names, nesting, every character of text and the content of `<pre>` are compared
exactly.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

import convert
from convert.errors import collecting

BLOCKS = {"address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
          "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
          "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br"}
"""Elements whose edges whitespace does not reach on screen (blocks, and line breaks)."""


def body(page: bytes):
    """The `<article>` of an Octavo page without its header and provenance footer."""
    article = lxml.html.document_fromstring(page).find(".//article")
    for child in list(article):
        if child.tag == "header" or (child.tag == "footer" and "provenance" in (child.get("class") or "")):
            article.remove(child)
    return article


def canonical(element) -> str:
    """The element as a string of tags and text, canonical as the module doc says."""
    tokens: list[tuple[str, str]] = []
    _tokens(element, tokens, in_pre=False)
    tokens = _spaces_out_of_inlines(tokens)
    out = []
    for i, (kind, value) in enumerate(tokens):
        if kind == "text" and not value.startswith("\0"):
            if _is_block_edge(tokens, i - 1):
                value = value.lstrip(" ")
            if _is_block_edge(tokens, i + 1):
                value = value.rstrip(" ")
        out.append(value.lstrip("\0") if kind == "text" else value)
    return "".join(out)


def _tokens(element, tokens: list, in_pre: bool) -> None:
    in_pre = in_pre or element.tag == "pre"
    placeholder = element.tag == "span" and element.get("class") == "image-placeholder"
    attributes = "".join(f' {name}="{value}"' for name, value in sorted(element.attrib.items()))
    if not placeholder:
        tokens.append(("open", f"<{element.tag}{attributes}>"))
    _text(element.text, tokens, in_pre)
    for child in element:
        if isinstance(child.tag, str):   # not a comment
            _tokens(child, tokens, in_pre)
        _text(child.tail, tokens, in_pre)
    if not placeholder:
        tokens.append(("close", f"</{element.tag}>"))


def _text(text: str | None, tokens: list, in_pre: bool) -> None:
    """Text as a token; text inside <pre> is marked with a leading NUL, never touched."""
    if text:
        tokens.append(("text", "\0" + text if in_pre else re.sub(r"\s+", " ", text)))


def _tag(token: tuple[str, str]) -> str:
    return re.match(r"</?([\w-]+)", token[1]).group(1)


def _is_block_edge(tokens: list, i: int) -> bool:
    return i < 0 or i >= len(tokens) or (tokens[i][0] != "text" and _tag(tokens[i]) in BLOCKS)


def _spaces_out_of_inlines(tokens: list) -> list:
    """Move a space at the inner edge of an inline element outside it, then merge texts."""
    changed = True
    while changed:
        changed = False
        for i in range(len(tokens) - 1):
            (kind, value), (next_kind, next_value) = tokens[i], tokens[i + 1]
            if kind == "open" and _tag(tokens[i]) not in BLOCKS and next_kind == "text" \
                    and next_value.startswith(" "):
                tokens[i:i + 2] = [("text", " "), (kind, value), ("text", next_value[1:])]
                changed = True
                break
            if kind == "text" and value.endswith(" ") and not value.startswith("\0") and next_kind == "close" \
                    and _tag(tokens[i + 1]) not in BLOCKS:
                tokens[i:i + 2] = [("text", value[:-1]), (next_kind, next_value), ("text", " ")]
                changed = True
                break
    merged: list = []
    for kind, value in tokens:
        if kind == "text" and not value:
            continue
        if kind == "text" and merged and merged[-1][0] == "text" and not value.startswith("\0") \
                and not merged[-1][1].startswith("\0"):
            merged[-1] = ("text", re.sub(" +", " ", merged[-1][1] + value))
        else:
            merged.append((kind, value))
    return merged


def round_trip(post: Path, settings, folder: Path) -> tuple[str, str]:
    """(before, after) for `post`, canonical; the Markdown is written into `folder`."""
    with collecting():
        doc = convert.load(post, settings)
        before = convert.write(doc, "html", settings)
        markdown = convert.write(doc, "md", settings)
    copy = folder / (post.stem + ".md")
    copy.write_bytes(markdown)
    from convert.profiles import choose

    same = settings.replace(profile=choose(settings.profile, post).name)   # as the original was read
    with collecting():
        after = convert.write(convert.load(copy, same), "html", same)
    first, second = body(before), body(after)
    _ignore_added_heading_ids(first, second)
    return canonical(first), canonical(second)


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _ignore_added_heading_ids(first, second) -> None:
    """Drop a heading id the second body has where the first had none (the module doc)."""
    for old, new in zip(first.iter(*HEADINGS), second.iter(*HEADINGS)):
        if old.get("id") is None and new.get("id") is not None:
            del new.attrib["id"]


def first_difference(before: str, after: str, context: int = 60) -> str:
    """Where two canonical bodies part, for a failure message."""
    at = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    return f"…{before[max(0, at - context):at + context]!r}\n  became …{after[max(0, at - context):at + context]!r}"
