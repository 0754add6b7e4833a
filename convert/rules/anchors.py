"""Rules that keep in-page links working: one id per target, and no link to nowhere."""

from __future__ import annotations

from urllib.parse import unquote

from .tree import elements, text_of, unwrap


def anchor_names(root, ctx) -> None:
    """An old-style named anchor becomes an id, the form every output keeps.

    `<a name="top"></a>` → `<a id="top"></a>`.
    """
    for anchor in elements(root, "a"):
        name = anchor.attrib.pop("name", None)
        if name and not anchor.get("id"):
            anchor.set("id", name)


def unique_ids(root, ctx) -> None:
    """Each id names one element: the first keeps it, later ones get -1, -2… (as kramdown
    numbers its header ids), so links keep pointing where they pointed in the browser.

    `<h2 id="a">甲</h2><p id="a">乙</p>` → `<h2 id="a">甲</h2><p id="a-1">乙</p>`.
    """
    tagged = [tag for tag in elements(root) if tag.get("id")]
    taken = {tag.get("id") for tag in tagged}
    seen: set[str] = set()
    for tag in tagged:
        ident = tag.get("id")
        if ident in seen:
            number = 1
            while f"{ident}-{number}" in taken:
                number += 1
            ident = f"{ident}-{number}"
            tag.set("id", ident)
            taken.add(ident)
        seen.add(ident)


def in_page_links(root, ctx) -> None:
    """A link to `#x` with no element `x` in the post is no link: its text stays, with a
    warning (a browser would go nowhere; an EPUB with it is invalid). A fragment that
    resolves is written as the id reads (pandoc matches ids only so). A bare `#` is a
    theme's placeholder (a button to nowhere): unwrapped without a word, nothing is lost.

    `<p><a href="#gone">甲</a> <a href="#%E4%B9%99">乙</a></p><h2 id="乙">丙</h2>` →
    `<p>甲 <a href="#乙">乙</a></p><h2 id="乙">丙</h2>`.
    """
    ids = {tag.get("id") for tag in elements(root) if tag.get("id")}
    for link in elements(root, "a"):
        href = (link.get("href") or "").strip()
        if not href.startswith("#"):
            continue
        target = unquote(href[1:])
        if target in ids:
            link.set("href", "#" + target)
        elif not target:
            unwrap(link)
        else:
            ctx.warn(f"link to {href!r} has no target in the post; kept its text: {text_of(link)!r}",
                     kind="dangling-link")
            unwrap(link)
