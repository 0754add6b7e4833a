"""The Liquid stage of Jekyll's pipeline: a post's body rendered with python-liquid before
Markdown, with `site.*`, `page.*`, Jekyll's tags and filters, includes confined to the site's
`_includes/`, and limits so that no post can hang the batch.

Problems are warnings (kind "liquid") naming the post's line: an unknown tag, a missing
include or a failing expression leaves the body, the rest renders. A syntax error (an
unclosed block, a malformed tag) would make Jekyll refuse the whole site, and rendering
around it could swallow text, so the body is then kept exactly as written, with a warning;
so it is when the output or loop limit is reached.
"""

from __future__ import annotations

import functools
import html
import json
from io import StringIO
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit

from liquid import BoundTemplate, Context, Environment, Mode, Undefined
from liquid.ast import Node
from liquid.builtin.filters.array import where as _liquid_where
from liquid.exceptions import (Error, FilterArgumentError, LiquidSyntaxError, LocalNamespaceLimitError,
                               LoopIterationLimitError, OutputStreamLimitError, TemplateNotFound)
from liquid.filter import liquid_filter, with_environment
from liquid.loaders import BaseLoader, TemplateSource
from liquid.parse import expect, get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_ILLEGAL, TOKEN_TAG

from . import permalink
from .errors import PostWarning
from .site import Site

MAX_LOOP_ITERATIONS = 100_000
"""Loop iterations per post (nested loops multiply)."""
MAX_OUTPUT = 8 * 1024 * 1024
"""Characters of Liquid output per post, the reader's own size limit."""
MAX_CONTEXT_DEPTH = 30
"""Nested scopes (Liquid's default): includes nest a dozen deep, a recursive include stops there."""
MAX_INCLUDE_BYTES = 512 * 1024
MAX_WARNINGS = 50
"""Liquid warnings kept per post; the rest are counted in one more."""
POST_SUFFIXES = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".html", ".htm", ".textile")


class UnknownTag(LiquidSyntaxError):
    """A tag neither Liquid nor Octavo's Jekyll tags know (a plugin's, say)."""


class _Abort(Exception):
    """A resource limit was reached: rendering stops at once (Liquid would go on with the
    next node, and a doubling `assign` in a loop would exhaust memory first)."""


LIMITS = (LoopIterationLimitError, OutputStreamLimitError, LocalNamespaceLimitError)


@dataclass
class _Run:
    """One post's rendering: where it is, and the problems found so far."""

    path: str
    offset: int
    problems: dict[tuple[int | None, str], None] = field(default_factory=dict)
    """(file line, message), each once, in the order found."""
    fatal: str | None = None
    parsing: bool = True
    includes: list[tuple[str, int | None]] = field(default_factory=list)
    """The includes being rendered: (name, line of the tag in its template)."""

    def report(self, exc: Error) -> None:
        line = getattr(exc, "linenum", None)
        message = _message(exc)
        if self.includes:
            outer = self.includes[0][1]
            message = f"in include {self.includes[-1][0]}" + (f" (line {line})" if line else "") + f": {message}"
            line = outer
        elif self.parsing and not isinstance(exc, UnknownTag):
            self.fatal = self.fatal or f"line {self._line(line)}: {message}"
        self.add(self._line(line), message)
        if isinstance(exc, LIMITS):
            self.fatal = self.fatal or message
            raise _Abort(message)

    def add(self, line: int | None, message: str) -> None:
        self.problems[(line, message)] = None

    def _line(self, line: int | None) -> int | None:
        return line + self.offset if line else None


_RUN: ContextVar[_Run | None] = ContextVar("liquid_run", default=None)


def _message(exc: Error) -> str:
    if isinstance(exc, TemplateNotFound):
        return f"include not found: {exc.args[0] if exc.args else ''}"
    return str(exc.args[0] if exc.args else exc)


class _Undefined(Undefined):
    """Jekyll prints an undefined variable as nothing; Octavo also names it in a warning."""

    def __str__(self) -> str:
        run = _RUN.get()
        if run is not None and self.name:
            path = self.hint.rsplit(" ", 1)[-1] if self.hint else self.name
            message = f"undefined variable {path.replace('[', '.').replace(']', '')} printed as nothing"
            run.add(None, message)
        return ""


class _Context(Context):
    """A render context whose errors inside blocks (a loop's body, an `if`'s branch) are
    reported like every other, not silently dropped as lax Liquid does."""

    def error(self, exc: Error) -> None:
        self.env.error(exc)


class _Template(BoundTemplate):
    context_class = _Context


class _Environment(Environment):
    """Jekyll's Liquid: lax (problems are collected as warnings, not raised), bounded."""

    template_class = _Template

    loop_iteration_limit = MAX_LOOP_ITERATIONS
    output_stream_limit = MAX_OUTPUT
    context_depth_limit = MAX_CONTEXT_DEPTH
    local_namespace_limit = MAX_OUTPUT

    def setup_tags_and_filters(self) -> None:
        """Liquid's standard tags and filters, then Jekyll's (replacing `include` and `where`)."""
        super().setup_tags_and_filters()
        for tag in TAGS:
            self.add_tag(tag)
        for name, function in FILTERS.items():
            self.add_filter(name, function)
        # The parser was made (and cached) while the standard tags registered; it keeps the
        # unknown-tag handler it saw then.
        get_parser(self).illegal = self.tags[TOKEN_ILLEGAL]

    def error(self, exc, msg=None, linenum=None) -> None:
        if not isinstance(exc, Error):
            exc = exc(msg, linenum=linenum)
        elif not exc.linenum:
            exc.linenum = linenum
        run = _RUN.get()
        if run is None:
            raise exc
        run.report(exc)


class IncludesLoader(BaseLoader):
    """Templates from the site's `_includes/` only: no absolute names, no `..`, no symbolic
    link whose target is outside that folder, no file over MAX_INCLUDE_BYTES."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def get_source(self, env, template_name: str) -> TemplateSource:
        if self.folder is None:
            raise TemplateNotFound(f"{template_name} (the site has no _includes/)")
        parts = Path(template_name).parts
        if not parts or Path(template_name).is_absolute() or ".." in parts:
            raise TemplateNotFound(f"{template_name} (outside _includes/, refused)")
        path = self.folder / template_name
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise TemplateNotFound(f"{template_name} (no such file in {self.folder})") from None
        if not real.is_relative_to(self.folder.resolve()) or not real.is_file():
            raise TemplateNotFound(f"{template_name} (leads outside _includes/, refused)")
        if real.stat().st_size > MAX_INCLUDE_BYTES:
            raise TemplateNotFound(f"{template_name} (over {MAX_INCLUDE_BYTES} bytes, refused)")
        return TemplateSource(real.read_text(encoding="utf-8-sig", errors="replace"), str(path), None)


class _Nothing(Node):
    """What an unknown tag leaves in the body."""

    __slots__ = ("tok",)

    def __init__(self, tok):
        self.tok = tok

    def render_to_output(self, context, buffer):
        return False


class _Illegal(Tag):
    """An unknown tag: reported as UnknownTag and left out with its arguments."""

    name = TOKEN_ILLEGAL
    block = False

    def parse(self, stream):
        tok = stream.current
        text = tok.value
        if tok.value in ("raw", "endraw", "else", "elsif", "when") or (
                tok.value.startswith("end") and tok.value[3:] in self.env.tags):
            raise LiquidSyntaxError(f"'{tok.value}' without its block", linenum=tok.linenum)
        if stream.peek.type == TOKEN_EXPRESSION:
            stream.next_token()
            text += " " + " ".join(stream.current.value.split())
        self.env.error(UnknownTag(f"unknown tag '{tok.value}', left out: {{% {text} %}}", linenum=tok.linenum))
        return _Nothing(tok)


class _Expression(Tag):
    """A non-block tag whose one argument is kept as written (a path, a post's name)."""

    block = False

    def parse(self, stream):
        tok = stream.current
        stream.next_token()
        expect(stream, TOKEN_EXPRESSION)
        return self.node_class(tok, " ".join(stream.current.value.split()))


class _TextNode(Node):
    __slots__ = ("tok", "text")

    def __init__(self, tok, text: str):
        self.tok = tok
        self.text = text

    def _value(self, context) -> str:
        """The argument with any `{{ … }}` in it rendered; an empty one is an error."""
        value = _expand(context, self.text).strip()
        if not value:
            raise LiquidSyntaxError(f"'{self.tok.value}' without a target", linenum=self.tok.linenum)
        return value


def _expand(context, text: str) -> str:
    """A tag's argument with `{{ variables }}` rendered in the current context (Jekyll
    allows `{% include {{ page.file }} %}`)."""
    if "{{" not in text:
        return text
    buffer = StringIO()
    context.env.from_string(text).render_with_context(context, buffer, partial=True)
    return buffer.getvalue()


class _LinkNode(_TextNode):
    """`{% link _posts/2017-03-02-x.markdown %}`: the permalink of a file of the site."""

    def render_to_output(self, context, buffer):
        site: Site = context.globals["__site"]
        buffer.write(_resolve(site, self._value(context), self.tok.linenum, kind="link"))


class _PostUrlNode(_TextNode):
    """`{% post_url 2013-05-06-jekyll-1-0-0-released %}`: the permalink of a post by name."""

    def render_to_output(self, context, buffer):
        site: Site = context.globals["__site"]
        buffer.write(_resolve(site, self._value(context), self.tok.linenum, kind="post_url"))


class LinkTag(_Expression):
    name = "link"
    node_class = _LinkNode


class PostUrlTag(_Expression):
    name = "post_url"
    node_class = _PostUrlNode


class _IncludeNode(Node):
    """Jekyll's `{% include name.html key="value" key2=variable %}`: the file from `_includes/`,
    rendered with its parameters as `include.*`."""

    __slots__ = ("tok", "name", "params", "text")

    def __init__(self, tok, name: str, params: dict, text: str):
        self.tok = tok
        self.name = name
        self.params = params
        self.text = text

    def render_to_output(self, context, buffer):
        name = _expand(context, self.name).strip()
        values = {key: (value if literal else value.evaluate(context))
                  for key, (literal, value) in self.params.items()}
        try:
            template = context.get_template_with_context(name, tag="include")
        except TemplateNotFound as err:   # the loader's reason, the tag as written, and its line
            reason = err.__cause__ if isinstance(err.__cause__, TemplateNotFound) else err
            raise TemplateNotFound(f"{reason.args[0] if reason.args else name}; left out: "
                                   f"{{% include {self.text} %}}", linenum=self.tok.linenum) from None
        run = _RUN.get()
        if run is not None:
            run.includes.append((name, self.tok.linenum))
        try:
            with context.extend({"include": values}, template=template):
                template.render_with_context(context, buffer, partial=True)
        finally:
            if run is not None:
                run.includes.pop()
        return True


class IncludeTag(Tag):
    """Jekyll's include (not Shopify's): an unquoted file name, `key=value` parameters."""

    name = "include"
    block = False

    def parse(self, stream):
        tok = stream.current
        stream.next_token()
        expect(stream, TOKEN_EXPRESSION)
        words = _words(stream.current.value, tok.linenum)
        if words and words[0].startswith("{{"):
            end = next((i for i, w in enumerate(words) if w.endswith("}}")), 0)
            words = [" ".join(words[:end + 1]), *words[end + 1:]]
        if not words:
            raise LiquidSyntaxError("include without a file name", linenum=tok.linenum)
        params = {}
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep or not key:
                raise LiquidSyntaxError(f"include: malformed parameter {word!r}", linenum=tok.linenum)
            if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1:
                params[key] = (True, value[1:-1].replace("\\" + value[0], value[0]))
            else:
                params[key] = (False, self.env.parse_filtered_expression_value(value, tok.linenum))
        return _IncludeNode(tok, words[0], params, " ".join(words))


def _words(text: str, line: int) -> list[str]:
    """An include's arguments as words: quoted values stay whole, `key = value` is one word."""
    words: list[str] = []
    current: list[str] = []
    quote_char = None
    for char in text:
        if quote_char:
            current.append(char)
            if char == quote_char and current[-2:-1] != ["\\"]:
                quote_char = None
        elif char in "\"'":
            quote_char = char
            current.append(char)
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if quote_char:
        raise LiquidSyntaxError("include: unclosed quote", linenum=line)
    if current:
        words.append("".join(current))
    glued: list[str] = []
    for word in words:
        if glued and (word.startswith("=") or glued[-1].endswith("=")):
            glued[-1] += word
        else:
            glued.append(word)
    return glued


class _HighlightNode(Node):
    __slots__ = ("tok", "lang", "block")

    def __init__(self, tok, lang: str, block):
        self.tok = tok
        self.lang = lang
        self.block = block

    def render_to_output(self, context, buffer):
        inner = context.get_buffer(buffer)
        self.block.render(context, inner)
        code = inner.getvalue().strip("\r\n")
        longest = max((len(run) for run in code.replace("`", "`\0").split("\0") if run.endswith("`")),
                      default=0)
        fence = "`" * max(3, longest + 1)
        opening = "" if buffer.getvalue()[-1:] in ("", "\n") else "\n"   # a fence starts a line
        buffer.write(f"{opening}{fence}{self.lang}\n{code}\n{fence}")
        return True


class HighlightTag(Tag):
    """`{% highlight python linenos %}…{% endhighlight %}` → a fenced code block (options ignored)."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream):
        tok = stream.current
        stream.next_token()
        expect(stream, TOKEN_EXPRESSION)
        words = stream.current.value.split()
        if not words:
            raise LiquidSyntaxError("highlight without a language", linenum=tok.linenum)
        stream.next_token()
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        expect(stream, TOKEN_TAG, value=self.end)
        return _HighlightNode(tok, words[0], block)


def _resolve(site: Site, target: str, line: int | None, kind: str) -> str:
    """The URL of a post (by name) or of a site file (by path), as `link`/`post_url` give it:
    absolute when the site has a `url` (an archived post has no server to resolve `/…`)."""
    config = site.config
    run = _RUN.get()
    root = site.root
    if kind == "post_url":
        found = _find_post(root, target) if root else None
        path = found or Path(root or ".", "_posts", target + ".md")
    else:
        path = Path(root or ".", target)
        found = path if root and _inside(root, path) else None
    if found is None and run is not None:
        run.add(run._line(line), f"{kind} {target}: no such file in the site; its permalink is computed from the name")
    front = _front_matter(found) if found else {}
    relative = Path(target).parts
    if kind == "post_url" or "_posts" in relative:
        url_path = permalink.permalink_path(config, path, front)
    else:
        url_path = _document_path(config, relative, front)
    return permalink.permalink_url(config, path, {**front, "permalink": url_path}) or _relative_url(site, url_path)


def _document_path(config, relative: tuple[str, ...], front: dict) -> str:
    """The URL of a page or a collection document (`_docs/history.md` → `/docs/history/`)."""
    if isinstance(front.get("permalink"), str):
        return front["permalink"]
    collections = config.get("collections") if isinstance(config.get("collections"), dict) else {}
    stem = str(Path(*relative).with_suffix("")) if relative else ""
    ext = ".html" if relative and Path(relative[-1]).suffix.lower() in POST_SUFFIXES else Path(relative[-1]).suffix
    if relative and relative[0].startswith("_") and relative[0][1:] in collections:
        name = relative[0][1:]
        meta = collections[name] if isinstance(collections[name], dict) else {}
        pattern = str(meta.get("permalink") or "/:collection/:path:output_ext")
        inner = str(Path(*relative[1:]).with_suffix("")) if len(relative) > 1 else ""
        url = (pattern.replace(":collection", name).replace(":path", inner)
               .replace(":name", Path(inner).name).replace(":output_ext", ext))
        return "/" + "/".join(part for part in url.split("/") if part) + ("/" if url.endswith("/") else "")
    if Path(stem).name == "index":
        return "/" + str(Path(stem).parent).strip(".") + ("/" if Path(stem).parent != Path(".") else "")
    return "/" + stem + ext


def _inside(root: Path, path: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve()) and path.is_file()
    except (OSError, RuntimeError):
        return False


def _find_post(root: Path, name: str) -> Path | None:
    """The file of a post named as `post_url` names it, in `_posts/` or a category's `_posts/`."""
    if ".." in Path(name).parts or Path(name).is_absolute():
        return None
    for folder in [root / "_posts", *sorted(root.glob("*/_posts"))]:
        for suffix in POST_SUFFIXES:
            candidate = folder / (name + suffix)
            if _inside(root, candidate):
                return candidate
    return None


@functools.lru_cache(maxsize=512)
def _front_matter(path: Path) -> dict:
    """Another post's front matter (for its own permalink, date and categories)."""
    from .reader import decode, split_front_matter   # the reader runs this stage
    try:
        text, _ = decode(path.read_bytes()[:MAX_INCLUDE_BYTES], str(path))
        data, _, _ = split_front_matter(text, str(path))
    except Exception:   # noqa: BLE001 - an unreadable target still gets its computed permalink
        return {}
    return data


# Jekyll's filters (jekyll/filters.rb, jekyll/filters/url_filters.rb).

def _relative_url(site: Site, value) -> str:
    text = "" if value is None else str(value)
    if urlsplit(text).scheme:
        return text
    baseurl = str(site.config.get("baseurl") or "").strip("/")
    joined = ("/" + baseurl if baseurl else "") + "/" + text.lstrip("/")
    return quote(joined, safe="/:@!$&'()*+,;=-._~%?#[]")


@with_environment
@liquid_filter
def relative_url(value, *, environment) -> str:
    """`/about/` → `/baseurl/about/`."""
    return _relative_url(environment.globals["__site"], value)


@with_environment
@liquid_filter
def absolute_url(value, *, environment) -> str:
    """`/about/` → `https://site/baseurl/about/` (the relative URL when the site has no `url`)."""
    site: Site = environment.globals["__site"]
    text = "" if value is None else str(value)
    if urlsplit(text).scheme:
        return text
    base = str(site.config.get("url") or "").rstrip("/")
    return base + _relative_url(site, text)


@liquid_filter
def xml_escape(value) -> str:
    return html.escape("" if value is None else str(value), quote=False).replace('"', "&quot;")


@liquid_filter
def cgi_escape(value) -> str:
    return quote_plus(str(value))


@liquid_filter
def uri_escape(value) -> str:
    return quote(str(value), safe="!#$&'()*+,-./:;=?@[]_~")


@with_environment
@liquid_filter
def markdownify(value, *, environment) -> str:
    """Markdown → HTML, as the post's own body is rendered (the site's Markdown settings)."""
    from .reader import markdown_html
    return markdown_html("" if value is None else str(value), environment.globals["__site"].config)


@liquid_filter
def slugify(value, mode="default") -> str:
    return permalink.slugify(value, str(mode or "default"))


@liquid_filter
def replace(value, old, new="") -> str:
    """Liquid's `replace`, refusing a result over MAX_OUTPUT before it is built."""
    text, old, new = str(value), str(old), str(new)
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * (len(new) - len(old)) > MAX_OUTPUT:
        raise FilterArgumentError(f"replace: result over {MAX_OUTPUT} characters")
    return text.replace(old, new)


def jsonify(value) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def _plain(value):
    if isinstance(value, Undefined):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def where(sequence, attr, value=None):
    """Jekyll's `where`: items whose property equals `value` as text, or contains it when a list."""
    if value is None or isinstance(value, Undefined):
        return _liquid_where(sequence, attr, value)
    wanted = str(value)
    items = list(sequence.values()) if isinstance(sequence, dict) else sequence
    found = []
    for item in items if isinstance(items, (list, tuple)) else []:
        got = item.get(attr) if isinstance(item, dict) else None
        if (isinstance(got, (list, tuple)) and wanted in map(str, got)) or str(got) == wanted:
            found.append(item)
    return found


def _as_datetime(value):
    if isinstance(value, (datetime, date)):
        return value
    from dateutil import parser
    try:
        return parser.parse(str(value))
    except (ValueError, OverflowError):
        return None


def _date_filter(fmt: str):
    """One of Jekyll's fixed date formats as a filter (`date_to_string`: `07 Nov 2008`)."""
    def apply(value) -> str:
        when = _as_datetime(value)
        if when is None:
            return "" if value is None else str(value)
        return when.strftime(fmt)
    return apply


def date_to_xmlschema(value) -> str:
    when = _as_datetime(value)
    return when.isoformat() if when is not None else str(value)


def number_of_words(value) -> int:
    return len(str(value).split())


def array_to_sentence_string(value, connector="and") -> str:
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    if len(items) <= 2:
        return f" {connector} ".join(items)
    return ", ".join(items[:-1]) + f", {connector} {items[-1]}"


def normalize_whitespace(value) -> str:
    return " ".join(str(value).split())


def push(value, item):
    return [*(value if isinstance(value, (list, tuple)) else []), item]


def group_by(value, attr):
    groups: dict[str, list] = {}
    for item in value if isinstance(value, (list, tuple)) else []:
        key = item.get(attr) if isinstance(item, dict) else None
        groups.setdefault("" if key is None else str(key), []).append(item)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


FILTERS = {
    "relative_url": relative_url, "absolute_url": absolute_url, "xml_escape": xml_escape,
    "cgi_escape": cgi_escape, "uri_escape": uri_escape, "markdownify": markdownify,
    "slugify": slugify, "jsonify": jsonify, "where": where, "replace": replace,
    "date_to_xmlschema": date_to_xmlschema, "date_to_rfc822": _date_filter("%a, %d %b %Y %H:%M:%S %z"),
    "date_to_string": _date_filter("%d %b %Y"), "date_to_long_string": _date_filter("%d %B %Y"),
    "number_of_words": number_of_words, "array_to_sentence_string": array_to_sentence_string,
    "normalize_whitespace": normalize_whitespace, "push": push, "group_by": group_by,
}
"""Jekyll's filters that posts use; Liquid's standard ones (date, split, …) come with the engine."""
TAGS = (LinkTag, PostUrlTag, IncludeTag, HighlightTag, _Illegal)


@functools.lru_cache(maxsize=32)
def environment(site: Site) -> Environment:
    """The Liquid environment of one site: its `_includes/`, Jekyll's tags and filters."""
    includes = site.root / "_includes" if site.root and (site.root / "_includes").is_dir() else None
    env = _Environment(tolerance=Mode.LAX, undefined=_Undefined, strict_filters=True,
                       loader=IncludesLoader(includes), globals={"__site": site})
    return env


def render(body: str, site: Site, page: dict, path: str, offset: int = 0) -> tuple[str, list[PostWarning]]:
    """A post's body with its Liquid rendered, and the warnings (file and line) it gave.

    `offset` is the number of lines before the body in the file (the front matter). The
    reader calls it only for a body with `{{` or `{%` (this module's import is the cost).
    """
    run = _Run(path=path, offset=offset)
    token = _RUN.set(run)
    try:
        env = environment(site)
        template = env.from_string(body)
        run.parsing = False
        if run.fatal is None:
            rendered = template.render(site={**site.config, "data": site.data}, page=page, paginator={})
    except _Abort:
        pass
    except Exception as exc:   # noqa: BLE001 - a template must never crash the batch
        run.fatal = run.fatal or f"{type(exc).__name__}: {exc}"
    finally:
        _RUN.reset(token)
    if run.fatal is not None:
        return body, [PostWarning(path, f"Liquid not rendered, body kept as written ({run.fatal})",
                                  offset + 1 if offset else None, kind="liquid")]
    return rendered, _warnings(run)


def _warnings(run: _Run) -> list[PostWarning]:
    problems = list(run.problems)
    warnings = [PostWarning(run.path, f"Liquid: {message}", line, kind="liquid")
                for line, message in problems[:MAX_WARNINGS]]
    if len(problems) > MAX_WARNINGS:
        warnings.append(PostWarning(run.path, f"Liquid: {len(problems) - MAX_WARNINGS} more problems",
                                    kind="liquid"))
    return warnings
