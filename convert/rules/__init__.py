"""Normalization: an explicit, ordered list of small named rules over the sanitized body.

Each rule takes the body's root element and a Context, changes the tree in place, and
may fill `ctx.meta`. Order matters (links are unwrapped before source lines are read,
chrome is dropped before the trailing source URL is found); it is written out here,
once, as markdown-it-py keeps its core rules.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields

from ..controls import strip_meta_controls
from ..errors import PostWarning
from ..model import Document, Meta
from ..profiles import DEFAULT, Profile, load
from . import chrome, provenance, structure, tidy
from .html5 import parse, serialize


@dataclass
class Context:
    """What a rule may read and fill besides the tree: metadata, profile, warnings."""

    meta: Meta
    profile: Profile
    warnings: list[PostWarning] = field(default_factory=list)

    def warn(self, message: str, kind: str = "dropped") -> None:
        self.warnings.append(PostWarning(self.meta.source_path, message, kind=kind))


RULES = [
    ("drop_hidden", tidy.drop_hidden),
    ("unwrap_stock_links", chrome.unwrap_stock_links),
    ("drop_chart_images", chrome.drop_chart_images),
    ("drop_navigation_links", chrome.drop_navigation_links),
    ("resolve_links", chrome.resolve_links),
    ("flatten_class_divs", tidy.flatten_class_divs),
    ("plain_divs", tidy.plain_divs),
    ("loose_inline", tidy.loose_inline),
    ("tidy_blocks", tidy.tidy_blocks),
    ("heading_attributes", structure.heading_attributes),
    ("demote_headings", structure.demote_headings),
    ("extract_source_url", provenance.extract_source_url),
    ("extract_summary", structure.extract_summary),
    ("centered_headings", structure.centered_headings),
    ("document_number", provenance.document_number),
    ("section_heads", structure.section_heads),
    ("figures", structure.figures),
    ("footnotes", structure.footnotes),
    ("source_line", provenance.source_line),
    ("signature_block", provenance.signature_block),
    ("trailing_credit", provenance.trailing_credit),
    ("container", provenance.container),
    ("title_fallback", structure.title_fallback),
    ("drop_foreign_classes", tidy.drop_foreign_classes),
]
"""(name, function) in the order they run; each function's docstring shows before → after."""

__all__ = ["RULES", "Context", "normalize", "parse", "serialize"]


def _own_copy(meta: Meta) -> Meta:
    """A copy of `meta` the rules may change, its lists and dicts its own (deep-copying the
    whole Meta, datetimes and all, cost as much as several rules)."""
    return meta.replace(**{f.name: copy.deepcopy(value) for f in fields(meta)
                           if isinstance(value := getattr(meta, f.name), (list, dict))})


def normalize(doc: Document, profile: str | Profile | None = None) -> Document:
    """Run RULES over a sanitized Document with a profile (a name, default eastmoney);
    returns a new Document (input unchanged).

    Idempotent: normalizing a normalized Document changes neither body nor meta.
    """
    prof = profile if isinstance(profile, Profile) else load(profile or DEFAULT)
    ctx = Context(meta=_own_copy(doc.meta), profile=prof)
    root = parse(doc.body)
    for _name, rule in RULES:
        rule(root, ctx)
    body = serialize(root)
    lifted = strip_meta_controls(ctx.meta, ctx.meta.source_path)   # fields the rules took from the body
    return Document(meta=ctx.meta, body=body, warnings=[*doc.warnings, *ctx.warnings, *lifted],
                    source_bytes=doc.source_bytes)
