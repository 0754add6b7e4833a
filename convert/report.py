"""The batch report (`--report FILE.json`): every input with its outcome, warnings, errors
and outputs (with sha256), and the run's counts, settings and tool versions.

It is what a later review page and an archive read to know what a run made, so it names
inputs and outputs by path relative to the report's folder when they are under it (a
report moved with its outputs stays true), else absolutely: never relative to the folder
the run happened to start in, which a later `octavo report` cannot know.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from . import __version__
from .batch import Result, atomic_write
from .errors import BY_DESIGN, UsageError
from .settings import Settings

SCHEMA = "https://octavo.invalid/schema/batch-report/2"
"""Names this report's layout; bumped when a field changes meaning (2: `input` is relative
to the report's folder, or absolute, as outputs are)."""
FIRST = "https://octavo.invalid/schema/batch-report/1"
"""The layout before: `input` as given on the command line, relative to the run's working
folder (still read: a relative one is looked for from the current folder, as it was)."""
NAME = "report.json"
"""Where `--review` leaves the batch report in OUTDIR, and what `octavo report` reads first."""

OUTCOMES = ("converted", "cached", "skipped", "failed")


def outcome(result: Result) -> str:
    """One word for what happened to an input: converted, cached, skipped or failed."""
    if not result.ok:
        return "failed"
    if result.skipped:
        return "skipped"
    return "cached" if result.cached else "converted"


def worth_reading(kind: str) -> bool:
    """Whether a warning of this kind is one a reader should look at: not one of the
    removals Octavo makes by design (site navigation, live charts) nor being skipped as
    unpublished."""
    return kind not in BY_DESIGN and kind != "unpublished"


def warned(result: Result) -> bool:
    """Whether a post has a warning worth reading."""
    return any(worth_reading(w.kind) for w in result.warnings)


def counts(results: list[Result]) -> dict[str, int]:
    """Inputs per outcome, plus `warned` (posts with warnings) and `total`."""
    tally = {name: 0 for name in OUTCOMES}
    for result in results:
        tally[outcome(result)] += 1
    tally["warned"] = sum(warned(r) for r in results)
    tally["total"] = len(results)
    return tally


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _shown(path: Path, base: Path) -> str:
    absolute = Path(os.path.abspath(path))
    return str(absolute.relative_to(base)) if absolute.is_relative_to(base) else str(absolute)


def entry(result: Result, base: Path) -> dict:
    """One input's record: outcome, warnings, errors by stage, outputs with size and sha256,
    and its images' provenance (archived copy or why it was left out)."""
    outputs = []
    for path in result.outputs:
        try:
            outputs.append({"path": _shown(path, base), "bytes": path.stat().st_size, "sha256": _sha256(path)})
        except OSError as exc:
            outputs.append({"path": _shown(path, base), "error": exc.strerror or str(exc)})
    return {
        "input": _shown(result.path, base),
        "name": result.name,
        "outcome": outcome(result),
        "warnings": [{"message": w.message, "line": w.line, "kind": w.kind} for w in result.warnings],
        "errors": {stage: {"message": e.message, "line": e.line} for stage, e in result.errors.items()},
        "outputs": outputs,
        "resources": result.resources,
    }


def build(results: list[Result], settings: Settings, *, base: Path, outdir: Path,
          started: float, seconds: float, versions: dict[str, str]) -> dict:
    """The report as data, its paths relative to `base` (the folder it is written in): what
    `write` saves and what the review page (convert/review) is made from."""
    base = Path(os.path.abspath(base))
    return {
        "schema": SCHEMA,
        "octavo": __version__,
        "tools": versions,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(seconds, 3),
        "outdir": _shown(outdir, base),
        "settings": settings.fingerprint(),
        "counts": counts(results),
        "inputs": [entry(r, base) for r in results],
    }


def write(target: Path, report: dict) -> None:
    """Write a report made by `build` atomically (a crash leaves the old report or none,
    never half of one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, json.dumps(report, ensure_ascii=False, indent=1).encode())


def write_default(outdir: Path, report: dict) -> str | None:
    """Write the report as OUTDIR/report.json (what `--review` leaves for a later `octavo
    report`), replacing only an earlier batch report there; the reason when a file of
    another kind holds the name (it is left as it is)."""
    target = outdir / NAME
    if target.is_symlink() or (target.exists() and not _is_report(target)):
        return f"{target} is not a batch report: left as it is (octavo report {outdir} will need --from)"
    write(target, report)
    return None


def _is_report(path: Path) -> bool:
    """Whether `path` is a batch report of this layout or the one before."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return SCHEMA.encode() in head or FIRST.encode() in head


def find(outdir: Path) -> Path:
    """The batch report in OUTDIR: report.json when it is one, else the one JSON file of
    this schema at its top; UsageError when there is none or more than one."""
    if _is_report(outdir / NAME):
        return outdir / NAME
    found = [p for p in sorted(outdir.glob("*.json")) if not p.name.endswith(".csl.json") and _is_report(p)]
    if len(found) != 1:
        what = "no batch report" if not found else f"{len(found)} batch reports ({', '.join(p.name for p in found)})"
        raise UsageError(f"{what} in {outdir}: convert with --review or --report {outdir / NAME}, "
                         "or name one with --from")
    return found[0]


def read(path: Path) -> dict:
    """A batch report written by `write` (this layout or the one before); UsageError when it
    is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable batch report: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") not in (SCHEMA, FIRST):
        raise UsageError(f"{path}: not a batch report of {SCHEMA}")
    return data


def input_path(data: dict, item: dict, base: Path) -> Path:
    """Where an input of the report (paths relative to `base`, its folder) is now: resolved
    against `base`; in a report of the first layout, against the current folder, as then."""
    given = Path(item["input"])
    if data.get("schema") == FIRST:
        return Path(os.path.abspath(given))
    return Path(os.path.abspath(base / given))


def check_target(data: dict, base: Path, target: Path) -> None:
    """UsageError when `target` would replace one of the report's inputs or outputs."""
    taken = {os.fspath(input_path(data, item, base)) for item in data["inputs"]}
    taken |= {os.path.abspath(base / output["path"]) for item in data["inputs"] for output in item["outputs"]}
    if os.path.abspath(target) in taken:
        raise UsageError(f"{target} is one of the batch's inputs or outputs: choose another name for the page")
