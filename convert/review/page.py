"""The review page's HTML: a summary (counts, validators, time, charts), filters and one
card per article. One file: its style, script, charts and thumbnails are inline, and its
only links are to the outputs themselves, so it works from a USB stick with no server."""

from __future__ import annotations

import base64
import json
import os
from collections import Counter
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from .. import __version__, locales
from ..errors import BY_DESIGN
from ..model import conversion_time
from ..report import OUTCOMES, worth_reading
from . import Article, Review, by_kind, charts, labels

KINDS = ("pdf", "epub", "record", "warc")
SIZE_BUCKETS = ((50, "<50 KB"), (100, "50–100 KB"), (200, "100–200 KB"), (500, "200–500 KB"),
                (1000, "0.5–1 MB"), (2000, "1–2 MB"), (5000, "2–5 MB"), (None, "≥5 MB"))
"""Buckets of the size chart (upper bound in KB, label)."""
TOP_CATEGORIES = 10
MAX_MONTHS = 36
"""A timeline longer than this many months is charted per year (its columns stay readable)."""


def _asset(name: str) -> str:
    return resources.files("convert.data").joinpath(name).read_text(encoding="utf-8")


def _e(value) -> str:
    return escape(str(value), quote=True)


def _size(count: int | None) -> str:
    if count is None:
        return "?"
    if count < 1024:
        return f"{count} B"
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def _month(article: Article) -> str:
    date = article.meta.date if article.meta else None
    return f"{date.year}-{date.month:02d}" if date else ""


def _categories(article: Article, words: dict) -> list[str]:
    return list(article.meta.categories) if article.meta and article.meta.categories else [words["none"]]


def _warned(article: Article) -> bool:
    return any(worth_reading(w["kind"]) for w in article.entry["warnings"])


def _has_problems(article: Article) -> bool:
    return any(not p.unchecked for problems in article.problems.values() for p in problems)


def _page_lang(review: Review) -> str:
    tags = Counter(a.meta.lang for a in review.articles if a.meta)
    return tags.most_common(1)[0][0] if tags else "en"


def render(review: Review, folder: Path) -> str:
    """The whole page; links to outputs are relative to `folder` (where the page is written)."""
    lang = _page_lang(review)
    words = labels.for_tag(lang)
    where = review.where
    order = sorted(review.articles, key=lambda a: (a.entry["outcome"] != "failed", not _has_problems(a),
                                                   not _warned(a), _month(a) or "9999", a.name))
    made = conversion_time().strftime("%Y-%m-%d %H:%M UTC")
    lead = "lead_one" if len(review.articles) == 1 else "lead"
    return "".join([
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Octavo {_e(__version__)}">'
        f'<title>{_e(words["title"].format(where=where))}</title><style>{_asset("review.css")}</style></head><body>',
        f'<a class="skip" href="#articles">{_e(words["skip"])}</a>',
        f'<header class="top"><h1>{_e(words["title"].format(where=where))}</h1>'
        f'<p>{_e(words[lead].format(n=len(review.articles), made=made, version=__version__))}</p></header><main>',
        _summary(review, words),
        _articles(review, order, words, lang, folder),
        f'</main><script>{_asset("review.js")}</script></body></html>\n',
    ])


def _summary(review: Review, words: dict) -> str:
    counts = review.report["counts"]
    tiles = [("total", counts["total"])] + [(name, counts[name]) for name in OUTCOMES] + [("warned", counts["warned"])]
    stats = "".join(f'<div class="{name}" data-count="{name}"><dt>{_e(words[name])}</dt><dd>{value}</dd></div>'
                    for name, value in tiles)
    seconds = review.report.get("seconds")
    time_line = words["time"].format(seconds="?" if seconds is None else f"{seconds:.1f}", page=f"{review.seconds:.1f}")
    stale = (f'<p class="stale" role="note">{_e(words["changed"].format(n=review.changed))}</p>'
             if review.changed else "")
    return (f'<section class="panel" aria-labelledby="summary"><h2 id="summary">{_e(words["summary"])}</h2>'
            f'<dl class="stats">{stats}</dl><p class="note">{_e(time_line)}</p>{stale}'
            f'<h3>{_e(words["validators"])}</h3>{_validators(review, words)}'
            f'<div class="charts">{_charts(review, words)}</div></section>')


def _validators(review: Review, words: dict) -> str:
    if not review.checks_run:
        return f'<p class="note">{_e(words["no_checks"])}</p>'
    tally = by_kind(review.articles)
    columns = ("checked", "problems", "unchecked")
    head = "".join(f'<th scope="col">{_e(words[key])}</th>' for key in ("validator", *columns))
    rows = "".join(f'<tr data-kind="{kind}"><th scope="row">{_e(words["check_" + kind])}</th>'
                   + "".join(f'<td class="num {key}">{tally[kind][key]}</td>' for key in columns)
                   + "</tr>" for kind in KINDS if kind in tally)
    return f'<table class="checks"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _timeline(months: Counter, words: dict) -> tuple[str, list[tuple[str, int]]]:
    """The articles over time, every month from the first to the last (an empty one shows
    as a gap, not left out), or every year when that spans more than MAX_MONTHS (see
    _years); undated ones last. Returns the key of the chart's title in `words` and its columns."""
    undated = months.pop(words["undated"], 0)
    dated = sorted(months)
    rows: list[tuple[str, int]] = []
    if dated:
        first, last = (int(dated[0][:4]), int(dated[0][5:])), (int(dated[-1][:4]), int(dated[-1][5:]))
        span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
        if span <= MAX_MONTHS:
            keys = [f"{first[0] + (first[1] - 1 + n) // 12}-{(first[1] - 1 + n) % 12 + 1:02d}" for n in range(span)]
            rows = [(key if span <= 8 else key[2:], months[key]) for key in keys]
        else:
            rows = _years(Counter(int(month[:4]) for month in months.elements()))
    if undated:
        rows.append((words["undated"], undated))
    per_year = bool(dated) and span > MAX_MONTHS
    return ("chart_years" if per_year else "chart_months"), rows


def _years(years: Counter) -> list[tuple[str, int]]:
    """A column per year from the first to the last; past MAX_MONTHS years (a post dated
    9999 among posts of 2009–2017 made 7,991 columns, 300 KB of SVG) a stretch of more than
    one empty year is one empty column `…`, so the columns stay as many as the data."""
    first, last = min(years), max(years)
    if last - first < MAX_MONTHS:
        return [(str(year), years[year]) for year in range(first, last + 1)]
    rows: list[tuple[str, int]] = []
    held = sorted(years)
    for year, following in zip(held, held[1:] + [None]):
        rows.append((str(year), years[year]))
        if following is not None and following - year == 2:
            rows.append((str(year + 1), 0))
        elif following is not None and following - year > 2:
            rows.append(("…", 0))
    return rows


def _charts(review: Review, words: dict) -> str:
    articles = review.articles
    counts = review.report["counts"]
    short = {name: words.get(f"{name}_short", words[name]) for name in OUTCOMES}
    outcome_rows = [(short[name], counts[name]) for name in OUTCOMES]
    colours = {short[name]: name for name in OUTCOMES}
    months = Counter(_month(a) or words["undated"] for a in articles if a.meta)
    time_key, month_rows = _timeline(months, words)
    categories = Counter(c for a in articles if a.meta for c in _categories(a, words))
    top = categories.most_common(TOP_CATEGORIES)
    rest = sum(categories.values()) - sum(n for _, n in top)
    category_rows = top + ([(words["other"], rest)] if rest else [])
    pages = Counter(a.pages for a in articles if a.pages)
    page_rows = [(str(n), pages[n]) for n in range(1, max(pages, default=0) + 1)]
    sizes = Counter(_bucket(sum(b or 0 for _, b in a.outputs)) for a in articles if a.outputs)
    size_rows = [(label, sizes[label]) for _, label in SIZE_BUCKETS]
    while size_rows and not size_rows[-1][1]:
        size_rows.pop()
    while size_rows and not size_rows[0][1]:
        size_rows.pop(0)
    figures = [("chart_outcomes", charts.bars(words["chart_outcomes"], outcome_rows, "c-outcomes", colours)),
               (time_key, charts.columns(words[time_key], month_rows, "c-months")),
               ("chart_categories", charts.bars(words["chart_categories"], category_rows, "c-categories")),
               ("chart_pages", charts.columns(words["chart_pages"], page_rows, "c-pages")),
               ("chart_sizes", charts.columns(words["chart_sizes"], size_rows, "c-sizes"))]
    return "".join(f'<figure><figcaption aria-hidden="true">{_e(words[key])}</figcaption>{svg}</figure>'
                   for key, svg in figures)


def _bucket(size: int) -> str:
    kb = size / 1024
    return next(label for bound, label in SIZE_BUCKETS if bound is None or kb < bound)


def _options(name: str, label: str, values: list[tuple[str, str]], words: dict) -> str:
    options = f'<option value="">{_e(words["all"])}</option>' + "".join(
        f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in values)
    return f'<label>{_e(label)}<select name="{name}">{options}</select></label>'


def _articles(review: Review, order: list[Article], words: dict, lang: str, folder: Path) -> str:
    articles = review.articles
    outcomes = [(name, words[name]) for name in OUTCOMES if any(a.entry["outcome"] == name for a in articles)]
    outcomes += [("warned", words["warned"])] + ([("problems", words["check_failures"])]
                                                  if any(_has_problems(a) for a in articles) else [])
    categories = Counter(c for a in articles for c in _categories(a, words))
    months = sorted({_month(a) for a in articles if _month(a)})
    locale = locales.for_tag(lang)
    month_names = [(m, locale.month(conversion_time().replace(year=int(m[:4]), month=int(m[5:]), day=1)))
                   for m in months]
    languages = sorted({a.meta.lang for a in articles if a.meta})
    form = (f'<form id="filters" class="filters" role="search" aria-label="{_e(words["filters"])}">'
            + _options("outcome", words["outcome"], outcomes, words)
            + _options("category", words["category"], [(c, f"{c} ({n})") for c, n in sorted(categories.items())], words)
            + _options("month", words["month"], month_names, words)
            + _options("language", words["language"], [(t, t) for t in languages], words)
            + f'<label class="search">{_e(words["search"])}<input type="search" name="q" '
              f'placeholder="{_e(words["search_hint"])}" aria-describedby="search-key"></label>'
            + f'<button type="button" id="show-all">{_e(words["reset"])}</button>'
            + f'<span id="search-key" hidden>{_e(words["search_key"])}</span></form>')
    total = len(articles)
    cards = "".join(_card(a, n, words, lang, folder) for n, a in enumerate(order))
    return (f'<section aria-labelledby="articles"><h2 id="articles" tabindex="-1">{_e(words["articles"])}</h2>{form}'
            f'<p id="shown" aria-live="polite" data-template="{_e(words["shown"])}">'
            f'{_e(words["shown"].format(shown=total, total=total))}</p>'
            f'<p id="empty" hidden>{_e(words["none_shown"])}</p><ol class="cards">{cards}</ol></section>')


def _href(path: Path, folder: Path) -> str:
    return quote(os.path.relpath(path, folder).replace(os.sep, "/"))


def _card(article: Article, number: int, words: dict, page_lang: str, folder: Path) -> str:
    entry, meta = article.entry, article.meta
    outcome = entry["outcome"]
    lang = meta.lang if meta else page_lang
    title = (meta.title if meta and meta.title else None) or article.name
    classes = " ".join(["card", outcome] + (["warned"] if _warned(article) else [])
                       + (["problems"] if _has_problems(article) else []))
    data = (f'data-outcome="{outcome}" data-warned="{int(_warned(article))}" '
            f'data-problems="{int(_has_problems(article))}" data-month="{_month(article)}" data-lang="{_e(lang)}" '
            f'data-categories="{_e(json.dumps(_categories(article, words), ensure_ascii=False))}"')
    ident = f"article-{number}"
    parts = [f'<li class="{classes}" {data}><article aria-labelledby="{ident}">', _thumb(article, words, title, folder),
             f'<div class="body"><h3 id="{ident}" lang="{_e(lang)}">{_e(title)}</h3>', _meta_line(article, words),
             f'<p class="file">{_e(article.source)}</p>']
    if entry["errors"]:
        parts.append(f'<ul class="errors" aria-label="{_e(words["errors"])}">' + "".join(
            f'<li><span class="kind">{_e(stage)}</span> {_e(error["message"])}</li>'
            for stage, error in entry["errors"].items()) + "</ul>")
    parts += [_outputs(article, words, folder), _verdicts(article, words), _warnings(article, words),
              _removed(article, words, lang), _images(article, words), "</div></article></li>"]
    return "".join(parts)


def _thumb(article: Article, words: dict, title: str, folder: Path) -> str:
    if article.thumbnail is None:
        return f'<div class="thumb"><span>{_e(words["no_thumb"])}</span></div>'
    src = "data:image/jpeg;base64," + base64.b64encode(article.thumbnail).decode("ascii")
    return (f'<a class="thumb" href="{_href(article.pdf, folder)}" tabindex="-1" aria-hidden="true">'
            f'<img src="{src}" alt="{_e(words["thumb"].format(title=title))}" loading="lazy"></a>')


def _meta_line(article: Article, words: dict) -> str:
    meta, bits = article.meta, []
    outcome = article.entry["outcome"]
    bits.append(f'<span class="badge {outcome}">{_e(words[outcome])}</span>')
    if _warned(article):
        bits.append(f'<span class="badge warned">{_e(words["warned"])}</span>')
    if meta is not None:
        locale = locales.for_tag(meta.lang)
        if meta.date:
            bits.append(_e(locale.date(meta.date)))
        source = meta.source or meta.publisher
        if source:
            bits.append(_e(source))
        if meta.categories:
            bits.append(_e(locale.list_separator.join(meta.categories)))
    if article.pages:
        bits.append(_e(words["page"] if article.pages == 1 else words["pages"].format(n=article.pages)))
    return f'<p class="meta">{" · ".join(bits)}</p>'


def _outputs(article: Article, words: dict, folder: Path) -> str:
    if not article.outputs:
        return ""
    links = "".join(f'<li><a href="{_href(path, folder)}">{_e(path.name[len(article.name) + 1:] or path.name)}</a> '
                    f'<span class="kind">{_size(size)}</span></li>' for path, size in article.outputs)
    return f'<ul class="outputs" aria-label="{_e(words["outputs"])}">{links}</ul>'


def _verdicts(article: Article, words: dict) -> str:
    """One badge for the files that passed (naming them), one per file that failed or
    could not be checked, and each problem's message."""
    if not article.problems:
        return ""
    passed, items, details = [], [], []
    for path, problems in sorted(article.problems.items()):
        name = path.name[len(article.name) + 1:] or path.name
        if not problems:
            passed.append(name)
            continue
        state, text = ("bad", words["failed_check"]) if any(not p.unchecked for p in problems) \
            else ("unchecked", words["not_checked"])
        items.append(f'<li><span class="badge {state}">{_e(name)}: {_e(text)}</span></li>')
        details += [f'<li><span class="kind">{_e(name)}</span> {_e(p.message)}</li>' for p in problems]
    if passed:
        items.insert(0, f'<li><span class="badge ok">{_e(words["checks"])} {_e(words["ok"])} '
                        f'{len(passed)}/{len(article.problems)}</span> '
                        f'<span class="kind">{_e(" ".join(passed))}</span></li>')
    listing = f'<ul class="verdicts" aria-label="{_e(words["checks"])}">{"".join(items)}</ul>'
    return listing + (f'<ul class="errors">{"".join(details)}</ul>' if details else "")


def _warnings(article: Article, words: dict) -> str:
    warnings = article.entry["warnings"]
    if not warnings:
        return ""
    items = "".join(f'<li><span class="kind">{_e(w["kind"])}'
                    + (f' · {_e(words["by_design"])}' if w["kind"] in BY_DESIGN else "")
                    + "</span> " + (f'{w["line"]}: ' if w.get("line") else "") + f'{_e(w["message"])}</li>'
                    for w in warnings)
    return f'<details><summary>{_e(words["warnings"].format(n=len(warnings)))}</summary><ul>{items}</ul></details>'


def _removed(article: Article, words: dict, lang: str) -> str:
    if article.unread and "read" not in article.entry["errors"]:   # a read error is shown already
        return f'<p class="note">{_e(words["source_gone"].format(why=article.unread))}</p>'
    comparison = article.comparison
    if comparison is None:   # not read again, or failing as it did in the batch
        return ""
    if not comparison.passages:
        return f'<p class="note">{_e(words["removed_none"].format(total=comparison.letters))}</p>'
    items = []
    for passage in comparison.passages:
        before = "".join(f"<del>{_e(text)}</del>" if gone else _e(text) for text, gone in passage.runs)
        after = (_e(words["removed_whole"]) if passage.whole
                 else _e("".join(text for text, gone in passage.runs if not gone)))
        items.append(f'<li class="diff" lang="{_e(lang)}">'
                     f'<p><span class="label">{_e(words["before"])}</span> {before}</p>'
                     f'<p class="after"><span class="label">{_e(words["after"])}</span> {after}</p></li>')
    summary = words["removed"].format(n=len(comparison.passages), removed=comparison.removed,
                                      total=comparison.letters)
    return f'<details><summary>{_e(summary)}</summary><ol>{"".join(items)}</ol></details>'


def _images(article: Article, words: dict) -> str:
    records = article.entry.get("resources") or []
    if not records:
        return ""
    kept = [r for r in records if "reason" not in r]
    items = "".join(f'<li><span class="badge {"ok" if "reason" not in r else "unchecked"}">'
                    f'{_e(words["archived"] if "reason" not in r else words["left_out"])}</span> '
                    f'{_e(r.get("url") or r.get("src"))}' + (f' — {_e(r["reason"])}' if "reason" in r else "")
                    + "</li>" for r in records)
    summary = words["resources"].format(kept=len(kept), left=len(records) - len(kept))
    return f'<details><summary>{_e(summary)}</summary><ul>{items}</ul></details>'
