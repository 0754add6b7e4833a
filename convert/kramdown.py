"""The Markdown stage as Jekyll runs it: kramdown (GFM input) built on markdown-it-py.

Jekyll's default converter is kramdown with `input: GFM`: CommonMark-like blocks, fenced
code and GFM tables, plus kramdown's own extensions. `renderer(site_config)` builds that
parser once per distinct `markdown:`/`kramdown:` configuration (cached) with:

- block and span inline attribute lists `{: .class #id key="v"}` (and `{:name: …}`
  definitions referred to by name), header ids `# Title {#id}`;
- `{:toc}` on a list: the list becomes a contents list of the post's headings;
- the extensions `{::comment}` (dropped), `{::nomarkdown}` (kept raw) and `{::options /}`;
- definition lists, abbreviations (`*[HTML]: …` → `<abbr title>`), footnotes,
  `markdown="1"` on HTML blocks, pipes inside code spans of table cells;
- math `$$…$$` kept as TeX: `<span class="math inline">\\(…\\)</span>`, or
  `<span class="math display">\\[…\\]</span>` alone in its paragraph (as pandoc writes it);
- `auto_ids` (kramdown-parser-gfm's algorithm, or kramdown's own for `input: kramdown`),
  `auto_id_prefix`, `smart_quotes`, `parse_block_html` and kramdown's typographic symbols.

A site whose `markdown:` is not kramdown (jekyll-commonmark) gets CommonMark with GFM
tables and strikethrough, and none of kramdown's extensions.
"""

from __future__ import annotations

import functools
import html
import json
import re
from html.entities import name2codepoint

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .sanitize import MAX_DEPTH, NestingError

CONTAINERS = ("summary", "signature", "source", "centered")
"""Pandoc-style fenced divs (`::: signature`) read back from Octavo's own Markdown."""

JEKYLL_DEFAULTS = {
    "input": "GFM", "auto_ids": True, "auto_id_prefix": "", "toc_levels": "1..6",
    "smart_quotes": "lsquo,rsquo,ldquo,rdquo", "hard_wrap": False, "parse_block_html": False,
}
"""Jekyll's kramdown defaults (Jekyll::Configuration::DEFAULTS), the site's `kramdown:` over them."""

MAX_NESTING = 16
"""`markdown="1"` blocks parsed inside one another at most; deeper ones stay raw HTML."""
MAX_TOCS = 4
"""Lists marked `{:toc}` made into contents lists per post (a post needs one; the rest stay
lists, so a hostile post cannot multiply its headings)."""


@functools.lru_cache(maxsize=32)
def _build(options_json: str) -> MarkdownIt:
    options = json.loads(options_json)
    md = MarkdownIt("commonmark", {"html": True, "breaks": bool(options.get("hard_wrap")),
                                   "typographer": True, "quotes": _quotes(options.get("smart_quotes")),
                                   "maxNesting": MAX_NESTING})
    for name in ("normalizeLink", "normalizeLinkText", "validateLink"):
        # pure functions of a URL, and a site's posts repeat theirs (navigation, tickers):
        # mdurl's parse and encode were a sixth of markdown-it's time on the news feed
        setattr(md, name, functools.lru_cache(maxsize=4096)(getattr(md, name)))
    md.enable(["table", "strikethrough"]).use(footnote_plugin)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    if options["engine"] != "kramdown":
        return md
    md.enable("smartquotes")
    md.use(deflist_plugin)
    md.core.ruler.after("normalize", "kramdown_table_code", _table_code_pipes)
    md.block.ruler.before("html_block", "kramdown_markdown_html", _markdown_html,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.block.ruler.before("paragraph", "kramdown_extension", _block_extension,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("paragraph", "kramdown_ial", _block_ial,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("paragraph", "kramdown_abbreviation", _abbreviation_definition,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("paragraph", "kramdown_math", _math_block)
    md.inline.ruler.before("backticks", "kramdown_math", _math_inline)
    md.inline.ruler.before("text", "kramdown_span_extension", _span_extension)
    md.inline.ruler.before("text", "kramdown_span_ial", _span_ial)
    md.inline.ruler2.push("kramdown_span_ial", _apply_span_ials)
    md.core.ruler.after("inline", "kramdown_ial", _apply_block_ials)
    md.core.ruler.after("kramdown_ial", "kramdown_explicit_ids", _explicit_header_ids)
    md.core.ruler.after("kramdown_explicit_ids", "kramdown_table_parts", _table_parts)
    md.core.ruler.before("text_join", "kramdown_typography", _typography)
    md.core.ruler.before("text_join", "kramdown_abbreviations", _abbreviations)
    md.core.ruler.before("text_join", "kramdown_header_ids", _header_ids)
    md.core.ruler.before("text_join", "kramdown_toc", _toc)
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_display", _render_math)
    md.options["kramdown"] = options
    return md


def options_for(config: dict | None) -> dict:
    """The Markdown options a site's `_config.yml` gives: its `markdown:` engine and its
    `kramdown:` mapping over Jekyll's defaults."""
    config = config or {}
    engine = str(config.get("markdown") or "kramdown").lower()
    options = dict(JEKYLL_DEFAULTS)
    if isinstance(config.get("kramdown"), dict):
        options.update({str(k): v for k, v in config["kramdown"].items()})
    options["engine"] = "kramdown" if engine == "kramdown" else "commonmark"
    options["gfm_ids"] = str(options.get("input") or "GFM").lower().startswith("gfm")
    options["toc_levels"] = sorted(_levels(options.get("toc_levels")))
    keep = ("engine", "gfm_ids", "auto_ids", "auto_id_prefix", "toc_levels", "smart_quotes", "hard_wrap",
            "parse_block_html")
    return {key: options.get(key) for key in keep}


def renderer(config: dict | None = None) -> MarkdownIt:
    """The Markdown parser for a site with this `_config.yml` (built once per configuration;
    the last site's answered without reading its options again, as every post of a site
    passes the same configuration object)."""
    last = _last
    if last and last[0] is config:
        return last[1]
    md = _build(json.dumps(options_for(config), sort_keys=True, default=str))
    _last[:] = [config, md]
    return md


_last: list = []
"""[configuration, its parser] of the last `renderer` call (site configurations are never changed)."""


def render(text: str, config: dict | None = None) -> str:
    """Markdown → HTML as the site's Jekyll would render it; NestingError when its blocks
    nest as deep as markdown-it stops parsing (it would drop the rest of the post unsaid)."""
    md, env = renderer(config), {}
    tokens = md.parse(text, env)
    if any(token.level >= MAX_NESTING - 1 for token in tokens):
        raise NestingError(f"Markdown nested deeper than {MAX_NESTING - 1} levels (a list level counts two)")
    return md.renderer.render(tokens, md.options, env)


MAX_NESTING = MAX_DEPTH + 1
"""markdown-it's block depth limit: past it, markdown-it silently drops everything after the
deep block (its preset's 20 lost a 10-deep list's deeper items and the text after them).
Reaching it is refused as the sanitizer refuses markup nested deeper than MAX_DEPTH."""


def _levels(value) -> set[int]:
    """kramdown's `toc_levels`: "1..6", "2,3", a list, or a Ruby range; 1..6 when unreadable."""
    if isinstance(value, (list, tuple)):
        levels = {int(v) for v in value if str(v).isdigit()}
    else:
        text = str(value or "")
        span = re.fullmatch(r"\s*(\d)\s*\.\.\s*(\d)\s*", text)
        levels = set(range(int(span.group(1)), int(span.group(2)) + 1)) if span else \
            {int(v) for v in re.findall(r"\d", text)}
    return {level for level in levels if 1 <= level <= 6} or set(range(1, 7))


def _quotes(value) -> list[str]:
    """kramdown's `smart_quotes` (single open, single close, double open, double close:
    entity names or code points) in markdown-it's order (double quotes first)."""
    names = [part.strip() for part in str(value or "").split(",")]
    if len(names) != 4:
        names = JEKYLL_DEFAULTS["smart_quotes"].split(",")
    out = []
    for name in names:
        if name.isdigit():
            out.append(chr(int(name)))
        elif name == "apos":
            out.append("'")
        else:
            out.append(chr(name2codepoint.get(name, 0x22)))
    return [out[2], out[3], out[0], out[1]]


# ---------------------------------------------------------------- attribute lists

_IAL_LINE = re.compile(r"^ {0,3}\{:(?!:)\s*([^{}\n]*?)\s*\}[ \t]*$")
_ALD = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$", re.S)
_ATTRIBUTE = re.compile(r"""\s*(?:([.#])([^\s.#"'{}=]+)|([\w:-]+)=(?:"([^"]*)"|'([^']*)')|([A-Za-z][\w-]*))""")


def parse_attributes(text: str, definitions: dict | None = None) -> dict:
    """An attribute list's content → {"id":…, "class":[…], other: value, "refs": […]}.

    `.a #b key="v" name` → {"class": ["a"], "id": "b", "key": "v", "refs": ["name"]};
    a name defined by an ALD (`{:name: .x}`) contributes its attributes.
    """
    attrs: dict = {"class": [], "refs": []}
    pos = 0
    while pos < len(text):
        match = _ATTRIBUTE.match(text, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
        mark, name, key, double, single, ref = match.groups()
        if mark == ".":
            attrs["class"].append(name)
        elif mark == "#":
            attrs["id"] = name
        elif key:
            value = double if double is not None else single
            if key == "class":
                attrs["class"] += value.split()
            else:
                attrs[key] = value
        elif ref:
            attrs["refs"].append(ref)
            defined = (definitions or {}).get(ref)
            if defined:
                merged = parse_attributes(defined)
                attrs["class"] = merged["class"] + attrs["class"]
                attrs.update({k: v for k, v in merged.items() if k not in ("class", "refs")})
    return attrs


def _set_attributes(token: Token, attrs: dict) -> None:
    """Attribute-list values onto an opening token (classes appended, others replaced)."""
    for key, value in attrs.items():
        if key == "refs":
            if "toc" in value:
                token.meta["toc"] = True
        elif key == "class":
            if value:
                own = str(token.attrGet("class") or "").split()
                token.attrSet("class", " ".join(own + [c for c in value if c not in own]))
        else:
            token.attrSet(key, value)


def _block_ial(state, start: int, end: int, silent: bool) -> bool:
    """`{: .class}` alone on a line: applies to the block just before (no blank line
    between) or else the one just after; `{:name: …}` defines attributes for later use."""
    match = _IAL_LINE.match(state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]])
    if not match or (state.sCount[start] - state.blkIndent >= 4):
        return False
    if silent:
        return True
    content = match.group(1)
    definition = _ALD.match(content)
    if definition and not content.startswith(("#", ".")):
        state.env.setdefault("kramdown_ald", {})[definition.group(1)] = definition.group(2)
    else:
        token = state.push("kramdown_ial", "", 0)
        token.content = content
        token.map = [start, start + 1]
        token.hidden = True
    state.line = start + 1
    return True


def _apply_block_ials(state) -> None:
    """Attach each block attribute list to its block and drop the list's token."""
    tokens = state.tokens
    definitions = state.env.get("kramdown_ald", {})
    index = 0
    while index < len(tokens):
        if tokens[index].type != "kramdown_ial":
            index += 1
            continue
        last = index   # a run of lists on consecutive lines: its neighbours found once, not per list
        while last + 1 < len(tokens) and tokens[last + 1].type == "kramdown_ial":
            last += 1
        before, after = _previous_block(tokens, index), _next_block(tokens, last)
        for token in tokens[index:last + 1]:
            target = before
            if target is None or (target.map and target.map[1] < token.map[0]):
                target = after
            if target is not None:
                _set_attributes(target, parse_attributes(token.content, definitions))
        index = last + 1
    tokens[:] = [token for token in tokens if token.type != "kramdown_ial"]


def _previous_block(tokens: list[Token], index: int) -> Token | None:
    """The opening token of the block that ends right before tokens[index], same level."""
    level = tokens[index].level
    for back in range(index - 1, -1, -1):
        token = tokens[back]
        if token.level < level:
            return None
        if token.level != level or token.type == "kramdown_ial":
            continue
        if token.nesting == 0 and token.block:
            return token
        if token.nesting == -1:
            depth = 0
            for open_index in range(back, -1, -1):
                depth += tokens[open_index].nesting
                if depth == 0:
                    return tokens[open_index]
        return None
    return None


def _next_block(tokens: list[Token], index: int) -> Token | None:
    level = tokens[index].level
    for after in range(index + 1, len(tokens)):
        token = tokens[after]
        if token.level < level:
            return None
        if token.level == level and token.type != "kramdown_ial" and token.nesting >= 0:
            return token
    return None


_SPAN_IAL = re.compile(r"\{:(?!:)\s*([^{}\n]*?)\s*\}")


def _span_ial(state, silent: bool) -> bool:
    """`*word*{: .class}`: a span attribute list right after a span element."""
    if not state.src.startswith("{:", state.pos) or state.src.startswith("{::", state.pos):
        return False
    match = _SPAN_IAL.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("kramdown_span_ial", "", 0)
        token.content = match.group(1)
    state.pos = match.end()
    return True


def _apply_span_ials(state) -> None:
    """Give each span attribute list to the element it follows (dropped when none)."""
    tokens = state.tokens
    definitions = state.env.get("kramdown_ald", {})
    for index, token in enumerate(tokens):
        if token.type != "kramdown_span_ial":
            continue
        target = None
        previous = tokens[index - 1] if index else None
        if previous is not None and previous.nesting == -1:
            depth = 0
            for back in range(index - 1, -1, -1):
                depth += tokens[back].nesting
                if depth == 0:
                    target = tokens[back]
                    break
        elif previous is not None and previous.type in ("code_inline", "image", "math_inline"):
            target = previous
        if target is not None:
            _set_attributes(target, parse_attributes(token.content, definitions))
    tokens[:] = [token for token in tokens if token.type != "kramdown_span_ial"]


# ---------------------------------------------------------------- extensions

_EXTENSION_START = re.compile(r"\{::(comment|nomarkdown|options)\b([^{}]*?)(/)?\}")


def _extension_end(src: str, name: str, start: int, env: dict) -> re.Match | None:
    """The `{:/name}` or `{:/}` closing an extension opened before `start`; None when there
    is none (remembered per post, so a thousand unclosed openings cost one search)."""
    unclosed = env.setdefault("kramdown_unclosed", {})
    if start >= unclosed.get((name, src), len(src) + 1):
        return None
    found = re.compile(r"\{:/(?:%s)?\}" % name).search(src, start)
    if found is None:
        unclosed[(name, src)] = min(start, unclosed.get((name, src), start))
    return found


def _block_extension(state, start: int, end: int, silent: bool) -> bool:
    """`{::comment}…{:/comment}` (dropped), `{::nomarkdown}…{:/}` (raw HTML), `{::options …/}`."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    match = _EXTENSION_START.match(state.src, begin)
    if not match:
        return False
    name = match.group(1)
    if match.group(3):   # self-closing: must stand alone on its line
        if state.src[match.end():state.eMarks[start]].strip():
            return False
        if not silent:
            state.line = start + 1
        return True
    close = _extension_end(state.src, name, match.end(), state.env)
    if close is None:
        return False
    last = start
    while last < end and state.eMarks[last] < close.end():
        last += 1
    if last >= end or state.src[close.end():state.eMarks[last]].strip():
        return False
    if silent:
        return True
    if name == "nomarkdown":
        token = state.push("html_block", "", 0)
        token.content = state.src[match.end():close.start()].strip("\n") + "\n"
        token.map = [start, last + 1]
    state.line = last + 1
    return True


def _span_extension(state, silent: bool) -> bool:
    """The same extensions inside a paragraph: `a {::comment}note{:/} b`."""
    if not state.src.startswith("{::", state.pos):
        return False
    match = _EXTENSION_START.match(state.src, state.pos)
    if not match:
        return False
    if match.group(3):
        state.pos = match.end()
        return True
    close = _extension_end(state.src, match.group(1), match.end(), state.env)
    if close is None:
        return False
    if not silent and match.group(1) == "nomarkdown":
        token = state.push("html_inline", "", 0)
        token.content = state.src[match.end():close.start()]
    state.pos = close.end()
    return True


# ---------------------------------------------------------------- markdown="1"

_MARKDOWN_TAG = re.compile(
    r"""<([A-Za-z][\w-]*)((?:\s+[^\s>]+)*?)\s+markdown=(["']?)(1|block|span)\3((?:\s+[^\s>]+)*?)\s*>""")


_BLOCK_TAG = re.compile(r"""<(address|article|aside|blockquote|details|div|dl|fieldset|figure|footer|header|"""
                        r"""main|nav|section)((?:\s+[^\s>]+)*?)\s*>""", re.I)
"""Block elements whose content kramdown reads as Markdown when `parse_block_html` is on."""


def _open_tag(state, start: int) -> tuple[str, str, str, int] | None:
    """(name, other attributes, mode, end of the tag) of an HTML block whose content is
    Markdown: `markdown="1|block|span"`, or any block element under `parse_block_html`."""
    begin = state.bMarks[start] + state.tShift[start]
    match = _MARKDOWN_TAG.match(state.src, begin)
    if match:
        return match.group(1), (match.group(2) + match.group(5)).strip(), match.group(4), match.end()
    if state.md.options["kramdown"].get("parse_block_html"):
        match = _BLOCK_TAG.match(state.src, begin)
        if match and "markdown=" not in match.group(2):
            return match.group(1), match.group(2).strip(), "block", match.end()
    return None


def _markdown_html(state, start: int, end: int, silent: bool) -> bool:
    """`<div markdown="1">…</div>`: the element's content is read as Markdown (kramdown's
    `markdown` attribute, not kept; every block element's when `parse_block_html` is on)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    found = _open_tag(state, start)
    depth = state.env.get("kramdown_depth", 0)
    if not found or depth >= MAX_NESTING:
        return False
    name, attributes, mode, tag_end = found
    opening, closing = re.compile(r"<%s[\s>]" % re.escape(name), re.I), re.compile(r"</%s\s*>" % re.escape(name), re.I)
    pos, level, close = tag_end, 1, None
    while level:
        next_open, next_close = opening.search(state.src, pos), closing.search(state.src, pos)
        if next_close is None:
            return False
        if next_open is not None and next_open.start() < next_close.start():
            level, pos = level + 1, next_open.end()
            if level > MAX_NESTING:
                return False   # unbalanced, or nested past reason: raw HTML (and linear time)
        else:
            level, pos, close = level - 1, next_close.end(), next_close
    last = start
    while last < end - 1 and state.eMarks[last] < close.end():
        last += 1
    if state.eMarks[last] < close.end() or state.src[close.end():state.eMarks[last]].strip():
        return False
    if silent:
        return True
    head = state.push("html_block", "", 0)
    head.content = f"<{name}{' ' + attributes if attributes else ''}>\n"
    head.map = [start, start + 1]
    inner = state.src[tag_end:close.start()]
    state.env["kramdown_depth"] = depth + 1
    if mode == "span":   # read as span-level text (the core inline rule parses it)
        tokens = [Token("inline", "", 0, content=inner.strip(), children=[])]
    else:
        tokens = state.md.block.parse(_dedent(inner), state.md, state.env, []) or []
    state.env["kramdown_depth"] = depth
    for token in tokens:
        token.level += state.level
        state.tokens.append(token)
    tail = state.push("html_block", "", 0)
    tail.content = f"</{name}>\n"
    state.line = last + 1
    return True


def _dedent(text: str) -> str:
    """Inner Markdown with its common indentation removed (kramdown reads it relative to the tag)."""
    lines = text.strip("\n").split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines) + "\n"


# ---------------------------------------------------------------- abbreviations

_ABBREVIATION = re.compile(r"^ {0,3}\*\[([^\]\n]+)\]:[ \t]*(.*)$")


def _abbreviation_definition(state, start: int, end: int, silent: bool) -> bool:
    """`*[HTML]: Hyper Text Markup Language` defines an abbreviation for the whole post."""
    line = state.src[state.bMarks[start]:state.eMarks[start]]
    match = _ABBREVIATION.match(line)
    if not match or state.sCount[start] - state.blkIndent >= 4:
        return False
    if not silent:
        state.env.setdefault("kramdown_abbr", {})[match.group(1).strip()] = match.group(2).strip()
        state.line = start + 1
    return True


def _abbreviations(state) -> None:
    """Each defined abbreviation, where it stands as a word in text (not code), becomes
    `<abbr title="…">`."""
    defined = state.env.get("kramdown_abbr")
    if not defined:
        return
    pattern = re.compile(r"(?<!\w)(%s)(?!\w)" % "|".join(
        re.escape(name) for name in sorted(defined, key=len, reverse=True)))
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        for token in block.children:
            if token.type != "text" or not pattern.search(token.content):
                children.append(token)
                continue
            pos = 0
            for match in pattern.finditer(token.content):
                if match.start() > pos:
                    children.append(_text(token.content[pos:match.start()]))
                opening = Token("abbr_open", "abbr", 1)
                if defined[match.group(1)]:
                    opening.attrSet("title", defined[match.group(1)])
                children += [opening, _text(match.group(1)), Token("abbr_close", "abbr", -1)]
                pos = match.end()
            if pos < len(token.content):
                children.append(_text(token.content[pos:]))
        block.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


# ---------------------------------------------------------------- typography

_SYMBOLS = re.compile(r"---|--|\.\.\.|<< |<<| >>|>>")
_SYMBOL_TEXT = {"---": "\u2014", "--": "\u2013", "...": "\u2026", "<< ": "\u00ab\u00a0", "<<": "\u00ab",
                " >>": "\u00a0\u00bb", ">>": "\u00bb"}


def _typography(state) -> None:
    """kramdown's typographic symbols in text (not code): --- — , -- – , ... … , << « , >> »."""
    for block in state.tokens:
        if block.type == "inline" and block.children:
            for token in block.children:
                if token.type == "text" and ("--" in token.content or "..." in token.content
                                             or "<<" in token.content or ">>" in token.content):
                    token.content = _SYMBOLS.sub(lambda m: _SYMBOL_TEXT[m.group()], token.content)


# ---------------------------------------------------------------- header ids and {:toc}

_HEADER_ID = re.compile(r"[ \t]+\{((?:[ \t]*[.#][\w:-]+)+)[ \t]*\}[ \t]*$")
"""`## Title {#id}` (kramdown), or with classes `{#id .centered}` / `{.centered}` as
Octavo's own (pandoc-flavoured) Markdown writes them."""
_NON_WORD = re.compile(r"[^\w\- \t]")


def heading_text(inline: Token) -> str:
    """A heading's plain text as kramdown's raw_text: text, code and entities, no markup."""
    return "".join(child.content for child in inline.children or ()
                   if child.type in ("text", "text_special", "code_inline", "math_inline"))


def gfm_id(text: str) -> str:
    """kramdown-parser-gfm's id: lower case, only word characters (any script), hyphens,
    spaces and tabs kept, each space or tab a hyphen (`Hello, World!` → `hello-world`,
    `总体 要求` → `总体-要求`)."""
    return _NON_WORD.sub("", text.lower()).replace(" ", "-").replace("\t", "-")


def kramdown_id(text: str) -> str:
    """kramdown's own id (input: kramdown): leading non-letters cut, only ASCII letters,
    digits, spaces and hyphens kept, spaces as hyphens, lower case; "section" when empty."""
    gen = re.sub(r"^[^a-zA-Z]+", "", text)
    gen = re.sub(r"[^a-zA-Z0-9 -]", "", gen).replace(" ", "-").lower()
    return gen or "section"


def _explicit_header_ids(state) -> None:
    """`## Title {#id}` keeps its id, `{.class}` its class (read before typography could
    touch the id's `--`, and before the automatic id, which must not include them)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        explicit = _HEADER_ID.search(last.content) if last is not None and last.type == "text" else None
        if explicit:
            last.content = last.content[:explicit.start()]
            inline.content = _HEADER_ID.sub("", inline.content)
            for part in explicit.group(1).split():
                if part.startswith("#") and not token.attrGet("id"):
                    token.attrSet("id", part[1:])
                elif part.startswith("."):
                    token.attrJoin("class", part[1:])


def _header_ids(state) -> None:
    """Headings without an id get kramdown's automatic ids (when `auto_ids`), made unique
    in the post with -1, -2…"""
    options = state.md.options["kramdown"]
    counts: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrGet("id") or not options.get("auto_ids"):
            continue
        inline = tokens[index + 1]
        text = heading_text(inline)
        base = gfm_id(text) if options.get("gfm_ids") else kramdown_id(text)
        if not base:
            continue   # nothing to name it by (a heading of punctuation): no id, not "-1"
        counts[base] = counts.get(base, -1) + 1
        ident = (options.get("auto_id_prefix") or "") + base + (f"-{counts[base]}" if counts[base] else "")
        if ident:
            token.attrSet("id", ident)


def _toc(state) -> None:
    """A list marked `{:toc}` becomes the contents list: a link to each heading with an id
    at `toc_levels` (not those of class `no_toc`), nested by level."""
    tokens = state.tokens
    marked = [i for i, t in enumerate(tokens)
              if t.type in ("bullet_list_open", "ordered_list_open") and t.meta.get("toc")][:MAX_TOCS]
    if not marked:
        return
    levels = set(state.md.options["kramdown"]["toc_levels"])
    entries = [(int(t.tag[1]), t.attrGet("id"), tokens[i + 1])
               for i, t in enumerate(tokens) if t.type == "heading_open" and t.attrGet("id")
               and int(t.tag[1]) in levels and "no_toc" not in str(t.attrGet("class") or "").split()]
    for start in reversed(marked):
        opening = tokens[start]
        depth, end = 0, start
        for end in range(start, len(tokens)):
            depth += tokens[end].nesting
            if depth == 0:
                break
        tag = opening.tag
        built = _toc_tokens(entries, tag, opening.level)
        if built:
            for key, value in (opening.attrs or {}).items():
                if key != "class":
                    built[0].attrSet(key, value)
            built[0].attrSet("id", opening.attrGet("id") or "markdown-toc")
        tokens[start:end + 1] = built


def _toc_tokens(entries, tag: str, level: int) -> list[Token]:
    """Nested list tokens for (heading level, id, inline) entries."""
    out: list[Token] = []
    stack: list[int] = []
    for heading_level, ident, inline in entries:
        while stack and heading_level < stack[-1]:
            out += [Token("list_item_close", "li", -1), Token(f"{'bullet' if tag == 'ul' else 'ordered'}_list_close", tag, -1)]
            stack.pop()
        if stack and heading_level == stack[-1]:
            out.append(Token("list_item_close", "li", -1))
        else:   # deeper (or the first): a new list, inside the open item if there is one
            out.append(Token(f"{'bullet' if tag == 'ul' else 'ordered'}_list_open", tag, 1))
            stack.append(heading_level)
        out.append(Token("list_item_open", "li", 1))
        link = Token("link_open", "a", 1)
        link.attrSet("href", "#" + ident)
        link.attrSet("id", "markdown-toc-" + ident)
        text = Token("inline", "", 0)
        text.children = [link, *[child for child in inline.children if not child.type.startswith("link")],
                         Token("link_close", "a", -1)]
        out.append(text)
    while stack:
        out += [Token("list_item_close", "li", -1), Token(f"{'bullet' if tag == 'ul' else 'ordered'}_list_close", tag, -1)]
        stack.pop()
    for token in out:
        token.block = token.type != "inline"
        token.level = level
    return out


# ---------------------------------------------------------------- math

def _math_inline(state, silent: bool) -> bool:
    """`$$x^2$$` inside text: inline math, kept as TeX."""
    if not state.src.startswith("$$", state.pos):
        return False
    close = state.src.find("$$", state.pos + 2)
    if close == -1 or close == state.pos + 2:
        return False
    if not silent:
        token = state.push("math_inline", "span", 0)
        token.content = state.src[state.pos + 2:close].strip()
    state.pos = close + 2
    return True


def _math_block(state, start: int, end: int, silent: bool) -> bool:
    """A paragraph that is `$$…$$` alone (kramdown's math block): display math."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("$$", begin):
        return False
    last = start
    while last < end:
        line = state.src[state.bMarks[last] + state.tShift[last]:state.eMarks[last]]
        if not line.strip():
            return False
        stripped = line.rstrip()
        if stripped.endswith("$$") and (last > start or len(stripped) >= 4):
            break
        last += 1
    if last >= end or (last + 1 < end and not state.isEmpty(last + 1)):
        return False
    content = state.src[begin + 2:state.eMarks[last]].rstrip()[:-2]
    if "$$" in content:
        return False   # several inline formulas, not one block
    if silent:
        return True
    token = state.push("math_display", "span", 0)
    token.content = content.strip()
    token.block = True
    token.map = [start, last + 1]
    state.line = last + 1
    return True


def _render_math(self, tokens, index, options, env) -> str:
    token = tokens[index]
    tex = html.escape(token.content, quote=False)
    if token.type == "math_inline":
        return f'<span class="math inline">\\({tex}\\)</span>'
    return f'<p><span class="math display">\\[{tex}\\]</span></p>\n'


# ---------------------------------------------------------------- tables

_DELIMITER_ROW = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(.+?)(?<!`)\1(?!`)")
r"""A code span in a table row; a backtick escaped (`\``) opens none."""


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _table_code_pipes(state) -> None:
    """Pipes inside code spans of a table's rows are cell text, not separators (kramdown):
    escaped (`\\|`, which the GFM table rule reads as a pipe) in one pass over the source
    before blocks are parsed; fenced code is left alone."""
    if "`" not in state.src or "|" not in state.src:
        return
    lines = state.src.split("\n")
    fence, in_table, changed = None, False, False
    for index, line in enumerate(lines):
        opener = _FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence, in_table = opener.group(1), False
            continue
        if not line.strip():
            in_table = False
            continue
        if not in_table and "|" in line and index + 1 < len(lines) and "|" in lines[index + 1] \
                and _DELIMITER_ROW.match(lines[index + 1]):
            in_table = True
        if in_table and "`" in line:
            fixed = _CODE_SPAN.sub(lambda m: m.group(1) + re.sub(r"(?<!\\)\|", r"\\|", m.group(2)) + m.group(1), line)
            if fixed != line:
                lines[index], changed = fixed, True
    if changed:
        state.src = "\n".join(lines)


_BODY_SEPARATOR = re.compile(r"^[-+:\s]*-[-+:\s]*$")
_FOOTER_SEPARATOR = re.compile(r"^[=+:\s]*=[=+:\s]*$")


def _table_parts(state) -> None:
    """kramdown's separator lines inside a table's body: `|----|` starts a new <tbody>,
    `|====|` puts the rows after it in the <tfoot> (GFM reads both as rows of dashes)."""
    tokens = state.tokens
    if not any(t.type == "tbody_open" for t in tokens):
        return
    out: list[Token] = []
    index, in_body, footer = 0, False, False
    while index < len(tokens):
        token = tokens[index]
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tr_open" and in_body:
            end = index
            while tokens[end].type != "tr_close":
                end += 1
            text = "".join(t.content for t in tokens[index:end] if t.type == "inline")
            kind = "body" if _BODY_SEPARATOR.match(text) else "foot" if _FOOTER_SEPARATOR.match(text) else None
            if kind:
                section = "tfoot" if footer else "tbody"
                if out[-1].type == f"{section}_open":
                    out.pop()   # nothing in it yet: no empty section
                else:
                    out.append(_block_token(f"{section}_close", section, -1))
                footer = footer or kind == "foot"
                out.append(_block_token("tfoot_open" if footer else "tbody_open", "tfoot" if footer else "tbody", 1))
                index = end + 1
                continue
        elif token.type == "tbody_close":
            in_body = False
            if footer:
                footer = False
                if out[-1].type == "tfoot_open":
                    out.pop()
                else:
                    out.append(_block_token("tfoot_close", "tfoot", -1))
                index += 1
                continue
        out.append(token)
        index += 1
    tokens[:] = out


def _block_token(kind: str, tag: str, nesting: int) -> Token:
    token = Token(kind, tag, nesting)
    token.block = True
    return token


def _in_body(out: list[Token]) -> bool:
    """Whether the tokens so far end inside a table's <tbody> or <tfoot>."""
    for token in reversed(out):
        if token.type in ("tbody_open", "tfoot_open"):
            return True
        if token.type in ("tbody_close", "tfoot_close", "thead_open", "table_close", "table_open"):
            return False
    return False
