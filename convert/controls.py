"""Invisible characters that no metadata field or file name may carry: C0/C1 controls,
bidi marks, embeddings, overrides and isolates, a stray BOM, lone surrogates and
noncharacters. XML forbids some, the rest can reorder or hide what a title says."""

from __future__ import annotations

import dataclasses
import re

from .errors import PostWarning
from .model import Meta

_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"   # C0 (but tab and newlines) and C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\ufeff\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]")


def strip_controls(text: str) -> tuple[str, list[str]]:
    """(text without CONTROLS, the characters removed in order)."""
    removed = CONTROLS.findall(text)
    return (CONTROLS.sub("", text), removed) if removed else (text, [])


_NOT_TEXT = ("source_path", "source_sha256")
"""Meta string fields that are not the post's text (the path stays the file's real name)."""
_TEXT_FIELDS = tuple(f.name for f in dataclasses.fields(Meta) if f.name not in (*_NOT_TEXT, "extra"))
"""The Meta fields stripped one by one (`extra` is walked apart, keys included)."""


def strip_meta_controls(meta: Meta, path: str) -> list[PostWarning]:
    """Remove CONTROLS from every text field of `meta` (extra included), in place; one
    PostWarning per field names it. The reader calls it on front matter, normalize() on
    what the rules lift from the body: every output's metadata is then XML-safe."""
    warnings = []
    for name in _TEXT_FIELDS:
        value = getattr(meta, name)
        if not value or not isinstance(value, (str, list, dict)):
            continue   # empty, a date, a number: nothing to strip
        removed: list[str] = []
        value = _strip_value(value, removed)
        if removed:
            setattr(meta, name, list(dict.fromkeys(value)) if isinstance(value, list) else value)
            warnings.append(_controls_warning(path, name, removed))
    if not meta.extra:
        return warnings
    extra: dict = {}
    for key, value in meta.extra.items():
        removed = []
        clean = _strip_value(key, removed) or "_"
        if clean != key:
            clean = free_key(clean, {*extra, *meta.extra})
        extra[clean] = _strip_value(value, removed)
        if removed:
            warnings.append(_controls_warning(path, clean, removed))
    meta.extra = extra
    return warnings


def free_key(key: str, taken) -> str:
    """`key`, or `key_`, `key__`… the first not in `taken`: a key cleaned or moved aside
    never overwrites another one's value."""
    while key in taken:
        key += "_"
    return key


def _strip_value(value, removed: list[str]):
    """`value` (a string, or lists and dicts of them) without CONTROLS; appends what went."""
    if isinstance(value, str):
        clean, found = strip_controls(value)
        removed += found
        return clean
    if isinstance(value, list):
        return [v for v in (_strip_value(v, removed) for v in value) if v != ""]
    if isinstance(value, dict):
        out: dict = {}
        for k, v in value.items():
            clean = _strip_value(k, removed)
            out[free_key(clean, {*out, *value}) if clean != k else clean] = _strip_value(v, removed)
        return out
    return value


def _controls_warning(path: str, field: str, removed: list[str]) -> PostWarning:
    first = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(removed[:3]))
    return PostWarning(path, f"removed {len(removed)} control or bidi character(s) from {field} ({first})",
                       kind="metadata-controls")
