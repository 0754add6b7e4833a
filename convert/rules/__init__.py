"""Normalization: an explicit, ordered list of small named rules over the sanitized body.

Each rule takes the body's root element and a Context, changes the tree in place, and
may fill `ctx.meta`. Order matters (links are unwrapped before source lines are read,
chrome is dropped before the trailing source URL is found); it is written out here,
once, as markdown-it-py keeps its core rules. Rules that read a news article's shape
(an opening quote as its summary, a trailing bare link as its original, bold lines as
headings, source and signature lines) are marked NEWS: they run only under a profile
whose genre is news; a blog's opening quote is a quote. What Octavo marked itself
(`::: summary`, `::: signature` in its own Markdown, read back) is read for any genre.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..controls import strip_meta_controls
from ..errors import PostWarning
from ..model import Document, Meta
from ..profiles import AUTO, Profile, choose, load
from . import anchors, chrome, provenance, structure, tidy
from .html5 import parse, serialize


@dataclass
class Context:
    """What a rule may read and fill besides the tree: metadata, profile, warnings."""

    meta: Meta
    profile: Profile
    warnings: list[PostWarning] = field(default_factory=list)

    def warn(self, message: str, kind: str = "dropped") -> None:
        self.warnings.append(PostWarning(self.meta.source_path, message, kind=kind))


ANY = frozenset({"news", "blog"})
NEWS = frozenset({"news"})

RULES = [
    ("anchor_names", anchors.anchor_names, ANY),
    ("drop_hidden", tidy.drop_hidden, ANY),
    ("unwrap_stock_links", chrome.unwrap_stock_links, ANY),
    ("drop_chart_images", chrome.drop_chart_images, ANY),
    ("drop_navigation_links", chrome.drop_navigation_links, ANY),
    ("resolve_links", chrome.resolve_links, ANY),
    ("flatten_class_divs", tidy.flatten_class_divs, ANY),
    ("plain_divs", tidy.plain_divs, ANY),
    ("blocks_out_of_inline", tidy.blocks_out_of_inline, ANY),
    ("loose_inline", tidy.loose_inline, ANY),
    ("tidy_blocks", tidy.tidy_blocks, ANY),
    ("heading_attributes", structure.heading_attributes, ANY),
    ("demote_headings", structure.demote_headings, ANY),
    ("extract_source_url", provenance.extract_source_url, NEWS),
    ("extract_summary", structure.extract_summary, NEWS),
    ("summary_div", structure.summary_div, ANY),
    ("centered_headings", structure.centered_headings, NEWS),
    ("document_number", provenance.document_number, NEWS),
    ("section_heads", structure.section_heads, NEWS),
    ("figures", structure.figures, ANY),
    ("footnotes", structure.footnotes, ANY),
    ("source_line", provenance.source_line, NEWS),
    ("signature_block", provenance.signature_block, NEWS),
    ("signature_div", provenance.signature_div, ANY),
    ("trailing_credit", provenance.trailing_credit, NEWS),
    ("container", provenance.container, ANY),
    ("title_fallback", structure.title_fallback, ANY),
    ("drop_foreign_classes", tidy.drop_foreign_classes, ANY),
    ("unique_ids", anchors.unique_ids, ANY),
    ("in_page_links", anchors.in_page_links, ANY),
]
"""(name, function, genres it runs for) in the order they run; each function's docstring
shows before → after."""

__all__ = ["RULES", "Context", "normalize", "parse", "serialize", "ANY", "NEWS"]


def _own_copy(meta: Meta) -> Meta:
    """A copy of `meta` the rules may change, its lists and dicts its own (deep-copying the
    whole Meta, datetimes and all, cost as much as several rules)."""
    return meta.replace(**{f.name: _copied(value) for f in fields(meta)
                           if isinstance(value := getattr(meta, f.name), (list, dict))})


_SHARED = (str, int, float, bool, type(None))
"""Immutable values a copy may share, as copy.deepcopy shares them."""


def _copied(value):
    """copy.deepcopy for front matter's lists and dicts of plain values, at a fraction of
    its cost (deepcopy's memo and dispatch were half of the copy); anything else is deep-copied."""
    if isinstance(value, list):
        return [item if isinstance(item, _SHARED) else _copied(item) for item in value]
    if isinstance(value, dict):
        return {key: item if isinstance(item, _SHARED) else _copied(item) for key, item in value.items()}
    return copy.deepcopy(value)


def normalize(doc: Document, profile: str | Profile | None = None) -> Document:
    """Run RULES over a sanitized Document with a profile (a name; `auto` or None: the one
    read_post chose, `doc.profile`, else the one `profiles.choose` gives the post), only
    those for its genre; returns a new Document (input unchanged).

    Idempotent: normalizing a normalized Document changes neither body nor meta.
    """
    if isinstance(profile, Profile):
        prof = profile
    elif profile in (None, AUTO):
        prof = load(doc.profile or choose(AUTO, Path(doc.meta.source_path) if doc.meta.source_path else None,
                                          text=doc.source_bytes or doc.body.encode("utf-8")).name)
    else:
        prof = load(profile)
    ctx = Context(meta=_own_copy(doc.meta), profile=prof)
    root = parse(doc.body)
    for _name, rule, genres in RULES:
        if prof.genre in genres:
            rule(root, ctx)
    body = serialize(root)
    lifted = strip_meta_controls(ctx.meta, ctx.meta.source_path)   # fields the rules took from the body
    return Document(meta=ctx.meta, body=body, warnings=[*doc.warnings, *ctx.warnings, *lifted],
                    source_bytes=doc.source_bytes, profile=prof.name)
