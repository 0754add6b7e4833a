"""The `octavo` command line (click): convert and cite.

Exit statuses: 0 every input converted, 1 some failed (the rest are written), 2 usage
error. Errors are printed as one line each, without a traceback. Options come from the
declarations in convert/settings.py (and each writer's Options), so every command that
takes an option takes it the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

import click

from . import __version__, batch, inputs
from .errors import OctavoError, PostWarning, UsageError
from .settings import Settings, declarations, load

GROUPED_KINDS = {"assumed-timezone", "navigation", "chart", "site-config"}
"""Warning kinds shown once for the whole run, with a count, rather than once per post."""


def _say(kind: str, message: str) -> None:
    click.echo(f"octavo: {kind}: {message}", err=True)


class _OneLineLog(logging.Handler):
    """Warnings logged outside any post (a library's, or a writer called directly) as one
    `octavo: warning:` line each."""

    def emit(self, record: logging.LogRecord) -> None:
        _say("warning", record.getMessage())


CLICK_TYPES = {"int": click.INT, "float": click.FLOAT, "Path | None": click.Path(file_okay=False)}
"""How a declared type is shown and parsed by click (the setting's own check still runs)."""


def _param(section: str | None, name: str) -> str:
    return f"{section}__{name}" if section else name


def settings_options(*keys: str):
    """Decorator adding a click option for each declared setting named in `keys` (all
    settings with a flag when none are named): flag, help and choices from the declaration;
    values are checked when Settings are built, not by click."""

    def decorate(command):
        for section, f in reversed(declarations()):
            flag = f.metadata.get("flag")
            key = f"{section}.{f.name}" if section else f.name
            if not flag or (keys and key not in keys):
                continue
            param = _param(section, f.name)
            is_bool = f.type in ("bool", bool)
            decls = [flag, param] if "/--no-" in flag else [*flag.split("/"), param]
            choices = f.metadata.get("choices")
            default = f.default_factory() if f.default is dataclasses.MISSING else f.default
            shown = ",".join(default) if isinstance(default, tuple) else default
            extra = f" [default: {shown}]" if shown not in (None, False, True) else ""
            command = click.option(
                *decls, default=None, is_flag=is_bool,
                type=click.Choice(choices) if choices else CLICK_TYPES.get(str(f.type)), help=f"{f.metadata['doc']}{extra}",
            )(command)
        return command

    return decorate


def build_settings(params: dict, start: Path | None) -> Settings:
    """Settings from the command's flags over octavo.toml over defaults; a bad value is a
    click usage error (exit 2) naming the option."""
    flags: dict = {}
    for section, f in declarations():
        value = params.pop(_param(section, f.name), None)
        if section:
            flags.setdefault(section, {})[f.name] = value
        else:
            flags[f.name] = value
    try:
        return load(flags, start)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="octavo")
def cli() -> None:
    """Octavo turns published posts into archival HTML, PDF/A, EPUB 3, Markdown and citations."""
    logging.getLogger("convert").addHandler(_OneLineLog())
    logging.getLogger("convert").propagate = False


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--outdir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Folder for the outputs (created when missing); never an input's own folder "
                   "when that would replace the input.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@settings_options()
def convert(paths, outdir, quiet, **params) -> None:
    """Convert posts (files or folders of *.md, *.markdown, *.html) into OUTDIR."""
    if quiet:
        logging.getLogger("convert").setLevel(logging.ERROR)
    settings = build_settings(params, Path(paths[0]))
    outdir = Path(outdir)
    skipped: list[str] = []
    try:
        jobs = inputs.discover(list(paths), skipped.append, outdir)
        if not jobs:
            raise UsageError("no post files found in the given inputs")
        inputs.check_clashes(jobs, outdir, settings.formats)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    show_bar = sys.stderr.isatty() and len(jobs) > 1 and not quiet
    with click.progressbar(length=len(jobs), label="converting", file=sys.stderr) if show_bar \
            else _NoBar() as bar:
        results = batch.run(jobs, outdir, settings, progress=bar.update)
    if not quiet:
        for message in skipped:
            _say("warning", message)
        for line in warning_lines([w for r in results for w in r.warnings]):
            _say("warning", line)
    failed = [r for r in results if not r.ok]
    for result in failed:
        for stage, error in result.errors.items():
            _say("error", str(error) if stage == batch.READ else f"{error.path}: {stage}: {error.message}")
    if not quiet:
        cached, unpublished = sum(r.cached for r in results), sum(r.skipped for r in results)
        notes = ", ".join(note for note in (cached and f"{cached} unchanged", unpublished and f"{unpublished} skipped")
                          if note)
        click.echo(f"octavo: {len(results) - len(failed) - unpublished} of {len(results)} converted into "
                   f"{outdir}" + (f" ({notes})" if notes else ""), err=True)
    sys.exit(1 if failed else 0)


def warning_lines(warnings: list[PostWarning]) -> list[str]:
    """Each warning once; the kinds in GROUPED_KINDS folded into one line per kind, with
    a count of posts (their messages differ only by detail: a feed's name, a ticker)."""
    lines: list[str] = []
    groups: dict[str, list[PostWarning]] = {}
    for warning in warnings:
        if warning.kind in GROUPED_KINDS:
            groups.setdefault(warning.kind, []).append(warning)
        else:
            lines.append(str(warning))
    for members in groups.values():
        first = members[0]
        others = len({w.message for w in members}) - 1
        posts = len({w.path for w in members})
        like = f", and {others} more like it" if others else ""
        lines.append(f"{first.message}{like} ({posts} post{'s' if posts > 1 else ''}, first: {first.path})")
    return list(dict.fromkeys(lines))


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


def _check_style(ctx, param, value):
    if value is None:
        return value
    from .citation.styles import style_path

    try:
        style_path(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", default="csl", show_default=True,
              type=click.Choice(["csl", "biblatex", "bibtex", "ris", "dc", "datacite", "jsonld"]),
              help="Record format.")
@click.option("--style", default=None, callback=_check_style,
              help="Print a formatted citation in this CSL style instead (e.g. apa, chicago-author-date).")
@settings_options("profile", "lang", "timezone", "site_title", "site_url", "strict", "unpublished")
def cite(path, fmt, style, **params) -> None:
    """Print the citation record of one post to stdout (nothing, with a warning, for a
    `published: false` post unless --unpublished, as convert skips it)."""
    from . import citation, load as load_post

    settings = build_settings(params, Path(path))
    try:
        doc = load_post(path, settings)
        skip = not (doc.meta.published or settings.unpublished)
        refused = settings.strict and not skip and batch.strict_error(path, doc.warnings, "reading")
        if refused:
            raise refused
    except OctavoError as exc:
        _say("error", str(exc))
        sys.exit(exc.exit_code)
    for warning in warning_lines(doc.warnings):
        _say("warning", warning)
    if skip:   # as convert does: neither cited nor failed
        _say("warning", f"{path}: {batch.UNPUBLISHED}")
        return
    text = citation.formatted(doc.meta, style) if style else citation.format_record(doc.meta, fmt)
    click.echo(text.rstrip("\n"))


def _archive_keys() -> list[str]:
    """Every declared setting but the formats: a package always carries every format."""
    return [f"{section}.{f.name}" if section else f.name for section, f in declarations()
            if f.metadata.get("flag") and f.name != "formats"]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--outdir", type=click.Path(file_okay=False), required=True,
              help="The archive folder: created when missing; a later run adds to it.")
@click.option("--format", "fmt", type=click.Choice(["bagit", "saf", "invenio"]), default="bagit", show_default=True,
              help="Package: a BagIt bag with RO-Crate metadata (DIR/bag), DSpace Simple Archive Format "
                   "(DIR/saf) or InvenioRDM/Zenodo deposits (DIR/invenio).")
@click.option("--source-organization", default=None,
              help="Who transfers the bag (bag-info.txt); default: the articles' publishers.")
@click.option("--description", default=None, help="The package's description (default: what it holds).")
@click.option("--bag-group", default=None, help="Bag-Group-Identifier: the set of bags this one belongs to.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@settings_options(*_archive_keys())
def archive(paths, outdir, fmt, source_organization, description, bag_group, quiet, **params) -> None:
    """Convert posts and pack them, with every output and citation record, into a repository
    package in OUTDIR; a later run on the same OUTDIR adds posts and re-converts what changed."""
    from . import archive as archiving

    if quiet:
        logging.getLogger("convert").setLevel(logging.ERROR)
    settings = build_settings(params, Path(paths[0]))
    outdir = Path(outdir)
    skipped: list[str] = []
    try:
        jobs = inputs.discover(list(paths), skipped.append, outdir)
        if not jobs:
            raise UsageError("no post files found in the given inputs")
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    show_bar = sys.stderr.isatty() and len(jobs) > 1 and not quiet
    try:
        with click.progressbar(length=len(jobs), label="archiving", file=sys.stderr) if show_bar \
                else _NoBar() as bar:
            outcome = archiving.run(jobs, outdir, settings, fmt, organization=source_organization,
                                    description=description, group=bag_group, progress=bar.update)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    except OctavoError as exc:
        _say("error", str(exc))
        sys.exit(exc.exit_code)
    results = outcome.results
    if not quiet:
        for message in skipped:
            _say("warning", message)
        for line in warning_lines([w for r in results for w in r.warnings] + outcome.warnings):
            _say("warning", line)
    failed = [r for r in results if not r.ok]
    for result in failed:
        for stage, error in result.errors.items():
            _say("error", str(error) if stage == batch.READ else f"{error.path}: {stage}: {error.message}")
    for result in outcome.kept_because:
        _say("error", f"{result.path}: failed, and an earlier run archived it: the package was not rebuilt "
                      "(fix the post, or archive into a new folder)")
    if not quiet and outcome.package:
        state = "unchanged" if outcome.unchanged else f"{len(outcome.added)} added"
        click.echo(f"octavo: {outcome.articles} articles in {outdir / archiving.PACKAGES[fmt].LINK} ({state}; "
                   f"{sum(r.cached for r in results)} of {len(results)} posts unchanged)", err=True)
    sys.exit(1 if failed else 0)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Files checked at once.")
def validate(paths, as_json, jobs) -> None:
    """Check what Octavo made: bags (every checksum), PDFs, EPUBs, citation records, WARCs.
    An archive folder (octavo archive -o DIR) is checked through its package links."""
    from .validate import validate as check

    report = check([Path(p) for p in paths], jobs=jobs)
    if as_json:
        click.echo(report.as_json())
    else:
        for problem in report.problems:
            _say("warning" if problem.unchecked else "error", str(problem))
        checked = ", ".join(f"{n} {kind}" for kind, n in sorted(report.checked.items())) or "nothing"
        unchecked = len({p.path for p in report.problems if p.unchecked})
        click.echo(f"octavo: checked {checked}: {len(report.failures)} problem(s)"
                   + (f", {unchecked} file(s) not checked" if unchecked else ""), err=True)
    sys.exit(0 if report.ok else 1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="octavo")
