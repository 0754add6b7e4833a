"""Image bytes, checked and made fit to keep: the type sniffed from the content (never the
name or a server's word), SVG sanitized, EXIF orientation applied and location removed
from the archived copy, and a smaller copy in a core EPUB 3 type for the PDF and EPUB.
"""

from __future__ import annotations

import functools
import io
import re

from lxml import etree

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
               "bmp": "image/bmp", "tiff": "image/tiff", "avif": "image/avif", "svg": "image/svg+xml"}
"""Image types Octavo keeps (sniffed kind → media type)."""
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
            "image/bmp": ".bmp", "image/tiff": ".tif", "image/avif": ".avif", "image/svg+xml": ".svg"}
EPUB_CORE = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml"})
"""EPUB 3's core image media types; the others are converted for the PDF and EPUB."""
MAX_SIDE = 1600
"""Longest side, in pixels, of an image embedded in the PDF or EPUB (the stored copy keeps
its size): 1600 px across a 16 cm text column is 250 dpi."""
MAX_PIXELS = 64_000_000
"""Larger images are refused rather than decoded (a decompression bomb)."""
GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


class NotAnImage(ValueError):
    """Bytes that are not an image Octavo keeps (an HTML error page, a broken file)."""


def sniff(data: bytes) -> str:
    """The media type of `data` from its first bytes; NotAnImage when it is none we keep."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head[:2] == b"BM":
        kind = "bmp"
    elif head[:4] in (b"II*\x00", b"MM\x00*"):
        kind = "tiff"
    elif head[4:12] in (b"ftypavif", b"ftypavis"):
        kind = "avif"
    elif _looks_like_svg(data):
        kind = "svg"
    else:
        raise NotAnImage("not an image (" + _what(data) + ")")
    return MEDIA_TYPES[kind]


def _what(data: bytes) -> str:
    text = data[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<body" in text:
        return "an HTML page"
    return "unknown content" if data else "empty"


def _looks_like_svg(data: bytes) -> bool:
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    text = re.sub(rb"^(<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)+", b"", text, flags=re.S)
    return text.startswith(b"<svg")


def clean(data: bytes, media_type: str) -> bytes:
    """The copy to archive: SVG sanitized; a raster image whose EXIF says it is rotated or
    locates it re-encoded upright and without the location; anything else as it came.
    NotAnImage when it cannot be decoded or is too large to decode safely."""
    if media_type == "image/svg+xml":
        return sanitize_svg(data)
    from PIL import ImageOps

    image = _open(data)
    exif = image.getexif()
    if exif.get(ORIENTATION_TAG, 1) in (0, 1) and GPS_TAG not in exif:
        return data
    upright = ImageOps.exif_transpose(image)
    kept = upright.getexif()
    kept.pop(GPS_TAG, None)
    kept.pop(ORIENTATION_TAG, None)
    out = io.BytesIO()
    upright.save(out, format=image.format, exif=kept.tobytes(), **_quality(image.format))
    return out.getvalue()


def _open(data: bytes):
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise NotAnImage(f"{image.width}×{image.height} pixels, over the {MAX_PIXELS:,} limit")
        image.load()
    except NotAnImage:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise NotAnImage(f"cannot be decoded ({exc.__class__.__name__})") from None
    return image


def _quality(fmt: str | None) -> dict:
    return {"quality": 90} if fmt in ("JPEG", "WEBP") else {}


@functools.lru_cache(maxsize=64)
def for_embedding(data: bytes, media_type: str) -> tuple[bytes, str]:
    """(bytes, media type) to embed in the PDF and EPUB: at most MAX_SIDE pixels on the longest
    side, in a core EPUB 3 type (WebP, AVIF, TIFF and BMP become PNG, or JPEG for photos)."""
    if media_type == "image/svg+xml":
        return data, media_type
    image = _open(data)
    if media_type in EPUB_CORE and max(image.size) <= MAX_SIDE:
        return data, media_type
    if media_type == "image/gif" and getattr(image, "is_animated", False):
        return data, media_type    # an animation is kept whole; its frames would be lost
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    photo = media_type in ("image/jpeg", "image/webp", "image/avif") and image.mode in ("RGB", "L", "CMYK")
    out = io.BytesIO()
    if photo:
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
        return out.getvalue(), "image/jpeg"
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), "image/png"


_SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_ACTIVE = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)[^)]*\)", re.I)


def sanitize_svg(data: bytes) -> bytes:
    """SVG without any reference outside itself (href, xlink:href and CSS url() other than
    `#fragment` are removed), comments or processing instructions. NotAnImage when it is not
    well-formed SVG, or when it holds script, event handlers or foreign content: an image
    that acts is refused, not repaired."""
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAnImage(f"not well-formed SVG ({exc.msg})") from None
    if etree.QName(root).localname != "svg":
        raise NotAnImage("not an SVG document")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):         # comments and processing instructions
            if element.getparent() is not None:
                element.getparent().remove(element)
            continue
        if etree.QName(element).localname in _ACTIVE:
            raise NotAnImage(f"SVG with <{etree.QName(element).localname}> (active content)")
        for name, value in list(element.attrib.items()):
            local = etree.QName(name).localname.lower()
            if local.startswith("on"):
                raise NotAnImage(f"SVG with an event handler ({local})")
            if local == "href" and not value.strip().startswith("#"):
                del element.attrib[name]
            elif local == "style" and _URL.search(value):
                element.set(name, _URL.sub("none", value))
        if etree.QName(element).localname == "style" and element.text:
            element.text = _URL.sub("none", element.text).replace("@import", "")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
