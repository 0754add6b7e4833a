"""The review page (`octavo report`, `--review`): what normalization removed, the charts,
the page's agreement with the batch report, its size, and the page in a real Chromium
(filters, search, no request outside its folder, screenshots wide and narrow)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import CORPUS_POSTS, ROOT, SHARED, posts
from convert import report, review
from convert.reader import read_post
from convert.review import charts
from convert.review.removed import compare
from convert.settings import Settings

FIXTURES = ROOT / "tests" / "fixtures"
HIDDEN = FIXTURES / "review" / "2022-03-04-hidden-text.md"
FAILING = FIXTURES / "hostile" / "binary.md"
NAVIGATION = ROOT / "tests" / "corpus" / "2021-12-08-202112082206735975.md"
"""A corpus post ending in the feed's navigation links (返回东财滚动新闻 返回首页)."""


def octavo(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The command line run from `cwd`, importing this checkout's package wherever that is."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "convert", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=1800, check=False, env=env)


# --- what normalization removed ----------------------------------------------------------


def test_hidden_text_is_shown_as_removed_and_the_rest_as_kept():
    settings = Settings()
    comparison = compare(read_post(HIDDEN, settings), settings)
    assert [p.removed_text for p in comparison.passages] == ["Sponsored keywords nobody should read"]
    assert comparison.passages[0].whole
    assert comparison.removed == len("Sponsoredkeywordsnobodyshouldread")
    assert comparison.meta.title == "A post with hidden text"


def test_navigation_chrome_is_removed_but_the_source_url_moved_into_metadata():
    settings = Settings()
    comparison = compare(read_post(NAVIGATION, settings), settings)
    removed = [p.removed_text for p in comparison.passages]
    assert removed == ["返回东财滚动新闻 返回首页"], removed   # the trailing link is the canonical URL now
    assert comparison.meta.canonical_url.endswith("202112082206735975.html")


@pytest.mark.parametrize("path", CORPUS_POSTS, ids=[p.stem for p in CORPUS_POSTS])
def test_every_removal_is_named_by_a_warning(path):
    """What the page shows as removed is what the rules' warnings name: nothing else goes."""
    settings = Settings()
    comparison = compare(read_post(path, settings), settings)
    said = " ".join(w.message for w in comparison_warnings(path, settings))
    for passage in comparison.passages:
        assert all(word in said for word in re.findall(r"[^\W_]+", passage.removed_text)), passage.runs


def comparison_warnings(path: Path, settings: Settings):
    from convert import load

    return load(path, settings).warnings


# --- charts ------------------------------------------------------------------------------


def test_charts_are_svg_images_with_a_title_and_every_number_as_text():
    for svg in (charts.bars("Outcomes", [("converted", 120), ("failed", 3)], "c1"),
                charts.columns("Per month", [("2022-01", 7), ("2022-02", 0), ("2022-03", 12)], "c2")):
        root = etree.fromstring(svg.encode())
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert {"120", "3"} <= set(texts) or {"7", "12"} <= set(texts)


def test_the_timeline_shows_empty_months_and_turns_to_years_over_three_years():
    from collections import Counter

    from convert.review.labels import EN
    from convert.review.page import _timeline

    title, rows = _timeline(Counter({"2021-12": 3, "2022-02": 1, EN["undated"]: 2}), EN)
    assert title == "chart_months"
    assert rows == [("2021-12", 3), ("2022-01", 0), ("2022-02", 1), (EN["undated"], 2)]
    title, rows = _timeline(Counter({"2013-05": 3, "2013-09": 1, "2024-06": 1}), EN)
    assert title == "chart_years"
    assert rows[0] == ("2013", 4) and rows[-1] == ("2024", 1) and len(rows) == 12
    assert sum(n for _, n in rows) == 5
    # minimal-mistakes' "Future Date" post (9999-12-31) among posts of 2009-2017: long empty
    # stretches become one column each, single empty years stay
    title, rows = _timeline(Counter({"2009-05": 7, "2010-01": 13, "2012-03": 25, "2017-01": 1, "9999-12": 1}), EN)
    assert title == "chart_years"
    assert rows == [("2009", 7), ("2010", 13), ("2011", 0), ("2012", 25), ("…", 0), ("2017", 1), ("…", 0),
                    ("9999", 1)]


# --- finding the batch report --------------------------------------------------------------


def test_report_without_a_batch_report_is_a_usage_error(tmp_path):
    (tmp_path / "post.csl.json").write_text("[]")
    result = octavo("report", str(tmp_path), "-o", str(tmp_path / "review.html"))
    assert result.returncode == 2
    assert "no batch report" in result.stderr and "--report" in result.stderr


def test_the_page_never_replaces_an_input_or_output(tmp_path):
    post = tmp_path / "2022-03-04-hidden-text.md"
    shutil.copy(HIDDEN, post)
    out = tmp_path / "out"
    assert octavo("convert", str(post), "-o", str(out), "-t", "html", "--report", str(out / "report.json"),
                  "-q").returncode == 0
    before = (out / "2022-03-04-hidden-text.html").read_bytes()
    result = octavo("report", str(out), "-o", str(out / "2022-03-04-hidden-text.html"))
    assert result.returncode == 2 and "inputs or outputs" in result.stderr
    assert (out / "2022-03-04-hidden-text.html").read_bytes() == before
    result = octavo("convert", str(post), "-o", str(out), "-t", "html", "--review", str(post))
    assert result.returncode == 1 and "inputs or outputs" in result.stderr
    assert post.read_bytes() == HIDDEN.read_bytes()


def _page_of(page: Path, *args: str, cwd: Path = ROOT) -> lxml.html.HtmlElement:
    """Run octavo with `args`, which write the review page `page` (relative to `cwd`): its tree."""
    result = octavo(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return lxml.html.fromstring((cwd / page).read_bytes())


def test_review_leaves_the_batch_report_so_the_page_can_be_made_again_from_outdir(tmp_path):
    """`convert --review` without --report leaves OUTDIR/report.json, so `octavo report OUTDIR`
    needs nothing else; a file of another kind under that name is left alone, with a warning."""
    shutil.copy(HIDDEN, tmp_path / HIDDEN.name)
    out = tmp_path / "out"
    first = _page_of(tmp_path / "review.html", "convert", str(tmp_path / HIDDEN.name), "-o", str(out), "-t", "html",
                     "--review", str(tmp_path / "review.html"))
    assert report.read(out / "report.json")["counts"]["converted"] == 1
    again = _page_of(tmp_path / "again.html", "report", str(out), "-o", str(tmp_path / "again.html"), "--no-checks")
    assert [c.get("data-outcome") for c in again.xpath("//li[contains(@class, 'card')]")] == ["converted"]
    assert first.xpath("//li//h3/text()") == again.xpath("//li//h3/text()") == ["A post with hidden text"]

    output = out / f"{HIDDEN.stem}.html"   # a later run without --review changes an output
    output.write_bytes(output.read_bytes() + b"\n")
    result = octavo("report", str(out), "-o", str(tmp_path / "stale.html"), "--no-checks")
    assert result.returncode == 0 and "1 of the outputs the batch report lists changed" in result.stderr
    assert lxml.html.fromstring((tmp_path / "stale.html").read_bytes()).xpath("//p[@class='stale']")
    assert not again.xpath("//p[@class='stale']")

    other = tmp_path / "other"
    other.mkdir()
    (other / "report.json").write_text('{"mine": true}')
    result = octavo("convert", str(tmp_path / HIDDEN.name), "-o", str(other), "-t", "html", "--review",
                    str(tmp_path / "other.html"))
    assert result.returncode == 0 and "is not a batch report: left as it is" in result.stderr
    assert (other / "report.json").read_text() == '{"mine": true}'


def test_a_page_made_from_another_folder_still_reads_each_post(tmp_path):
    """The report records where each input is from its own folder (or absolutely), never from
    the folder the run started in: `octavo report` run elsewhere reads every post again."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    shutil.copy(HIDDEN, site / "posts" / HIDDEN.name)
    result = octavo("convert", "posts", "-o", "out", "-t", "html", "--report", "out/report.json", cwd=site)
    assert result.returncode == 0, result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    page = _page_of(Path("page.html"), "report", str(site / "out"), "-o", "page.html", "--no-checks", cwd=elsewhere)
    card = page.xpath("//li[contains(@class, 'card')]")[0]
    assert card.xpath(".//h3")[0].text_content() == "A post with hidden text"   # read again, not its file name
    assert card.xpath(".//del")[0].text_content() == "Sponsored keywords nobody should read"
    assert card.xpath(".//p[@class='file']")[0].text_content() == str(site / "posts" / HIDDEN.name)


def test_a_report_of_the_first_layout_still_reads_its_inputs_from_the_working_folder(tmp_path):
    """Reports written before inputs were recorded from the report's folder: a relative input
    is taken from the current folder, as it was then."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    shutil.copy(HIDDEN, site / "posts" / HIDDEN.name)
    assert octavo("convert", "posts", "-o", "out", "-t", "html", "--report", "out/report.json", "-q",
                  cwd=site).returncode == 0
    data = json.loads((site / "out" / "report.json").read_text())
    data["schema"] = report.FIRST
    data["inputs"][0]["input"] = f"posts/{HIDDEN.name}"   # as the first layout recorded it
    (site / "out" / "report.json").write_text(json.dumps(data))
    page = _page_of(Path("page.html"), "report", "out", "-o", "page.html", "--no-checks", cwd=site)
    assert page.xpath("//li//h3")[0].text_content() == "A post with hidden text"


# --- a page made by `convert --review` ------------------------------------------------------

SAMPLE = [CORPUS_POSTS[1], NAVIGATION, CORPUS_POSTS[-1], CORPUS_POSTS[-3], HIDDEN, FAILING]
"""Posts of several months, categories and languages, one with hidden text, one that fails."""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A small batch converted with --report and --review: (page, report, outdir)."""
    work = tmp_path_factory.mktemp("review")
    inputs = work / "posts"
    inputs.mkdir()
    for path in SAMPLE:
        shutil.copy(path, inputs / path.name)
    shutil.copy(ROOT / "tests" / "corpus" / "_config.yml", inputs / "_config.yml")
    out = work / "site" / "out"
    page = work / "site" / "review.html"
    result = octavo("convert", str(inputs), "-o", str(out), "--report", str(out / "report.json"),
                    "--review", str(page), "-t", "html,pdf,epub,md,cite")
    assert result.returncode == 1, result.stderr   # binary.md fails; the others are written
    assert "review of 6 articles written" in result.stderr
    return page, json.loads((out / "report.json").read_text()), out


def _cards(page: Path):
    return lxml.html.fromstring(page.read_bytes()).xpath("//li[contains(@class, 'card')]")


@pytest.mark.slow
def test_page_counts_agree_with_the_batch_report(made):
    page, data, _ = made
    tree = lxml.html.fromstring(page.read_bytes())
    shown = {div.get("data-count"): int(div.findtext("dd")) for div in tree.xpath("//dl[@class='stats']/div")}
    assert shown == data["counts"]
    cards = _cards(page)
    assert Counter(c.get("data-outcome") for c in cards) == Counter(i["outcome"] for i in data["inputs"])
    assert sum(c.get("data-warned") == "1" for c in cards) == data["counts"]["warned"]


@pytest.mark.slow
def test_page_is_one_self_contained_file_in_the_articles_language(made):
    page, data, out = made
    html = page.read_text()
    tree = lxml.html.fromstring(html)
    assert tree.get("lang") == "zh-CN"
    assert tree.xpath("//h1") and tree.xpath("//h2") and tree.xpath("//h3")
    english = [c for c in _cards(page) if c.get("data-lang") == "en"]
    assert english and english[0].xpath(".//h3/@lang") == ["en"]
    assert not tree.xpath("//link | //script[@src] | //iframe | //object")
    for src in tree.xpath("//img/@src"):
        assert src.startswith("data:image/jpeg;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:3] == b"\xff\xd8\xff"   # a JPEG
    assert not re.search(r"""url\(|@import|(src|href)=["']?(https?:)?//""", html)
    for href in tree.xpath("//a/@href"):   # every link is an output beside the page, or in-page
        assert href.startswith("#") or (page.parent / href).resolve().is_file(), href


@pytest.mark.slow
def test_cards_show_checks_thumbnails_warnings_and_removals(made):
    page, data, _ = made
    cards = {c.xpath(".//p[@class='file']")[0].text_content().rsplit("/", 1)[-1]: c for c in _cards(page)}
    hidden = cards[HIDDEN.name]
    assert hidden.xpath(".//h3")[0].text_content() == "A post with hidden text"
    assert hidden.xpath(".//del")[0].text_content() == "Sponsored keywords nobody should read"
    assert "dropped hidden text" in hidden.text_content()
    assert hidden.xpath(".//a[@class='thumb']/img")
    verdict = hidden.xpath(".//ul[@class='verdicts']")[0].text_content()
    assert "6/6" in verdict   # pdf, epub and four records, each passed by its validator
    failed = cards[FAILING.name]
    assert failed.get("data-outcome") == "failed"
    assert "binary file" in failed.xpath(".//ul[@class='errors']")[0].text_content()
    assert not failed.xpath(".//img")


# --- the page in a real browser --------------------------------------------------------------

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Debian Chromium driven by Selenium through Debian's chromedriver (never a
    downloaded one), with a fresh profile and its performance log on."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (make setup installs them)")
    os.environ["SE_OFFLINE"] = "true"   # Selenium Manager must not look for a driver online
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (the test extra) is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _visible(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.card')].filter(c => !c.hidden && c.offsetParent)"
        ".map(c => c.querySelector('h3').textContent)")


@pytest.mark.slow
def test_page_in_chromium_filters_searches_and_stays_in_its_folder(made, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page, data, _ = made
    browser.set_window_size(1280, 1400)
    browser.get_log("performance")   # drop what came before
    browser.get(page.as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "zh-CN"
    browser.save_screenshot(str(tmp_path / "wide.png"))
    everything = _visible(browser)
    assert len(everything) == len(data["inputs"])

    Select(browser.find_element(By.NAME, "outcome")).select_by_value("failed")
    failed = _visible(browser)
    assert failed == [FAILING.stem]   # a post that could not be read is titled by its name
    assert str(len(failed)) in browser.find_element(By.ID, "shown").text

    browser.find_element(By.ID, "show-all").click()
    assert len(_visible(browser)) == len(everything)
    Select(browser.find_element(By.NAME, "language")).select_by_value("en")
    assert _visible(browser) == ["A post with hidden text"]
    browser.find_element(By.ID, "show-all").click()

    search = browser.find_element(By.NAME, "q")
    search.send_keys("Sponsored keywords")   # a removed passage's words find its card
    assert _visible(browser) == ["A post with hidden text"]
    search.clear()
    search.send_keys("返回首页")
    assert 0 < len(_visible(browser)) < len(everything)
    search.clear()
    search.send_keys("no article says this")
    assert _visible(browser) == []
    assert browser.find_element(By.ID, "empty").is_displayed()

    browser.set_window_size(390, 1400)   # a phone's width: one column, nothing cut off
    browser.find_element(By.ID, "show-all").click()
    browser.save_screenshot(str(tmp_path / "narrow.png"))
    assert _sticking_out(browser, 390) == []

    requested = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(message["params"]["request"]["url"])
    assert page.as_uri() in requested
    folder = page.parent.as_uri() + "/"
    assert all(url.startswith((folder, "data:")) for url in requested), requested
    assert (tmp_path / "wide.png").stat().st_size > 10_000 and (tmp_path / "narrow.png").stat().st_size > 5_000


def _sticking_out(browser, width: int) -> list[str]:
    """At a window `width`, what sticks out of the page or of its summary panel or card (each
    <details> open; inside a chart only the chart itself counts); empty when nothing does."""
    browser.set_window_size(width, 1400)
    return browser.execute_script("""
        document.querySelectorAll('details').forEach(d => d.open = true);
        const page = document.documentElement, out = [];
        if (page.scrollWidth > page.clientWidth) out.push('page ' + page.scrollWidth + ' > ' + page.clientWidth);
        for (const el of document.querySelectorAll('section.panel *, li.card *')) {
          if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
          const box = el.closest('li.card, section.panel').getBoundingClientRect();
          const r = el.getBoundingClientRect();
          if (r.right > box.right + 0.5) out.push(el.tagName + ' ' + el.textContent.slice(0, 40));
        }
        return out;""")


@pytest.mark.slow
def test_an_english_page_reflows_at_320_px(browser, tmp_path):
    """WCAG's reflow width (320 CSS px) with the English validators table and a title of one
    500-letter word (minimal-mistakes has such edge cases): nothing sticks out."""
    posts_dir = tmp_path / "posts"
    posts_dir.mkdir()
    shutil.copy(HIDDEN, posts_dir / HIDDEN.name)
    (posts_dir / "2022-03-05-long-title.md").write_text(
        f"---\ntitle: {'Antidisestablishmentarianism' * 18}\nlang: en\ncategories: [Edge Case]\n---\n\n"
        "A post whose title is one long word.\n", encoding="utf-8")
    page = tmp_path / "review.html"
    assert octavo("convert", str(posts_dir), "-o", str(tmp_path / "out"), "-t", "html,pdf,epub,cite",
                  "--review", str(page), "-q").returncode == 0
    browser.get(page.as_uri())
    assert browser.find_element("css selector", "html").get_attribute("lang") == "en"
    assert browser.find_elements("css selector", "tr[data-kind='record']")
    for width in (320, 390, 1280):
        assert _sticking_out(browser, width) == [], width


@pytest.mark.slow
def test_keyboard_reaches_the_filters_and_the_cards(made, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page, _, _ = made
    browser.get(page.as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("/")   # the page's shortcut to the search box
    assert browser.switch_to.active_element.get_attribute("name") == "q"
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    browser.get(page.as_uri())
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    focused = []
    for _ in range(12):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        focused.append(browser.switch_to.active_element.tag_name)
    assert "select" in focused and "input" in focused and "a" in focused


# --- the whole corpus, and a thousand articles ------------------------------------------------


@pytest.mark.slow
def test_full_corpus_page_agrees_with_report_and_is_under_5_mb(tmp_path):
    source = SHARED if SHARED.is_dir() else ROOT / "tests" / "corpus"
    out = tmp_path / "out"
    result = octavo("convert", str(source), "-o", str(out), "--report", str(out / "report.json"), "-q")
    assert result.returncode in (0, 1), result.stderr
    page = tmp_path / "review.html"
    made = octavo("report", str(out), "-o", str(page))
    assert made.returncode == 0, made.stderr
    data = json.loads((out / "report.json").read_text())
    assert data["counts"]["total"] == len(posts(source))
    tree = lxml.html.fromstring(page.read_bytes())
    shown = {div.get("data-count"): int(div.findtext("dd")) for div in tree.xpath("//dl[@class='stats']/div")}
    assert shown == data["counts"]
    cards = tree.xpath("//li[contains(@class, 'card')]")
    assert Counter(c.get("data-outcome") for c in cards) == Counter(i["outcome"] for i in data["inputs"])
    checked = {row.get("data-kind"): row.text_content() for row in tree.xpath("//tr[@data-kind]")}
    assert set(checked) == {"pdf", "epub", "record"}
    assert page.stat().st_size < 5 * 1024 * 1024


@pytest.mark.slow
def test_a_thousand_articles_stay_under_30_mb(made, tmp_path):
    """The sample's outputs repeated to 1,000 articles (each copy its own files and card):
    the page grows by what one card weighs, thumbnail included."""
    _, data, out = made
    base = out   # the report's paths are relative to its folder
    entries, n = [], 0
    while len(entries) < 1000:
        for item in data["inputs"]:
            name = f"{item['name']}-{n}"
            outputs = []
            for output in item["outputs"]:
                original = base / output["path"]
                copy = out / "repeated" / (name + original.name[len(item["name"]):])
                copy.parent.mkdir(exist_ok=True)
                os.link(original, copy)
                outputs.append({**output, "path": str(copy.relative_to(base))})
            entries.append({**item, "name": name, "outputs": outputs})
            n += 1
    entries = entries[:1000]
    counts = {name: sum(e["outcome"] == name for e in entries) for name in report.OUTCOMES}
    counts["warned"] = sum(any(report.worth_reading(w["kind"]) for w in e["warnings"]) for e in entries)
    big = {**data, "inputs": entries, "counts": {**counts, "total": len(entries)}}
    page = out.parent / "review-1000.html"
    size = review.write(review.collect(big, base, checks=False, jobs=2), page)
    assert len(_cards(page)) == 1000
    assert size < 30 * 1024 * 1024, size


@pytest.mark.slow
@pytest.mark.parametrize("fmt, link", [("bagit", "bag"), ("saf", "saf")])
def test_archive_review_links_the_package_it_made(tmp_path, fmt, link):
    """`archive --review` links each card's files inside the package DIR's link points at
    (never the staging area), relatively, so the page works once DIR has moved; DIR keeps the
    batch report, so `octavo report DIR` makes the page again."""
    posts_dir = tmp_path / "posts"
    posts_dir.mkdir()
    shutil.copy(HIDDEN, posts_dir / HIDDEN.name)
    archive = tmp_path / "archive"
    page = archive / "review.html"
    result = octavo("archive", str(posts_dir), "-o", str(archive), "--format", fmt, "--review", str(page))
    assert result.returncode == 0, result.stderr
    assert [c.get("data-outcome") for c in _cards(page)] == ["converted"]
    links = lxml.html.fromstring(page.read_bytes()).xpath("//ul[@class='outputs']//a/@href")
    assert len(links) == 11   # every format archive makes
    package = (archive / link).resolve()
    for href in links:
        assert href.startswith(f"{link}/"), href
        assert (page.parent / href).resolve().is_relative_to(package), href
    data = report.read(archive / "report.json")
    for output in data["inputs"][0]["outputs"]:
        assert hashlib.sha256((archive / output["path"]).read_bytes()).hexdigest() == output["sha256"]

    moved = tmp_path / "moved"
    archive.rename(moved)
    assert all((moved / href).is_file() for href in links)
    again = moved / "again.html"
    assert octavo("report", str(moved), "-o", str(again), "--no-checks").returncode == 0
    assert lxml.html.fromstring(again.read_bytes()).xpath("//ul[@class='outputs']//a/@href") == links
    refused = octavo("archive", str(posts_dir), "-o", str(moved), "--format", fmt,
                     "--review", str(moved / link / "review.html"))
    assert refused.returncode == 2 and "package" in refused.stderr   # a package is never changed once made


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_colours_have_at_least_wcag_aa_contrast():
    """Each text colour of the page's style against the background it is drawn on (WCAG 2
    contrast ratio, 4.5:1 for normal text)."""
    css = (ROOT / "convert" / "data" / "review.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [("ink", "paper"), ("ink", "wash"), ("muted", "paper"), ("muted", "wash"), ("link", "paper"),
             ("ok", "ok-bg"), ("bad", "bad-bg"), ("warn", "warn-bg"), ("calm", "calm-bg"), ("bad", "paper"),
             ("warn", "paper"), ("ok", "paper")]
    header = re.search(r"header\.top \{[^}]*background: (#\w{6}); color: (#\w{6})", css).groups()
    header_note = re.search(r"header\.top p \{[^}]*color: (#\w{6})", css).group(1)
    checked = [(colours[a], colours[b]) for a, b in pairs] + [header[::-1], (header_note, header[0])]
    for fore, back in checked:
        light, dark = sorted((_luminance(fore), _luminance(back)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fore, back)


def test_a_hostile_title_and_category_stay_text_on_the_page(tmp_path):
    post = tmp_path / "2022-01-02-hostile.md"
    post.write_text("---\ntitle: \"<script>alert('x')</script> & <img src=x onerror=alert(1)>\"\n"
                    "categories: ['a\"b', '</li><li>']\nlang: en\n---\n\nPlain words here.\n", encoding="utf-8")
    page = tmp_path / "review.html"
    result = octavo("convert", str(post), "-o", str(tmp_path / "out"), "-t", "html", "--review", str(page))
    assert result.returncode == 0, result.stderr
    tree = lxml.html.fromstring(page.read_bytes())
    assert len(tree.xpath("//script")) == 1 and not tree.xpath("//img[@onerror]")
    card = _cards(page)[0]
    assert card.xpath(".//h3")[0].text_content().startswith("<script>alert('x')</script> & <img")
    assert json.loads(card.get("data-categories")) == ['a"b', "</li><li>"]
