"""HTML body fragments as lxml trees: the one parser writers share (rules have their own)."""

from __future__ import annotations

from html import escape

import lxml.html


def parse(body: str):
    """The fragment inside a wrapper <div> (returned), so text before the first tag is kept."""
    return lxml.html.fragment_fromstring(body or "", create_parent="div")


def serialize(root) -> str:
    """The wrapper's content as HTML (the wrapper itself left out)."""
    return escape(root.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root)
