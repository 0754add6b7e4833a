"""How an option is declared (Settings and each writer's Options use it): default, one
line of documentation, its command-line flag, and a check run whenever settings are made,
so a Settings object is valid by construction."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any, Callable, ClassVar

from .errors import UsageError


def setting(default, doc: str, *, flag: str | None = None, check: Callable[[Any], Any] | None = None,
            choices: tuple | None = None, factory: Callable | None = None, multiple: bool = False):
    """Declare one option: its default, one line of documentation, its flag (if any; given
    several times when `multiple`) and a check that returns the cleaned value or raises
    ValueError with the reason."""
    metadata = {"doc": doc, "flag": flag, "check": check, "choices": choices, "multiple": multiple}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def option_name(section: str | None, f: dataclasses.Field) -> str:
    """How an option is named in messages: its flag and its octavo.toml key."""
    key = f"{section}.{f.name}" if section else f.name
    flag = f.metadata.get("flag")
    return f"{flag.split('/')[-1]} ({key})" if flag else key


class Declared:
    """Base of the settings dataclasses: each field is checked and cleaned on creation;
    a bad value is a UsageError naming the option."""

    SECTION: ClassVar[str | None] = None
    """The octavo.toml table these options live in (None: the top level)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or isinstance(value, Declared):
                continue
            choices, check = f.metadata.get("choices"), f.metadata.get("check")
            try:
                if choices and value not in choices:
                    raise ValueError(f"{value!r} is not one of {', '.join(map(str, choices))}")
                if f.type in ("bool", bool) and not isinstance(value, bool):
                    raise ValueError(f"{value!r} is not true or false")
                if check:
                    object.__setattr__(self, f.name, check(value))
            except (ValueError, TypeError) as exc:
                raise UsageError(f"invalid value for {option_name(self.SECTION, f)}: {exc}") from None
