"""Safe YAML for untrusted text (front matter, `_config.yml`, `_data/`): no implicit
timestamps, and alias bombs refused while the YAML is parsed, before any value is built."""

from __future__ import annotations

import yaml


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML (libyaml when present) without implicit timestamps: dates stay strings as
    written, for `dates.parse_datetime` (PyYAML raises on `2022-13-45` and turns `+0800`
    dates into strings anyway)."""


Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class AliasBomb(yaml.YAMLError):
    """YAML whose aliases expand to more values than allowed; `line` is 0-based in the text."""

    def __init__(self, limit: int, line: int):
        super().__init__(f"expands to over {limit} values through YAML aliases (an alias bomb); refused")
        self.line = line


def refuse_alias_bombs(text: str, limit: int) -> None:
    """AliasBomb when `text` stands for more than `limit` values once every alias is expanded.

    Aliases are legitimate (a shared author list), but a few lines of nested ones ("billion
    laughs", merge keys `<<`) stand for billions of values that every later walk would visit.
    Counted on the parser's events: each anchor's expanded size is recorded when its node
    ends, and each alias adds that size. Invalid YAML is left for the loader to report.
    """
    if "*" not in text:
        return   # no alias at all: nothing can expand
    sizes: dict[str, int] = {}
    open_nodes: list[list] = []   # [anchor, expanded size so far] per open collection
    expanded = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                open_nodes.append([event.anchor, 1])
                expanded += 1
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, size = open_nodes.pop()
            elif isinstance(event, yaml.AliasEvent):
                anchor, size = None, sizes.get(event.anchor, 1)
                expanded += size
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size = event.anchor, 1
                expanded += 1
            else:
                continue
            if anchor:
                sizes[anchor] = size
            if open_nodes:
                open_nodes[-1][1] += size
            if expanded > limit:
                raise AliasBomb(limit, event.start_mark.line)
    except AliasBomb:
        raise
    except yaml.YAMLError:
        return


def load(text: str, limit: int):
    """The YAML value of `text`; AliasBomb past `limit` values, yaml.YAMLError when invalid."""
    refuse_alias_bombs(text, limit)
    return yaml.load(text, Loader=Loader)
