"""Site profiles: site-specific knowledge (chrome links, source lines, ticker markup) as data."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

FILES = resources.files(__package__)
"""This package's folder, wherever it is installed: one NAME.json per profile."""
DEFAULT = "eastmoney"
GENRES = ("news", "blog")
"""What kind of work a profile's posts are (Meta.genre): it picks the citation types."""


@dataclass(frozen=True)
class Profile:
    """One site profile, read from `profiles/NAME.json` (each key documented there by example)."""

    name: str
    genre: str
    unwrap_link_classes: frozenset[str]
    unwrap_link_hosts: tuple[str, ...]
    drop_image_hosts: tuple[str, ...]
    navigation_link_text: re.Pattern
    navigation_separators: re.Pattern
    source_line_classes: frozenset[str]
    source_line_pattern: re.Pattern
    trailing_credit_pattern: re.Pattern
    document_number_pattern: re.Pattern
    containers: dict[str, str]


def names() -> list[str]:
    """The known profile names (the JSON files shipped with the package)."""
    return sorted(r.name.removesuffix(".json") for r in FILES.iterdir() if r.name.endswith(".json"))


@functools.lru_cache(maxsize=None)
def load(name: str = DEFAULT) -> Profile:
    """The named profile; ValueError listing the known ones when it does not exist."""
    if name not in names():
        raise ValueError(f"unknown profile {name!r} (known: {', '.join(names())})")
    data = json.loads((FILES / f"{name}.json").read_text(encoding="utf-8"))
    if data["genre"] not in GENRES:
        raise ValueError(f"profile {name!r}: genre {data['genre']!r} is not one of {', '.join(GENRES)}")
    return Profile(
        name=name,
        genre=data["genre"],
        unwrap_link_classes=frozenset(data["unwrap_link_classes"]),
        unwrap_link_hosts=tuple(data["unwrap_link_hosts"]),
        drop_image_hosts=tuple(data["drop_image_hosts"]),
        navigation_link_text=re.compile(data["navigation_link_text"], re.I),
        navigation_separators=re.compile(data["navigation_separators"]),
        source_line_classes=frozenset(data["source_line_classes"]),
        source_line_pattern=re.compile(data["source_line_pattern"]),
        trailing_credit_pattern=re.compile(data["trailing_credit_pattern"]),
        document_number_pattern=re.compile(data["document_number_pattern"]),
        containers=dict(data["containers"]),
    )
