"""Rules that remove site chrome: ticker links, live chart images, navigation links."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from .tree import classes, detach, elements, get_text, text_of, unwrap


def _host_matches(url: str, hosts) -> bool:
    lowered = url.lower()
    if not any(h in lowered for h in hosts):  # the host is part of the URL: skip parsing it
        return False
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def unwrap_stock_links(root, ctx) -> None:
    """Stock-quote links are presentational: keep their text, drop the link.

    `<p><a class="keytip" href="http://quote.eastmoney.com/us/NIO.html">蔚来</a>涨5%</p>` → `<p>蔚来涨5%</p>`;
    with profile generic:
    `<p><a class="keytip" href="http://quote.eastmoney.com/us/NIO.html">蔚来</a></p>` →
    `<p><a class="keytip" href="http://quote.eastmoney.com/us/NIO.html">蔚来</a></p>`.
    (The `em_stock_key_common` spans were already unwrapped by the allowlist.)
    """
    prof = ctx.profile
    for link in elements(root, "a"):
        if set(classes(link)) & prof.unwrap_link_classes or _host_matches(link.get("href", ""), prof.unwrap_link_hosts):
            unwrap(link)


def drop_chart_images(root, ctx) -> None:
    """Live quote charts (a URL that always returns today's chart) are not content.

    `<p><img alt="K图 NIO_0" src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid=106.NIO"></p>` → `<p></p>`
    (tidy_blocks drops the empty paragraph; a warning of kind "chart" names the image, and the
    reporter folds those into one line).
    """
    for img in elements(root, "img"):
        if _host_matches(img.get("src", ""), ctx.profile.drop_image_hosts):
            ctx.warn(f"dropped live chart image: {img.get('alt') or img.get('src')!r}", kind="chart")
            detach(img)


def drop_navigation_links(root, ctx) -> None:
    """A block made only of navigation links (返回首页 …) and separators is site chrome.

    `<p>正文</p><p><a href="//site/emnews/">返回东财滚动新闻</a>｜<a href="//site/">返回首页</a></p>` → `<p>正文</p>`
    (with a warning of kind "navigation", which the reporter folds into one line).
    """
    prof = ctx.profile
    for block, links in _links_by_block(root).items():
        if not all(prof.navigation_link_text.search(text_of(a)) for a in links):
            continue
        rest = get_text(block)
        for a in links:
            rest = rest.replace(get_text(a), "", 1)
        if prof.navigation_separators.match(rest):
            ctx.warn(f"dropped site navigation: {text_of(block)!r}", kind="navigation")
            detach(block)


def _links_by_block(root) -> dict:
    """Each block (child of `root`) holding links → its links, in document order (one walk
    over the links rather than one search per block)."""
    found: dict = {}
    for link in root.iterdescendants("a"):
        block = link
        while (parent := block.getparent()) is not root:
            block = parent
        if block is not link:
            found.setdefault(block, []).append(link)
    return found


def resolve_links(root, ctx) -> None:
    """Protocol-relative URLs get https:, site-relative links the site's URL; image paths
    stay relative: they name local files beside the post (as do media files and posters). A link showing its own URL (an
    embedded player's, convert/embeds.py) shows the resolved one, which a printed page needs.

    `<p><a href="//example.com/x">甲</a></p>` → `<p><a href="https://example.com/x">甲</a></p>`;
    with meta.site_url = "https://s.org":
    `<p><a href="/about/">关于</a><img src="images/a.jpg"></p>` →
    `<p><a href="https://s.org/about/">关于</a><img src="images/a.jpg"></p>`;
    with meta.site_url = "https://s.org":
    `<p><a href="/media/a.mp4">/media/a.mp4</a></p>` → `<p><a href="https://s.org/media/a.mp4">https://s.org/media/a.mp4</a></p>`.
    """
    base = (ctx.meta.site_url or "").rstrip("/") + "/"
    for tag, attr in [*((a, "href") for a in elements(root, "a") if a.get("href")),
                      *((i, "src") for i in elements(root, "img", "video", "audio", "source", "track")
                        if i.get("src")),
                      *((v, "poster") for v in elements(root, "video") if v.get("poster"))]:
        url = tag.get(attr).strip()
        if url.startswith("//"):
            tag.set(attr, "https:" + url)
        elif attr == "href" and ctx.meta.site_url and not urlsplit(url).scheme and not url.startswith("#"):
            tag.set(attr, urljoin(base, url))
        if attr == "href" and len(tag) == 0 and tag.text == url and tag.get(attr) != url:
            tag.text = tag.get(attr)
