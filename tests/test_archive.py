"""`octavo archive` and `octavo validate`: packages repositories accept as they are, checked by
their own validators (bagit, rocrate, the InvenioRDM record schema), that name any file lost
or damaged, and that survive a kill -9 at any point."""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import bagit
import pytest

from conftest import CORPUS, REFERENCE
from convert import archive, writers
from convert.inputs import discover
from convert.settings import Settings
from test_cli import octavo
from warncheck import WarningWatch

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
POSTS = [REFERENCE, CORPUS / "2021-12-01-init.md", CORPUS / "-202205262391921712.md"]
"""A news post with every metadata field, a nearly empty one, one whose name starts with `-`."""


def copy_posts(folder: Path, posts=POSTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "_config.yml", folder)
    for post in posts:
        shutil.copy(post, folder)
    return folder


def archive_in_process(posts: Path, out: Path, fmt: str = "bagit") -> archive.Outcome:
    """`archive.run` as the command runs it, failing on any warning the corpus does not expect."""
    watch = WarningWatch()
    with watch.watching():
        jobs = discover([str(posts)], lambda message: None, out)
        outcome = archive.run(jobs, out, Settings(jobs=1), fmt)
        given = [w for r in outcome.results for w in r.warnings] + outcome.warnings
        watch.seen += [(Path(w.path).name, w.kind, w.message) for w in given]
    return outcome


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """Three corpus posts archived once as a bag (SOURCE_DATE_EPOCH set)."""
    root = tmp_path_factory.mktemp("archive")
    posts = copy_posts(root / "posts")
    os.environ.update(EPOCH)
    try:
        outcome = archive_in_process(posts, root / "out")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert all(r.ok for r in outcome.results), [r.errors for r in outcome.results]
    return root / "out", posts, outcome


def payload(bag: Path) -> dict[str, bytes]:
    return {p.relative_to(bag).as_posix(): p.read_bytes() for p in sorted(bag.rglob("*")) if p.is_file()}


def test_the_bag_is_valid_for_bagit_and_holds_each_article_whole(archived):
    out, posts, outcome = archived
    bag_dir = out / "bag"
    assert bag_dir.is_symlink() and bagit.Bag(str(bag_dir)).validate()
    cli = subprocess.run([sys.executable, "-m", "bagit", "--validate", str(bag_dir)], capture_output=True, text=True)
    assert cli.returncode == 0 and "is valid" in cli.stderr
    assert outcome.articles == 3 and sorted(outcome.added) == sorted(unicodedata.normalize("NFC", p.stem)
                                                                       for p in POSTS)
    assert (bag_dir / "bagit.txt").read_text() == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    assert {p.name for p in bag_dir.glob("*manifest-*.txt")} == {
        "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"}
    info = bagit.Bag(str(bag_dir)).info
    for field in ("Source-Organization", "External-Description", "Bagging-Date", "Payload-Oxum", "Octavo-Version"):
        assert info.get(field), field
    assert info["Bagging-Date"] == "2023-11-14" and "Bag-Group-Identifier" not in info
    suffixes = sorted(writers.writer(f).SUFFIX for f in writers.WRITERS)
    for post in POSTS:
        folder = bag_dir / "data" / post.stem
        assert (folder / "source" / post.name).read_bytes() == post.read_bytes()   # byte for byte
        made = sorted(p.name[len(post.stem):] for p in folder.iterdir() if p.is_file())
        assert made == suffixes, post.name
    for name in payload(bag_dir / "data"):
        assert name == unicodedata.normalize("NFC", name) and "\\" not in name and ":" not in name


@pytest.mark.slow
def test_validate_passes_a_fresh_archive(archived):
    out, _, _ = archived
    run = octavo("validate", out, "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] and report["problems"] == []
    assert report["checked"] == {"bag": 1, "pdf": 3, "epub": 3, "record": 21}


def _fresh_copy(out: Path, target: Path) -> Path:
    shutil.copytree(out / "bag", target, symlinks=False)
    return target


MEMBERS = ["source/{name}.md", "{name}.pdf", "{name}.epub", "{name}.csl.json", "{name}.html",
           "../ro-crate-metadata.json"]
"""Payload files of each kind: the original, the outputs, a record, the package's own metadata."""


def damaged_copies(out: Path, tmp_path: Path) -> dict[Path, tuple[Path, str]]:
    """A copy of the bag per member with one byte flipped in it, and one with a file deleted:
    {bag copy: (the damaged file, what validate must say of it)}."""
    copies = {}
    for n, member in enumerate(MEMBERS):
        bag_dir = _fresh_copy(out, tmp_path / f"flipped-{n}")
        damaged = (bag_dir / "data" / REFERENCE.stem / member.format(name=REFERENCE.stem)).resolve()
        data = bytearray(damaged.read_bytes())
        data[len(data) // 2] ^= 0x01
        damaged.write_bytes(bytes(data))
        copies[bag_dir] = (damaged, "checksum mismatch")
    bag_dir = _fresh_copy(out, tmp_path / "deleted")
    gone = bag_dir / "data" / REFERENCE.stem / f"{REFERENCE.stem}.ris"
    gone.unlink()
    copies[bag_dir] = (gone, "missing")
    return copies


def test_one_flipped_byte_or_a_deleted_file_fails_bagit_and_validate_naming_the_file(archived, tmp_path):
    from convert.validate import check_bag

    out, _, _ = archived
    for bag_dir, (damaged, said) in damaged_copies(out, tmp_path).items():
        bag = bagit.Bag(str(bag_dir))
        with pytest.raises(bagit.BagValidationError) as caught:
            bag.validate()
        if said == "missing":
            assert bag.compare_manifests_with_fs()[0] == [damaged.relative_to(bag_dir).as_posix()]
        else:
            assert {Path(d.path).name for d in caught.value.details} == {damaged.name}
        problems = check_bag(bag_dir)   # a damaged crate is also unreadable to rocrate: the same file
        assert {p.path for p in problems} == {str(damaged)}, problems
        assert sum(said in p.message for p in problems) == 1, problems


@pytest.mark.slow
def test_validate_command_fails_each_damaged_bag_naming_the_file(archived, tmp_path):
    """The same damage through `octavo validate` (every check, EPUBCheck included), one run."""
    out, _, _ = archived
    copies = damaged_copies(out, tmp_path)
    run = octavo("validate", *copies)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("octavo: error:")]
    for bag_dir, (damaged, said) in copies.items():
        about = [line for line in errors if line.startswith(f"octavo: error: {bag_dir}/")]
        assert about and all(str(damaged) in line for line in about), (bag_dir, about)
        assert sum(said in line for line in about) == 1, about   # one line a file, not one per algorithm


@pytest.mark.slow
def test_validate_names_a_damaged_pdf_epub_and_records(tmp_path, archived):
    out, _, _ = archived
    folder = out / "bag" / "data" / REFERENCE.stem
    bad = tmp_path / "bad"
    bad.mkdir()
    pdf = (folder / f"{REFERENCE.stem}.pdf").read_bytes()
    (bad / "cut.pdf").write_bytes(pdf[: len(pdf) // 3])
    epub = (folder / f"{REFERENCE.stem}.epub").read_bytes()
    (bad / "cut.epub").write_bytes(epub[: len(epub) // 2])
    (bad / "broken.bib").write_text("@online{key,\n  title = {unclosed\n", encoding="utf-8")
    (bad / "broken.csl.json").write_text('[{"title": "no id"}]', encoding="utf-8")
    (bad / "broken.dc.xml").write_text("<oai_dc:dc>", encoding="utf-8")
    shutil.copy(folder / f"{REFERENCE.stem}.ris", bad / "good.ris")
    run = octavo("validate", bad, "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    failed = {Path(p["path"]).name for p in report["problems"]}
    assert failed == {"cut.pdf", "cut.epub", "broken.bib", "broken.csl.json", "broken.dc.xml"}, report


def test_a_missing_validator_is_said_not_passed(tmp_path, archived):
    """Without qpdf, poppler and Java on PATH, the PDF and the EPUB are reported unchecked."""
    out, _, _ = archived
    folder = out / "bag" / "data" / REFERENCE.stem
    for suffix in (".pdf", ".epub", ".ris"):
        shutil.copy(folder / f"{REFERENCE.stem}{suffix}", tmp_path)
    run = octavo("validate", tmp_path, env={"PATH": str(tmp_path / "nothing")})
    warnings = [line for line in run.stderr.splitlines() if line.startswith("octavo: warning:")]
    assert any(".pdf: pdf: not checked: qpdf is not installed" in line for line in warnings), run.stderr
    assert any(".epub: epub: not checked: Java is not installed" in line for line in warnings), run.stderr
    assert run.returncode == 0 and "2 file(s) not checked" in run.stderr


def test_validate_checks_warc_digests(tmp_path):
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "resources.warc"
    with warc.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        body = b"\x89PNG fake image bytes " * 50
        from io import BytesIO

        from warcio.statusandheaders import StatusAndHeaders

        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record("https://example.org/a.png", "response",
                                                      payload=BytesIO(body), http_headers=headers))
    assert octavo("validate", warc).returncode == 0
    data = bytearray(warc.read_bytes())
    data[data.index(b"fake")] ^= 0x20
    warc.write_bytes(bytes(data))
    run = octavo("validate", warc)
    assert run.returncode == 1 and f"{warc}: warc: wrong digest" in run.stderr, run.stderr


def _context() -> dict:
    """RO-Crate's JSON-LD context as the rocrate library ships it (nothing is fetched)."""
    import rocrate

    return json.loads((Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld").read_text())["@context"]


def test_ro_crate_is_json_ld_rocrate_reads_back_listing_every_payload_file(archived):
    import rdflib
    from rocrate.rocrate import ROCrate

    out, _, _ = archived
    data = out / "bag" / "data"
    metadata = json.loads((data / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    context = _context()
    for entity in metadata["@graph"]:   # every term and type is defined by RO-Crate's context
        types = entity["@type"] if isinstance(entity["@type"], list) else [entity["@type"]]
        assert all(t in context for t in types), entity["@id"]
        assert all(key.startswith("@") or key in context for key in entity), entity["@id"]
    graph = rdflib.Graph().parse(data=json.dumps({**metadata, "@context": context}), format="json-ld",
                                 base=data.as_uri() + "/")
    files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()
                   and p.name != "ro-crate-metadata.json")
    schema = rdflib.Namespace("http://schema.org/")
    media = {str(s) for s in graph.subjects(rdflib.RDF.type, schema.MediaObject)}
    assert media == {(data / name).as_uri() for name in files}
    crate = ROCrate(str(data))
    assert sorted(e.id for e in crate.data_entities) == files
    actions = crate.get_by_type("CreateAction")
    assert len(actions) == 3
    tools = {t["name"]: t["softwareVersion"] for t in actions[0]["instrument"]}
    assert set(tools) == {"Octavo", "pandoc", "WeasyPrint"} and all(tools.values())
    for action in actions:
        (source,) = action["object"]
        assert source.id.split("/")[1] == "source" and len(action["result"]) == len(writers.WRITERS)
    works = {w["identifier"]: w for w in crate.get_by_type("CreativeWork") if w.id.startswith("#article-")}
    assert len(works) == 3
    reference = next(w for w in works.values() if w.id == f"#article-{REFERENCE.stem}")
    assert reference["headline"].startswith("国办：") and reference["inLanguage"] == "zh-CN"
    assert reference["publisher"]["name"] == "东方财富网"
    assert {f.id for f in reference["hasPart"]} == {f for f in files if f.startswith(REFERENCE.stem + "/")}


@pytest.mark.slow
def test_a_second_run_adds_posts_reconverts_only_what_changed_and_keeps_names(tmp_path):
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    out = tmp_path / "out"
    first = archive_in_process(posts, out)
    assert first.articles == 2 and not first.unchanged
    again = archive_in_process(posts, out)
    assert again.unchanged and all(r.cached for r in again.results)
    assert (out / "bag").resolve() == first.package
    other = copy_posts(tmp_path / "elsewhere", POSTS[2:] + POSTS[:1])   # a new post, and another file named
    third = archive_in_process(other, out)                               # like an archived one
    assert third.articles == 4 and sorted(third.added) == sorted([POSTS[2].stem, f"{REFERENCE.stem}-2"])
    assert not any(r.cached for r in third.results)
    bag = bagit.Bag(str(out / "bag"))
    assert bag.validate()
    folders = {p.name for p in (out / "bag" / "data").iterdir() if p.is_dir()}
    assert folders == {p.stem for p in POSTS} | {f"{REFERENCE.stem}-2"}
    assert first.package.is_dir(), "the previous bag is kept for a reader that resolved the link before"
    (posts / POSTS[0].name).write_bytes(POSTS[0].read_bytes().replace("国务院".encode(), "国务院 ".encode(), 1))
    fourth = archive_in_process(posts, out)
    assert {r.path.name: r.cached for r in fourth.results} == {POSTS[0].name: False, POSTS[1].name: True}
    assert fourth.added == []
    assert bagit.Bag(str(out / "bag")).validate()
    assert not first.package.exists(), "only the current bag and the one before it are kept"
    changed = out / "bag" / "data" / POSTS[0].stem / "source" / POSTS[0].name
    assert changed.read_bytes() == (posts / POSTS[0].name).read_bytes()


@pytest.mark.slow
def test_source_date_epoch_gives_identical_payloads_and_manifests(archived, tmp_path):
    """A second archive of the same posts, by the command line and elsewhere, is the same bag."""
    out, _, _ = archived
    posts = copy_posts(tmp_path / "posts")
    run = octavo("archive", posts, "-o", tmp_path / "out", "--jobs", "1", env=EPOCH)
    assert run.returncode == 0, run.stderr
    assert payload((tmp_path / "out" / "bag").resolve()) == payload((out / "bag").resolve())


def _run_and_kill(posts: Path, out: Path, ready, *options: str) -> bool:
    """Start `octavo archive` and SIGKILL it (its whole process group: the PDF renderer forks)
    as soon as `ready(started)` holds (`started`: the start in ns, so that what an earlier,
    killed run left behind does not count); whether it was killed before it finished."""
    started = time.time_ns()
    proc = subprocess.Popen([sys.executable, "-m", "convert", "archive", str(posts), "-o", str(out), "--jobs", "1",
                             *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, **EPOCH})
    try:
        while proc.poll() is None:
            if ready(started):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.0005)
        return False
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _made_since(paths, started: int) -> bool:
    for path in paths:
        try:
            if path.stat().st_mtime_ns >= started:
                return True
        except FileNotFoundError:   # renamed or removed by the run meanwhile
            continue
    return False


def _converting(out: Path):
    """An HTML output written by this run: the PDF, EPUB and the rest are being made."""
    return lambda started: _made_since((out / ".octavo" / "work").glob("*.html"), started)


def _building(out: Path):
    """A file copied into the package being built."""
    return lambda started: _made_since((out / ".octavo" / "packages" / "bagit").glob("tmp-*/*"), started)


def _bagging(out: Path):
    """bagit's data/ folder made: manifests being written."""
    return lambda started: _made_since((out / ".octavo" / "packages" / "bagit").glob("tmp-*/data"), started)


@pytest.mark.slow
def test_kill_9_at_any_point_leaves_the_old_bag_or_the_new_one_and_a_rerun_is_identical(archived, tmp_path):
    reference = payload((archived[0] / "bag").resolve())
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    out = tmp_path / "out"
    hits = []
    for ready in (_converting(out), _building(out), _bagging(out)):   # a first archive, killed
        hits.append(_run_and_kill(posts, out, ready))
        assert not (out / "bag").exists() or bagit.Bag(str(out / "bag")).validate()
    assert octavo("archive", posts, "-o", out, "--jobs", "1", env=EPOCH).returncode == 0
    before = payload((out / "bag").resolve())
    assert bagit.Bag(str(out / "bag")).validate()
    shutil.copy(POSTS[2], posts)
    for ready in (_converting(out), _building(out), _bagging(out)):   # adding a post, killed
        hits.append(_run_and_kill(posts, out, ready))
        assert bagit.Bag(str(out / "bag")).validate()
        now = payload((out / "bag").resolve())
        assert now in (before, reference), "the link names the old bag or the new one, whole"
    assert hits[0] and hits[3], "a conversion takes long enough to be killed in"
    assert sum(hits) >= 4, hits
    run = octavo("archive", posts, "-o", out, "--jobs", "1", env=EPOCH)
    assert run.returncode == 0, run.stderr
    assert payload((out / "bag").resolve()) == reference
    assert bagit.Bag(str(out / "bag")).validate()
    assert not list((out / ".octavo").rglob("*.tmp")) and not list(out.glob(".bag.tmp-*"))


INVENIO = Path(__file__).parent / "fixtures" / "invenio"
INVENIO_SCHEMAS = {
    "local://records/record-v6.0.0.json": "record-v6.0.0.json",
    "local://records/definitions-v2.0.0.json": "definitions-v2.0.0.json",
    "local://definitions-v1.0.0.json": "resources-definitions-v1.0.0.json",
    "local://definitions-v2.0.0.json": "resources-definitions-v2.0.0.json",
    "local://requests/request-v1.0.0.json": "request-v1.0.0.json",
    "local://requests/definitions-v1.0.0.json": "requests-definitions-v1.0.0.json",
}
"""InvenioRDM's record schema and what it refers to, by the URI InvenioRDM resolves them at."""


@pytest.fixture
def package_of(archived, tmp_path, monkeypatch):
    """A copy of the archived folder packed again in another format (the conversions cached)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])

    def pack(fmt: str) -> tuple[Path, archive.Outcome]:
        out = tmp_path / "out"
        shutil.copytree(archived[0], out, symlinks=True)
        outcome = archive_in_process(archived[1], out, fmt)
        assert all(r.cached for r in outcome.results) and outcome.articles == 3
        return out / archive.PACKAGES[fmt].LINK, outcome
    return pack


def test_saf_items_follow_dspace_simple_archive_format(package_of):
    from lxml import etree

    saf, _ = package_of("saf")
    assert sorted(p.name for p in saf.iterdir()) == sorted(p.stem for p in POSTS)
    for post in POSTS:
        item = saf / post.stem
        lines = (item / "contents").read_text(encoding="utf-8").splitlines()
        listed = {}
        for line in lines:   # file name, then tab-separated options, as `dspace import` reads them
            name, *options = line.split("\t")
            listed[name] = dict(option.split(":", 1) for option in options)
        on_disk = {p.name for p in item.iterdir()} - {"contents", "dublin_core.xml"}
        assert set(listed) == on_disk and len(listed) == len(writers.WRITERS) + 1
        assert all(o["bundle"] == "ORIGINAL" and o["description"] for o in listed.values())
        assert [n for n, o in listed.items() if o.get("primary") == "true"] == [f"{post.stem}.pdf"]
        assert (item / f"source-{post.name}").read_bytes() == post.read_bytes()
        root = etree.parse(str(item / "dublin_core.xml")).getroot()
        assert root.tag == "dublin_core" and root.get("schema") == "dc"
        values = [(v.get("element"), v.get("qualifier"), v.get("language"), v.text) for v in root]
        assert all(e and q and text for e, q, _, text in values), values
        oai = etree.parse(str(item / f"{post.stem}.dc.xml")).getroot()
        assert [(e, t) for e, _, _, t in values] == [(etree.QName(x).localname, x.text) for x in oai]
    reference = etree.parse(str(saf / REFERENCE.stem / "dublin_core.xml")).getroot()
    fields = {(v.get("element"), v.get("qualifier")): v for v in reference}
    assert fields[("title", "none")].get("language") == "zh-CN"
    assert fields[("date", "issued")].text == "2022-01-19T17:07:03+08:00"
    assert fields[("language", "iso")].text == "zh-CN"
    assert any(v.get("element") == "identifier" and v.get("qualifier") == "uri" and v.text.startswith("http")
               for v in reference)


def invenio_validator():
    """InvenioRDM's record schema (draft 7), its references resolved from the fixtures."""
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    registry = Registry().with_resources(
        (uri, DRAFT7.create_resource(json.loads((INVENIO / name).read_text())))
        for uri, name in INVENIO_SCHEMAS.items())
    schema = json.loads((INVENIO / "record-v6.0.0.json").read_text())
    return jsonschema.Draft7Validator(schema, registry=registry)


def test_invenio_records_validate_against_the_record_schema_and_required_fields(package_of):
    validator = invenio_validator()
    vocabularies = json.loads((INVENIO / "vocabularies.json").read_text())
    deposits, outcome = package_of("invenio")
    undated = [p for p in POSTS if "publication_date" not in json.loads(
        (deposits / p.stem / "record.json").read_text(encoding="utf-8"))["metadata"]]
    assert [Path(w.path).name for w in outcome.warnings] == [p.name for p in undated]   # said, not invented
    records = {}
    for post in POSTS:
        folder = deposits / post.stem
        record = records[post.stem] = json.loads((folder / "record.json").read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (post.name, errors)
        metadata = record["metadata"]
        assert metadata["resource_type"]["id"] in vocabularies["resource_types"]
        assert metadata["title"] and (post in undated or re.fullmatch(r"\d{4}-\d{2}-\d{2}",
                                                                      metadata["publication_date"]))
        assert metadata["creators"] and all(c["person_or_org"].get("name") or c["person_or_org"].get("family_name")
                                            for c in metadata["creators"])
        assert all(lang["id"] in vocabularies["languages"] for lang in metadata["languages"])
        assert all(r["relation_type"]["id"] in vocabularies["relation_types"]
                   for r in metadata.get("related_identifiers", []))
        assert metadata["identifiers"][0]["scheme"] == "urn"
        assert sorted(p.name for p in (folder / "files").iterdir()) == sorted(
            [f"source-{post.name}"] + [f"{post.stem}{writers.writer(f).SUFFIX}" for f in writers.WRITERS])
    reference = records[REFERENCE.stem]["metadata"]
    assert reference["languages"] == [{"id": "zho"}] and reference["publication_date"] == "2022-01-19"
    assert reference["creators"] == [{"person_or_org": {"type": "organizational", "name": "东方财富网"}}]
    (original,) = reference["related_identifiers"]
    assert original["scheme"] == "url" and original["identifier"].startswith("http")
    assert reference["subjects"] and reference["description"].startswith("国务院办公厅")


def test_a_render_child_forked_during_a_run_does_not_keep_dir_locked(tmp_path):
    """The PDF render child is forked inside the first run (while DIR is locked) and serves
    later runs of the process; it must not hold DIR's lock: the second run once stopped with
    "another `octavo archive` is writing", depending on which test had forked a child first."""
    from convert import sandbox

    if getattr(sandbox._local, "child", None) is not None:
        sandbox._release(kill=True)   # so that this run forks its own, under the lock
    posts = copy_posts(tmp_path / "posts", POSTS[:1])
    out = tmp_path / "out"
    archive_in_process(posts, out)
    assert sandbox._local.child is not None
    assert archive_in_process(posts, out).articles == 1


@pytest.mark.slow
def test_a_failing_post_is_left_out_when_new_and_keeps_the_old_bag_when_archived(tmp_path):
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    (posts / "binary.md").write_bytes(b"---\ntitle: x\n---\n\x00\x01\x02" * 10)
    out = tmp_path / "out"
    first = archive_in_process(posts, out)
    assert [r.path.name for r in first.results if not r.ok] == ["binary.md"]
    assert first.articles == 2 and "binary" not in {p.name for p in (out / "bag" / "data").iterdir()}
    (posts / "binary.md").unlink()
    (posts / POSTS[1].name).write_bytes(b"\x00" * 64)   # an archived post, now unreadable
    second = archive_in_process(posts, out)
    assert [r.path.name for r in second.kept_because] == [POSTS[1].name]
    assert (out / "bag").resolve() == first.package and bagit.Bag(str(out / "bag")).validate()
    run = octavo("archive", posts, "-o", out, "--jobs", "1")
    assert run.returncode == 1 and "an earlier run archived it: the package was not rebuilt" in run.stderr


@pytest.mark.slow
def test_the_whole_corpus_archives_into_a_bag_every_validator_accepts(shared_posts, tmp_path):
    out = tmp_path / "out"
    run = octavo("archive", shared_posts[0].parent, "-o", out, "--jobs", "2", env=EPOCH)
    assert run.returncode == 0, run.stderr[-3000:]
    bag = bagit.Bag(str(out / "bag"))
    assert bag.validate() and len({Path(name).parts[1] for name in bag.payload_entries()
                                   if len(Path(name).parts) > 2}) == len(shared_posts)
    report = octavo("validate", out, "--json")
    assert report.returncode == 0, report.stdout[-3000:]
    checked = json.loads(report.stdout)["checked"]
    assert checked["pdf"] == checked["epub"] == len(shared_posts)


@pytest.mark.slow
def test_a_post_changed_killed_half_converted_and_changed_back_is_converted_again(tmp_path):
    """The cache entry of a post being re-converted is dropped before its outputs are
    rewritten: after a kill, the post changed back is not taken for up to date."""
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    out = tmp_path / "out"
    assert octavo("archive", posts, "-o", out, "--jobs", "1", env=EPOCH).returncode == 0
    first = payload((out / "bag").resolve())
    post = posts / REFERENCE.name
    original = post.read_bytes()
    post.write_bytes(original.replace("国务院".encode(), "国务院 ".encode(), 1))
    assert _run_and_kill(posts, out, _converting(out)), "killed after its new HTML was written"
    post.write_bytes(original)
    assert octavo("archive", posts, "-o", out, "--jobs", "1", env=EPOCH).returncode == 0
    assert payload((out / "bag").resolve()) == first


def test_bag_info_takes_the_organization_description_and_group_given(archived, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(archived[0], out, symlinks=True)
    run = octavo("archive", archived[1], "-o", out, "--jobs", "1", "--source-organization", "Example Library",
                 "--description", "Finance news, 2021-2022", "--bag-group", "finews-2022", env=EPOCH)
    assert run.returncode == 0, run.stderr
    assert "(0 added; 3 of 3 posts unchanged)" in run.stderr   # a new bag, nothing converted
    info = bagit.Bag(str(out / "bag")).info
    assert (info["Source-Organization"], info["External-Description"], info["Bag-Group-Identifier"]) == (
        "Example Library", "Finance news, 2021-2022", "finews-2022")
    assert (out / "bag").resolve().name != (archived[0] / "bag").resolve().name   # another package


def test_every_command_declares_each_option_once():
    """click warns (and the later --lang wins) when two declarations share a flag."""
    import warnings

    from click.testing import CliRunner

    from convert.cli import cli

    for command in ("convert", "cite", "book", "archive", "validate"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0, (command, result.output, result.exception)


# ---- the articles' images, their WARC, and the bound book in the package ----------------

IMAGES_POST = Path(__file__).parent / "fixtures" / "images" / "2022-06-14-NW202206142412311033.md"
"""A finews post whose four trading tables are remote images (fetched from a local server)."""


def image_posts(folder: Path, base: str) -> Path:
    """A site of three posts: four remote tables, a site image beside a remote one reached
    through a redirect, and a post without images."""
    from imageserver import png

    copy_posts(folder, [REFERENCE])
    (folder / IMAGES_POST.name).write_text(IMAGES_POST.read_text("utf-8").replace("https://dfscdn.dfcfw.com", base),
                                           "utf-8")
    (folder / "assets").mkdir()
    (folder / "assets" / "chart.png").write_bytes(png(300, 200, "site chart"))
    (folder / "2022-01-02-pictures.md").write_text(
        "---\ntitle: 图表两张\ndate: 2022-01-02 10:00:00 +0800\n---\n\n"
        "本站的图表与转载的图表，各一张，都应随文章一起归档，供日后查阅。\n\n"
        f"![本站图表](/assets/chart.png)\n\n![转载图表]({base}/moved.png)\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def with_images(tmp_path_factory):
    """The three posts of image_posts archived with --fetch-assets and --include-book (the
    server answers every table; `/moved.png` redirects to `/table.png`)."""
    import re as regex

    from imageserver import ImageServer, png

    def tables(path: str):
        match = regex.search(r"_w(\d+)h(\d+)\.jpg$", path)
        return (200, {"Content-Type": "image/jpeg"}, png(int(match.group(1)), int(match.group(2)), path)) \
            if match else None

    server = ImageServer({"/table.png": (200, {"Content-Type": "image/png"}, png(400, 300, "net buying"))},
                         fallback=tables)
    server.routes["/moved.png"] = (302, {"Location": f"{server.base}/table.png"}, b"")
    root = tmp_path_factory.mktemp("images")
    posts = image_posts(root / "posts", server.base)
    settings = Settings(jobs=1, fetch_assets=True, allow_hosts=(server.host,))
    os.environ.update(EPOCH)
    try:
        jobs = discover([str(posts)], lambda message: None, root / "out")
        outcome = archive.run(jobs, root / "out", settings, include_book=True)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
        server.close()
    assert all(r.ok for r in outcome.results), [r.errors for r in outcome.results]
    assert not [w for r in outcome.results for w in r.warnings if w.kind in ("resource", "offline-resource")]
    return root / "out", jobs, settings, outcome, server


def _image_refs(article: Path) -> list[str]:
    """Every image reference of an article's HTML (`<img src>`) and Markdown (`![…](…)`)."""
    from bs4 import BeautifulSoup

    html = next(article.glob("*.html")).read_text("utf-8")
    markdown = next(p for p in article.glob("*.md") if p.parent == article).read_text("utf-8")
    return ([img["src"] for img in BeautifulSoup(html, "lxml").find_all("img")]
            + re.findall(r"!\[[^\]]*\]\(([^)\s]+)", markdown))


def test_every_image_of_every_packaged_html_and_markdown_resolves_to_a_payload_file(with_images):
    out, _, _, _, _ = with_images
    bag_dir = out / "bag"
    bag = bagit.Bag(str(bag_dir))
    assert bag.validate()
    manifest = set(bag.payload_entries())
    refs = 0
    for article in sorted(p for p in (bag_dir / "data").iterdir() if p.is_dir() and p.name != "book"):
        for src in _image_refs(article):
            target = (article / src).resolve()
            assert target.is_relative_to(article.resolve()), (article.name, src)    # inside its own folder
            assert target.relative_to(bag_dir.resolve()).as_posix() in manifest, (article.name, src)
            refs += 1
    assert refs == 2 * (4 + 2)   # the HTML and the Markdown of four tables and two charts
    pictures = bag_dir / "data" / "2022-01-02-pictures" / "resources"
    assert len(list(pictures.glob("*.png"))) == 2 and not list((bag_dir / "data" / REFERENCE.stem).glob("resources"))


def test_each_article_carries_the_warc_of_its_own_fetches_redirects_included(with_images):
    from warcio.archiveiterator import ArchiveIterator

    out, _, _, _, server = with_images
    data = out / "bag" / "data"

    def records(article: str) -> list[tuple[str, str | None]]:
        with open(data / article / "resources" / "fetch.warc.gz", "rb") as handle:   # digests checked
            return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
                    for r in ArchiveIterator(handle, check_digests=True)]

    pictures = records("2022-01-02-pictures")
    assert pictures[0] == ("warcinfo", None)
    assert sorted(pictures[1:]) == sorted((kind, f"{server.base}/{name}.png") for kind in ("request", "response")
                                          for name in ("moved", "table"))
    tables = records(IMAGES_POST.stem)
    assert len(tables) == 1 + 2 * 4 and all("/download/" in uri for _, uri in tables[1:])
    assert not (data / REFERENCE.stem / "resources").exists()   # nothing fetched, no WARC


def test_the_crate_lists_images_and_warc_as_the_conversion_s_input_and_output(with_images):
    from rocrate.rocrate import ROCrate

    out, _, _, _, _ = with_images
    data = out / "bag" / "data"
    crate = ROCrate(str(data))
    files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()
                   and p.name != "ro-crate-metadata.json")
    assert sorted(e.id for e in crate.data_entities) == files
    action = crate.dereference("#conversion-2022-01-02-pictures")
    taken = sorted(f.id.split("/", 1)[1] for f in action["object"])
    assert taken[-1] == "source/2022-01-02-pictures.md" and len(taken) == 3
    assert all(re.fullmatch(r"resources/[0-9a-f]{64}\.png", name) for name in taken[:2])
    assert "2022-01-02-pictures/resources/fetch.warc.gz" in {f.id for f in action["result"]}
    book = crate.dereference("#book")
    assert "Book" in book.type and book["identifier"].startswith("urn:")
    assert sorted(f.id for f in book["hasPart"]) == [f for f in files if f.startswith("book/")]
    binding = crate.dereference("#binding-book")
    assert len(binding["object"]) == 3 and {f.id for f in binding["result"]} == {f.id for f in book["hasPart"]}


def test_a_flipped_byte_in_a_packaged_image_or_warc_fails_bagit_and_validate_naming_it(with_images, tmp_path):
    from convert.validate import check_bag

    out, _, _, _, _ = with_images
    article = "2022-01-02-pictures"
    image = next((out / "bag" / "data" / article / "resources").glob("*.png")).name
    for member in (f"resources/{image}", "resources/fetch.warc.gz"):
        bag_dir = _fresh_copy(out, tmp_path / member.replace("/", "-"))
        damaged = bag_dir / "data" / article / member
        data = bytearray(damaged.read_bytes())
        data[len(data) // 2] ^= 0x01
        damaged.write_bytes(bytes(data))
        with pytest.raises(bagit.BagValidationError) as caught:
            bagit.Bag(str(bag_dir)).validate()
        assert {Path(d.path).name for d in caught.value.details} == {damaged.name}
        problems = check_bag(bag_dir)
        assert {p.path for p in problems} == {str(damaged)} and "checksum mismatch" in problems[0].message, problems


def test_the_book_is_in_the_package_bound_from_every_article_and_described(with_images):
    out, _, _, outcome, _ = with_images
    book = out / "bag" / "data" / "book"
    assert sorted(p.name for p in book.iterdir()) == sorted(
        f"book{writers.writer(f).SUFFIX}" for f in ("epub", "pdf", "csl", "bib", "ris", "dc", "bibtex", "datacite",
                                                     "jsonld"))
    info = bagit.Bag(str(out / "bag")).info
    assert info["Octavo-Book"].startswith("data/book/: the 3 articles bound into one book")
    record = json.loads((book / "book.csl.json").read_text("utf-8"))[0]
    assert record["type"] == "book" and record["id"] in info["Octavo-Book"]
    text = subprocess.run(["pdftotext", str(book / "book.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "图表两张" in text and "国办" in text
    images = subprocess.run(["pdfimages", "-list", str(book / "book.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert len(images) == 6   # the four tables and both charts: nothing fetched again, nothing left out


@pytest.mark.slow
def test_the_packaged_book_passes_epubcheck_and_qpdf(with_images, tmp_path):
    from test_epub import epubcheck_many

    out, _, _, _, _ = with_images
    book = out / "bag" / "data" / "book"
    results, messages = epubcheck_many([book / "book.epub"], tmp_path)
    assert results[str(book / "book.epub")] == (0, 0, 0), messages
    subprocess.run(["qpdf", "--check", str(book / "book.pdf")], check=True, capture_output=True)
    run = octavo("validate", out, "--json")   # the bag, its crate, every PDF, EPUB, record and WARC
    assert run.returncode == 0, run.stdout[-3000:]
    assert json.loads(run.stdout)["checked"] == {"bag": 1, "pdf": 4, "epub": 4, "record": 28, "warc": 2}


def test_include_book_rerun_with_nothing_changed_reuses_the_book_and_a_new_article_rebinds_it(with_images,
                                                                                              tmp_path, monkeypatch):
    from convert.archive import book as staged_book

    source, jobs, settings, first, _ = with_images
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    bound = []
    monkeypatch.setattr(staged_book, "_bind", lambda *args, real=staged_book._bind: bound.append(1) or real(*args))
    again = archive.run(jobs, source, settings, include_book=True)
    assert again.unchanged and all(r.cached for r in again.results) and bound == []
    assert (source / "bag").resolve() == first.package
    out = tmp_path / "out"
    shutil.copytree(source, out, symlinks=True)
    extra = copy_posts(tmp_path / "extra", [POSTS[1]])
    more = archive.run(jobs + discover([str(extra)], lambda message: None, out), out, settings, include_book=True)
    assert bound == [1] and more.articles == 4 and more.added == [POSTS[1].stem]
    assert bagit.Bag(str(out / "bag")).validate()
    ids = [json.loads((folder / "bag" / "data" / "book" / "book.csl.json").read_text("utf-8"))[0]["id"]
           for folder in (source, out)]
    assert ids[0] != ids[1]   # another selection, another book
    text = subprocess.run(["pdftotext", str(out / "bag" / "data" / "book" / "book.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "开站大吉" in text


def test_saf_and_invenio_list_the_images_the_warc_and_the_book(with_images, tmp_path, monkeypatch):
    from lxml import etree

    source, jobs, settings, _, _ = with_images
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    out = tmp_path / "out"
    shutil.copytree(source, out, symlinks=True)
    article = "2022-01-02-pictures"
    expected = {f"resources-{p.name}" for p in (source / "bag" / "data" / article / "resources").iterdir()}
    assert len(expected) == 3 and "resources-fetch.warc.gz" in expected
    for fmt in ("saf", "invenio"):
        outcome = archive.run(jobs, out, settings, fmt, include_book=True)
        assert all(r.cached for r in outcome.results) and not outcome.warnings
    saf = out / "saf"
    listed = [line.split("\t")[0] for line in (saf / article / "contents").read_text("utf-8").splitlines()]
    assert expected <= set(listed) and set(listed) == {p.name for p in (saf / article).iterdir()} - {
        "contents", "dublin_core.xml"}
    book = {line.split("\t")[0]: line for line in (saf / "book" / "contents").read_text("utf-8").splitlines()}
    assert book["book.pdf"].endswith("primary:true") and "book.epub" in book
    values = {(v.get("element"), v.get("qualifier")): v.text
              for v in etree.parse(str(saf / "book" / "dublin_core.xml")).getroot()}
    assert values[("identifier", "uri")].startswith("urn:") and values[("title", "none")]
    deposits = out / "invenio"
    assert expected <= {p.name for p in (deposits / article / "files").iterdir()}
    record = json.loads((deposits / "book" / "record.json").read_text("utf-8"))
    assert not [e.message for e in invenio_validator().iter_errors(record)]
    vocabularies = json.loads((INVENIO / "vocabularies.json").read_text())
    assert record["metadata"]["resource_type"]["id"] == "publication-book" in vocabularies["resource_types"]
    assert {p.name for p in (deposits / "book" / "files").iterdir()} == {p.name for p in (
        source / "bag" / "data" / "book").iterdir()}


def _binding(out: Path):
    """The book being bound: its temporary folder made by this run."""
    return lambda started: _made_since((out / ".octavo" / "book").glob("tmp-*"), started)


@pytest.mark.slow
def test_kill_9_while_binding_the_book_keeps_the_old_package_and_a_rerun_is_identical(tmp_path):
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    reference = tmp_path / "reference"
    assert octavo("archive", posts, "-o", reference, "--jobs", "1", "--include-book", env=EPOCH).returncode == 0
    out = tmp_path / "out"
    assert octavo("archive", posts, "-o", out, "--jobs", "1", env=EPOCH).returncode == 0   # a bag without a book
    before = payload((out / "bag").resolve())
    hits = [_run_and_kill(posts, out, ready, "--include-book") for ready in (_binding(out), _building(out))]
    assert hits[0], "binding takes long enough to be killed in"
    assert bagit.Bag(str(out / "bag")).validate() and payload((out / "bag").resolve()) in (
        before, payload((reference / "bag").resolve()))
    run = octavo("archive", posts, "-o", out, "--jobs", "1", "--include-book", env=EPOCH)
    assert run.returncode == 0, run.stderr
    assert payload((out / "bag").resolve()) == payload((reference / "bag").resolve())
    assert not list((out / ".octavo" / "book").glob("tmp-*")) and len(list((out / ".octavo" / "book").iterdir())) == 1


@pytest.mark.slow
def test_archive_takes_fetch_assets_and_allow_host_as_convert_does(tmp_path):
    from imageserver import ImageServer, png

    server = ImageServer({"/a.png": (200, {"Content-Type": "image/png"}, png(200, 100, "remote"))})
    try:
        posts = tmp_path / "posts"
        posts.mkdir()
        (posts / "2024-03-01-remote.md").write_text(
            f"---\ntitle: Remote\nlang: en\n---\nA table kept with the post.\n\n![A table]({server.base}/a.png)\n",
            "utf-8")
        run = octavo("archive", posts, "-o", tmp_path / "out", "--jobs", "1", "--fetch-assets",
                     "--allow-host", server.host)
        assert run.returncode == 0, run.stderr
        assert server.hits["/a.png"] == 1
        refused = octavo("archive", posts, "-o", tmp_path / "other", "--jobs", "1", "--fetch-assets")
    finally:
        server.close()
    article = tmp_path / "out" / "bag" / "data" / "2024-03-01-remote"
    assert _image_refs(article) and all((article / src).is_file() for src in _image_refs(article))
    assert (article / "resources" / "fetch.warc.gz").is_file()
    assert refused.returncode == 0 and "refused address" in refused.stderr and server.hits["/a.png"] == 1
    assert not (tmp_path / "other" / "bag" / "data" / "2024-03-01-remote" / "resources").exists()


@pytest.mark.slow
def test_a_book_that_cannot_be_bound_fails_the_run_and_keeps_the_package(tmp_path):
    posts = copy_posts(tmp_path / "posts", POSTS[:2])
    out = tmp_path / "out"
    first = archive_in_process(posts, out)
    other = copy_posts(tmp_path / "other", POSTS[1:2])
    (posts / POSTS[0].name).write_bytes(b"\x00" * 64)   # archived, not given again, now unreadable
    run = octavo("archive", other, "-o", out, "--jobs", "1", "--include-book")
    assert run.returncode == 1 and f"{out}: cannot bind the book: {posts / POSTS[0].name}" in run.stderr, run.stderr
    assert (out / "bag").resolve() == first.package and bagit.Bag(str(out / "bag")).validate()
    assert not list((out / ".octavo" / "book").glob("*"))   # nothing half-bound left
