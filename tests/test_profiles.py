"""`--profile auto` (the default) picks a site's profile from its configuration and posts, the
choice is reported, and a generic site gets only generic rules (issue 9, item 5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, CORPUS_POSTS, ROOT

import convert
from convert import batch, profiles
from convert.inputs import discover
from convert.profiles import AUTO, choose
from convert.rules import NEWS, RULES
from convert.settings import Settings

BLOG = ROOT / "tests" / "fixtures" / "blog"
JEKYLL_SITES = ROOT.parent / "shared" / "corpus" / "jekyll"
NEWS_POST = ("---\ntitle: 快讯\ndate: 2022-01-19 17:07:03 +0800\n---\n> 摘要一句。\n\n正文。\n\n"
             '<p class="em_media">（文章来源：新华社）</p>\n\n<http://finance.eastmoney.com/a/1.html>\n\n'
             "[返回东财滚动新闻](//finews.example/emnews/)\n")
BLOG_POST = ("---\ntitle: Notes\ndate: 2024-01-02\n---\n> Premature optimisation is the root of all evil.\n\n"
             "I keep coming back to this line.\n\n**Why it matters**\n\nBecause it does.\n\n"
             "<https://example.org/original-essay>\n")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_auto_is_the_default_and_a_valid_value():
    assert Settings().profile == AUTO
    assert Settings(profile="auto").profile == AUTO
    with pytest.raises(convert.errors.UsageError, match="known: auto, eastmoney, generic"):
        Settings(profile="nope")


def test_the_east_money_site_is_recognised_whole():
    """Every post of the finews corpus, the one without any marker (开站大吉) included, is eastmoney:
    the site is judged on its posts, not each post alone."""
    choices = {choose(AUTO, path).name for path in CORPUS_POSTS}
    assert choices == {"eastmoney"}
    reason = choose(AUTO, CORPUS / "2021-12-01-init.md").reason
    assert f"of {len(CORPUS_POSTS)} posts of the site at {CORPUS}" in reason
    assert convert.load(CORPUS / "2021-12-01-init.md").meta.genre == "news"


def test_blog_sites_are_generic():
    for post in sorted((BLOG / "_posts").glob("*.md")):
        assert choose(AUTO, post).name == "generic"
        assert convert.load(post, Settings(unpublished=True)).meta.genre == "blog"


def test_real_jekyll_sites_are_generic():
    if not JEKYLL_SITES.is_dir():
        pytest.skip("the Jekyll sites (../shared/corpus/jekyll) are not present")
    posts = sorted(JEKYLL_SITES.glob("*/_posts/*"))
    assert posts and {choose(AUTO, post).name for post in posts} == {"generic"}


def test_a_post_outside_any_site_is_judged_alone(tmp_path):
    assert choose(AUTO, write(tmp_path / "a", "news.md", NEWS_POST)).name == "eastmoney"
    assert choose(AUTO, write(tmp_path / "b", "note.md", BLOG_POST)).name == "generic"
    assert choose("generic", tmp_path / "a" / "news.md") == profiles.Choice("generic", "given")


def test_a_site_is_news_only_when_most_of_its_posts_say_so(tmp_path):
    site = tmp_path / "site"
    write(site, "_config.yml", "title: Mixed\n")
    write(site / "_posts", "2024-01-01-a.md", NEWS_POST)
    for n in range(2):
        write(site / "_posts", f"2024-01-0{n + 2}-b.md", BLOG_POST)
    assert choose(AUTO, site / "_posts" / "2024-01-01-a.md").name == "generic"
    profiles._site_choice.cache_clear()
    write(site / "_posts", "2024-01-05-c.md", NEWS_POST)
    assert choose(AUTO, site / "_posts" / "2024-01-02-b.md").name == "eastmoney"


def test_a_site_declaring_another_language_is_not_the_chinese_feed(tmp_path):
    """East Money's markers are data, with the languages its sites write in (zh): an English
    site quoting eastmoney.com links in every post is still a blog."""
    site = tmp_path / "english"
    write(site, "_config.yml", "title: Markets\nlang: en\n")
    post = write(site / "_posts", "2024-01-01-a.md", NEWS_POST)
    assert choose(AUTO, post).name == "generic"


def test_rules_declare_which_are_news_only():
    news_only = {name for name, _, genres in RULES if genres == NEWS}
    assert news_only == {"extract_source_url", "extract_summary", "centered_headings", "document_number",
                         "section_heads", "source_line", "signature_block", "trailing_credit"}


def test_a_generic_site_gets_only_generic_rules(tmp_path):
    """Today's complaint: news rules turned a blog's opening quote into its abstract, a trailing
    bare link into its original article and a short bold line into a heading."""
    site = tmp_path / "blog"
    write(site, "_config.yml", "title: Essays\nlang: en\n")
    post = write(site / "_posts", "2024-01-02-notes.md", BLOG_POST)
    doc = convert.load(post)
    assert doc.meta.summary is None and doc.meta.canonical_url != "https://example.org/original-essay"
    assert "<blockquote>" in doc.body and "<strong>Why it matters</strong>" in doc.body
    assert 'href="https://example.org/original-essay"' in doc.body
    news = convert.load(post, Settings(profile="eastmoney"))
    assert news.meta.summary and news.meta.canonical_url == "https://example.org/original-essay"
    assert "<h2>Why it matters</h2>" in news.body


def test_normalize_applies_the_profile_the_post_was_read_with(tmp_path):
    """The profile is chosen once per post, by read_post; normalize's `auto` takes it from the
    Document rather than choosing again (a given profile is not undone by a second look)."""
    site = tmp_path / "blog"
    write(site, "_config.yml", "title: Essays\nlang: en\n")
    post = write(site / "_posts", "2024-01-02-notes.md", BLOG_POST)
    read = convert.read_post(post, Settings(profile="eastmoney"))
    assert read.profile == "eastmoney"
    news = convert.normalize(read)
    assert news.profile == "eastmoney" and news.meta.summary
    assert news.body == convert.normalize(read, "eastmoney").body != convert.normalize(read, "generic").body
    assert convert.read_post(post).profile == "generic"


def test_the_resolved_profile_keys_the_cache(tmp_path):
    """A site whose posts change what auto picks is converted again, not served from the cache."""
    site = tmp_path / "site"
    write(site, "_config.yml", "title: Feed\nlang: zh-CN\n")
    first = write(site, "2024-01-01-a.md", NEWS_POST)
    settings = Settings(formats=("html",), jobs=1)
    out = tmp_path / "out"
    results = batch.run(discover([str(site)], lambda m: None, out), out, settings)
    assert [r.profile.name for r in results] == ["eastmoney"] and not results[0].cached
    again = batch.run(discover([str(site)], lambda m: None, out), out, settings)
    assert again[0].cached
    profiles._site_choice.cache_clear()
    batch._folder_fingerprint.cache_clear()
    for n in range(2):
        write(site, f"2024-01-0{n + 2}-b.md", BLOG_POST)
    third = batch.run(discover([str(site)], lambda m: None, out), out, settings)
    assert {r.profile.name for r in third} == {"generic"}
    assert not any(r.cached for r in third if r.path == first)
    assert batch.cache_entry(first, "env", "eastmoney")["key"] != batch.cache_entry(first, "env", "generic")["key"]


def test_the_cli_reports_the_choice_once_per_profile(tmp_path):
    run = subprocess.run([sys.executable, "-m", "convert", "convert", str(CORPUS), str(BLOG / "_posts"),
                          "-o", str(tmp_path / "out"), "-t", "html", "--jobs", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("octavo: profile: ")]
    assert len(lines) == 2
    assert lines[0].startswith(f"octavo: profile: eastmoney for {len(CORPUS_POSTS)} posts: East Money")
    assert lines[1].startswith("octavo: profile: generic for 4 posts: no profile's markers")
    given = subprocess.run([sys.executable, "-m", "convert", "convert", str(CORPUS / "2021-12-01-init.md"),
                            "-o", str(tmp_path / "given"), "-t", "html", "--profile", "generic"],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert "octavo: profile: generic for 1 post: given" in given.stderr


def test_cite_and_convert_agree_on_the_profile(tmp_path):
    post = BLOG / "_posts" / "2024-03-01-codeblocks-ahoy.md"
    cited = subprocess.run([sys.executable, "-m", "convert", "cite", str(post)], capture_output=True, text=True,
                           cwd=ROOT, timeout=600)
    assert json.loads(cited.stdout)[0]["type"] == "post-weblog"
    cited = subprocess.run([sys.executable, "-m", "convert", "cite", str(CORPUS / "2021-12-01-init.md")],
                           capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert json.loads(cited.stdout)[0]["type"] == "article-newspaper"
