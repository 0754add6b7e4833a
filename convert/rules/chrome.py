"""Rules that remove site chrome: ticker links, live chart images, navigation links."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from .tree import blocks, elements, text_of


def _host_matches(url: str, hosts) -> bool:
    lowered = url.lower()
    if not any(h in lowered for h in hosts):  # the host is part of the URL: skip parsing it
        return False
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def unwrap_stock_links(root: Tag, ctx) -> None:
    """Stock-quote links are presentational: keep their text, drop the link.

    `<a class="keytip" href="http://quote.eastmoney.com/…">蔚来</a>` → `蔚来`.
    (The `em_stock_key_common` spans were already unwrapped by the allowlist.)
    """
    prof = ctx.profile
    for link in elements(root, "a"):
        classes = set(link.get("class") or [])
        if classes & prof.unwrap_link_classes or _host_matches(link.get("href", ""), prof.unwrap_link_hosts):
            link.unwrap()


def drop_chart_images(root: Tag, ctx) -> None:
    """Live quote charts (a URL that always returns today's chart) are not content.

    `<img src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?…" alt="K图 NIO_0">` → nothing.
    """
    for img in elements(root, "img"):
        if _host_matches(img.get("src", ""), ctx.profile.drop_image_hosts):
            img.decompose()


def drop_navigation_links(root: Tag, ctx) -> None:
    """A block made only of navigation links (返回首页 …) and separators is site chrome.

    `<p><a href="//site/emnews/">返回东财滚动新闻</a>｜<a href="//site/">返回首页</a></p>` → nothing.
    """
    prof = ctx.profile
    for block in blocks(root):
        links = elements(block, "a")
        if not links or not all(prof.navigation_link_text.search(text_of(a))
                                for a in links):
            continue
        rest = block.get_text()
        for a in links:
            rest = rest.replace(a.get_text(), "", 1)
        if prof.navigation_separators.match(rest):
            block.decompose()


def resolve_links(root: Tag, ctx) -> None:
    """Protocol-relative URLs get https:, site-relative links the site's URL.

    `<a href="//example.com/x">` → `<a href="https://example.com/x">`;
    `<a href="/about/">` on site https://s.org → `https://s.org/about/`. Image paths stay
    relative: they name local files beside the post.
    """
    base = (ctx.meta.site_url or "").rstrip("/") + "/"
    for tag, attr in [*((a, "href") for a in elements(root, "a") if a.get("href")),
                      *((i, "src") for i in elements(root, "img") if i.get("src"))]:
        url = tag[attr].strip()
        if url.startswith("//"):
            tag[attr] = "https:" + url
        elif attr == "href" and ctx.meta.site_url and not urlsplit(url).scheme and not url.startswith("#"):
            tag[attr] = urljoin(base, url)
