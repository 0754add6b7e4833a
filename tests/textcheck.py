"""Text-preservation check shared by the format tests: every CJK run of a post, in order."""

from __future__ import annotations

import html
import re

_NAV = re.compile(r"^\[返回[^\]]*\]\([^)]*\)(?:\s*[｜|]\s*\[返回[^\]]*\]\([^)]*\))*\s*$", re.M)
_HIDDEN = re.compile(r"<p[^>]*display\s*:\s*none[^>]*>.*?</p>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.S)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def body_of(post_text: str) -> str:
    """The post's body: after the front matter, without navigation links or hidden paragraphs."""
    match = re.match(r"\s*---\n.*?\n---\n", post_text, re.S)
    body = post_text[match.end():] if match else post_text
    body = _NAV.sub("", body)
    body = _HIDDEN.sub("", body)
    return html.unescape(_TAG.sub("", body))


def cjk_runs(text: str) -> list[str]:
    return _CJK.findall(text)


def missing_runs(expected_text: str, actual_text: str) -> list[str]:
    """CJK runs of `expected_text` not found in `actual_text` in the same order."""
    missing, position = [], 0
    actual = "".join(cjk_runs(actual_text))
    for run in cjk_runs(expected_text):
        found = actual.find(run, position)
        if found < 0:
            missing.append(run)
        else:
            position = found + len(run)
    return missing
