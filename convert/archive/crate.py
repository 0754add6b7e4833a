"""RO-Crate metadata (`ro-crate-metadata.json`, written with the `rocrate` library) for a
folder of articles: each article a CreativeWork with its metadata and files, each
conversion a CreateAction naming Octavo, pandoc and WeasyPrint with their versions, what it
took in (the post, its images) and what it made; the bound book (`--include-book`) a Book
with its files, made by a CreateAction from every article's post: the provenance a reader
needs once the software is gone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

from .articles import BOOK, Article, Entry

TOOLS = {
    "octavo": ("Octavo", None,
               "Converts published posts into archival HTML, PDF/A, EPUB 3, Markdown and citation records."),
    "pandoc": ("pandoc", "https://pandoc.org", "Universal document converter; made the EPUB and the Markdown."),
    "weasyprint": ("WeasyPrint", "https://weasyprint.org", "HTML and CSS to PDF engine; made the PDF/A."),
}
"""The software each conversion used: name, home page (when it has a public one), what it did."""

WORK_KEYS = ("headline", "author", "datePublished", "inLanguage", "url", "description", "keywords",
             "publisher", "isBasedOn", "isPartOf")
"""The schema.org properties of an article's record carried over to its CreativeWork."""


def write(root: Path, articles: list[tuple[Article, list[Entry], dict]], package) -> None:
    """Write `root/ro-crate-metadata.json` describing the article folders under `root`.

    `articles` holds each article with its folder's entries and its schema.org record.
    """
    crate = ROCrate()
    crate.root_dataset["datePublished"] = package.date.isoformat(timespec="seconds")
    crate.name = package.title
    crate.description = package.description
    tools = [crate.add(ContextEntity(crate, f"#{key}", properties=_prune({
        "@type": "SoftwareApplication", "name": name, "url": url, "description": what,
        "softwareVersion": package.versions[key]}))) for key, (name, url, what) in TOOLS.items()]
    sources = []
    for article, entries, record in articles:
        files = _files(crate, article.name, entries)
        sources.append(files[0])
        crate.add(ContextEntity(crate, f"#article-{article.name}", properties=_work(crate, record, files,
                                                                                            article.name)))
        crate.add_action(tools, identifier=f"#conversion-{article.name}",
                         object=[f for f, e in zip(files, entries) if e.taken],
                         result=[f for f, e in zip(files, entries) if not e.taken],
                         properties={"@type": "CreateAction", "name": f"Conversion of {article.original}",
                                     "endTime": record.get("sdDatePublished")})
    if package.book:
        record = package.book.record
        files = _files(crate, BOOK, package.book.entries)
        crate.add(ContextEntity(crate, f"#{BOOK}", properties=_work(crate, record, files, BOOK)))
        crate.add_action(tools, identifier=f"#binding-{BOOK}", object=sources, result=files, properties={
            "@type": "CreateAction", "name": f"Binding of the {len(sources)} archived articles into one book",
            "endTime": record.get("sdDatePublished")})
    crate.metadata.write(root)


def _files(crate: ROCrate, folder: str, entries: list[Entry]) -> list:
    """The File entities of one folder's entries."""
    return [crate.add_file(dest_path=f"{folder}/{entry.rel}", properties={
        "name": Path(entry.rel).name, "encodingFormat": entry.media, "description": entry.description,
        "contentSize": str(entry.path.stat().st_size)}) for entry in entries]


def _work(crate: ROCrate, record: dict, files: list, name: str) -> dict:
    """The CreativeWork (an article, or the Book) of a schema.org record, with its files."""
    work = {key: _flat(crate, record[key]) for key in WORK_KEYS if key in record}
    work.update({"@type": ["CreativeWork", record["@type"]], "name": record.get("headline", name),
                 "identifier": record["identifier"], "hasPart": [{"@id": f.id} for f in files]})
    return work


def _prune(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def _flat(crate: ROCrate, value):
    """`value` with each nested object made an entity of its own and referenced by @id, as
    RO-Crate's flattened JSON-LD wants; the id is a hash of the object, so the same
    publisher named by many articles is one entity."""
    if isinstance(value, list):
        return [_flat(crate, item) for item in value]
    if not isinstance(value, dict):
        return value
    properties = {key: _flat(crate, item) for key, item in value.items()}
    digest = hashlib.sha256(json.dumps(properties, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    entity = crate.add(ContextEntity(crate, f"#{properties.get('@type', 'Thing').lower()}-{digest[:12]}",
                                     properties=properties))
    return {"@id": entity.id}
