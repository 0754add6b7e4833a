"""The Liquid stage (convert/liquid.py) and Jekyll's permalinks (convert/permalink.py): one
test per tag and filter, each on a small site written into a tmp folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convert.batch import _folder_fingerprint
from convert.permalink import permalink_path, permalink_url, slugify
from convert.reader import read_post
from convert.site import read_data, site_for

CONFIG = """\
title: Test blog
url: https://example.org
baseurl: /blog
repository: https://github.com/example/blog
timezone: UTC
lang: en
"""


def site(tmp_path: Path, config: str = CONFIG, includes: dict | None = None, data: dict | None = None) -> Path:
    """A Jekyll site in tmp_path: `_config.yml`, `_includes/`, `_data/`, `_posts/`."""
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(config)
    for folder, files in (("_includes", includes or {}), ("_data", data or {})):
        for name, text in files.items():
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    site_for.cache_clear()
    return root


def post(root: Path, body: str, name: str = "2023-01-29-welcome.md", front: str = "title: Welcome\n"):
    """Read a post with this body; front matter is three lines, so body line 1 is file line 4."""
    path = root / "_posts" / name
    path.write_text(f"---\n{front}---\n{body}")
    return read_post(path)


def liquid_warnings(doc) -> list[tuple[int | None, str]]:
    return [(w.line, w.message) for w in doc.warnings if w.kind == "liquid"]


# Variables: site.* from _config.yml and _data/, page.* from front matter.

def test_site_variables_from_config(tmp_path):
    doc = post(site(tmp_path), "[#1338]({{ site.repository }}/issues/1338) in {{ site.title }}\n")
    assert '<a href="https://github.com/example/blog/issues/1338">#1338</a> in Test blog' in doc.body
    assert liquid_warnings(doc) == []


def test_site_data_yaml_json_csv(tmp_path):
    root = site(tmp_path, data={"team.yml": "- name: Ann\n- name: Bob\n",
                                "links/main.json": '{"home": "https://example.org/"}',
                                "prices.csv": "item,price\ntea,3\n"})
    doc = post(root, "{{ site.data.team[1].name }} {{ site.data.links.main.home }} {{ site.data.prices[0].price }}\n")
    assert "<p>Bob https://example.org/ 3</p>" in doc.body


def test_data_files_are_bounded_and_links_out_refused(tmp_path):
    outside = tmp_path / "secret.yml"
    outside.write_text("password: hunter2\n")
    root = site(tmp_path, data={"ok.yml": "a: 1\n", "broken.yml": "a: [\n"})
    (root / "_data" / "leak.yml").symlink_to(outside)
    data, warnings = read_data(root / "_data")
    assert data == {"ok": {"a": 1}}
    assert any("broken.yml" in w for w in warnings)


def test_page_variables_from_front_matter(tmp_path):
    doc = post(site(tmp_path), "{{ page.title }} by {{ page.author }}; {{ page.url }}\n",
               front="title: Welcome\nauthor: Ann\n")
    assert "<p>Welcome by Ann; /2023/01/29/welcome.html</p>" in doc.body


def test_undefined_variable_is_empty_and_named(tmp_path):
    doc = post(site(tmp_path), "a{{ site.nothing.here }}b\n")
    assert "<p>ab</p>" in doc.body
    assert any("site.nothing.here" in message for _, message in liquid_warnings(doc))


# Tags.

def test_raw(tmp_path):
    doc = post(site(tmp_path), "{% raw %}`{{ site.title }}` and {% include x %}{% endraw %}\n")
    assert "<code>{{ site.title }}</code> and {% include x %}" in doc.body
    assert liquid_warnings(doc) == []


def test_highlight_is_a_fenced_block_with_liquid_rendered_inside(tmp_path):
    doc = post(site(tmp_path), "Text.\n\n{% highlight ruby linenos %}\nputs '{{ site.title }}'\n"
                               "x = ```\n{% endhighlight %}\n\nAfter.\n")
    assert '<pre><code class="language-ruby">puts \'Test blog\'\nx = ```\n</code></pre>' in doc.body
    assert "<p>After.</p>" in doc.body


def test_highlight_after_text_on_its_line_still_opens_a_block(tmp_path):
    doc = post(site(tmp_path), "Code: {% highlight sh %}\nls -l\n{% endhighlight %}\n")
    assert "<p>Code:</p>" in doc.body and '<pre><code class="language-sh">ls -l\n</code></pre>' in doc.body


def test_post_url_gives_the_target_permalink(tmp_path):
    root = site(tmp_path)
    (root / "_posts" / "2013-05-06-jekyll-1-0-0-released.md").write_text(
        "---\ntitle: One\ncategories: release\n---\nx\n")
    doc = post(root, "[1.0]({% post_url 2013-05-06-jekyll-1-0-0-released %})\n")
    assert 'href="https://example.org/blog/release/2013/05/06/jekyll-1-0-0-released.html"' in doc.body
    assert liquid_warnings(doc) == []


def test_post_url_to_a_missing_post_is_computed_and_warned(tmp_path):
    doc = post(site(tmp_path), "x\n[gone]({% post_url 2010-01-02-gone %})\n")
    assert 'href="https://example.org/blog/2010/01/02/gone.html"' in doc.body
    assert [line for line, _ in liquid_warnings(doc)] == [5]


def test_link_to_a_post_and_to_a_collection_document(tmp_path):
    root = site(tmp_path, CONFIG + "collections:\n  docs:\n    permalink: /:collection/:path/\n")
    (root / "_posts" / "2017-03-02-other.markdown").write_text("---\npermalink: /custom/place/\n---\nx\n")
    (root / "_docs").mkdir()
    (root / "_docs" / "history.md").write_text("---\ntitle: History\n---\nx\n")
    doc = post(root, "[a]({% link _posts/2017-03-02-other.markdown %}) [b]({% link _docs/history.md %}#v1)\n")
    assert 'href="https://example.org/blog/custom/place/"' in doc.body
    assert 'href="https://example.org/blog/docs/history/#v1"' in doc.body


def test_include_with_parameters_and_page(tmp_path):
    root = site(tmp_path, includes={"note.html": "**{{ include.kind }}**: {{ include.text }} ({{ page.title }})"})
    doc = post(root, 'Before.\n\n{% include note.html kind="Note" text=page.title %}\n')
    assert "<p><strong>Note</strong>: Welcome (Welcome)</p>" in doc.body


def test_include_name_from_a_variable(tmp_path):
    root = site(tmp_path, includes={"a.html": "included A"})
    doc = post(root, "{% assign file = 'a.html' %}{% include {{ file }} %}\n")
    assert "<p>included A</p>" in doc.body


def test_missing_include_is_a_warning_with_line_and_leaves_the_body(tmp_path):
    root = site(tmp_path)   # no _includes/ at all, as in the real sites' post folders
    doc = post(root, "One.\n\n{% include gallery caption=\"A **gallery**\" %}\n\nTwo.\n")
    assert "gallery" not in doc.body and "<p>One.</p>" in doc.body and "<p>Two.</p>" in doc.body
    [(line, message)] = liquid_warnings(doc)
    assert line == 6 and "include not found" in message
    assert message.endswith('left out: {% include gallery caption="A **gallery**" %}')


def test_problem_inside_an_include_names_it_at_the_include_line(tmp_path):
    root = site(tmp_path, includes={"box.html": "Box\n{{ 'x' | no_such_filter }} end"})
    doc = post(root, "One.\n\n{% include box.html %}\n")
    assert "Box" in doc.body and "end" in doc.body
    [(line, message)] = liquid_warnings(doc)
    assert line == 6 and "in include box.html (line 2)" in message and "no_such_filter" in message


def test_include_cannot_leave_the_includes_folder(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP SECRET")
    root = site(tmp_path, includes={"ok.html": "fine"})
    (root / "_includes" / "link.html").symlink_to(outside)
    (root / "inner.html").write_text("NOT AN INCLUDE")
    doc = post(root, "{% include ../inner.html %} {% include link.html %} {% include /etc/hostname %} "
                     "{% include ok.html %}\n")
    assert "SECRET" not in doc.body and "NOT AN INCLUDE" not in doc.body and "fine" in doc.body
    assert len(liquid_warnings(doc)) == 3


def test_include_cannot_inject_script(tmp_path):
    root = site(tmp_path, includes={"evil.html": '<script>alert(1)</script><a href="javascript:x()">x</a>'})
    doc = post(root, "{% include evil.html %}\n")
    assert "<script" not in doc.body and "javascript:" not in doc.body


def test_recursive_include_is_stopped(tmp_path):
    root = site(tmp_path, includes={"loop.html": "a{% include loop.html %}"})
    doc = post(root, "{% include loop.html %}\n")
    assert "a" * 5 in doc.body and "a" * 40 not in doc.body
    assert any("recursive include" in message for _, message in liquid_warnings(doc))


def test_assign_capture_for_if(tmp_path):
    doc = post(site(tmp_path), '{% assign n = 3 %}{% capture greeting %}Hi {{ page.title }}{% endcapture %}'
                               '{{ greeting }}: {% for i in (1..n) %}{{ i }}{% unless forloop.last %},{% endunless %}'
                               '{% endfor %}{% if n > 2 %} many{% else %} few{% endif %}\n')
    assert "<p>Hi Welcome: 1,2,3 many</p>" in doc.body


def test_unknown_tag_is_a_warning_with_line_and_leaves_the_body(tmp_path):
    doc = post(site(tmp_path), "Line one.\n{% gist 12345 %} after.\n")
    assert "gist" not in doc.body and "after." in doc.body
    assert liquid_warnings(doc) == [(5, "Liquid: unknown tag 'gist', left out: {% gist 12345 %}")]


def test_render_with_liquid_false_keeps_the_body(tmp_path):
    doc = post(site(tmp_path), "`{{ site.title }}` {% gist 1 %}\n", front="title: t\nrender_with_liquid: false\n")
    assert "<code>{{ site.title }}</code> {% gist 1 %}" in doc.body
    assert liquid_warnings(doc) == []


def test_syntax_error_keeps_the_body_as_written(tmp_path):
    doc = post(site(tmp_path), "Intro {{ site.title }}.\n\n{% if page.title %}\nnever closed\n")
    assert "{{ site.title }}" in doc.body and "never closed" in doc.body
    [(line, message)] = liquid_warnings(doc)
    assert line == 4 and "body kept as written" in message


@pytest.mark.parametrize("body", ["{% for i in (1..1000000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}",
                                  "{% for i in (1..90000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                  "xxxxxxxxxxxxxxxxxxxx' | append: page.title }}{% endfor %}",
                                  "{% assign a = 'x' %}{% for i in (1..60) %}{% assign a = a | append: a %}{% endfor %}",
                                  "{% for i in (1..999999999999) %}x{% endfor %}"])
def test_limits_stop_a_runaway_template(tmp_path, body):
    doc = post(site(tmp_path), f"Kept.\n\n{body}\n")
    assert "Kept." in doc.body and "{% for" in doc.body
    assert any("limit" in message for _, message in liquid_warnings(doc))


def test_replace_cannot_multiply_a_string_past_the_output_limit(tmp_path):
    doc = post(site(tmp_path), "{% assign a = 'x' %}{% for i in (1..20) %}{% assign a = a | append: a %}{% endfor %}"
                               "[{{ a | replace: 'x', a }}]\n")
    assert "<p>[]</p>" in doc.body and any("replace" in message for _, message in liquid_warnings(doc))


@pytest.mark.parametrize("body", ["a {% raw %} b {{ c }}", "a {% endraw %} b {{ c }}", "a {% endif %} b {{ c }}"])
def test_unclosed_raw_or_stray_end_keeps_the_body(tmp_path, body):
    doc = post(site(tmp_path), body + "\n")
    assert body.replace("{{ c }}", "") in doc.body and "{{ c }}" in doc.body
    assert "body kept as written" in liquid_warnings(doc)[0][1]


# Filters.

@pytest.mark.parametrize(("template", "expected"), [
    ('{{ "/about/" | relative_url }}', "/blog/about/"),
    ('{{ "/about/" | absolute_url }}', "https://example.org/blog/about/"),
    ('{{ "https://x.org/a" | relative_url }}', "https://x.org/a"),
    ('{{ page.date | date: "%Y-%m-%d %H:%M" }}', "2023-01-29 10:30"),
    ('{{ page.date | date_to_string }}', "29 Jan 2023"),
    ('{{ page.date | date_to_xmlschema }}', "2023-01-29T10:30:00+00:00"),
    ("{{ 'a < b & \"c\"' | xml_escape }}", 'a &lt; b &amp; "c"'),
    ('{{ "The _config.yml file" | slugify }}', "the-config-yml-file"),
    ('{{ "The _config.yml file" | slugify: "pretty" }}', "the-_config.yml-file"),
    ('{{ page.tags | jsonify }}', '["a","b 中"]'),
    ('{{ site.data.team | where: "role", "dev" | map: "name" | join: "," }}', "Ann,Cy"),
    ('{{ page.tags | array_to_sentence_string }}', "a and b 中"),
])
def test_filter(tmp_path, template, expected):
    root = site(tmp_path, data={"team.yml": "- {name: Ann, role: dev}\n- {name: Bob, role: ops}\n"
                                            "- {name: Cy, role: [dev, ops]}\n"})
    doc = post(root, f"<div>{template}</div>\n", front="title: t\ndate: 2023-01-29 10:30:00 +0000\n"
                                                       "tags: [a, b 中]\n")
    assert f"<div>{expected}</div>" in doc.body
    assert liquid_warnings(doc) == []


def test_markdownify(tmp_path):
    doc = post(site(tmp_path), '{% capture t %}*em* and **strong**{% endcapture %}{{ t | markdownify }}\n')
    assert "<p><em>em</em> and <strong>strong</strong></p>" in doc.body


def test_unknown_filter_is_a_warning(tmp_path):
    doc = post(site(tmp_path), "a {{ 'x' | no_such_filter }} b\n")
    assert "<p>a  b</p>" in doc.body and liquid_warnings(doc)


# Permalinks.

POST = Path("/site/_posts/2023-01-09-Welcome to Jekyll!.md")
FRONT = {"categories": "jekyll update", "date": "2023-01-09 08:05:07 +0100"}


@pytest.mark.parametrize(("style", "expected"), [
    (None, "/jekyll/update/2023/01/09/Welcome-to-Jekyll!.html"),
    ("date", "/jekyll/update/2023/01/09/Welcome-to-Jekyll!.html"),
    ("pretty", "/jekyll/update/2023/01/09/Welcome-to-Jekyll!/"),
    ("ordinal", "/jekyll/update/2023/009/Welcome-to-Jekyll!.html"),
    ("none", "/jekyll/update/Welcome-to-Jekyll!.html"),
    ("/:year/:i_month/:i_day/:short_year/:hour-:minute-:second/:slug:output_ext",
     "/2023/1/9/23/08-05-07/welcome-to-jekyll.html"),
    ("/:categories/:month/:day/:title/", "/jekyll/update/01/09/Welcome-to-Jekyll!/"),
])
def test_permalink_styles(style, expected):
    config = {"permalink": style} if style else {}
    assert permalink_path(config, POST, FRONT) == expected


def test_permalink_from_the_file_name_alone():
    assert permalink_path({}, Path("/s/_posts/2016-03-10-jekyll-3-1-2.md"), {}) == "/2016/03/10/jekyll-3-1-2.html"


def test_post_permalink_and_slug_win():
    assert permalink_path({"permalink": "pretty"}, POST, {"permalink": "/about/:year/"}) == "/about/2023/"
    assert permalink_path({}, POST, {"slug": "Hi There"}) == "/2023/01/09/Hi-There.html"


def test_posts_collection_permalink_wins_over_the_site_style():
    config = {"permalink": "date", "collections": {"posts": {"permalink": "/news/:year/:month/:day/:title/"}}}
    assert permalink_path(config, POST, {}) == "/news/2023/01/09/Welcome-to-Jekyll!/"


def test_categories_from_folders_above_posts(tmp_path):
    (tmp_path / "_config.yml").write_text("title: x\n")
    path = tmp_path / "jekyll" / "update" / "_posts" / "2023-01-29-welcome.md"
    assert permalink_path({}, path, {"category": "Extra"}) == "/jekyll/update/extra/2023/01/29/welcome.html"


def test_permalink_url():
    config = {"url": "https://mmistakes.github.io/", "baseurl": "/minimal-mistakes"}
    assert permalink_url(config, POST, {"permalink": "/x/"}) == "https://mmistakes.github.io/minimal-mistakes/x/"
    assert permalink_url({}, POST, {}) is None


def test_slugify_modes():
    assert slugify("The _config.yml file", "raw") == "the-_config.yml-file"
    assert slugify("Café déjà vu", "latin") == "cafe-deja-vu"
    assert slugify("中文 标题！") == "中文-标题"
    assert slugify("Hello World", "ascii", cased=True) == "Hello-World"


# The cache.

def test_includes_and_data_change_the_cache_key(tmp_path):
    root = site(tmp_path, includes={"a.html": "one"}, data={"d.yml": "a: 1\n"})
    folder = root / "_posts"
    first = _folder_fingerprint(folder)
    include = root / "_includes" / "a.html"
    include.write_text("two!")
    os.utime(include, ns=(1, 1))
    site_for.cache_clear()
    _folder_fingerprint.cache_clear()
    second = _folder_fingerprint(folder)
    (root / "_data" / "d.yml").write_text("a: 2\n")
    site_for.cache_clear()
    _folder_fingerprint.cache_clear()
    assert len({first, second, _folder_fingerprint(folder)}) == 3
