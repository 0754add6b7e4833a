"""The reader: encodings, lenient front matter, Jekyll dates, site defaults."""

from __future__ import annotations

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
                                          ("utf-16", b""), ("gb18030", b""), ("gbk", b""),
                                          ("utf-16-le", b""), ("utf-16-be", b"")])
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
    with pytest.raises(PostError, match="binary"):   # a stray NUL in UTF-8 text is no UTF-16
        read_post(write(tmp_path, POST.encode()[:-1] + b"\x00"))
    with pytest.raises(PostError, match="binary"):   # NULs on one side, a UTF-16 newline, junk text
        read_post(write(tmp_path, b"---\ntitle: x\n---\n\x00\x01\x02" * 10))


def test_utf16_without_a_byte_order_mark_is_named_in_its_warning(tmp_path):
    doc = read_post(write(tmp_path, POST.replace("\n", "\r\n").encode("utf-16-le")))
    assert doc.meta.title == "标题" and "正文内容" in doc.body
    assert [w.message for w in doc.warnings if w.kind == "encoding"] == [
        "decoded as UTF-16LE (no byte-order mark: every NUL byte is the high byte of a character)"]


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


def test_broken_yaml_keeps_lists_folded_text_and_quoted_keys_and_names_what_it_cannot_read(tmp_path):
    """Each top-level field is read as YAML alone: a list or folded text under a key, or a
    quoted key, survives the one broken line; a line no way reads is named in the warning."""
    text = ('---\ntitle: "他说"你好"吗"\ntags:\n  - 财经\n  - 要闻\ncategories:\n- 新闻\n"quoted key": 保留\nsummary: >\n'
            '  多行\n  摘要\n? [complex, key]\n: value\n---\n正文。\n')
    doc = read_post(write(tmp_path, text.encode()))
    assert doc.meta.title == '他说"你好"吗' and doc.meta.tags == ["财经", "要闻"] and doc.meta.categories == ["新闻"]
    assert doc.meta.summary == "多行 摘要" and doc.meta.extra == {"quoted key": "保留"}
    [warning] = [w for w in doc.warnings if "not valid YAML" in w.message]
    assert warning.message.endswith("left out line 12: '? [complex, key]'; line 13: ': value'"), warning.message


def test_unrecoverable_front_matter_fails_the_file(tmp_path):
    with pytest.raises(PostError) as err:
        read_post(write(tmp_path, b"---\n[[[: {\n---\nbody\n"))
    assert err.value.line == 2


def test_no_front_matter_title_from_body_or_file_name(tmp_path):
    doc = load(write(tmp_path, "# 大标题\n\n正文。\n".encode(), name="plain.md"))
    assert doc.meta.title == "大标题" and "<h1>" not in doc.body
    news = Settings(profile="eastmoney")
    assert load(write(tmp_path, b"   \n", name="empty-post.md"), news).meta.title == "empty-post"
    assert load(write(tmp_path, b"   \n", name="empty-post.md")).meta.title == "Empty Post"  # auto: a blog, as Jekyll


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


def test_text_and_list_fields_of_the_wrong_shape_name_what_they_leave_out(tmp_path):
    """A title given as a mapping or a list, and tags or categories holding mappings, keep
    what fits (the scalars of a list, nested lists flattened) and warn naming the rest;
    no Python repr of a mapping becomes a tag, and a YAML boolean reads as YAML writes it."""
    text = POST.replace("title: 标题", "title: {zh: 标题, en: Title}").replace(
        "tags: 东财滚动新闻", "tags: [[财经, [要闻]], {a: {b: 深层}}, 7]\nsummary: true")
    doc = read_post(write(tmp_path, text.encode()))
    assert doc.meta.tags == ["财经", "要闻", "7"] and doc.meta.summary == "true"
    assert doc.meta.title != "{'zh': '标题', 'en': 'Title'}"
    messages = [w.message for w in doc.warnings]
    assert "front matter title is a mapping, not text; left out: 'zh', '标题', 'en', 'Title'" in messages
    assert "front matter tags is a list, not a list of names; left out: 'a', 'b', '深层'" in messages
    categories = read_post(write(tmp_path, POST.replace("categories: emnews", "categories: {x: 1}").encode()))
    assert categories.meta.categories == []
    assert any("categories is a mapping" in w.message and "'x', '1'" in w.message for w in categories.warnings)


def test_site_config_from_reference_folder():
    doc = read_post(REFERENCE)
    assert doc.meta.lang == "zh-CN"
    assert doc.meta.site_title == "金融消息"
    assert doc.meta.site_url == "https://finews.withounder.com"


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


BOMBS = sorted((Path(__file__).parent / "fixtures" / "hostile").glob("yaml-bomb*.md"))


@pytest.mark.parametrize("bomb", BOMBS, ids=[p.stem for p in BOMBS])
def test_yaml_alias_bombs_are_refused_naming_file_and_line(bomb):
    """Nested lists or mappings, merge keys, aliases down a long list: refused while parsing,
    before PyYAML builds anything (the old yaml-bomb.md took many seconds)."""
    with pytest.raises(PostError, match="alias bomb") as err:
        read_post(bomb)
    assert err.value.path == str(bomb)
    lines = bomb.read_text("utf-8").splitlines()
    assert err.value.line and "*" in lines[err.value.line - 1]


def test_a_few_yaml_aliases_still_read(tmp_path):
    text = ("---\ntitle: 别名\nbase: &base {editor: 张三, desk: 财经}\nauthor: &who 李四\n"
            "authors: [*who]\nreview:\n  <<: *base\n  desk: 要闻\nseen: [*base, *base]\n---\n正文\n")
    doc = read_post(write(tmp_path, text.encode()))
    assert doc.meta.authors == ["李四"]
    assert doc.meta.extra["review"] == {"editor": "张三", "desk": "要闻"}
    assert doc.meta.extra["seen"] == [{"editor": "张三", "desk": "财经"}] * 2


def test_controls_and_bidi_leave_every_metadata_field_with_a_warning_naming_it(tmp_path):
    text = ('---\ntitle: "\u202e标题\u200e：\\u2066隔离\\u2069"\n'
            'author: ["Jane\\x01 Doe", "\\ufeff王五"]\ntags: ["a\\u061c", a, "\\u200fb"]\n'
            'categories: "news\\x9b"\nsummary: "摘要\\u202a嵌入\\u202c"\nsource: "来源\\uFFFE"\n'
            'custom: {"k\\u202d": ["v\\U0001FFFF"]}\n---\n正文\n')
    doc = read_post(write(tmp_path, text.encode()))
    meta = doc.meta
    assert meta.title == "标题：隔离"
    assert meta.authors == ["Jane Doe", "王五"]
    assert meta.tags == ["a", "b"] and meta.categories == ["news"]
    assert meta.summary == "摘要嵌入" and meta.source == "来源"
    assert meta.extra["custom"] == {"k": ["v"]}
    named = {w.message.split(" from ")[1].split(" (")[0] for w in doc.warnings if w.kind == "metadata-controls"}
    assert named == {"title", "authors", "tags", "categories", "summary", "source", "custom"}
    assert next(w for w in doc.warnings if "from title" in w.message).message.startswith("removed 4 ")


def test_invalid_bytes_become_replacement_characters_with_one_warning(tmp_path):
    data = POST.encode() + "第二段，".encode() + b"\xff\xfe" + "第三段\n末行".encode() + b"\xc3" + "。\n".encode()
    path = write(tmp_path, data)
    doc = read_post(path)
    assert "第二段，\ufffd\ufffd第三段" in doc.body and "末行\ufffd。" in doc.body
    repairs = [w for w in doc.warnings if w.kind == "invalid-bytes"]
    assert len(repairs) == 1 and repairs[0].line == 8
    assert repairs[0].message.startswith("3 byte(s) invalid in UTF-8")
    first = data.index(b"\xff")
    assert f"first at byte offset {first}" in repairs[0].message
    assert doc.source_bytes == data == path.read_bytes()


def test_a_damaged_gbk_post_is_read_as_gb18030(tmp_path):
    data = POST.encode("gbk") + "正文第二段。".encode("gbk") + b"\xff"
    doc = read_post(write(tmp_path, data))
    assert "正文第二段。\ufffd" in doc.body
    assert [w.kind for w in doc.warnings if w.kind in ("encoding", "invalid-bytes")] == ["encoding", "invalid-bytes"]


def test_brace_lines_are_text_not_attributes(tmp_path):
    """Regression: a `{...}` line (Liquid kept raw, a note) vanished as a block-attribute line."""
    doc = load(write(tmp_path, "---\ntitle: t\n---\n{% raw %}{% include x.html %}{% endraw %}\n\n"
                               "{注：原文如此}\n".encode()))
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


def test_metadata_lifted_from_the_body_is_cleaned_too(tmp_path):
    """The summary blockquote becomes Meta.summary in normalize(): its bidi marks go too."""
    text = "---\ntitle: t\ndate: 2022-01-19 10:00:00 +0800\n---\n> 摘要\u202e内容\u200f\n\n正文。\n"
    doc = load(write(tmp_path, text.encode()), Settings(profile="eastmoney"))
    assert doc.meta.summary == "摘要内容"
    assert [w.message for w in doc.warnings if w.kind == "metadata-controls"] == [
        "removed 2 control or bidi character(s) from summary (U+202E, U+200F)"]


def test_a_canonical_url_holding_spaces_and_quotes_is_percent_encoded(tmp_path):
    text = POST.replace("tags: 东财滚动新闻", 'canonical_url: "http://example.org/a b\\"on=\\"x<y>"')
    doc = read_post(write(tmp_path, text.encode()))
    assert doc.meta.canonical_url == "http://example.org/a%20b%22on=%22x%3Cy%3E"
    iri = read_post(write(tmp_path, POST.replace("tags: 东财滚动新闻", "canonical_url: https://例子.中国/路径?q=1").encode()))
    assert iri.meta.canonical_url == "https://例子.中国/路径?q=1"
