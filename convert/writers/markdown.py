"""Plain Markdown through pandoc: YAML front matter from `doc.meta`, then the body.

`Options.flavor` (`--md-flavor`, `[markdown] flavor`) picks the dialect:

- `pandoc` (default): pandoc's Markdown. Keeps everything the normalizer understands:
  the summary, centered lines, signature and source line as fenced divs
  (`::: signature`), centered headings as `## 标题 {.centered}`; what Markdown has no
  syntax for (merged table cells, `<cite>`, `<dl>`…) stays HTML (`markdown_raw.py`).
  pandoc reads it all back, and so does Octavo's own reader: HTML → Markdown → HTML gives
  the same body (tests/test_markdown_round_trip.py).
- `gfm`: GitHub-flavoured Markdown. Keeps headings, paragraphs, links, images,
  emphasis, lists and tables; the summary becomes a block quote; centering, the
  signature and the source line become plain paragraphs (GFM has no attribute syntax).
- `commonmark`: strict CommonMark. As gfm, but CommonMark has no tables: each row becomes
  a paragraph of its cells separated by ` | ` (convert/data/octavo.lua), and there are no
  GFM extensions (autolinks, strikethrough). Neither keeps raw HTML.

Every flavour keeps each image's reference, alt and title. The body has had its Liquid
rendered, so a body still showing `{{` or `{%` (code about Liquid) says
`render_with_liquid: false` in its front matter, as Jekyll and Octavo's reader read it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..controls import free_key
from ..model import Document, Meta
from ..options import Declared, setting
from . import SUFFIXES

if TYPE_CHECKING:   # pandoc.py is imported where it runs: Settings imports this module for Options
    from ..pandoc import Job

SUFFIX = SUFFIXES["md"]
FLAVORS = {
    "pandoc": ("markdown-raw_attribute-implicit_figures-smart-native_spans-bracketed_spans"
               "-simple_tables-multiline_tables-grid_tables"),
    "gfm": "gfm-raw_html",
    "commonmark": "commonmark-raw_html",
}
r"""--md-flavor name → pandoc writer. `-smart` keeps quotes as written (“” stays “”);
math (pandoc Math, from the body's TeX spans) is written `$$…$$`, as kramdown reads it
back, and a `$$` or a `{:` (kramdown's attribute lists) in text is escaped (octavo.lua); `^`, `~` and `\` in text are escaped
too, as `~~~` would open a code block and pandoc 3.9 without `raw_tex` drops the
character after a backslash. Tables are pipe tables, the one table syntax every flavour (and Octavo's
reader) reads, or HTML (pandoc flavour) when a pipe table cannot hold them."""


@dataclass(frozen=True)
class Options(Declared):
    """The Markdown writer's settings (`[markdown]` in octavo.toml)."""

    SECTION = "markdown"

    flavor: str = setting("pandoc", "Markdown output flavour: pandoc, gfm or commonmark.",
                          flag="--md-flavor", choices=tuple(FLAVORS))


@functools.cache
def _dumper():
    """YAML with ISO 8601 timestamps (`2022-01-19T17:07:03+08:00`), unquoted (made on first
    use: settings import this module for its Options, and a rerun writes no Markdown)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(
        datetime, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()))
    return Dumper


def write(doc: Document, settings) -> bytes:
    """The Markdown file for one document, from its own sandboxed pandoc process."""
    from ..pandoc import run

    return _assemble(doc, run(job(doc, settings.markdown.flavor)))


def write_many(docs: list[Document], settings) -> list[bytes | Exception]:
    """Markdown for many documents from one pandoc process; a failed one is its ExportError."""
    from ..pandoc import run_many

    results = run_many([job(doc, settings.markdown.flavor) for doc in docs])
    return [r if isinstance(r, Exception) else _assemble(doc, r) for r, doc in zip(results, docs)]


def job(doc: Document, flavor: str) -> Job:
    """The pandoc job converting the body (front matter is written by Octavo, not pandoc).

    An archived image points at its copy in the store beside the file (`resources/…`);
    any other becomes its description and URL (convert/images.py). What Markdown cannot
    say stays HTML (convert/writers/markdown_raw.py).
    """
    from ..pandoc import Job, reader_html
    from . import markdown_raw
    from .html import with_images

    body = with_images(doc, lambda r: r.path or r.src).body
    body = markdown_raw.mark(body, html=flavor == "pandoc")
    # pandoc's readers turn tabs into spaces; a character reference reaches the writer intact
    html = reader_html(body).replace("\t", "&#9;")
    return Job(html=html, to=FLAVORS[flavor], path=doc.meta.source_path,
               meta={"lang": doc.meta.lang}, options={"wrap_text": "none"})


def front_matter(meta: Meta) -> dict:
    """Every metadata field a reader of the file needs, Jekyll-compatible, empty ones left out."""
    fields = {
        "title": meta.title,
        "date": meta.date,
        "categories": meta.categories,
        "tags": meta.tags,
        "author": meta.authors,
        "lang": meta.lang,
        "canonical_url": meta.canonical_url,
        "source": meta.source,
        "container": meta.container,
        "publisher": meta.publisher,
        "identifier": meta.identifier,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "signed_date": meta.signed_date,
        "summary": meta.summary,
    }
    kept = {name: value for name, value in fields.items() if value not in (None, "", [])}
    extra: dict = {}
    for name, value in meta.extra.items():
        if kept.get(name, value) != value:   # the post's own `lang: ../x`, beside the lang used
            name = free_key(name, {*kept, *meta.extra, *extra})
        if name not in kept:
            extra[name] = value
    return {**extra, **kept}


def _assemble(doc: Document, body: bytes) -> bytes:
    """Front matter block, blank line, pandoc's body."""
    fields = front_matter(doc.meta)
    if b"{{" in body or b"{%" in body:
        fields["render_with_liquid"] = False   # already rendered: its braces are text now
    import yaml   # here: Settings import this module for its Options

    yaml_text = yaml.dump(fields, Dumper=_dumper(), allow_unicode=True,
                          sort_keys=False, width=10**6, default_flow_style=False)
    return f"---\n{yaml_text}---\n\n".encode("utf-8") + body

