"""The reader: encodings, lenient front matter, Jekyll dates, site defaults."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from convert import load, read_post
from convert.errors import PostError
from convert.site import site_for

from conftest import CORPUS, REFERENCE
from convert.settings import Settings

POST = "---\ntitle: 标题\ndate: 2022-01-19 17:07:03 +0800\ncategories: emnews\ntags: 东财滚动新闻\n---\n正文内容。\n"
CST = timezone(timedelta(hours=8))


def write(tmp_path, data: bytes, name="2022-01-19-post.md"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16", b""), ("gb18030", b""), ("gbk", b"")])
def test_encodings(tmp_path, encoding, bom):
    doc = read_post(write(tmp_path, bom + POST.encode(encoding)))
    assert doc.meta.title == "标题"
    assert "正文内容" in doc.body
    assert (encoding in ("utf-8",)) == (not doc.warnings)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings(tmp_path, newline):
    doc = read_post(write(tmp_path, POST.replace("\n", newline).encode()))
    assert doc.meta.title == "标题" and doc.meta.tags == ["东财滚动新闻"]


def test_undecodable_bytes_are_an_error_with_line(tmp_path):
    data = POST.encode() + b"\n\nline\n\x81\xff\xfe\x80\x81\xff" * 40
    with pytest.raises(PostError) as err:
        read_post(write(tmp_path, data))
    assert err.value.path.endswith("post.md") and err.value.line == 11


def test_binary_file_is_an_error(tmp_path):
    with pytest.raises(PostError, match="binary"):
        read_post(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00"))


def test_jekyll_date_string_becomes_aware_datetime(tmp_path):
    doc = read_post(write(tmp_path, POST.encode()))
    assert doc.meta.date == datetime(2022, 1, 19, 17, 7, 3, tzinfo=CST)


def test_naive_date_gets_site_zone(tmp_path):
    (tmp_path / "_config.yml").write_text("timezone: Asia/Shanghai\nlang: zh-CN\ntitle: 站点\n")
    site_for.cache_clear()
    doc = read_post(write(tmp_path, POST.replace(" +0800", "").encode()))
    assert doc.meta.date.utcoffset() == timedelta(hours=8)
    assert doc.meta.site_title == "站点"


def test_timezone_option_overrides_site(tmp_path):
    doc = read_post(write(tmp_path, POST.replace(" +0800", "").encode()), Settings(timezone="UTC"))
    assert doc.meta.date.utcoffset() == timedelta(0)


def test_invalid_date_falls_back_to_file_name(tmp_path):
    doc = read_post(write(tmp_path, POST.replace("2022-01-19 17:07:03 +0800", "2022-13-45").encode(),
                          name="2021-12-08-x.md"))
    assert doc.meta.date.date().isoformat() == "2021-12-08"
    assert any("invalid date" in str(w) for w in doc.warnings)


def test_invalid_date_without_file_date_is_none(tmp_path):
    doc = read_post(write(tmp_path, POST.replace("2022-01-19 17:07:03 +0800", " +0800").encode(), name="x.md"))
    assert doc.meta.date is None


def test_broken_yaml_is_recovered_with_warning_naming_line(tmp_path):
    broken = POST.replace("title: 标题", 'title: "他说"你好"吗"')
    doc = read_post(write(tmp_path, broken.encode()))
    assert doc.meta.title == '他说"你好"吗'
    assert doc.meta.categories == ["emnews"]
    assert any("post.md:2:" in str(w) and "not valid YAML" in str(w) for w in doc.warnings)


def test_unrecoverable_front_matter_fails_the_file(tmp_path):
    with pytest.raises(PostError) as err:
        read_post(write(tmp_path, b"---\n[[[: {\n---\nbody\n"))
    assert err.value.line == 2


def test_no_front_matter_title_from_body_or_file_name(tmp_path):
    doc = load(write(tmp_path, "# 大标题\n\n正文。\n".encode(), name="plain.md"))
    assert doc.meta.title == "大标题" and "<h1>" not in doc.body
    doc = load(write(tmp_path, b"   \n", name="empty-post.md"))
    assert doc.meta.title == "empty-post"


def test_blank_line_before_front_matter_is_read_with_warning():
    doc = read_post(CORPUS / "2021-12-08-202112082206703990.md")
    assert doc.meta.title and doc.meta.categories == ["emnews"]
    assert any("blank line before front matter" in str(w) for w in doc.warnings)


def test_unknown_keys_kept_and_lists_coerced(tmp_path):
    text = POST.replace("tags: 东财滚动新闻", "tags: [a, b, a]\nauthor: 张三\nweird: {x: [1, 2]}")
    doc = read_post(write(tmp_path, text.encode()))
    assert doc.meta.tags == ["a", "b"]
    assert doc.meta.authors == ["张三"]
    assert doc.meta.extra == {"weird": {"x": [1, 2]}}


def test_site_config_from_reference_folder():
    doc = read_post(REFERENCE)
    assert doc.meta.lang == "zh-CN"
    assert doc.meta.site_title == "金融消息"
    assert doc.meta.site_url == "https://finews.withounder.com"


@pytest.mark.parametrize("text,lang", [("これは日本語のテキストです。", "ja"), ("한국어 텍스트입니다", "ko"),
                                       ("國務院發佈關於經濟發展的說明", "zh-TW"), ("Plain English text here.", "en")])
def test_language_detected_without_front_matter_or_site(tmp_path, text, lang):
    assert read_post(write(tmp_path, text.encode())).meta.lang == lang


def test_oversized_file_is_an_error(tmp_path):
    path = write(tmp_path, b"x" * (9 * 1024 * 1024))
    with pytest.raises(PostError, match="limit"):
        read_post(path)


def test_html_input_is_not_read_as_markdown(tmp_path):
    page = ("<!DOCTYPE html>\n<html><head><title>网页 标题</title><style>p{}</style></head>\n<body>\n"
            "    <p>缩进的段落</p>\n\n    <p>第二段</p>\n</body></html>\n")
    doc = load(write(tmp_path, page.encode(), name="page.html"))
    assert doc.meta.title == "网页 标题"
    assert doc.body.replace("\n", "") == "<p>缩进的段落</p><p>第二段</p>"


def test_control_characters_are_removed_with_a_warning(tmp_path):
    doc = read_post(write(tmp_path, '---\ntitle: "ctl\x07"\n---\n控制\x1b[31m字符\x0b\n'.encode()))
    assert doc.meta.title == "ctl"
    assert "\x1b" not in doc.body and "控制[31m字符" in doc.body
    assert any("post.md:2: removed 3 control" in str(w) for w in doc.warnings)


def test_yaml_alias_bomb_is_bounded():
    from convert.reader import MAX_EXTRA_NODES

    doc = read_post(Path(__file__).parent / "fixtures" / "hostile" / "yaml-bomb.md")
    assert doc.meta.title == "bomb"
    assert len(json.dumps(doc.meta.extra)) < MAX_EXTRA_NODES * 10


def test_brace_lines_are_text_not_attributes(tmp_path):
    """Regression: a `{...}` line (a Liquid tag, a note) vanished as a block-attribute line."""
    doc = load(write(tmp_path, "---\ntitle: t\n---\n{% include x.html %}\n\n{注：原文如此}\n".encode()))
    assert "{% include x.html %}" in doc.body and "{注：原文如此}" in doc.body


def test_generic_jekyll_post(tmp_path):
    text = ('---\ntitle: "Hello: a \\"quoted\\" world"\ndate: 2023-05-06\nauthor: Jane Doe\n'
            "categories: [notes, jekyll]\ntags: intro meta\n---\nHi.\n\n"
            "{% highlight python %}\nprint('hi')\n{% endhighlight %}\n")
    doc = load(write(tmp_path, text.encode(), name="2023-05-06-hello.md"), Settings(lang="en"))
    assert doc.meta.title == 'Hello: a "quoted" world'
    assert doc.meta.authors == ["Jane Doe"]
    assert doc.meta.categories == ["notes", "jekyll"] and doc.meta.tags == ["intro", "meta"]
    assert '<pre><code class="language-python">print(\'hi\')' in doc.body
