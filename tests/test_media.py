"""Video and audio archived with the article (issue 10): the files a `<video>`/`<audio>` names
in the site's own tree always, remote ones only with --fetch-assets; the HTML plays the
copies, the EPUB carries them (epubcheck), the PDF shows the poster, the Markdown links the
copies; what was refused is named with its reason."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import wave
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from warcio.archiveiterator import ArchiveIterator

from convert import batch, mediatypes, remote, resources
from convert.inputs import discover
from convert.settings import Settings
from imageserver import ImageServer

SITE = Path(__file__).parent / "fixtures" / "media"
POST = "2024-03-01-media"
MEDIA = SITE / "assets" / "media"


def convert_all(inputs: list[Path], outdir: Path, formats=("html", "md", "epub"), **settings) -> list[batch.Result]:
    values = {"jobs": 1, "cache": False, "formats": tuple(formats), **settings}
    jobs = discover([str(p) for p in inputs], lambda message: None, outdir)
    return batch.run(jobs, outdir, Settings(**values))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def by_src(result: batch.Result) -> dict[str, dict]:
    return {r["src"]: r for r in result.resources}


def wav() -> bytes:
    """A real WAV file, a tenth of a second of silence (not an EPUB core audio type)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\0\0" * 800)
    return out.getvalue()


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> tuple[Path, batch.Result]:
    out = tmp_path_factory.mktemp("media") / "out"
    [result] = convert_all([SITE / "_posts" / f"{POST}.md"], out)
    assert not result.errors, result.errors
    return out, result


def test_every_file_is_archived_byte_for_byte(converted):
    out, result = converted
    records = by_src(result)
    expected = {"/assets/media/poster.png": ("poster.png", "image", "image/png"),
                "/assets/media/clip.mp4": ("clip.mp4", "video", "video/mp4"),
                "https://blog.example.org/assets/media/subs.vtt": ("subs.vtt", "track", "text/vtt"),
                "../assets/media/tone.mp3": ("tone.mp3", "audio", "audio/mpeg"),
                "/assets/media/tone.opus": ("tone.opus", "audio", "audio/ogg; codecs=opus")}
    assert set(records) == set(expected)
    for src, (name, kind, media_type) in expected.items():
        record = records[src]
        assert (record["kind"], record["media_type"]) == (kind, media_type)
        copy = out / record["path"]
        assert copy.read_bytes() == (MEDIA / name).read_bytes()
        assert record["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
        assert copy.name == record["sha256"] + mediatypes.SUFFIXES.get(media_type, ".png")
    assert not [w for w in result.warnings if w.kind in (resources.LEFT_OUT, resources.OFFLINE, "embed")]


def test_html_plays_the_copies(converted):
    out, result = converted
    records = by_src(result)
    page = soup(out / f"{POST}.html")
    video, mp3, opus = page.find("video"), *page.find_all("audio")
    assert video.has_attr("controls") and video["poster"] == records["/assets/media/poster.png"]["path"]
    assert [s["src"] for s in video.find_all("source")] == [records["/assets/media/clip.mp4"]["path"]]
    track = video.find("track")
    assert track["src"] == records["https://blog.example.org/assets/media/subs.vtt"]["path"]
    assert (track["kind"], track["srclang"], track["label"]) == ("subtitles", "en", "English")
    assert mp3.find("source")["src"] == records["../assets/media/tone.mp3"]["path"]
    assert mp3.find("source")["type"] == "audio/mpeg"
    assert opus.find("source")["src"] == records["/assets/media/tone.opus"]["path"]
    for element in (video, mp3, opus):
        for source in element.find_all("source"):
            assert (out / source["src"]).is_file()
    figure = video.find_parent("figure")
    assert records["/assets/media/clip.mp4"]["path"] in [a["href"] for a in figure.find_all("a")]
    assert figure.figcaption.get_text() == "A blue square"
    assert "Your browser cannot play the clip." in figure.get_text()


def test_markdown_links_the_copies(converted):
    out, result = converted
    text = (out / f"{POST}.md").read_text("utf-8")
    for src in ("/assets/media/clip.mp4", "../assets/media/tone.mp3", "/assets/media/tone.opus",
                "/assets/media/poster.png"):
        assert by_src(result)[src]["path"] in text
    assert "<video" not in text and "<audio" not in text


@pytest.mark.slow
def test_epub_carries_the_media_and_passes_epubcheck(converted, tmp_path):
    from test_epub import epubcheck_many

    out, result = converted
    epub = out / f"{POST}.epub"
    with zipfile.ZipFile(epub) as book:
        opf = book.read("EPUB/content.opf").decode()
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
        listed = dict(re.findall(r'href="(media/octavo-media-[^"]+)" media-type="([^"]+)"', opf))
        stored = {name: book.read(f"EPUB/{name}") for name in listed}
    for name in ("clip.mp4", "tone.mp3", "tone.opus", "subs.vtt"):
        assert (MEDIA / name).read_bytes() in stored.values()
    assert sorted(listed.values()) == sorted(["video/mp4", "audio/mpeg", "audio/ogg; codecs=opus", "text/vtt",
                                              "image/png"])
    page = BeautifulSoup(chapter, "xml")
    assert page.find("video")["poster"].startswith("../media/") and page.find("video").find("track")
    assert len(page.find_all("audio")) == 2
    for element in page.find_all(["source", "track"]):
        assert element["src"].removeprefix("../") in listed
    modes = re.findall(r'property="schema:accessMode">([^<]+)<', opf)
    assert sorted(modes) == ["auditory", "textual", "visual"]
    assert "3 video or audio recording(s) without a transcript" in opf
    assert "schema:accessibilityHazard\">none<" not in opf
    results, messages = epubcheck_many([epub], tmp_path)
    assert results[str(epub)] == (0, 0, 0), messages


@pytest.mark.slow
def test_pdf_shows_the_poster_caption_and_file(tmp_path):
    out = tmp_path / "out"
    [result] = convert_all([SITE / "_posts" / f"{POST}.md"], out, formats=("pdf",))
    assert not result.errors, result.errors
    pdf = out / f"{POST}.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    images = [line.split() for line in listing.splitlines()[2:]]
    assert [(row[3], row[4]) for row in images] == [("64", "48")]          # the poster, and only it
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                              check=True).stdout)
    for words in ("A blue square", "https://blog.example.org/assets/media/clip.mp4", "[Audio]",
                  "https://blog.example.org/assets/media/tone.mp3"):
        assert words in text


# ---- hostile and unsupported files ---------------------------------------------------------


@pytest.fixture
def hostile_site(tmp_path) -> Path:
    """The media site plus players whose files must be refused, and a WAV recording."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    media = root / "assets" / "media"
    (tmp_path / "secret.mp4").write_bytes((MEDIA / "clip.mp4").read_bytes())
    (media / "escape.mp4").symlink_to(tmp_path / "secret.mp4")
    with open(media / "huge.mp4", "wb") as handle:      # sparse: over the cap without the disk
        handle.write((MEDIA / "clip.mp4").read_bytes())
        handle.truncate(resources.CAPS[resources.VIDEO][0] + 1)
    (media / "page.mp4").write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    (media / "notes.vtt").write_bytes(b"<html>subtitles moved</html>")
    (media / "talk.wav").write_bytes(wav())
    (root / "_posts" / "2024-03-02-hostile.md").write_text(
        "---\ntitle: Refused\n---\n\n"
        '<video src="../../secret.mp4" title="Up and out"></video>\n\n'
        '<video src="/assets/media/escape.mp4" title="A link out"></video>\n\n'
        '<video src="/assets/media/huge.mp4" title="Too big"></video>\n\n'
        '<video controls><source src="/assets/media/page.mp4" type="video/mp4">'
        '<track src="/assets/media/notes.vtt"></video>\n\n'
        '<audio src="/assets/media/talk.wav" title="A WAV talk"></audio>\n', "utf-8")
    return root


def test_hostile_files_are_refused_with_their_reason(hostile_site, tmp_path):
    out = tmp_path / "out"
    [result] = convert_all([hostile_site / "_posts" / "2024-03-02-hostile.md"], out)
    reasons = {r["src"].rsplit("/", 1)[1]: r.get("reason") for r in result.resources}
    assert reasons == {
        "secret.mp4": "outside the site's folder",
        "escape.mp4": "outside the site's folder",
        "huge.mp4": f"larger than {resources.CAPS[resources.VIDEO][0]} bytes",
        "page.mp4": "not audio or video (an HTML page)",
        "notes.vtt": "not WebVTT subtitles (an HTML page)",
        "talk.wav": None,
    }
    [warning] = [w for w in result.warnings if w.kind == resources.LEFT_OUT and "not archived" in w.message]
    assert warning.message.startswith("5 media files not archived")
    for name in ("secret.mp4", "escape.mp4", "huge.mp4", "page.mp4", "notes.vtt"):
        assert name in warning.message
    page = soup(out / "2024-03-02-hostile.html")
    assert len(page.find_all("video")) == 0                     # nothing plays a refused file
    assert [a["href"] for a in page.find_all("a") if a["href"].endswith("huge.mp4")]   # its link stays
    assert page.find("audio").find("source")["type"] == "audio/wav"
    stored = sorted(p.name for p in (out / resources.STORE).iterdir())
    assert stored == [hashlib.sha256(wav()).hexdigest() + ".wav"]


@pytest.mark.slow
def test_epub_leaves_out_audio_it_cannot_hold_and_says_so(hostile_site, tmp_path):
    from test_epub import epubcheck_many

    out = tmp_path / "out"
    [result] = convert_all([hostile_site / "_posts" / "2024-03-02-hostile.md"], out, formats=("epub",))
    assert [w.message for w in result.warnings if w.message.startswith("EPUB:")] == [
        "EPUB: assets/media/talk.wav (audio/wav) left out of the book: not an EPUB 3 core audio type; "
        "the archived copy is linked"]
    with zipfile.ZipFile(out / "2024-03-02-hostile.epub") as book:
        chapter = book.read("EPUB/text/ch001.xhtml").decode()
        assert not [n for n in book.namelist() if n.startswith("EPUB/media/")]
    assert "<audio" not in chapter and "[Audio: A WAV talk]" in chapter
    results, messages = epubcheck_many([out / "2024-03-02-hostile.epub"], tmp_path)
    assert results[str(out / "2024-03-02-hostile.epub")] == (0, 0, 0), messages


# ---- remote media, opt-in -------------------------------------------------------------------


@pytest.fixture
def server():
    clip = (MEDIA / "clip.mp4").read_bytes()
    routes = {
        "/clip.mp4": (200, {"Content-Type": "video/mp4"}, clip),
        "/error.mp4": (200, {"Content-Type": "video/mp4"}, b"<!DOCTYPE html><html><body>Error 500</body></html>"),
        "/long.mp3": (200, {"Content-Type": "audio/mpeg"}, (MEDIA / "tone.mp3").read_bytes() * 40),
    }
    srv = ImageServer(routes)
    srv.clip = clip
    yield srv
    srv.close()


def remote_post(folder: Path, base: str) -> Path:
    folder.mkdir()
    post = folder / "2024-04-01-remote.md"
    post.write_text(f"---\ntitle: Remote\nlang: en\n---\n\n<video src=\"{base}/clip.mp4\" title=\"Clip\"></video>\n\n"
                    f"<video src=\"{base}/error.mp4\"></video>\n\n<audio src=\"{base}/long.mp3\"></audio>\n", "utf-8")
    return post


def test_remote_media_fetched_safely_and_recorded(server, tmp_path, monkeypatch):
    monkeypatch.setitem(resources.CAPS, resources.AUDIO, (20_000, 30.0))
    post = remote_post(tmp_path / "posts", server.base)
    out = tmp_path / "out"
    [result] = convert_all([post], out, fetch_assets=True, allow_hosts=(server.host,))
    records = {r["src"].rsplit("/", 1)[1]: r for r in result.resources}
    assert (out / records["clip.mp4"]["path"]).read_bytes() == server.clip
    assert records["clip.mp4"]["status"] == 200 and records["clip.mp4"]["media_type"] == "video/mp4"
    assert records["error.mp4"]["reason"] == "not audio or video (an HTML page)"
    assert records["long.mp3"]["reason"] == "larger than 20000 bytes"
    page = soup(out / "2024-04-01-remote.html")
    assert [v.find("source")["src"] for v in page.find_all("video")] == [records["clip.mp4"]["path"]]
    assert not page.find("audio")
    with open(out / resources.STORE / remote.WARC_NAME, "rb") as handle:
        responses = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
                     for r in ArchiveIterator(handle) if r.rec_type == "response"}
    assert responses[f"{server.base}/clip.mp4"] == server.clip
    convert_all([post], out, fetch_assets=True, allow_hosts=(server.host,))
    assert server.hits["/clip.mp4"] == 1                        # a later run reuses the store


def test_without_fetch_assets_remote_media_are_named_not_fetched(server, tmp_path):
    post = remote_post(tmp_path / "posts", server.base)
    [result] = convert_all([post], tmp_path / "out")
    assert server.connections == 0
    [warning] = [w for w in result.warnings if w.kind == resources.OFFLINE]
    assert warning.message.startswith("3 remote media files not archived")
    assert not soup(tmp_path / "out" / "2024-04-01-remote.html").find("video")


@pytest.mark.slow
def test_media_posts_lose_no_text_silently(hostile_site, tmp_path):
    """Every word of both posts (fallback text, captions) reaches the HTML, the Markdown, the
    EPUB and the PDF's text, or a warning names it (tests/test_loss.py's check)."""
    from test_loss import losses

    posts = [SITE / "_posts" / f"{POST}.md", hostile_site / "_posts" / "2024-03-02-hostile.md"]
    assert losses(posts, tmp_path / "out") == {}


@pytest.mark.parametrize("name,element,media_type", [
    ("clip.mp4", "video", "video/mp4"), ("clip.mp4", "audio", "audio/mp4"),
    ("tone.mp3", "audio", "audio/mpeg"), ("tone.opus", "audio", "audio/ogg; codecs=opus"),
])
def test_media_types_come_from_the_bytes(name, element, media_type):
    assert mediatypes.sniff((MEDIA / name).read_bytes(), element) == media_type


def test_what_is_not_media_is_named():
    assert mediatypes.sniff(wav(), "audio") == "audio/wav"
    assert mediatypes.sniff_track((MEDIA / "subs.vtt").read_bytes()) == "text/vtt"
    for data, reason in ((b"<!doctype html><title>404</title>", "not audio or video (an HTML page)"),
                         (b"", "not audio or video (an empty file)"),
                         ((MEDIA / "poster.png").read_bytes(), "not audio or video (an unknown format)")):
        with pytest.raises(mediatypes.NotMedia, match=re.escape(reason)):
            mediatypes.sniff(data, "video")
    with pytest.raises(mediatypes.NotMedia, match="not WebVTT"):
        mediatypes.sniff_track(b"1\n00:00:00,000 --> 00:00:01,000\nSRT, not WebVTT\n")


@pytest.mark.slow
def test_a_book_carries_its_chapters_media(tmp_path):
    """`octavo book`: each chapter's files are renamed for the book as images are, and the
    EPUB holds them and passes epubcheck."""
    from test_epub import epubcheck_many

    root = Path(__file__).resolve().parents[1]
    book = tmp_path / "book.epub"
    subprocess.run([sys.executable, "-m", "convert", "book", str(SITE / "_posts"), "-o", str(book), "-q"],
                   cwd=root, check=True, capture_output=True)
    with zipfile.ZipFile(book) as epub:
        stored = [epub.read(n) for n in epub.namelist() if n.startswith("EPUB/media/octavo-media-")]
    for name in ("clip.mp4", "tone.mp3", "tone.opus", "subs.vtt"):
        assert (MEDIA / name).read_bytes() in stored
    results, messages = epubcheck_many([book], tmp_path)
    assert results[str(book)] == (0, 0, 0), messages
