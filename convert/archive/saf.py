"""DSpace Simple Archive Format: one item folder per article (and `book/` for the bound book,
`--include-book`) holding `dublin_core.xml`, `contents` and the files, ready for
`dspace import --add`.

`dublin_core.xml` is the Dublin Core writer's record (the `.dc.xml` file, one mapping for
every output) in DSpace's `<dcvalue element qualifier language>` form.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from ..citation.repository import DC, XML_LANG
from .articles import BOOK

LINK = "saf"
"""DIR/saf: the link to the current archive folder."""

QUALIFIERS = {"date": "issued", "description": "abstract", "identifier": "uri", "language": "iso"}
"""DSpace's qualified fields for the simple Dublin Core elements whose meaning they pin down
(the record's date is the publication date; its identifiers are URIs: URN and URL)."""
PRIMARY = "pdf"
"""The bitstream DSpace shows first."""


def dublin_core(oai_dc: bytes) -> bytes:
    """An oai_dc record as DSpace's dublin_core.xml (schema dc)."""
    root = etree.Element("dublin_core", schema="dc")
    for element in etree.fromstring(oai_dc):
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{DC}}}"):
            continue
        name = etree.QName(element).localname
        value = etree.SubElement(root, "dcvalue", element=name, qualifier=QUALIFIERS.get(name, "none"))
        if element.get(XML_LANG):
            value.set("language", element.get(XML_LANG))
        value.text = element.text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_name(rel: str) -> str:
    """An item's files lie flat beside `contents`: `source/POST.md` becomes `source-POST.md`
    (beside the Markdown output `POST.md`), an image `resources/<sha256>.png`
    `resources-<sha256>.png` (DSpace 7 serves no HTML with relative links, so a flat name
    costs nothing and any DSpace imports it)."""
    return rel.replace("/", "-")


def place(name: str, rel: str) -> str:
    """Where a file of the article folder `name` lies in the archive (`rel`: its path in the folder)."""
    return f"{name}/{file_name(rel)}"


def build(target: Path, package) -> list:
    """One item folder per article in the new folder `target` (no warnings: Dublin Core
    requires no element)."""
    target.mkdir(parents=True)
    for article, entries in package.folders():
        _item(target, article.name, entries, package.staging.output(article, "dc").read_bytes())
    if package.book:
        _item(target, BOOK, package.book.entries, package.book.dc)
    return []


def _item(target: Path, folder: str, entries: list, oai_dc: bytes) -> None:
    item = target / folder
    item.mkdir()
    lines = []
    for entry in entries:
        name = file_name(entry.rel)
        shutil.copyfile(entry.path, target / place(folder, entry.rel))
        primary = "\tprimary:true" if entry.fmt == PRIMARY else ""
        lines.append(f"{name}\tbundle:ORIGINAL\tdescription:{entry.description}{primary}")
    (item / "contents").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (item / "dublin_core.xml").write_bytes(dublin_core(oai_dc))
