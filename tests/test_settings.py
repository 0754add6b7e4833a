"""One typed Settings: declarations, sources (flags > octavo.toml > _config.yml > defaults),
validation once with errors naming the option, and the Locale each document gets."""

from __future__ import annotations

import dataclasses

import pytest

import convert
from convert import locales, settings
from convert.errors import UsageError
from convert.settings import Settings
from convert.writers import markdown, pdf

from conftest import REFERENCE
from test_cli import GOOD, octavo


def test_every_option_is_declared_with_a_doc_and_a_valid_default():
    for section, f in settings.declarations():
        assert f.metadata["doc"].strip(), (section, f.name)
    defaults = Settings()
    assert defaults.profile == "auto" and defaults.pdf.page_size == "A4"
    assert defaults.pdf.variant == "pdf/a-3b" and defaults.markdown.flavor == "pandoc"
    assert defaults.formats == ("html", "pdf", "epub", "md", "csl", "bib", "ris", "dc")


@pytest.mark.parametrize("make,needle", [
    (lambda: Settings(profile="nope"), "--profile"),
    (lambda: Settings(lang="not a tag"), "--lang"),
    (lambda: Settings(timezone="Mars/Olympus"), "--timezone"),
    (lambda: Settings(site_url="ftp://x"), "--site-url"),
    (lambda: Settings(jobs=0), "--jobs"),
    (lambda: Settings(formats="html,docx"), "--to"),
    (lambda: pdf.Options(page_size="A4; } @import url(x)"), "--page-size"),
    (lambda: pdf.Options(timeout=-1), "pdf.timeout"),
    (lambda: markdown.Options(flavor="asciidoc"), "--md-flavor"),
])
def test_a_bad_value_is_a_usage_error_naming_the_option(make, needle):
    with pytest.raises(UsageError, match=needle.replace(".", r"\.")):
        make()


def test_values_are_cleaned_once():
    made = Settings(formats="html, cite", site_url="https://s.example/", pdf=pdf.Options(page_size=" A5   landscape"))
    assert made.formats == ("html", "csl", "bib", "ris", "dc")
    assert made.site_url == "https://s.example" and made.pdf.page_size == "A5 landscape"
    assert dataclasses.replace(made, lang="en").formats == made.formats


def test_octavo_toml_is_found_above_the_input_and_flags_win(tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "octavo.toml").write_text('profile = "generic"\nlang = "en"\n[pdf]\npage_size = "A5"\n'
                                      '[markdown]\nflavor = "gfm"\n', encoding="utf-8")
    loaded = settings.load({"lang": "zh-CN", "pdf": {"page_size": None}}, site / "_posts")
    assert (loaded.profile, loaded.lang, loaded.pdf.page_size, loaded.markdown.flavor) == \
        ("generic", "zh-CN", "A5", "gfm")


def test_pyproject_tool_octavo_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.octavo]\nstrict = true\n')
    assert settings.load({}, tmp_path).strict is True


@pytest.mark.parametrize("text,needle", [
    ('colour = "red"\n', "unknown setting 'colour'"),
    ('[pdf]\npaper = "A4"\n', "unknown setting pdf.paper"),
    ('[pdf]\nvariant = "pdf/z"\n', "--pdf-variant"),
    ("profile = \n", "not readable TOML"),
])
def test_a_bad_octavo_toml_is_a_usage_error_naming_the_file(tmp_path, text, needle):
    (tmp_path / "octavo.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=needle) as error:
        settings.load({}, tmp_path)
    assert "octavo.toml" in str(error.value)


def test_command_line_usage_errors_name_the_option(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(GOOD, encoding="utf-8")
    run = octavo("convert", post, "-o", tmp_path / "out", "--page-size", "A9")
    assert run.returncode == 2 and "--page-size" in run.stderr and "Traceback" not in run.stderr
    (tmp_path / "octavo.toml").write_text('[markdown]\nflavor = "rst"\n', encoding="utf-8")
    run = octavo("convert", post, "-o", tmp_path / "out")
    assert run.returncode == 2 and "octavo.toml" in run.stderr and "--md-flavor" in run.stderr
    assert not (tmp_path / "out").exists()


def test_cite_and_convert_take_the_same_options_and_agree(tmp_path):
    args = ["--lang", "en", "--timezone", "UTC", "--site-title", "Other Site", "--site-url", "https://o.example"]
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}  # the record says when it was made
    cited = octavo("cite", REFERENCE, "-f", "csl", *args, env=epoch)
    assert cited.returncode == 0, cited.stderr
    converted = octavo("convert", REFERENCE, "-o", tmp_path, "-t", "csl", *args, env=epoch)
    assert converted.returncode == 0, converted.stderr
    assert (tmp_path / f"{REFERENCE.stem}.csl.json").read_text(encoding="utf-8").strip() == cited.stdout.strip()
    assert '"language": "en"' in cited.stdout


def test_locale_decides_labels_punctuation_dates_and_style():
    from datetime import datetime

    zh, hant, en = locales.for_tag("zh-CN"), locales.for_tag("zh-TW"), locales.for_tag("en-GB")
    when = datetime(2022, 1, 19, 17, 7)
    assert zh.labelled("source", "中国政府网") == "来源：中国政府网" and zh.date(when) == "2022年1月19日 17:07"
    assert hant.label("source") == "來源" and hant.citation_style == "gb7714"
    assert en.labelled("source", "Reuters") == "Source: Reuters" and en.date(when) == "2022-01-19 17:07"
    assert en.placeholder("Map") == "[Image: Map]" and zh.placeholder() == "［图片］"
    assert (zh.citation_style, en.citation_style) == ("gb7714", "apa")


def test_an_english_page_uses_english_punctuation(tmp_path):
    post = tmp_path / "2023-01-02-wire.md"
    post.write_text("---\ntitle: Markets rally\nsource: Reuters\nlang: en\n---\nStocks rose on Monday.\n",
                    encoding="utf-8")
    html = convert.write(convert.load(post), "html").decode()
    assert "Source: Reuters" in html and "：" not in html
