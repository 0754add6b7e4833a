"""The one image policy (convert/images.py): an archived image points at its copy, every
other one stands in as its description and where it came from."""

from __future__ import annotations

from lxml.html import fragment_fromstring

from convert import images
from convert.locales import for_tag
from convert.resources import Resource

BODY = ('<figure><img alt="K线图" src="https://img.example/a.jpg"></figure>'
        '<p><img alt="" src="local.png"></p>')
ARCHIVED = {"local.png": Resource("local.png", "local.png", "ab", "resources/ab.png", "/o/resources/ab.png",
                                  "image/png")}


def test_archived_images_point_at_their_copy_and_the_rest_name_their_source():
    out = images.place(BODY, for_tag("zh-CN"), ARCHIVED, lambda r: r.path)
    assert ('<span class="image-placeholder">［图片：K线图］ <a href="https://img.example/a.jpg">'
            'https://img.example/a.jpg</a></span>') in out
    assert '<img alt="" src="resources/ab.png">' in out
    english = images.place(BODY, for_tag("en"), {}, lambda r: r.path)
    assert ">[Image: K线图] <a " in english
    assert '<span class="image-placeholder">[Image] local.png</span>' in english


def test_a_resource_left_out_is_a_placeholder_even_when_known():
    left_out = {"local.png": Resource("local.png", "local.png", reason="HTTP 404")}
    assert "<img" not in images.place('<p><img alt="x" src="local.png"></p>', for_tag("en"), left_out,
                                      lambda r: r.path)


def test_image_free_bodies_are_untouched():
    assert images.place("<p>文字</p>", for_tag("zh-CN"), {}, lambda r: r.path) == "<p>文字</p>"


def test_text_around_an_image_is_kept():
    out = images.place('<p>前<img src="a.png" alt="图表">后</p>', for_tag("zh-CN"), {}, lambda r: r.path)
    assert out == '<p>前<span class="image-placeholder">［图片：图表］ a.png</span>后</p>'


def _img(html: str):
    return next(fragment_fromstring(html, create_parent="div").iter("img"))


def test_alt_texts_that_say_nothing_give_way_to_caption_or_title():
    assert images.description(_img('<img alt="地图：上海" src="a.png">')) == "地图：上海"
    assert images.description(_img(
        '<figure><img alt="Image" src="a.png"><figcaption>Trading  table</figcaption></figure>')) == "Trading table"
    assert images.description(_img('<img alt="图片" title="成交明细" src="a.png">')) == "成交明细"
    assert images.description(_img('<img alt="IMG_2041.JPG" src="a.png">')) == ""
