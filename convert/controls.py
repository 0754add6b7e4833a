"""Invisible characters that no metadata field or file name may carry: C0/C1 controls,
bidi marks, embeddings, overrides and isolates, a stray BOM, lone surrogates and
noncharacters. XML forbids some, the rest can reorder or hide what a title says."""

from __future__ import annotations

import re

_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"   # C0 (but tab and newlines) and C1 controls
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\ufeff\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]")


def strip_controls(text: str) -> tuple[str, list[str]]:
    """(text without CONTROLS, the characters removed in order)."""
    removed = CONTROLS.findall(text)
    return (CONTROLS.sub("", text), removed) if removed else (text, [])
