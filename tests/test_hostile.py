"""Hostile posts through every format: a clear error or a clean conversion, never a traceback."""

from __future__ import annotations

from pathlib import Path

from convert.writers import WRITERS, writer

from test_cli import leftovers, octavo

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXPECTED_FAILURES = {
    "binary": "binary file",
    "deep-nesting": "nested deeper",
}
"""Posts that must fail, and what their one error line must say."""


def test_hostile_batch_every_format(tmp_path):
    out = tmp_path / "out"
    run = octavo("convert", HOSTILE, "-o", out, "--jobs", "2")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]
    for name, message in EXPECTED_FAILURES.items():
        assert any(f"{name}.md" in e and message in e for e in errors), (name, errors)
    assert len(errors) == len(EXPECTED_FAILURES), errors
    assert any("pua.md" in line and "U+E000" in line for line in run.stderr.splitlines()
               if line.startswith("octavo: warning:"))
    suffixes = [writer(f).SUFFIX for f in WRITERS]
    for post in HOSTILE.glob("*.md"):
        made = sorted(p.name for p in out.glob(f"{post.stem}.*"))
        expected = [] if post.stem in EXPECTED_FAILURES else sorted(post.stem + s for s in suffixes)
        assert made == expected, post.name
    assert leftovers(out) == []


def test_no_file_content_or_request_leaks(tmp_path):
    out = tmp_path / "out"
    octavo("convert", HOSTILE / "active-content.md", "-o", out, "-t", "html,md,epub,pdf")
    secret = Path("/etc/passwd").read_text(errors="replace").splitlines()[0]
    for path in out.glob("active-content.*"):
        data = path.read_bytes()
        assert secret.encode() not in data, path.name
        assert b"127.0.0.1" not in data, path.name
