"""Date parsing for front matter, file names and Chinese body text.

A date written without a zone takes the site's zone when it declares one; otherwise
(`zone` None) it stays floating: a naive datetime, written in every output without an
offset, rather than one invented for it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

_ISO = re.compile(
    r"""^\s*(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})
    (?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?
    \s*(?P<z>Z|[+-]\d{2}:?\d{2})?\s*$""",
    re.X,
)
_FILENAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")
_CHINESE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _offset(text: str) -> tzinfo:
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_datetime(value, zone: tzinfo | None) -> tuple[datetime | None, bool]:
    """Front-matter date (string, date or datetime) → (datetime, zone_was_missing).

    Jekyll's `2022-01-19 17:07:03 +0800` keeps its offset; a zone-less
    `2021-12-08 10:39:01` is put in `zone`, or stays naive when `zone` is None.
    Returns (None, False) when the value is not a valid date.
    """
    if isinstance(value, datetime):
        if value.tzinfo:
            return value, False
        return value.replace(tzinfo=zone), True
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone), True
    match = _ISO.match(str(value)) if value is not None else None
    if not match:
        return None, False
    g = match.groupdict()
    try:
        parsed = datetime(
            int(g["y"]), int(g["mo"]), int(g["d"]),
            int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0),
            int((g["f"] or "0").ljust(6, "0")),
        )
    except ValueError:
        return None, False
    if g["z"]:
        return parsed.replace(tzinfo=_offset(g["z"])), False
    return parsed.replace(tzinfo=zone), True


def from_filename(name: str, zone: tzinfo | None) -> datetime | None:
    """The date of a Jekyll post file name (`2022-01-19-slug.md`), midnight in `zone`
    (floating when `zone` is None)."""
    match = _FILENAME.match(name)
    if not match:
        return None
    try:
        return datetime(*map(int, match.groups()), tzinfo=zone)
    except ValueError:
        return None


def w3c(value: date | datetime) -> str:
    """W3C-DTF (XMP, PDF dates): `2022-01-19T17:07:03+08:00`, or the day alone for a
    floating datetime, since W3C-DTF has no time without a zone (and WeasyPrint would
    write one as UTC)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") if value.tzinfo else value.date().isoformat()
    return value.isoformat()


def chinese_date(text: str) -> date | None:
    """`2021年12月30日` anywhere in `text` → date(2021, 12, 30); None when absent or invalid."""
    match = _CHINESE.search(text)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None
