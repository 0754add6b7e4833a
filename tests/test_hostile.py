"""Hostile posts through every format: a clear error or a clean conversion, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import zipfile
from pathlib import Path

import pytest

from convert.writers import WRITERS, writer

from test_cli import leftovers, octavo

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
EXPECTED_FAILURES = {
    "binary": "binary file",
    "deep-nesting": "nested deeper",
}
"""Posts that must fail, and what their one error line must say."""


@pytest.mark.slow
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
    """A post pointing at local files and a local server converts to every format, and no
    output holds those files' content nor a request reaches the server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    port = server.getsockname()[1]
    post = tmp_path / "active-content.md"
    post.write_text((HOSTILE / "active-content.md").read_text(encoding="utf-8")
                    .replace("127.0.0.1:9", f"127.0.0.1:{port}"), encoding="utf-8")
    out = tmp_path / "out"
    try:
        run = octavo("convert", post, "-o", out, "-t", "html,md,epub,pdf")
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    made = sorted(p.name for p in out.glob("active-content.*"))
    assert made == sorted(f"active-content{s}" for s in (".html", ".md", ".epub", ".pdf"))
    secrets = [Path("/etc/passwd").read_text(errors="replace").splitlines()[0].encode(), b"127.0.0.1"]
    hostname = Path("/etc/hostname").read_text(errors="replace").strip() if Path("/etc/hostname").exists() else ""
    if len(hostname) >= 6:
        secrets.append(hostname.encode())
    for name in made:
        for part, data in _readable_parts(out / name, post.read_bytes()):
            for secret in secrets:
                assert secret not in data, (name, part, secret)


def _readable_parts(path: Path, source: bytes):
    """(part name, bytes) of an output with compression undone: each EPUB member, the PDF
    with its streams decompressed by qpdf less the source post it attaches verbatim
    (PDF/A-3 keeps the input), other files as they are."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as epub:
            return [(member, epub.read(member)) for member in epub.namelist()]
    if path.suffix == ".pdf":
        plain = path.with_suffix(".qdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), str(plain)], check=True)
        data = plain.read_bytes()
        assert source in data, "the PDF should attach its source post"
        return [("qdf", data.replace(source, b""))]
    return [("file", path.read_bytes())]
