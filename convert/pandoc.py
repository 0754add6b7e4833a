"""Running pandoc well: sandboxed, capped in time and memory, many documents per process.

Two paths give the same bytes for the same job (tests check it):

- `run(job)`: one `pandoc --sandbox` process for one document (the CLI's own sandbox:
  readers and writers may read nothing but the input).
- `run_many(jobs)`: one `pandoc lua convert/data/batch.lua` process for a whole batch,
  calling pandoc.read/pandoc.write per job. `pandoc lua` accepts no --sandbox flag, so
  the batch script reads each document in an empty sandbox (`pandoc.read(..., {})`) and
  the shared filter (convert/data/octavo.lua) removes every image and raw element
  before writing, leaving the writer nothing to fetch. Measured (128 posts, EPUB +
  Markdown, 2-core machine): pandoc itself takes 11 ms per EPUB and 3 ms per Markdown
  file in one `pandoc lua`, against ~45 ms per process for one `pandoc` call.

Both run with a memory cap (`+RTS -M512m -RTS`: the GHC heap stops there and pandoc
exits with an error) and a wall-clock timeout; `pandoc server` is not used (broken in
3.9, and it listens on every interface).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from functools import cache

import lxml.html

from . import assets, fragment
from .errors import ExportError

FILTER = "octavo.lua"
"""The Lua filter both paths share (convert/data): nothing in an EPUB points outside it."""
BATCH = "batch.lua"
"""The `pandoc lua` script that converts a batch of JSON jobs in one process."""

READER = "html-auto_identifiers-raw_html"
"""pandoc's HTML reader without raw HTML (unknown tags are dropped) or generated ids."""
MEMORY = "512m"
"""GHC heap cap per pandoc process."""
TIMEOUT = 60.0
"""Seconds allowed for one document; a batch gets a base plus a share per document."""
BATCH_TIMEOUT_PER_JOB = 5.0

OPTIONS = {
    "toc_depth": lambda v: [f"--toc-depth={int(v)}"],
    "split_level": lambda v: [f"--split-level={int(v)}"],
    "wrap_text": lambda v: [f"--wrap={v}"],
    "table_of_contents": lambda v: ["--toc"] if v else [],
    "html_math_method": lambda v: [f"--{v}"],
}
"""pandoc WriterOptions fields Octavo sets (the Lua names), and their command-line form."""


@dataclass(frozen=True)
class Job:
    """One conversion: an HTML fragment, its metadata, and the writer to use."""

    html: str
    to: str
    """pandoc writer with extensions, e.g. "epub3" or "markdown-raw_html"."""
    path: str
    """The post's file, named in errors."""
    standalone: bool = False
    """Use the format's default template (a whole document, not a fragment)."""
    meta: dict = field(default_factory=dict)
    """Metadata name → string or list of strings; set as literal strings (like -M)."""
    options: dict = field(default_factory=dict)
    """Keys of OPTIONS."""


@cache
def executable() -> str:
    """The pandoc binary bundled by pypandoc-binary (no system pandoc needed)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def command(job: Job) -> list[str]:
    """The sandboxed command line converting `job` from stdin to stdout."""
    args = [executable(), "+RTS", f"-M{MEMORY}", "-RTS", "--sandbox",
            "-f", READER, "-t", job.to, "--lua-filter", str(assets.data_file(FILTER)), "-o", "-"]
    if job.standalone:
        args.append("--standalone")
    for name, value in job.meta.items():
        for item in value if isinstance(value, list) else [value]:
            args.append(f"--metadata={name}={item}")
    for name, value in job.options.items():
        args += OPTIONS[name](value)
    return args


def run(job: Job) -> bytes:
    """Convert one document in its own sandboxed pandoc process."""
    try:
        proc = subprocess.run(command(job), input=job.html.encode(), capture_output=True,
                              timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ExportError(f"pandoc ({job.to}) took longer than {TIMEOUT:.0f} s", job.path) from None
    if proc.returncode != 0:
        raise ExportError(f"pandoc ({job.to}) failed: {message(proc.stderr)}", job.path)
    return proc.stdout


def run_many(jobs: list[Job]) -> list[bytes | ExportError]:
    """Convert every job in one pandoc process; each result is bytes or that job's error.

    If the process itself dies (memory cap, timeout, crash), every job is retried in its
    own process, so the error lands on the document that caused it.
    """
    if not jobs:
        return []
    timeout = TIMEOUT + BATCH_TIMEOUT_PER_JOB * len(jobs)
    args = [executable(), "+RTS", f"-M{MEMORY}", "-RTS", "lua",
            str(assets.data_file(BATCH)), str(assets.data_file(FILTER))]
    payload = b"".join(json.dumps(_as_lua(job), ensure_ascii=False).encode() + b"\n" for job in jobs)
    try:
        proc = subprocess.run(args, input=payload, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return [_run_caught(job) for job in jobs]
    if proc.returncode != 0:
        return [_run_caught(job) for job in jobs]
    return _split(proc.stdout, jobs)


def _as_lua(job: Job) -> dict:
    """The JSON object batch.lua expects for one job."""
    return {"html": job.html, "from": READER, "to": job.to, "standalone": job.standalone,
            "meta": job.meta, "options": job.options}


def _run_caught(job: Job) -> bytes | ExportError:
    try:
        return run(job)
    except ExportError as exc:
        return exc


def frames(out: bytes, count: int) -> list[tuple[bool, bytes]]:
    """The first `count` frames of a batch script's output (batch.lua, cite.lua: "ok <n>\\n"
    or "error <n>\\n", then n bytes): (ok, body) each."""
    found, pos = [], 0
    for _ in range(count):
        end = out.index(b"\n", pos)
        status, size = out[pos:end].split(b" ")
        found.append((status == b"ok", out[end + 1:end + 1 + int(size)]))
        pos = end + 1 + int(size)
    return found


def _split(out: bytes, jobs: list[Job]) -> list[bytes | ExportError]:
    """Cut batch.lua's framed output into one result per job."""
    return [body if ok else ExportError(f"pandoc ({job.to}) failed: {message(body)}", job.path)
            for job, (ok, body) in zip(jobs, frames(out, len(jobs)))]


def message(stderr: bytes) -> str:
    """pandoc's error text without its Haskell backtrace, on one line."""
    text = stderr.decode("utf-8", "replace").split("HasCallStack backtrace")[0]
    return " ".join(text.split())[:500] or "no message"


KEEPS_ID = {"a", "div", "section", "span", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "li"}
"""Elements whose id pandoc's HTML reader keeps; on any other the id moves where it is kept."""
WRAPPED = {"ul", "ol", "dl", "blockquote", "figure", "footer", "hr", "details"}
"""Blocks an id-bearing <div> goes around (an inline anchor cannot stand inside them)."""


def _keep_ids(root) -> None:
    """Ids pandoc would drop move to a `<div id>` around the block, or an empty `<span id>`
    at the start of a paragraph or inline element, so every in-page link keeps its target."""
    for tag in list(root.iter()):
        if not isinstance(tag.tag, str) or tag.tag in KEEPS_ID or not tag.get("id") or tag is root:
            continue
        ident = tag.attrib.pop("id")
        if tag.tag in WRAPPED:
            wrapper = lxml.html.Element("div", {"id": ident})
            tag.addprevious(wrapper)
            wrapper.tail, tag.tail = tag.tail, None
            wrapper.append(tag)
        else:
            anchor = lxml.html.Element("span", {"id": ident})
            anchor.tail, tag.text = tag.text, None
            tag.insert(0, anchor)


def reader_html(body: str) -> str:
    """Octavo's clean body in the form pandoc's HTML reader keeps.

    pandoc drops classes on <p>, ignores <footer> and <time>, and drops ids but on a few
    elements: `<p class="centered">x</p>` → `<div class="centered"><p>x</p></div>`,
    `<footer class="signature">` → `<div class="signature">`, `<time>2021年12月30日</time>`
    → its text, `<p id="a">x</p>` → `<p><span id="a"></span>x</p>`.
    """
    root = fragment.parse(body)
    if "id=" in body:
        _keep_ids(root)
    for stamp in list(root.iter("time")):
        stamp.drop_tag()
    for footer in root.iter("footer"):
        footer.tag = "div"
    for para in list(root.iter("p")):
        if para.get("class"):
            wrapper = lxml.html.Element("div", {"class": para.attrib.pop("class")})
            para.addprevious(wrapper)
            wrapper.tail, para.tail = para.tail, None
            wrapper.append(para)
    return fragment.serialize(root)
