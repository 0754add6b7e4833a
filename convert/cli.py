"""The `octavo` command line (click): convert and cite.

Exit codes: 0 every input converted, 1 some failed (the rest are written), 2 usage error.
Errors are printed as one line each, without a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__, batch, inputs
from .errors import OctavoError
from .writers import GROUPS, WRITERS, expand


def _say(kind: str, message: str) -> None:
    click.echo(f"octavo: {kind}: {message}", err=True)


class _OneLineLog(logging.Handler):
    """Library warnings (e.g. WeasyPrint's) as one `octavo: warning:` line each."""

    def emit(self, record: logging.LogRecord) -> None:
        _say("warning", record.getMessage())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="octavo")
def cli() -> None:
    """Octavo turns published posts into archival HTML, PDF/A, EPUB 3, Markdown and citations."""
    logging.getLogger("convert").addHandler(_OneLineLog())
    logging.getLogger("convert").propagate = False


def _formats(value: str) -> list[str]:
    try:
        return expand([v.strip() for v in value.split(",") if v.strip()])
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--outdir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Folder for the outputs (created when missing).")
@click.option("-t", "--to", "formats", default=",".join(["html", "pdf", "epub", "md", "cite"]), show_default=True,
              help=f"Comma-separated formats: {', '.join([*WRITERS, *GROUPS])}.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes.")
@click.option("--profile", default="eastmoney", show_default=True,
              help="Site profile (convert/profiles/NAME.json): chrome links, source lines, ticker markup.")
@click.option("--lang", default=None, help="Language of the posts (BCP 47), overriding front matter and site.")
@click.option("--timezone", default=None, help="Zone for dates without one (default: the site's, else Asia/Shanghai).")
@click.option("--site-title", default=None, help="Site title (the container citations name), overriding _config.yml.")
@click.option("--site-url", default=None, help="Site URL (resolves relative links), overriding _config.yml.")
@click.option("--page-size", default="A4", show_default=True, help="PDF page size (CSS @page size).")
@click.option("--pdf-variant", default="pdf/a-3b", show_default=True,
              help="PDF variant: pdf/a-3b, pdf/a-3u (sources attached), pdf/a-2b, pdf/a-2u, pdf/ua-1, pdf/ua-2.")
@click.option("--md-flavor", type=click.Choice(["pandoc", "gfm", "commonmark"]), default="pandoc",
              show_default=True, help="Markdown output flavour.")
@click.option("--allow-remote", is_flag=True, help="Let the PDF fetch remote images (never private addresses).")
@click.option("--no-cache", is_flag=True, help="Convert everything again, ignoring OUTDIR's cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def convert(paths, outdir, formats, jobs, profile, lang, timezone, site_title, site_url, page_size,
            pdf_variant, md_flavor, allow_remote, no_cache, quiet) -> None:
    """Convert posts (files or folders of *.md, *.markdown, *.html) into OUTDIR."""
    fmts = _formats(formats)
    reader = {k: v for k, v in {"profile": profile, "lang": lang, "timezone": timezone,
                                "site_title": site_title, "site_url": site_url}.items() if v}
    try:
        from .profiles import load
        load(profile)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--profile") from None
    options = {"reader": reader, "page_size": page_size, "pdf_variant": pdf_variant,
               "md_flavor": md_flavor, "allow_remote": allow_remote}
    if "pdf" in fmts:
        from .writers import pdf
        try:
            pdf.check_options(options)
        except OctavoError as exc:
            raise click.UsageError(exc.message) from None
    warn = (lambda m: None) if quiet else (lambda m: _say("warning", m))
    jobs_list = inputs.discover(list(paths), warn, Path(outdir))
    if not jobs_list:
        raise click.UsageError("no post files found in the given inputs")
    show_bar = sys.stderr.isatty() and len(jobs_list) > 1 and not quiet
    with click.progressbar(length=len(jobs_list), label="converting", file=sys.stderr) if show_bar \
            else _NoBar() as bar:
        results = batch.run(jobs_list, Path(outdir), fmts, options, jobs_count=jobs,
                            use_cache=not no_cache, progress=bar.update)
    failed = [r for r in results if r.error]
    for result in results:
        for message in result.warnings:
            warn(message)
        if result.error:
            _say("error", result.error)
    if not quiet:
        done = len(results) - len(failed)
        cached = sum(r.cached for r in results)
        click.echo(f"octavo: {done} of {len(results)} converted into {outdir}"
                   + (f" ({cached} unchanged)" if cached else ""), err=True)
    sys.exit(1 if failed else 0)


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", default="csl", show_default=True,
              type=click.Choice(["csl", "biblatex", "bibtex", "ris", "dc", "datacite", "jsonld"]),
              help="Record format.")
@click.option("--style", default=None,
              help="Print a formatted citation in this CSL style instead (e.g. apa, chicago-author-date).")
@click.option("--profile", default="eastmoney", show_default=True, help="Site profile.")
def cite(path, fmt, style, profile) -> None:
    """Print the citation record of one post to stdout."""
    from . import citation, load

    try:
        meta = load(path, profile=profile).meta
        text = citation.formatted(meta, style) if style else citation.format_record(meta, fmt)
    except OctavoError as exc:
        _say("error", str(exc))
        sys.exit(exc.exit_code)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(text.rstrip("\n"))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="octavo")
