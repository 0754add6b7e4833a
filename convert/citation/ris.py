"""RIS (`TY  - NEWS`, `TY  - BLOG`) from a Record: one tag per line, CRLF, values already one line."""

from __future__ import annotations

from .record import Record, day


def _ris_date(rec_date) -> str | None:
    """RIS date `YYYY/MM/DD`."""
    d = day(rec_date)
    return f"{d.year:04d}/{d.month:02d}/{d.day:02d}" if d else None


def ris(rec: Record) -> str:
    """The RIS record; `ER` closes it. Values never hold line breaks (Record.clean)."""
    tags: list[tuple[str, str | None]] = [
        ("TY", rec.type_in("ris")),
        ("ID", rec.key),
        ("T1", rec.title),
        *(("AU", name) for name in rec.authors),
        ("T2", rec.container),
        ("DA", _ris_date(rec.issued)),
        ("PY", str(rec.year) if rec.year else None),
        ("Y2", _ris_date(rec.accessed)),
        ("UR", rec.url),
        ("PB", rec.publisher),
        ("AB", rec.abstract),
        *(("KW", keyword) for keyword in rec.keywords),
        ("LA", rec.language),
        ("M1", rec.number),
        ("OP", rec.original_publisher),
        ("N1", rec.authority),
    ]
    lines = [f"{tag}  - {value}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])
