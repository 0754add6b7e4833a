"""The HTML writer: every page passes the Nu HTML Checker (one JVM for the whole batch)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import convert

from conftest import CORPUS_POSTS, GENERIC, ROOT, SHARED, posts

VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HOSTILE = """---
title: "<script>alert(1)</script> 标题 </title>"
tags: [a, "<b>"]
---
<p onclick="x()">文字<script>alert(1)</script></p><iframe src="file:///etc/passwd"></iframe>
<a href="javascript:alert(1)">链接</a><img src="x.png" onerror="alert(1)"><form><input></form>
<base href="http://evil.example/"><link rel="stylesheet" href="http://evil.example/x.css">
"""


def nu_check(files) -> list[dict]:
    """Error messages of the Nu HTML Checker over `files`, in one Java process."""
    if not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{VNU} missing: `make setup` installs it")
        pytest.skip("the Nu HTML Checker is not installed (run `make setup`)")
    run = subprocess.run([shutil.which("java") or "java", "-jar", str(VNU), "--errors-only", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, timeout=600)
    return json.loads(run.stderr or run.stdout)["messages"]


@pytest.mark.slow
def test_every_page_passes_the_nu_checker(tmp_path, warning_watch):
    sources = [*CORPUS_POSTS, *posts(GENERIC), *(posts(SHARED) if SHARED.is_dir() else [])]
    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    files = []
    for n, path in enumerate([*sources, hostile]):
        doc = warning_watch.load(path) if path in sources else convert.load(path)
        out = tmp_path / f"{n}.html"
        with warning_watch.post(path):
            out.write_bytes(convert.write(doc, "html"))
        files.append(out)
    errors = nu_check(files)
    assert errors == [], errors[:5]


def test_hostile_page_has_no_active_content(tmp_path):
    hostile = tmp_path / "hostile.md"
    hostile.write_text(HOSTILE, encoding="utf-8")
    text = convert.write(convert.load(hostile), "html").decode()
    article = text.split("<article>", 1)[1]
    for needle in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<form", "<base", "evil.example"):
        assert needle not in article
    assert text.count("<script") == 1  # only the JSON-LD block
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; 标题 &lt;/title&gt;</title>" in text


def test_page_is_deterministic_under_source_date_epoch(monkeypatch):
    """The page records when it was made (sdDatePublished): SOURCE_DATE_EPOCH, not the clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = convert.write(convert.load(CORPUS_POSTS[0]), "html")
    assert b'"sdDatePublished":"2023-11-14T22:13:20+00:00"' in first
    assert first == convert.write(convert.load(CORPUS_POSTS[0]), "html")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    other = convert.write(convert.load(CORPUS_POSTS[0]), "html")
    assert b'"sdDatePublished":"2020-09-13T12:26:40+00:00"' in other and other != first


def test_nu_checker_reports_a_broken_page(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html lang="zh-CN"><head></head><body><p><div></p></body></html>')
    assert nu_check([broken]), "the checker should reject a page without <title>"


def test_semantic_inline_and_block_tags_are_kept(tmp_path):
    """kbd, address and details/summary carry meaning: kept in the HTML, their text in every
    format in blocks of its own (they used to be unwrapped into bare text)."""
    post = tmp_path / "2024-01-01-sem.md"
    post.write_text("---\ntitle: Semantic\nlang: en\n---\nPress <kbd>Ctrl</kbd>.\n\n"
                    "<address>Jane Doe, 1 Main St</address>\n\n"
                    "<details><summary>More</summary><p>Hidden details text.</p></details>\n", encoding="utf-8")
    html = convert.write(convert.load(post, convert.Settings(profile="generic")), "html").decode()
    assert "<kbd>Ctrl</kbd>" in html and "<address>Jane Doe, 1 Main St</address>" in html
    assert "<details><summary>More</summary><p>Hidden details text.</p></details>" in html
