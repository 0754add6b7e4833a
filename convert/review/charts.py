"""The review page's charts as inline SVG made here (no script, no library, nothing
fetched): horizontal bars for named counts, columns for a series (months, buckets).
Each chart is an image with a title a screen reader reads, and every bar shows its
number as text, so nothing depends on colour alone."""

from __future__ import annotations

from html import escape

WIDTH = 360
ROW = 22
"""Height of one horizontal bar's row, in SVG units."""
COLUMN_HEIGHT = 120
MIN_COUNTED = 14
"""A column narrower than this (px) shows its count only on hover (its <title>), and the
tallest one's: the numbers of narrower columns would run into each other."""


def _svg(title: str, height: int, body: list[str], ident: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="{ident}">{escape(title)}</title>{"".join(body)}</svg>')


def bars(title: str, rows: list[tuple[str, int]], ident: str, classes: dict[str, str] | None = None) -> str:
    """One labelled bar per (label, count), longest = full width; `classes` colours some labels."""
    top = max((value for _, value in rows), default=0) or 1
    label_width = 120
    span = WIDTH - label_width - 40
    body = []
    for n, (label, value) in enumerate(rows):
        y = n * ROW
        length = round(span * value / top, 1)
        shown = label if len(label) <= 14 else label[:13] + "…"
        cls = (classes or {}).get(label, "bar")
        body.append(f'<g><title>{escape(label)}: {value}</title>'
                    f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
                    f'<rect class="{cls}" x="{label_width}" y="{y + 4}" width="{max(length, 1)}" height="{ROW - 8}"/>'
                    f'<text x="{label_width + max(length, 1) + 4}" y="{y + 15}">{value}</text></g>')
    return _svg(title, max(len(rows), 1) * ROW, body, ident)


def columns(title: str, rows: list[tuple[str, int]], ident: str) -> str:
    """One column per (label, count) in the given order, the count above it and the label
    below (every label when there is room, else every few)."""
    top = max((value for _, value in rows), default=0) or 1
    count = max(len(rows), 1)
    step = (WIDTH - 10) / count
    every = max(1, round(count / 8))
    base = COLUMN_HEIGHT - 20
    body = [f'<line class="axis" x1="5" y1="{base}" x2="{WIDTH - 5}" y2="{base}"/>']
    for n, (label, value) in enumerate(rows):
        x = 5 + n * step
        height = round((base - 16) * value / top, 1)
        middle = round(x + step / 2, 1)
        body.append(f'<g><title>{escape(label)}: {value}</title>'
                    f'<rect class="bar" x="{round(x + step * 0.15, 1)}" y="{base - height}" '
                    f'width="{round(step * 0.7, 1)}" height="{height}"/>'
                    + (f'<text x="{middle}" y="{base - height - 3}" text-anchor="middle">{value}</text>'
                       if value and (step >= MIN_COUNTED or value == top) else "")
                    + (f'<text x="{middle}" y="{base + 14}" text-anchor="middle">{escape(label)}</text>'
                       if n % every == 0 else "") + "</g>")
    return _svg(title, COLUMN_HEIGHT, body, ident)
