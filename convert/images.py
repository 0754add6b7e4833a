"""The one image policy: an image is shown from its archived copy, or stands in as its
description and where it came from.

The resources were resolved once per post (convert/resources.py); each writer only says
how it points at an archived copy (the HTML and Markdown: the store's relative path; the
PDF: the file; the EPUB: the bytes). Every image without an archived copy is replaced
here, the same way for all of them, with the Locale's wording and its URL.
"""

from __future__ import annotations

import re
from typing import Callable

from lxml.html import Element

from . import fragment
from .locales import Locale

_WEB = re.compile(r"^https?://", re.I)
GENERIC = frozenset({"", "image", "images", "img", "picture", "pic", "photo", "figure", "graphic",
                     "图片", "图", "图像", "照片", "插图", "圖片", "圖", "圖像", "画像", "写真", "이미지", "사진"})
"""Alt texts that describe nothing ("Image", "图片"): a caption or title says more."""
_FILE_NAME = re.compile(r"^[\w.-]+\.(png|jpe?g|gif|webp|svg|bmp|tiff?|avif)$", re.I)


def is_web(src: str) -> bool:
    return bool(_WEB.match(src or ""))


def description(img) -> str:
    """What an image shows, in words: its alt text unless that says nothing ("Image",
    "图片", a file name), else its figure's caption, else its title."""
    alt = " ".join((img.get("alt") or "").split())
    if alt.strip("：:[]［］ ").casefold() not in GENERIC and not _FILE_NAME.match(alt):
        return alt
    figure = img.getparent()
    while figure is not None and figure.tag != "figure":
        figure = figure.getparent()
    caption = figure.find("figcaption") if figure is not None else None
    if caption is not None and caption.text_content().strip():
        return " ".join(caption.text_content().split())
    return " ".join((img.get("title") or "").split())


def place(body: str, locale: Locale, resources: dict, src_for: Callable) -> str:
    """Point each image at its archived copy (`src_for(resource)`), or replace it by a
    placeholder naming its description and its source.

    `<img src="https://x/a.jpg" alt="K线图">`, not archived →
    `<span class="image-placeholder">［图片：K线图］ <a href="https://x/a.jpg">https://x/a.jpg</a></span>`;
    `<img src="/assets/a.png" alt="Map">`, archived → `<img src="resources/3f…e1.png" alt="Map">`.
    """
    if "<img" not in body:
        return body
    root = fragment.parse(body)
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        resource = resources.get(src)
        target = (src_for(resource) if resource is not None and resource.archived and resource.kind == "image"
                  else None)
        if target:
            img.set("src", target)
            continue
        img.getparent().replace(img, placeholder(img, src, locale))
    return fragment.serialize(root)


def placeholder(img, src: str, locale: Locale):
    """`［图片：说明］ URL` in a span (the URL a link when it is on the web, and the image not
    already inside a link: links do not nest); keeps the tail."""
    stand_in = Element("span", {"class": "image-placeholder"})
    stand_in.text = locale.placeholder(description(img)) + (" " if src else "")
    if is_web(src) and next(img.iterancestors("a"), None) is None:
        link = Element("a", {"href": src})
        link.text = src
        stand_in.append(link)
    elif src:
        stand_in.text += src
    stand_in.tail = img.tail
    return stand_in
