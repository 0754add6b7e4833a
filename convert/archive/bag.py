"""BagIt (RFC 8493) packages, made and checked by the `bagit` library: one folder per
article under `data/` (and `data/book/` with `--include-book`), RO-Crate metadata beside
them, sha256 and sha512 manifests and tag manifests, and a `bag-info.txt` that says who
made the bag, when, from what and with what."""

from __future__ import annotations

import shutil
from pathlib import Path

import bagit

from .. import __version__
from . import crate
from .articles import BOOK

LINK = "bag"
"""DIR/bag: the link to the current bag."""
CHECKSUMS = ["sha256", "sha512"]
BAGIT_VERSION = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
"""RFC 8493's version line (the library writes the older 0.97, whose layout is the same)."""


def place(name: str, rel: str) -> str:
    """Where a file of the article folder `name` lies in the bag (`rel`: its path in the folder)."""
    return f"data/{name}/{rel}"


def bag_info(package) -> dict:
    """The bag-info.txt fields (bagit adds Payload-Oxum); Bag-Group-Identifier when given."""
    info = {
        "Source-Organization": package.organizations or ["unknown"],
        "External-Description": package.description,
        "Bagging-Date": package.date.date().isoformat(),
        "Bag-Software-Agent": f"Octavo {__version__} (bagit.py {bagit.VERSION})",
        "Octavo-Version": __version__,
    }
    if package.group:
        info["Bag-Group-Identifier"] = package.group
    if package.book:
        record = package.book.record
        info["Octavo-Book"] = (f"data/{BOOK}/: the {len(package.articles)} articles bound into one book, "
                               f"{record.get('headline') or BOOK} ({record['identifier']}), EPUB 3 and PDF/A "
                               "with its citation records")
    return info


def build(target: Path, package) -> list:
    """Make the bag in the new folder `target`: copy each article's files under it, describe
    them in ro-crate-metadata.json, then let bagit move them into data/ and write the
    manifests (no warnings: a bag takes any file)."""
    target.mkdir(parents=True)
    described = [(article, entries, package.staging.jsonld(article)) for article, entries in package.folders()]
    folders = [(article.name, entries) for article, entries, _ in described]
    if package.book:
        folders.append((BOOK, package.book.entries))
    for name, entries in folders:
        for entry in entries:
            dest = target / name / entry.rel   # bagit moves it to place(name, entry.rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry.path, dest)
    crate.write(target, described, package)
    bagit.make_bag(str(target), bag_info(package), checksums=CHECKSUMS)
    (target / "bagit.txt").write_text(BAGIT_VERSION, encoding="utf-8")
    bagit.Bag(str(target)).save()   # the tag manifests again, over the RFC 8493 bagit.txt
    return []
