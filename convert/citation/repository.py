"""Repository XML from a Record: Dublin Core (`oai_dc`, as OAI-PMH and DSpace expect)
and DataCite kernel 4, the mandatory properties always present."""

from __future__ import annotations

from lxml import etree

from .. import dates
from .record import Record, iso

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
DATACITE = "http://datacite.org/schema/kernel-4"
DATACITE_XSD = "http://schema.datacite.org/meta/kernel-4/metadata.xsd"
UNAVAILABLE = ":unav"
"""DataCite's standard value for a mandatory property whose value is unavailable."""
UNKNOWN = ":unkn"
"""DataCite's standard value for a value known to be unknown ("Anonymous"): the creator
of an article that names no author (record.creators)."""


def _serialize(root: etree._Element) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


def _add(parent, tag: str, text: str | None, **attrs) -> None:
    """Append <tag attrs>text</tag> when text is known."""
    if text:
        etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v}).text = text


def dc_elements(rec: Record) -> list[tuple[str, str]]:
    """(element, value) pairs of simple Dublin Core, shared by oai_dc and the HTML head."""
    pairs = [
        ("title", rec.title),
        *(("creator", name) for name in rec.authors),
        *(("subject", keyword) for keyword in rec.keywords),
        ("description", rec.abstract),
        ("publisher", rec.publisher),
        ("contributor", rec.authority),
        ("date", dates.w3c(rec.issued) if rec.issued else None),   # W3C-DTF: no time without a zone
        ("type", "Text"),
        ("identifier", rec.id),
        ("identifier", rec.url),
        ("source", rec.original_publisher),
        ("relation", rec.number),
        ("language", rec.language),
    ]
    return [(name, value) for name, value in pairs if value]


def dublin_core(rec: Record) -> str:
    """oai_dc record: DCMI type Text, W3C-DTF dates, the URN and the URL as identifiers."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    for name, value in dc_elements(rec):
        lang = rec.language if name in ("title", "description") else None
        _add(root, f"{{{DC}}}{name}", value, **{XML_LANG: lang})
    return _serialize(root)


def _d(name: str) -> str:
    """A DataCite kernel-4 element name."""
    return f"{{{DATACITE}}}{name}"


def _creators(rec: Record, parent) -> None:
    """The named authors; an anonymous article's one creator is :unkn (not its publisher)."""
    creators = etree.SubElement(parent, _d("creators"))
    for name in rec.authors or (UNKNOWN,):
        creator = etree.SubElement(creators, _d("creator"))
        _add(creator, _d("creatorName"), name)


def _wrapper(parent, name: str, children: list[tuple[str, str | None, dict]]) -> None:
    """<name> holding the children whose text is known; left out when none is."""
    known = [(tag, text, attrs) for tag, text, attrs in children if text]
    if known:
        wrapper = etree.SubElement(parent, _d(name))
        for tag, text, attrs in known:
            _add(wrapper, _d(tag), text, **attrs)


def datacite(rec: Record) -> str:
    """DataCite kernel-4 resource: identifier, creators, titles, publisher, year, type, more."""
    root = etree.Element(_d("resource"), nsmap={None: DATACITE, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{DATACITE} {DATACITE_XSD}")
    _add(root, _d("identifier"), rec.id, identifierType="URN")
    _creators(rec, root)
    _wrapper(root, "titles", [("title", rec.title or UNAVAILABLE, {XML_LANG: rec.language})])
    _add(root, _d("publisher"), rec.publisher or UNAVAILABLE)
    _add(root, _d("publicationYear"), f"{rec.year or rec.accessed.year:04d}")
    _add(root, _d("resourceType"), rec.type_in("datacite"), resourceTypeGeneral="Text")
    _wrapper(root, "subjects", [("subject", k, {}) for k in rec.keywords])
    _wrapper(root, "dates", [
        ("date", iso(rec.issued), {"dateType": "Issued"}),
        ("date", iso(rec.accessed), {"dateType": "Other", "dateInformation": "accessed"}),
        ("date", iso(rec.original_date),
         {"dateType": "Other", "dateInformation": "signing date of the republished document"}),
    ])
    _add(root, _d("language"), rec.language)
    _wrapper(root, "alternateIdentifiers",
             [("alternateIdentifier", rec.url, {"alternateIdentifierType": "URL"})])
    _wrapper(root, "descriptions", [
        ("description", rec.abstract, {"descriptionType": "Abstract"}),
        ("description", rec.number, {"descriptionType": "Other"}),
    ])
    return _serialize(root)
