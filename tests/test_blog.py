"""Blog metadata (issue 9, item 7): a blog post cites as one, news stays news; authors from
front matter, the site's `author` or `_data/authors.yml`; the site's `name` when it has no
`title`; Jekyll's title from the file name; `published: false` posts skipped."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import lxml.etree
import pytest
import rispy

import convert
from convert import batch, citation
from convert.profiles import load as load_profile
from convert.reader import slug_title
from convert.settings import Settings
from convert.site import site_for

from conftest import CORPUS_POSTS, REFERENCE, ROOT
from test_cli import octavo

BLOG = ROOT / "tests" / "fixtures" / "blog"
POSTS = BLOG / "_posts"
NO_TITLE = POSTS / "2024-03-01-codeblocks-ahoy.md"
GUEST = POSTS / "2024-03-02-guest-post.md"
HEADING = POSTS / "2024-03-03-opening-heading.md"
DRAFT = POSTS / "2024-03-04-not-yet.md"
JEKYLL_SITES = ROOT.parent / "shared" / "corpus" / "jekyll"
"""Two real Jekyll sites (the workplace's; absent in a user's clone, so those tests skip)."""
GENERIC = Settings(profile="generic")
NEWS = Settings(profile="eastmoney")
NS = {"d": "http://datacite.org/schema/kernel-4"}


def blog(path: Path) -> convert.Document:
    return convert.load(path, GENERIC)


def write_post(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- genre ------------------------------------------------------------------------------


def test_genre_is_profile_data():
    assert (load_profile("eastmoney").genre, load_profile("generic").genre) == ("news", "blog")
    assert convert.load(REFERENCE).meta.genre == "news"
    assert blog(GUEST).meta.genre == "blog"


def test_blog_post_cites_as_a_blog_post_in_every_format():
    meta = blog(GUEST).meta
    item = citation.csl(meta)
    assert item["type"] == "post-weblog" and item["container-title"] == "Ahoy Notes"
    (entry,) = rispy.loads(citation.ris(meta))
    assert entry["type_of_reference"] == "BLOG" and entry["secondary_title"] == "Ahoy Notes"
    data = citation.jsonld(meta)
    assert data["@type"] == "BlogPosting"
    assert data["isPartOf"] == {"@type": "Blog", "name": "Ahoy Notes"}
    root = lxml.etree.fromstring(citation.datacite(meta).encode())
    kind = root.find("d:resourceType", NS)
    assert (kind.text, kind.get("resourceTypeGeneral")) == ("Blog post", "Text")
    assert "@online{" in citation.biblatex(meta) and "@misc{" in citation.bibtex(meta)


def test_news_stays_news():
    meta = convert.load(REFERENCE).meta
    assert citation.csl(meta)["type"] == "article-newspaper"
    assert rispy.loads(citation.ris(meta))[0]["type_of_reference"] == "NEWS"
    assert citation.jsonld(meta)["@type"] == "NewsArticle" and "isPartOf" not in citation.jsonld(meta)
    assert "News article" in citation.datacite(meta)


# --- site: name, author, _data/authors.yml ----------------------------------------------


def test_site_name_stands_in_for_a_missing_title(tmp_path):
    assert site_for(POSTS).title == "Ahoy Notes"
    both = tmp_path / "both"
    write_post(both, "_config.yml", "title: The Title\nname: The Name\n")
    assert site_for(both).title == "The Title"


def test_authors_from_front_matter_by_id_mapping_and_name():
    assert blog(GUEST).meta.authors == ["Grace Hopper", "Alan Turing", "Katherine Johnson"]
    assert blog(HEADING).meta.authors == ["Alan Turing"]


def test_a_blog_post_without_author_takes_the_sites():
    assert blog(NO_TITLE).meta.authors == ["Ada Lovelace"]
    assert citation.csl(blog(NO_TITLE).meta)["author"] == [{"literal": "Ada Lovelace"}]


def test_a_news_sites_author_is_never_the_articles():
    """finews's `_config.yml` says `author: ZNing`, who runs the feed, not who wrote the news."""
    assert site_for(REFERENCE.parent).author == ("ZNing",)
    for path in CORPUS_POSTS:
        assert "ZNing" not in convert.load(path).meta.authors


def test_site_author_as_a_string_or_an_id(tmp_path):
    site = tmp_path / "site"
    write_post(site, "_config.yml", "title: T\nauthor: grace\n")
    write_post(site / "_data", "authors.yml", "grace: {name: Grace Hopper}\n")
    post = write_post(site / "_posts", "2024-01-01-x.md", "---\ntitle: X\n---\nText.\n")
    assert blog(post).meta.authors == ["Grace Hopper"]


@pytest.mark.parametrize("data, why", [
    ("grace: [unclosed\n", "not readable"),
    ("x: " + "a" * (1024 * 1024) + "\n", "byte budget"),
])
def test_a_bad_authors_file_is_ignored_with_a_warning(tmp_path, data, why):
    site = tmp_path / "site"
    write_post(site, "_config.yml", "title: T\n")
    write_post(site / "_data", "authors.yml", data)
    post = write_post(site / "_posts", "2024-01-01-x.md", "---\ntitle: X\nauthor: grace\n---\nText.\n")
    doc = blog(post)
    assert doc.meta.authors == ["grace"]
    assert [w for w in doc.warnings if why in w.message and "authors.yml" in w.message]


def test_an_authors_file_leading_outside_the_site_is_not_read(tmp_path):
    outside = write_post(tmp_path / "elsewhere", "authors.yml", "grace: {name: Grace Hopper}\n")
    site = tmp_path / "site"
    write_post(site, "_config.yml", "title: T\n")
    (site / "_data").mkdir()
    (site / "_data" / "authors.yml").symlink_to(outside)
    post = write_post(site / "_posts", "2024-01-01-x.md", "---\ntitle: X\nauthor: grace\n---\nText.\n")
    doc = blog(post)
    assert doc.meta.authors == ["grace"]
    assert [w for w in doc.warnings if "leads outside the site" in w.message]


def test_an_author_list_from_an_alias_is_bounded(tmp_path):
    names = "\n".join(f"  - name{n}" for n in range(500))
    post = write_post(tmp_path, "2024-01-01-x.md", f"---\ntitle: X\nauthor:\n{names}\n---\nText.\n")
    assert len(blog(post).meta.authors) == 100


# --- title from the file name -----------------------------------------------------------


@pytest.mark.parametrize("name, title", [
    ("2016-02-24-codeblocks-ahoy.md", "Codeblocks Ahoy"),
    ("codeblocks-ahoy.markdown", "Codeblocks Ahoy"),
    ("2009-9-5-edge-case-no-yaml-title.md", "Edge Case No Yaml Title"),
    ("2020-01-02-my-iOS-app.md", "My Ios App"),   # Ruby's capitalize lowers the rest
    ("2020-01-02-version-1.0.md", "Version 1.0"),  # only the last dot starts the extension
    ("2020-01-02-trailing...md", "Trailing"),     # slugs lose trailing periods
])
def test_slug_title_as_jekyll_makes_it(name, title):
    assert slug_title(name) == title


def test_blog_post_without_title_or_heading_takes_the_slug():
    doc = blog(NO_TITLE)
    assert doc.meta.title == "Codeblocks Ahoy"
    assert [w for w in doc.warnings if w.kind == "title-from-file-name" and "Codeblocks Ahoy" in w.message]
    assert "Code blocks, ahoy!" in doc.body, "the opening sentence stays in the body"


def test_an_opening_heading_is_the_title_not_the_slug():
    doc = blog(HEADING)
    assert doc.meta.title == "The heading is the title"
    assert not [w for w in doc.warnings if w.kind == "title-from-file-name"]


def test_news_keeps_its_first_sentence_title(tmp_path):
    post = write_post(tmp_path, "2022-01-19-202201192253651534.md", "---\ndate: 2022-01-19\n---\n据悉，公司宣布一事。详情如下。\n")
    assert convert.load(post, NEWS).meta.title == "据悉，公司宣布一事"


# --- published: false -------------------------------------------------------------------


@pytest.mark.parametrize("value, published", [
    ("false", False), ("", False), ("no", False), ("true", True), ('"false"', True),
])
def test_published_as_jekyll_reads_it(tmp_path, value, published):
    """Jekyll builds a post unless `published` is false or empty (a quoted "false" is a string)."""
    post = write_post(tmp_path, "2024-01-01-x.md", f"---\ntitle: X\npublished: {value}\n---\nText.\n")
    assert blog(post).meta.published is published


@pytest.mark.parametrize("value, published", [("false", False), ("~", False), ('"false"', True), ("yes", True)])
def test_published_survives_front_matter_read_line_by_line(tmp_path, value, published):
    """A block YAML refuses (an unescaped quote) is recovered field by field; `published`
    keeps the meaning YAML gives it, or a draft would be converted as if published."""
    post = write_post(tmp_path, "2024-01-01-x.md",
                      f'---\ntitle: "He said "no""\npublished: {value}\n---\nText.\n')
    doc = blog(post)
    assert [w for w in doc.warnings if "field by field" in w.message]
    assert doc.meta.published is published


def test_unpublished_post_is_skipped_not_failed(tmp_path):
    jobs = [batch.Job(path, path.stem) for path in (GUEST, DRAFT)]
    guest, draft = batch.run(jobs, tmp_path, GENERIC.replace(formats=("html", "csl"), jobs=1, cache=False))
    assert guest.ok and not guest.skipped and len(guest.outputs) == 2
    assert draft.ok and draft.skipped and not draft.outputs and not draft.errors
    assert [w for w in draft.warnings if w.kind == "unpublished" and "published: false" in w.message]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("2024")) == [
        f"{GUEST.stem}.csl.json", f"{GUEST.stem}.html"]


def test_unpublished_setting_converts_it(tmp_path):
    settings = GENERIC.replace(formats=("csl",), jobs=1, cache=False, unpublished=True)
    (draft,) = batch.run([batch.Job(DRAFT, DRAFT.stem)], tmp_path, settings)
    assert draft.ok and not draft.skipped
    assert json.loads((tmp_path / f"{DRAFT.stem}.csl.json").read_text())[0]["title"] == "Not yet"


def test_strict_does_not_fail_a_skipped_post(tmp_path):
    post = write_post(tmp_path / "in", "2024-01-01-x.md", "---\npublished: false\n---\nNo title: a repair.\n")
    (result,) = batch.run([batch.Job(post, post.stem)], tmp_path / "out",
                          GENERIC.replace(formats=("csl",), jobs=1, cache=False, strict=True))
    assert result.ok and result.skipped


def test_cli_counts_skipped_posts_and_names_them(tmp_path):
    site = tmp_path / "blog"
    shutil.copytree(BLOG, site)
    run = octavo("convert", site, "-o", tmp_path / "out", "-t", "cite", "--profile", "generic")
    assert run.returncode == 0, run.stderr
    assert "3 of 4 converted" in run.stderr and "(1 skipped)" in run.stderr
    assert f"{DRAFT.name}: skipped: its front matter says `published: false`" in run.stderr
    assert not list((tmp_path / "out").glob(f"{DRAFT.stem}.*"))
    again = octavo("convert", site, "-o", tmp_path / "all", "-t", "csl", "--profile", "generic", "--unpublished")
    assert again.returncode == 0 and "4 of 4 converted" in again.stderr


def test_cite_skips_unpublished_unless_asked():
    skipped = octavo("cite", DRAFT, "--profile", "generic")
    assert skipped.returncode == 0 and skipped.stdout == ""
    assert "published: false" in skipped.stderr
    cited = octavo("cite", DRAFT, "--profile", "generic", "--unpublished", "-f", "ris")
    assert cited.returncode == 0 and "TY  - BLOG" in cited.stdout and "T1  - Not yet" in cited.stdout


# --- the real Jekyll sites --------------------------------------------------------------


def jekyll_posts() -> list[Path]:
    if not JEKYLL_SITES.is_dir():
        pytest.skip("the Jekyll sites (../shared/corpus/jekyll) are not present")
    return sorted(p for p in JEKYLL_SITES.glob("*/_posts/*") if p.suffix in (".md", ".markdown"))


def test_real_jekyll_posts_cite_as_blog_posts_of_their_site():
    by_site: dict[str, set] = {}
    posts = jekyll_posts()
    assert len(posts) >= 150
    for path in posts:
        meta = blog(path).meta.replace(converted=datetime(2024, 1, 1, tzinfo=timezone.utc))
        item = citation.csl(meta)
        assert item["type"] == "post-weblog", path
        assert meta.title, path
        by_site.setdefault(path.parent.parent.name, set()).add(item.get("container-title"))
    assert by_site == {"jekyll-docs": {"Jekyll • Simple, blog-aware, static sites"},
                       "minimal-mistakes": {"Minimal Mistakes"}}


def test_real_site_author_and_slug_title():
    mm = JEKYLL_SITES / "minimal-mistakes" / "_posts"
    jekyll_posts()
    untitled = blog(mm / "2009-09-05-edge-case-no-yaml-title.md").meta
    assert untitled.title == "Edge Case No Yaml Title" and untitled.authors == ["Michael Rose"]
    assert blog(mm / "2012-03-15-layout-author-override.md").meta.authors == ["Billy Rick"]


@pytest.mark.parametrize("style", ["chicago-author-date", "apa"])
def test_a_blog_is_named_once_in_a_formatted_citation(style):
    """The blog is its own publisher: its name is the container, not printed twice."""
    text = citation.formatted(blog(GUEST).meta, style)
    assert text.count("Ahoy Notes") == 1, text


def test_the_permalink_is_a_blog_posts_canonical_url_unless_it_gives_one(tmp_path):
    doc = blog(BLOG / "_posts" / "2024-03-01-codeblocks-ahoy.md")
    assert doc.meta.canonical_url == "https://ahoy.example.org/notes/2024/codeblocks-ahoy/"
    site = tmp_path / "site"
    write_post(site, "_config.yml", "title: T\nurl: https://t.example/\nbaseurl: blog\n")
    own = write_post(site / "_posts", "2024-01-02-own.md",
                     "---\ntitle: Own\ncanonical_url: https://elsewhere.example/own\n---\nText.\n")
    plain = write_post(site / "_posts", "2024-01-02-plain.md", "---\ntitle: Plain\n---\nText.\n")
    assert blog(own).meta.canonical_url == "https://elsewhere.example/own"
    assert blog(plain).meta.canonical_url == "https://t.example/blog/2024/01/02/plain.html"
    assert convert.load(plain, NEWS).meta.canonical_url is None  # news: only what the post itself gives


def test_a_config_alias_bomb_is_ignored_with_a_warning(tmp_path):
    """`_config.yml` goes through the same guard as front matter (yamlsafe): refused, named."""
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
        f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
        for n in range(8))
    write_post(tmp_path, "_config.yml", "title: Bombed\n" + bomb)
    post = write_post(tmp_path / "_posts", "2024-01-01-x.md", "---\ntitle: X\n---\nText.\n")
    doc = blog(post)
    assert doc.meta.site_title is None
    assert [w for w in doc.warnings if "_config.yml" in w.message and "not readable YAML" in w.message]
