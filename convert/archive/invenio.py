"""InvenioRDM / Zenodo deposits: per article (and `book/` for the bound book, `--include-book`)
`record.json` (the body of a draft for the records REST API: resource type, title,
publication date, creators, description, language, identifiers, the original URL as a
related identifier, subjects) and its files. Nothing is uploaded: the folder is ready for
whoever holds the repository's token."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lingua import IsoCode639_1, Language

from ..citation.record import TYPES
from ..citation.repository import UNAVAILABLE
from ..errors import PostWarning
from .articles import BOOK
from .saf import file_name

LINK = "invenio"
"""DIR/invenio: the link to the current deposit folder."""
REQUIRED = ("resource_type", "title", "publication_date", "creators")
"""The metadata InvenioRDM requires before it publishes a record (its metadata reference)."""
RELATION = "isvariantformof"
"""How the archived article relates to the page at its original URL: another form of it."""


def iso639_3(tag: str | None) -> str | None:
    """InvenioRDM's language id (ISO 639-3, `zho`) for a BCP 47 tag, None when unknown."""
    try:
        code = IsoCode639_1.from_str((tag or "").split("-")[0].lower())
    except ValueError:
        return None
    return Language.from_iso_code_639_1(code).iso_code_639_3.name.lower()


def _creators(record: dict) -> list[dict]:
    """Named authors (persons: a single name is all the post gives), else the publisher as
    an organization, else DataCite's `:unav`, as the DataCite writer does."""
    if record.get("author"):
        return [{"person_or_org": {"type": "personal", "family_name": name}} for name in record["author"]]
    publisher = (record.get("publisher") or {}).get("name") or UNAVAILABLE
    return [{"person_or_org": {"type": "organizational", "name": publisher}}]


def deposit(record: dict) -> dict:
    """The deposit for an article's schema.org record (the `.jsonld` file)."""
    genre = next(name for name, types in TYPES.items() if types["schema.org"] == record["@type"])
    resource_type = {"id": TYPES[genre]["invenio"]}
    language = iso639_3(record.get("inLanguage"))
    metadata = {
        "resource_type": resource_type,
        "title": record.get("headline"),
        "publication_date": (record.get("datePublished") or "")[:10] or None,
        "creators": _creators(record),
        "description": record.get("description"),
        "languages": [{"id": language}] if language else None,
        "publisher": (record.get("publisher") or {}).get("name"),
        "identifiers": [{"identifier": record["identifier"], "scheme": "urn"}],
        "related_identifiers": [{"identifier": record["url"], "scheme": "url", "relation_type": {"id": RELATION},
                                 "resource_type": resource_type}] if record.get("url") else None,
        "subjects": [{"subject": keyword} for keyword in record.get("keywords", [])] or None,
    }
    return {"access": {"record": "public", "files": "public"}, "files": {"enabled": True},
            "metadata": {key: value for key, value in metadata.items() if value}}


def place(name: str, rel: str) -> str:
    """Where a file of the article folder `name` lies in the deposits (`rel`: its path in the folder)."""
    return f"{name}/files/{file_name(rel)}"


def build(target: Path, package) -> list[PostWarning]:
    """One folder per article in the new folder `target`: record.json and files/; a warning
    for each required field a post cannot give (nothing is invented for it)."""
    target.mkdir(parents=True)
    items = [(article.name, article.source, entries, package.staging.jsonld(article))
             for article, entries in package.folders()]
    if package.book:
        items.append((BOOK, str(package.book.folder / BOOK), package.book.entries, package.book.record))
    warnings = []
    for name, source, entries, schema_org in items:
        folder = target / name
        (folder / "files").mkdir(parents=True)
        for entry in entries:
            shutil.copyfile(entry.path, target / place(name, entry.rel))
        record = deposit(schema_org)
        warnings += [PostWarning(source, f"the InvenioRDM deposit has no {field.replace('_', ' ')}: "
                                 "the repository asks for it before publishing", kind="deposit")
                     for field in REQUIRED if field not in record["metadata"]]
        (folder / "record.json").write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                            encoding="utf-8")
    return warnings
