"""Audio, video and subtitle bytes: what they are, by their own first bytes.

A server's Content-Type and a file's name are claims; an HTML error page served as
`video/mp4` is not a video. So a media file is kept only when its container's signature
says what it is (MP3, MP4/M4A, Ogg with Opus, Vorbis or Theora, WebM/Matroska, WAV, FLAC),
and a `<track>` only when it is UTF-8 WebVTT. EPUB 3 takes some of these as they are
(its core media types) and plays video from any container (exempt); the rest of its audio
needs a fallback (convert/writers/epub.py).
"""

from __future__ import annotations

SUFFIXES = {
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "video/mp4": ".mp4", "video/quicktime": ".mov",
    "audio/ogg; codecs=opus": ".opus", "audio/ogg": ".ogg", "video/ogg": ".ogv",
    "video/webm": ".webm", "audio/webm": ".weba", "video/x-matroska": ".mkv",
    "audio/wav": ".wav", "audio/flac": ".flac", "text/vtt": ".vtt",
}
"""Media type → the suffix of the archived copy."""
EPUB_CORE_AUDIO = frozenset({"audio/mpeg", "audio/mp4", "audio/ogg; codecs=opus"})
"""EPUB 3.3's core audio media types (§3.2): MP3, AAC LC in MP4, Opus in Ogg."""


class NotMedia(ValueError):
    """Bytes that are not the audio, video or subtitles they were named as (the reason)."""


def sniff(data: bytes, element: str) -> str:
    """The media type of `data`, used by a `<video>` or `<audio>` (`element`), from its
    signature; NotMedia names what it is instead.

    `b"ID3\\x04..."` → `audio/mpeg`; `b"<!DOCTYPE html>..."` → NotMedia("not audio or video (an HTML page)").
    """
    video = element == "video"
    head = data[:64]
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                                   and head[1] & 0x06):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") or not video and brand != b"M4V " else "video/mp4"
    if head.startswith(b"OggS"):
        window = data[:4096]
        if b"theora" in window:
            return "video/ogg"
        if b"OpusHead" in window:
            return "audio/ogg; codecs=opus"
        if b"vorbis" in window:
            return "audio/ogg"
        raise NotMedia("not audio or video (an Ogg file holding neither Opus, Vorbis nor Theora)")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"matroska" in data[:64]:
            return "video/x-matroska"
        return "video/webm" if video else "audio/webm"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    raise NotMedia(f"not audio or video ({_what(data)})")


def sniff_track(data: bytes) -> str:
    """`text/vtt` for UTF-8 WebVTT (a BOM allowed), else NotMedia."""
    text = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not (text.startswith(b"WEBVTT") and (len(text) == 6 or text[6:7] in (b" ", b"\t", b"\n", b"\r"))):
        raise NotMedia(f"not WebVTT subtitles ({_what(data)})")
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        raise NotMedia("WebVTT that is not UTF-8") from None
    return "text/vtt"


def _what(data: bytes) -> str:
    """A few words on what unrecognized bytes look like (for the warning)."""
    start = data[:512].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start:
        return "an HTML page"
    if not data:
        return "an empty file"
    return "an unknown format"
