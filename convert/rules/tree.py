"""Small tree helpers the rules share (bs4 Tag navigation that ignores whitespace)."""

from __future__ import annotations

from bs4 import NavigableString, Tag

INLINE_SPACE = " \t\n\u00a0\u3000"
VOCABULARY = {"summary", "centered", "right", "doc-number", "signature", "source",
              "footnote-ref", "footnotes", "footnote-back"}
"""The only classes a normalized body carries; styles/ and every writer know these."""


def _tags(root: Tag):
    """Descendant elements in document order: an explicit stack over `contents`, about twice
    as fast as bs4's `descendants` generator (find_all, slower still, once dominated the
    normalizer's profile)."""
    stack = [iter(root.contents)]
    while stack:
        for node in stack[-1]:
            if isinstance(node, Tag):
                yield node
                if node.contents:
                    stack.append(iter(node.contents))
                    break
        else:
            stack.pop()


def elements(root: Tag, *names: str) -> list[Tag]:
    """Descendant elements (named `names`, or all), in document order."""
    if not names:
        return list(_tags(root))
    wanted = set(names)
    return [tag for tag in _tags(root) if tag.name in wanted]


def outermost(root: Tag, matches) -> list[Tag]:
    """Descendant elements for which `matches(tag)` holds, in document order, without those
    inside a match (removing a match removes them too, so a rule never revisits them)."""
    found = []
    stack = [child for child in reversed(root.contents) if isinstance(child, Tag)]
    while stack:
        tag = stack.pop()
        if matches(tag):
            found.append(tag)
        else:
            stack.extend(child for child in reversed(tag.contents) if isinstance(child, Tag))
    return found


def first(root: Tag, *names: str) -> Tag | None:
    """The first descendant element named `names`, or None."""
    wanted = set(names)
    return next((tag for tag in _tags(root) if tag.name in wanted), None)


def blocks(root: Tag) -> list[Tag]:
    """The top-level elements of the body, in order (text between them ignored)."""
    return [child for child in root.children if isinstance(child, Tag)]


def meaningful_children(tag: Tag) -> list:
    """Children other than whitespace-only strings and <br>."""
    out = []
    for child in tag.children:
        if isinstance(child, NavigableString):
            if str(child).strip(INLINE_SPACE):
                out.append(child)
        elif child.name != "br":
            out.append(child)
    return out


def sole_child(tag: Tag, *names: str) -> Tag | None:
    """The one element child named in `names` when it is the tag's only meaningful content."""
    children = meaningful_children(tag)
    if len(children) == 1 and isinstance(children[0], Tag) and children[0].name in names:
        return children[0]
    return None


def text_of(tag: Tag) -> str:
    """The tag's text with runs of whitespace folded and ends trimmed."""
    return " ".join(tag.get_text().split())


def has_class(tag: Tag, name: str) -> bool:
    return name in (tag.get("class") or [])


def own_classes(tag: Tag) -> set[str]:
    """The tag's classes from Octavo's vocabulary (a site's own classes do not count)."""
    return VOCABULARY.intersection(tag.get("class") or [])


def add_class(tag: Tag, name: str) -> None:
    classes = list(tag.get("class") or [])
    if name not in classes:
        tag["class"] = [*classes, name]


def remove_class(tag: Tag, name: str) -> None:
    classes = [c for c in (tag.get("class") or []) if c != name]
    if classes:
        tag["class"] = classes
    elif tag.has_attr("class"):
        del tag["class"]


def trim_edges(tag: Tag) -> None:
    """Remove leading/trailing <br> and whitespace (full-width indentation too) inside a block."""
    for end in (0, -1):
        while tag.contents:
            node = tag.contents[end]
            if isinstance(node, Tag) and node.name == "br":
                node.decompose()
            elif isinstance(node, NavigableString):
                stripped = node.lstrip(INLINE_SPACE) if end == 0 else node.rstrip(INLINE_SPACE)
                if stripped == node:
                    break
                if stripped:
                    node.replace_with(stripped)
                    break
                node.extract()
            else:
                break
