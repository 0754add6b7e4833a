"""Rules that lift provenance into Meta: source URL, source line, document number, signature."""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml.etree import Element

from .. import dates
from .tree import (
    add_class,
    blocks,
    classes,
    clear,
    detach,
    elements,
    first,
    has_class,
    meaningful_children,
    own_classes,
    sole_child,
    text_of,
)


def extract_source_url(root, ctx) -> None:
    """The trailing bare link is the original article's URL; an empty `<>` is dropped.

    `<p>正文</p><p><a href="http://finance.eastmoney.com/news/1.html">http://finance.eastmoney.com/news/1.html</a></p>`
    → `<p>正文</p>`, meta.canonical_url = "http://finance.eastmoney.com/news/1.html";
    `<p>正文</p><p>&lt;&gt;</p>` → `<p>正文</p>`.
    Only one URL is lifted (repeats of it go too): another bare link, or one that differs
    from a canonical URL already known, is content and stays:
    with meta.canonical_url = "https://a.example/1":
    `<p><a href="https://b.example/2">https://b.example/2</a></p>` →
    `<p><a href="https://b.example/2">https://b.example/2</a></p>`, meta.canonical_url = "https://a.example/1".
    """
    for block in reversed(blocks(root)):
        if block.tag != "p":
            return
        text = text_of(block)
        if text == "<>":
            detach(block)
            continue
        link = sole_child(block, "a")
        href = link.get("href", "") if link is not None else ""
        if link is not None and text_of(link) in (href, href.rstrip("/")) \
                and urlsplit(href).scheme in ("http", "https") and ctx.meta.canonical_url in (None, href):
            ctx.meta.canonical_url = href
            detach(block)
            continue
        return


def source_line(root, ctx) -> None:
    """The attribution line becomes `p.source` and names the original publisher.

    `<p class="em_media">（文章来源：中国政府网）</p>` → `<p class="source">（文章来源：中国政府网）</p>`,
    meta.source = "中国政府网".
    """
    prof = ctx.profile
    for block in blocks(root):
        if block.tag != "p":
            continue
        match = prof.source_line_pattern.match(text_of(block))
        if match or set(classes(block)) & (prof.source_line_classes | {"source"}):
            block.set("class", "source")
            ctx.meta.source_in_body = True
            if match and not ctx.meta.source:
                ctx.meta.source = match.group("source").strip()


def trailing_credit(root, ctx) -> None:
    """Without a source line, a short credit closing the text names the source (body unchanged).

    `<p>累计打击恶意商标注册申请37.6万件。(央视新闻)</p>` →
    `<p>累计打击恶意商标注册申请37.6万件。(央视新闻)</p>`, meta.source = "央视新闻".
    """
    if ctx.meta.source:
        return
    paragraphs = [b for b in blocks(root) if b.tag == "p" and not own_classes(b)]
    for candidate in ([paragraphs[-1]] if paragraphs else []) + [b for b in blocks(root) if has_class(b, "summary")]:
        match = ctx.profile.trailing_credit_pattern.search(text_of(candidate))
        if match:
            ctx.meta.source = match.group("source").strip()
            return


def document_number(root, ctx) -> None:
    """A centered line that is an official document number is marked and recorded.

    `<p class="centered">国办发〔2021〕59号</p>` → `<p class="centered doc-number">国办发〔2021〕59号</p>`,
    meta.doc_number = "国办发〔2021〕59号".
    """
    for block in blocks(root):
        if block.tag == "p" and has_class(block, "centered"):
            match = ctx.profile.document_number_pattern.match(text_of(block))
            if match:
                add_class(block, "doc-number")
                if not ctx.meta.doc_number:
                    ctx.meta.doc_number = match.group("number").strip()


def signature_div(root, ctx) -> None:
    """A signature marked as one (Octavo's own `::: signature`, read back) is the signature
    block, whatever the genre.

    `<div class="signature"><p>国务院办公厅</p></div>` → `<footer class="signature"><p>国务院办公厅</p></footer>`,
    meta.issuer = "国务院办公厅".
    """
    existing = _existing_signature(root)
    if existing is not None:
        existing.tag = "footer"
        existing.set("class", "signature")
        _record_signature(existing, ctx)


def _existing_signature(root):
    return next((tag for tag in elements(root, "footer", "div") if has_class(tag, "signature")), None)


def signature_block(root, ctx) -> None:
    """A news article's right-aligned closing lines become one signature block with a
    machine-readable date.

    `<p class="right">国务院办公厅</p><p class="right">2021年12月30日</p>` →
    `<footer class="signature"><p>国务院办公厅</p><p><time datetime="2021-12-30">2021年12月30日</time></p></footer>`,
    meta.issuer = "国务院办公厅", meta.signed_date = "2021-12-30".
    """
    if _existing_signature(root) is not None:
        return
    run: list = []
    for block in reversed(blocks(root)):
        if block.tag == "p" and has_class(block, "source") and not run:
            continue
        if block.tag == "p" and has_class(block, "right") and text_of(block):
            run.insert(0, block)
            continue
        break
    if not run:
        return
    footer = Element("footer", {"class": "signature"})
    run[0].addprevious(footer)
    for line in run:
        del line.attrib["class"]
        footer.append(detach(line))
    _record_signature(footer, ctx)


def _record_signature(footer, ctx) -> None:
    """Fill issuer and signed date from a signature block, marking the date up as <time>."""
    issuers = []
    for line in elements(footer, "p"):
        text = text_of(line)
        when = dates.chinese_date(text)
        if when is None:
            if first(line, "time") is None:
                issuers.append(text)
            continue
        if first(line, "time") is None and len(meaningful_children(line)) == 1:
            stamp = Element("time", {"datetime": when.isoformat()})
            stamp.text = text
            clear(line)
            line.append(stamp)
        ctx.meta.signed_date = ctx.meta.signed_date or when
    if issuers and not ctx.meta.issuer:
        ctx.meta.issuer = "，".join(issuers)


def container(root, ctx) -> None:
    """The container a citation names: the profile's name for the source URL's host, else the site.

    with meta.canonical_url = "http://finance.eastmoney.com/news/1.html":
    `<p>正文</p>` → `<p>正文</p>`, meta.container = "东方财富网";
    with meta.site_title = "金融消息": `<p>正文</p>` → `<p>正文</p>`, meta.container = "金融消息".
    """
    if ctx.meta.container:
        return
    host = (urlsplit(ctx.meta.canonical_url or "").hostname or "").lower()
    for domain, name in ctx.profile.containers.items():
        if host == domain or host.endswith("." + domain):
            ctx.meta.container = name
            return
    ctx.meta.container = ctx.meta.site_title
