"""HTML body fragments as lxml trees: the one parser writers share (rules have their own)."""

from __future__ import annotations

import lxml.html

from .rules import html5


def parse(body: str):
    """The fragment inside a wrapper <div> (returned), so text before the first tag is kept."""
    return lxml.html.fragment_fromstring(body or "", create_parent="div")


def serialize(root) -> str:
    """The wrapper's content as HTML (the wrapper itself left out), written as the rules
    write it: lxml's own serializer would percent-encode a non-ASCII `href="#总体"`, which
    then matches no id."""
    return html5.serialize(root)
