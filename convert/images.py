"""The one image policy: an image a format will not show becomes its description.

Each paged or packaged writer says which images it keeps (the PDF: local files, and web
images when fetching is allowed; the EPUB: none; the Markdown: web images); every other
image is replaced here, the same way for all of them, with the Locale's wording.
"""

from __future__ import annotations

import re
from typing import Callable

from lxml.html import Element

from . import fragment
from .locales import Locale

_WEB = re.compile(r"^https?://", re.I)


def is_web(src: str) -> bool:
    return bool(_WEB.match(src or ""))


def describe(body: str, locale: Locale, keep: Callable[[str], bool]) -> str:
    """Replace every image whose `src` is not kept by a placeholder with its description.

    `<img src="https://x/a.jpg" alt="K线图">` → `<a class="image-placeholder" href="https://x/a.jpg">［图片：K线图］</a>`;
    `<img src="a.png" alt="Map">` (English) → `<span class="image-placeholder">[Image: Map]</span>`.
    """
    if "<img" not in body:
        return body
    root = fragment.parse(body)
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        if keep(src):
            continue
        if is_web(src):
            stand_in = Element("a", {"class": "image-placeholder", "href": src})
        else:
            stand_in = Element("span", {"class": "image-placeholder"})
        stand_in.text = locale.placeholder(" ".join((img.get("alt") or "").split()))
        stand_in.tail = img.tail
        img.getparent().replace(img, stand_in)
    return fragment.serialize(root)
