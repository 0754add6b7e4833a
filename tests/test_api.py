"""The README's Python example runs as written, and the public API is what it documents."""

from __future__ import annotations

import re

import convert

from conftest import ROOT


def test_readme_python_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "国办发〔2021〕59号" in out and "2022-01-19T17:07:03+08:00" in out
    assert namespace["html"].startswith(b"<!DOCTYPE html>")


def test_public_api():
    for name in ("read_post", "normalize", "load", "write", "Document", "Meta", "WRITERS"):
        assert hasattr(convert, name)
    assert set(convert.WRITERS) >= {"html", "pdf", "epub", "md", "csl", "bib", "ris", "dc"}
