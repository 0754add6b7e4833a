"""The one image policy (convert/images.py): what each format keeps, and the wording of
what stands in for the rest."""

from __future__ import annotations

from convert import images
from convert.locales import for_tag

BODY = '<figure><img alt="K线图" src="https://img.example/a.jpg"></figure><p><img alt="" src="local.png"></p>'


def test_web_images_become_linked_descriptions_when_not_kept():
    out = images.describe(BODY, for_tag("zh-CN"), keep=lambda src: not images.is_web(src))
    assert '<a class="image-placeholder" href="https://img.example/a.jpg">［图片：K线图］</a>' in out
    assert '<img alt="" src="local.png">' in out
    english = images.describe(BODY, for_tag("en"), keep=lambda src: False)
    assert ">[Image: K线图]</a>" in english
    assert '<span class="image-placeholder">[Image]</span>' in english


def test_kept_images_and_image_free_bodies_are_untouched():
    assert images.describe(BODY, for_tag("en"), keep=lambda src: True).count("<img") == 2
    assert images.describe("<p>文字</p>", for_tag("zh-CN"), keep=lambda src: False) == "<p>文字</p>"


def test_text_around_an_image_is_kept():
    out = images.describe('<p>前<img src="a.png" alt="图">后</p>', for_tag("zh-CN"), keep=lambda src: False)
    assert out == '<p>前<span class="image-placeholder">［图片：图］</span>后</p>'
