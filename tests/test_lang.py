"""Language and time zone: declared before detected, detection on enough prose only,
floating dates on sites without a zone (issue 9, item 4)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta

import pytest

from convert import load, read_post, write
from convert.lang import DEFAULT_LANG, MAX_CHARS, MIN_LETTERS, detect, normalize_tag, prose
from convert.settings import Settings

from conftest import ROOT

JEKYLL = ROOT.parent / "shared" / "corpus" / "jekyll"

ENGLISH = ("We are happy to announce the release of version 4.3, which brings faster builds, "
           "better error messages and many small fixes.")
CONTRIBUTORS = ("Ashwin Maroli, Frank Taillandier, Matt Rogers, Parker Moore, Kelvin Klann, Josh Soref, "
                "Ben Keith, Jonathan Darrer, Mike Kasberg, 김민수, 이지은, なつき, たなか ゆうこ, 田中")


def post(tmp_path, body: str, front: str = "title: A post", name: str = "2023-05-06-post.md", config: str | None = None):
    """A post file in its own site folder (with `config` as its _config.yml when given)."""
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    if config is not None:
        (site / "_config.yml").write_text(config, encoding="utf-8")
    path = site / "_posts" / name
    path.write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("value,tag", [("en_US", "en-US"), ("zh_cn", "zh-CN"), ("EN", "en"), ("zh-hant-tw", "zh-Hant-TW"),
                                       (" ja ", "ja"), ("English", None), ("", None), (42, None), ("en US", None)])
def test_declared_tags_are_normalised(value, tag):
    assert normalize_tag(value) == tag


@pytest.mark.parametrize("front,config,expected", [
    ("lang: fr", "lang: de\n", "fr"),                      # front matter beats the site
    ("locale: en_GB", "lang: zh-CN\n", "en-GB"),           # front matter `locale`, normalised
    ("title: x", "locale: en_US\n", "en-US"),              # the site's `locale` (minimal-mistakes)
    ("title: x", "lang: zh-CN\nlocale: en-US\n", "zh-CN"),  # the site's `lang` before its `locale`
    ("lang: not a language", "lang: de\n", "de"),          # a value that is no tag is not a declaration
])
def test_declared_language_beats_detection(tmp_path, front, config, expected):
    doc = read_post(post(tmp_path, "这是一篇很长的中文文章，" * 10, front, config=config))
    assert doc.meta.lang == expected


def test_a_declaration_that_is_no_tag_is_kept_and_named(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, "lang: Chinese\nlocale: en_GB"))
    assert doc.meta.lang == "en-GB" and doc.meta.extra == {"lang": "Chinese"}
    assert any("'Chinese' is not a language tag" in w.message for w in doc.warnings)


def test_setting_beats_front_matter(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, "lang: fr"), Settings(lang="ja"))
    assert doc.meta.lang == "ja"


@pytest.mark.parametrize("text,lang", [
    ("これは日本語の文章です。天気が良いので、午後は公園を散歩しようと思っています。", "ja"),
    ("한국어로 작성된 글입니다. 오늘은 날씨가 좋아서 오후에 공원을 산책할 생각입니다.", "ko"),
    ("國務院發佈關於經濟發展的說明，要求各地區各部門認真貫徹執行，進一步推動高品質發展。", "zh-TW"),
    ("国务院发布关于经济发展的说明，要求各地区各部门认真贯彻执行，进一步推动高质量发展。", "zh-CN"),
    ("蔚来汽车（NIO）发布公告称，公司11月交付新车10878台，同比增长105.6%，特斯拉（TSLA.O）股价上涨。", "zh-CN"),
    ("La réunion a été reportée à la semaine prochaine à cause de la tempête qui arrive.", "fr"),
    (ENGLISH, "en"),
])
def test_language_detected_without_declaration(tmp_path, text, lang):
    assert read_post(post(tmp_path, text, "title: x")).meta.lang == lang


def test_contributor_names_in_kana_or_hangul_do_not_change_an_english_post(tmp_path):
    doc = read_post(post(tmp_path, f"{ENGLISH}\n\nThanks to our contributors:\n\n<small>{CONTRIBUTORS}</small>",
                         "title: Jekyll 4.3.0 Released"))
    assert doc.meta.lang == "en"
    assert "なつき" not in prose(doc.meta.title, doc.body)


def test_code_urls_and_name_lists_are_not_prose():
    html = ("<p>See https://例子.example/路径 and @someone</p><pre><code># 中文注释\nx = 1</code></pre>"
            f"<p>{CONTRIBUTORS}</p><p>Real sentence here.</p>")
    assert prose("Title", html).split("\n") == ["Title", "See and", "Real sentence here."]


def test_prose_is_bounded_on_huge_bodies():
    paragraph = "<p>" + "Hello world, this is a paragraph of plain English prose. " * 20 + "</p>\n"
    text = prose("Title", paragraph * 5000)
    assert len(text) <= MAX_CHARS and detect(text) == "en"


def test_too_little_text_takes_the_site_language_else_the_default(tmp_path):
    image_only = "![A bridge at dusk](/assets/bridge.jpg)\n\nPhoto: me."
    assert read_post(post(tmp_path / "a", image_only)).meta.lang == DEFAULT_LANG == "en"
    assert read_post(post(tmp_path / "b", image_only, config="locale: en-US\n")).meta.lang == "en-US"
    assert read_post(post(tmp_path / "c", image_only, config="lang: zh-CN\n")).meta.lang == "zh-CN"


def test_short_text_is_not_detected():
    assert detect("これは日本語のテキストです。") is None   # 13 letters: a name or a caption, not enough
    assert detect("x" * (MIN_LETTERS - 1)) is None


def test_code_alone_is_not_enough_text(tmp_path):
    body = "See below.\n\n```python\n" + "# 这是一个很长的中文注释，说明下面的代码做什么。\n" * 10 + "```"
    assert read_post(post(tmp_path, body, "title: Code")).meta.lang == "en"


def test_english_image_post_gets_english_labels(tmp_path):
    doc = load(post(tmp_path, "![](/assets/a.jpg)"), Settings(profile="generic"))
    assert doc.locale.label("source") == "Source"


# Time zones

FLOATING_FRONT = "title: A post\ndate: 2023-05-06 10:20:00"


def test_site_without_timezone_keeps_dates_floating(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, FLOATING_FRONT, config="title: Blog\n"))
    assert doc.meta.date == datetime(2023, 5, 6, 10, 20) and doc.meta.date.tzinfo is None
    [warning] = [w for w in doc.warnings if w.kind == "assumed-timezone"]
    assert "without an offset" in warning.message


def test_site_timezone_is_used(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, FLOATING_FRONT, config="timezone: America/New_York\n"))
    assert doc.meta.date.utcoffset() == timedelta(hours=-4)
    assert any("taken as America/New_York" in w.message for w in doc.warnings)


def test_unknown_site_timezone_is_floating_with_a_warning(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, FLOATING_FRONT, config="timezone: Mars/Olympus\n"))
    assert doc.meta.date.tzinfo is None
    assert any("unknown timezone 'Mars/Olympus'" in w.message for w in doc.warnings)


def test_file_name_date_is_floating_without_a_zone(tmp_path):
    doc = read_post(post(tmp_path, ENGLISH, "title: x", name="2023-05-07-dated.md"))
    assert doc.meta.date == datetime(2023, 5, 7)


def test_floating_date_is_written_without_an_offset(tmp_path):
    doc = load(post(tmp_path, ENGLISH, FLOATING_FRONT), Settings(profile="generic"))
    html = write(doc, "html").decode()
    assert '<time datetime="2023-05-06T10:20:00">' in html
    markdown = write(doc, "md").decode()
    assert re.search(r"^date: 2023-05-06T10:20:00$", markdown, re.M)
    csl = json.loads(write(doc, "csl"))
    issued = (csl[0] if isinstance(csl, list) else csl)["issued"]
    assert issued["date-parts"] == [[2023, 5, 6]] and "+" not in issued.get("raw", "")
    assert "<dc:date>2023-05-06</dc:date>" in write(doc, "dc").decode()   # W3C-DTF: no time without a zone
    with zipfile.ZipFile(io.BytesIO(write(doc, "epub"))) as epub:
        opf = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".opf"))
    assert re.search(r"<dc:date[^>]*>2023-05-06</dc:date>", opf)
    for text in (html, markdown, json.dumps(csl), opf):
        assert "+08:00" not in text and "2023-05-06T02:20" not in text


@pytest.mark.slow
def test_floating_date_in_pdf_metadata_has_no_zone(tmp_path):
    doc = load(post(tmp_path, ENGLISH, FLOATING_FRONT), Settings(profile="generic"))
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(write(doc, "pdf"))
    xmp = subprocess.run(["pdfinfo", "-meta", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"<xmp:CreateDate>2023-05-06</xmp:CreateDate>", xmp)
    info = subprocess.run(["pdfinfo", "-isodates", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^CreationDate:\s+2023-05-06", info, re.M)


def test_floating_dates_warn_once_per_batch(tmp_path):
    for day in (6, 7, 8):
        post(tmp_path, ENGLISH, f"title: Post {day}\ndate: 2023-05-0{day} 10:20:00", name=f"2023-05-0{day}-p.md",
             config="title: Blog\n")
    run = subprocess.run([sys.executable, "-m", "convert", "convert", tmp_path / "site", "-o", tmp_path / "out",
                          "-t", "html", "--jobs", "2", "--profile", "generic"],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ}, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "date without a time zone" in line]
    assert len(lines) == 1 and "(3 posts" in lines[0], run.stderr


# The real sites (when the workplace's corpora are present)

@pytest.mark.parametrize("site,lang", [("jekyll-docs", "en"), ("minimal-mistakes", "en-US")])
def test_english_jekyll_sites_are_english(site, lang):
    folder = JEKYLL / site / "_posts"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    found = {p.name: read_post(p).meta.lang for p in sorted(folder.iterdir()) if p.suffix in (".md", ".markdown")}
    assert found and {name: tag for name, tag in found.items() if tag != lang} == {}


def test_finews_stays_simplified_chinese(shared_posts):
    assert {p.name for p in shared_posts if read_post(p).meta.lang != "zh-CN"} == set()


@pytest.mark.parametrize("tag, expected", [("ar", "rtl"), ("he-IL", "rtl"), ("fa", "rtl"), ("ur_PK", "rtl"),
                                           ("az-Arab", "rtl"), ("ug-Latn", "ltr"), ("en", "ltr"),
                                           ("zh-CN", "ltr"), ("", "ltr"), ("arn", "ltr")])
def test_text_direction_from_the_language_tag(tag, expected):
    from convert.locales import direction

    assert direction(tag) == expected
