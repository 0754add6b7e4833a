"""What normalization removed from a post, recomputed for the review page: the reader's
sanitized body (what the rules receive) is compared, word by word, with the normalized
Document (its body, and the fields the rules lifted into its metadata).

Recomputing rather than recording keeps the rules free of bookkeeping and shows what was
really lost, whichever rule did it: a run of words missing from the Document is a removal
unless it turns up elsewhere in it (moved: a summary, a source line, a signature). What
the sanitizer dropped before the rules (scripts, styles) is named by the reader's
warnings, shown beside this.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree

from ..model import Document, Meta
from ..rules import normalize
from ..rules.html5 import parse
from ..settings import Settings

BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "pre", "blockquote",
                    "figcaption", "caption", "div", "section", "article", "aside", "header", "footer", "nav",
                    "address", "details", "summary", "figure", "table", "tr", "ul", "ol", "dl", "body"})
"""Elements whose text is shown as one passage (its nested blocks are passages of their own)."""

LIFTED = ("title", "summary", "canonical_url", "source", "container", "doc_number", "issuer", "signed_date")
"""Meta fields the rules fill from the body: words moved there are not removed."""

SHOWN = 600
"""Characters of one passage shown on a card (the rest is counted, not shown)."""

_WORD = re.compile(r"[^\W_]+")


def _norm(token: str) -> str:
    return unicodedata.normalize("NFKC", token).casefold()


@dataclass
class Passage:
    """One block of the post's text that lost words: its text as runs of (text, removed)."""

    runs: list[tuple[str, bool]]

    @property
    def whole(self) -> bool:
        """Every word of the block went."""
        return not any(removed is False and _WORD.search(text) for text, removed in self.runs)

    @property
    def removed_text(self) -> str:
        return " ".join(text.strip() for text, removed in self.runs if removed)


@dataclass
class Comparison:
    """A post read again: the normalized metadata (for the card) and what the rules removed."""

    meta: Meta
    passages: list[Passage] = field(default_factory=list)
    letters: int = 0
    """Letters and digits of the post's text (a CJK run counts each character)."""
    removed: int = 0
    """Of those, how many the rules removed."""


def _own_text(element: etree._Element) -> str:
    """An element's text without that of the blocks nested in it (each is its own passage)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCKS:
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _blocks(html: str) -> list[str]:
    """The body's passages in document order, whitespace folded, empty ones left out."""
    root = parse(html)
    texts = [" ".join(_own_text(el).split()) for el in root.iter() if isinstance(el.tag, str) and el.tag in BLOCKS]
    return [t for t in texts if _WORD.search(t)]


def _document_text(doc: Document) -> tuple[list[str], str]:
    """The normalized body's tokens, and the lifted metadata's text."""
    body = " ".join(parse(doc.body).itertext())
    lifted = " ".join(str(getattr(doc.meta, name)) for name in LIFTED if getattr(doc.meta, name))
    return [_norm(t) for t in _WORD.findall(body)], lifted


def compare(before: Document, settings: Settings) -> Comparison:
    """Normalize `before` (a Document as `read_post` makes it) and name the runs of words
    the rules removed, by block."""
    after = normalize(before, settings.profile)
    blocks = _blocks(before.body)
    spans = [(b, m) for b, text in enumerate(blocks) for m in _WORD.finditer(text)]
    old = [_norm(m.group()) for _, m in spans]
    new, lifted = _document_text(after)
    found = "".join(new) + "\0" + "".join(_norm(t) for t in _WORD.findall(lifted))
    removed = [False] * len(old)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag not in ("delete", "replace"):
            continue
        for _, group in itertools.groupby(range(i1, i2), key=lambda i: spans[i][0]):   # block by block
            run = list(group)
            if "".join(old[i] for i in run) not in found:
                for i in run:
                    removed[i] = True
    comparison = Comparison(meta=after.meta, letters=sum(map(len, old)),
                            removed=sum(len(word) for word, gone in zip(old, removed) if gone))
    marked: dict[int, list[tuple[int, int, bool]]] = {}
    for (b, match), gone in zip(spans, removed):
        marked.setdefault(b, []).append((match.start(), match.end(), gone))
    for b, words in marked.items():
        if any(gone for *_, gone in words):
            comparison.passages.append(Passage(_runs(blocks[b], words)))
    return comparison


def _runs(text: str, words: list[tuple[int, int, bool]]) -> list[tuple[str, bool]]:
    """The block's text cut into runs of kept and removed words (what lies between two
    removed words is removed with them), shortened to SHOWN characters."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for n, (start, end, gone) in enumerate(words):
        joined = gone and n > 0 and words[n - 1][2]
        if start > position:
            runs.append((text[position:start], joined))
        runs.append((text[start:end], gone))
        position = end
    if position < len(text):
        runs.append((text[position:], False))
    merged: list[tuple[str, bool]] = []
    for piece, gone in runs:
        if merged and merged[-1][1] == gone:
            merged[-1] = (merged[-1][0] + piece, gone)
        else:
            merged.append((piece, gone))
    return _shorten(merged)


def _shorten(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out, left = [], SHOWN
    for piece, gone in runs:
        if left <= 0:
            rest = sum(len(p) for p, _ in runs) - SHOWN
            out.append((f" … (+{rest})", False))
            break
        out.append((piece[:left], gone))
        left -= len(piece)
    return out
