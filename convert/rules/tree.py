"""Small tree helpers the rules share: lxml element navigation that ignores whitespace, and
the moves (unwrap, detach) that keep lxml's text and tails where they belong."""

from __future__ import annotations

from lxml.etree import Element, tostring

INLINE_SPACE = " \t\n\u00a0\u3000"
VOCABULARY = {"summary", "centered", "right", "doc-number", "signature", "source",
              "footnote-ref", "footnotes", "footnote-back", "embed"}
"""The only classes a normalized body carries; styles/ and every writer know these."""


def elements(root, *names: str) -> list:
    """Descendant elements (named `names`, or all), in document order."""
    return list(root.iterdescendants(*names) if names else root.iterdescendants(Element))


def outermost(root, matches) -> list:
    """Descendant elements for which `matches(tag)` holds, in document order, without those
    inside a match (removing a match removes them too, so a rule never revisits them)."""
    found: list = []
    for tag in root.iterdescendants(Element):
        if matches(tag) and not (found and any(parent in found for parent in tag.iterancestors())):
            found.append(tag)
    return found


def first(root, *names: str):
    """The first descendant element named `names`, or None."""
    return next(root.iterdescendants(*names), None)


def blocks(root) -> list:
    """The element children, in order (text between them ignored)."""
    return list(root.iterchildren(Element))


def meaningful_children(tag) -> list:
    """Children other than whitespace-only text and <br>: elements, and text runs as str."""
    out = [tag.text] if tag.text and tag.text.strip(INLINE_SPACE) else []
    for child in tag:
        if child.tag != "br":
            out.append(child)
        if child.tail and child.tail.strip(INLINE_SPACE):
            out.append(child.tail)
    return out


def has_meaningful_children(tag) -> bool:
    """Whether meaningful_children(tag) would find any (without building the list)."""
    if tag.text and tag.text.strip(INLINE_SPACE):
        return True
    for child in tag:
        if child.tag != "br" or (child.tail and child.tail.strip(INLINE_SPACE)):
            return True
    return False


def sole_child(tag, *names: str):
    """The one element child named in `names` when it is the tag's only meaningful content."""
    children = meaningful_children(tag)
    if len(children) == 1 and not isinstance(children[0], str) and children[0].tag in names:
        return children[0]
    return None


def get_text(tag) -> str:
    """All the text inside the tag (its own tail left out); libxml2's text serializer is
    three times as fast as joining itertext(), and a tag without children has only its text."""
    if not len(tag):
        return tag.text or ""
    return tostring(tag, method="text", encoding="unicode", with_tail=False)


def text_of(tag) -> str:
    """The tag's text with runs of whitespace folded and ends trimmed."""
    return " ".join(get_text(tag).split())


def classes(tag) -> list[str]:
    """The tag's classes, in order."""
    return (tag.get("class") or "").split()


def has_class(tag, name: str) -> bool:
    return name in classes(tag)


def own_classes(tag) -> set[str]:
    """The tag's classes from Octavo's vocabulary (a site's own classes do not count)."""
    return VOCABULARY.intersection(classes(tag))


def set_classes(tag, names) -> None:
    tag.set("class", " ".join(names))


def add_class(tag, name: str) -> None:
    names = classes(tag)
    if name not in names:
        set_classes(tag, [*names, name])


def set_attributes(tag, attributes: dict) -> None:
    """Replace all of the tag's attributes."""
    tag.attrib.clear()
    tag.attrib.update(attributes)


def clear(tag) -> None:
    """Remove the tag's content (text and children), keeping its attributes and tail."""
    tag.text = None
    del tag[:]


def _append_text(parent, previous, text: str) -> None:
    """Add text at the place just after `previous` (or at the start of `parent`)."""
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text


def unwrap(tag) -> None:
    """Replace the tag by its content: its text, children and tail stay where they were."""
    parent, previous = tag.getparent(), tag.getprevious()
    children = list(tag)
    text = tag.text or ""
    if children:
        if tag.tail:
            children[-1].tail = (children[-1].tail or "") + tag.tail
    else:
        text += tag.tail or ""
    if text:
        _append_text(parent, previous, text)
    index = parent.index(tag)
    parent[index:index + 1] = children


def detach(tag):
    """Take the tag out of the tree, leaving its tail text where it was; returns the tag."""
    parent, previous = tag.getparent(), tag.getprevious()
    if tag.tail:
        _append_text(parent, previous, tag.tail)
        tag.tail = None
    parent.remove(tag)
    return tag


def trim_edges(tag) -> None:
    """Remove leading/trailing <br> and whitespace (full-width indentation too) inside a block.

    Text is set only when trimming changes it (lxml's setters are not free)."""
    while True:  # the start: the tag's text, then a <br> and its tail, and so on
        text = tag.text
        if text:
            trimmed = text.lstrip(INLINE_SPACE)
            if trimmed:
                if trimmed != text:
                    tag.text = trimmed
                break
            tag.text = None
        elif len(tag) and tag[0].tag == "br":
            detach(tag[0])
        else:
            break
    while True:  # the end: the last child's tail, or the last <br>, or the text of an empty tag
        if not len(tag):
            text = tag.text
            if text:
                trimmed = text.rstrip(INLINE_SPACE)
                if trimmed != text:
                    tag.text = trimmed or None
            break
        last = tag[-1]
        tail = last.tail
        if tail:
            trimmed = tail.rstrip(INLINE_SPACE)
            if trimmed:
                if trimmed != tail:
                    last.tail = trimmed
                break
            last.tail = None
        elif last.tag == "br":
            tag.remove(last)
        else:
            break
