"""Jekyll author values → names, as jekyll-seo-tag reads them: a name, a mapping with a
`name`, or a list of either; an id the site's `_data/authors.yml` knows becomes its name."""

from __future__ import annotations

from itertools import islice
from typing import Mapping

MAX_AUTHORS = 100
"""Names kept from one author value (a YAML alias can make a list of millions)."""
MAX_DIRECTORY = 10_000
"""Entries read from `_data/authors.yml`."""


def _name(value) -> str | None:
    """One author's name, whitespace folded: a scalar as it is, a mapping's `name`."""
    if isinstance(value, Mapping):
        value = value.get("name")
    if value is None or isinstance(value, (Mapping, list, tuple)):
        return None
    text = " ".join(str(value).split())
    return text or None


def names(value, known: Mapping[str, str] | None = None) -> list[str]:
    """The names in an author value, in order, without duplicates; ids in `known` (id → name,
    from `_data/authors.yml`) replaced by their names. "Jane Doe" is one name, never split."""
    items = value[:MAX_AUTHORS] if isinstance(value, (list, tuple)) else [value]
    found = (_name(item) for item in items)
    return list(dict.fromkeys((known or {}).get(name, name) for name in found if name))


def directory(data) -> dict[str, str]:
    """`_data/authors.yml` (id → entry, the entry a mapping with `name` or a name) as id → name;
    entries without a usable name are left out."""
    if not isinstance(data, Mapping):
        return {}
    out: dict[str, str] = {}
    for key, entry in islice(data.items(), MAX_DIRECTORY):
        name = _name(entry)
        if name and isinstance(key, (str, int)):
            out[str(key)] = name
    return out
