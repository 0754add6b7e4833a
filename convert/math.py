"""Math for the HTML page: TeX kept in the body (`<span class="math inline">\\(…\\)</span>`,
as pandoc writes it) becomes MathML, which browsers render with no script.

latex2mathml is pure Python and converts a formula in well under a millisecond; pandoc
(`--mathml`, used for the EPUB) would cost a process per page. A formula it cannot read
stays TeX, with a warning; the PDF keeps the TeX as it is (WeasyPrint renders no MathML).
"""

from __future__ import annotations

import html
import re

from .errors import warn

_MATH = re.compile(r'<span class="math (inline|display)">\\[(\[](.*?)\\[)\]]</span>', re.S)


def mathml(body: str, path: str) -> str:
    """The body with each TeX math span as a `<math>` element (the TeX kept as its annotation)."""
    if '<span class="math' not in body:
        return body
    from latex2mathml.converter import convert   # here: its import costs more than most pages

    def replace(match: re.Match) -> str:
        kind, tex = match.group(1), html.unescape(match.group(2))
        try:
            converted = convert(tex, display="block" if kind == "display" else "inline")
        except Exception as exc:   # latex2mathml raises many types for TeX it cannot read
            warn(path, f"math kept as TeX, not converted to MathML ({exc.__class__.__name__}): {tex[:80]!r}",
                 kind="math")
            return match.group(0)
        start = converted.index(">") + 1
        inner = converted[start:converted.rindex("</math>")]
        annotation = f'<annotation encoding="application/x-tex">{html.escape(tex, quote=False)}</annotation>'
        return f"{converted[:start]}<semantics><mrow>{inner}</mrow>{annotation}</semantics></math>"

    return _MATH.sub(replace, body)
