"""Corpus tests fail on any warning they do not expect (as WeasyPrint's `assert_no_logs`).

A WarningWatch gathers, per post, the three channels a warning can take: the Document's
warnings (reader and rules), the warnings writers give (`convert.errors.collecting`) and
the log records of the `convert` and `weasyprint` loggers. Only the warnings that
`tests/corpus/expected-warnings.tsv` lists for a post may appear.
"""

from __future__ import annotations

import csv
import fnmatch
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import convert
from convert import errors
from convert.errors import collecting

EXPECTED_FILE = Path(__file__).parent / "corpus" / "expected-warnings.tsv"
LOGGERS = ("convert", "weasyprint")


@dataclass(frozen=True)
class Expected:
    """One expected warning: posts (a glob over the file name), kind (a glob; `log:NAME`
    for a log record of logger NAME) and a piece of the message."""

    post: str
    kind: str
    text: str

    def covers(self, post: str, kind: str, message: str) -> bool:
        return fnmatch.fnmatchcase(post, self.post) and fnmatch.fnmatchcase(kind, self.kind) \
            and self.text in message


def load_expected(path: Path = EXPECTED_FILE) -> list[Expected]:
    """The file's rows, plus the site chrome every post may lose by design (BY_DESIGN)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [Expected(row["post"], row["kind"], row["text"]) for row in rows] + BY_DESIGN


BY_DESIGN = [Expected("*", kind, "") for kind in sorted(errors.BY_DESIGN)]
"""Site chrome the profile removes on purpose (navigation links, live charts): named in a
warning for any post, never a repair. Tests that expect no warning at all still allow these."""


class _Records(logging.Handler):
    """Keeps every record of WARNING or above that reaches the loggers it is attached to."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @contextmanager
    def attached(self):
        loggers = [logging.getLogger(name) for name in LOGGERS]
        for logger in loggers:
            logger.addHandler(self)
        try:
            yield self
        finally:
            for logger in loggers:
                logger.removeHandler(self)


class WarningWatch:
    """The warnings seen while converting posts, as (post file name, kind, message)."""

    def __init__(self, expected: list[Expected] | None = None):
        self.expected = load_expected() if expected is None else expected
        self.seen: list[tuple[str, str, str]] = []
        self._attributed: set[int] = set()

    def load(self, path: Path, settings=None) -> convert.Document:
        """`convert.load`, keeping the Document's warnings and those given while reading."""
        with self.post(path):
            doc = convert.load(path, settings)
        self.seen += [(Path(path).name, w.kind, w.message) for w in doc.warnings]
        return doc

    @contextmanager
    def post(self, path: Path):
        """Writers' warnings and log records given inside the block belong to the post at `path`."""
        name = Path(path).name
        with _Records().attached() as logs, collecting() as given:
            try:
                yield
            finally:
                self.seen += [(name, w.kind, w.message) for w in given]
                self.seen += [(name, f"log:{r.name}", r.getMessage()) for r in logs.records]
                self._attributed.update(id(r) for r in logs.records)

    @contextmanager
    def watching(self):
        """Log records given inside the block but outside any `post` block belong to no post,
        so none is expected; check() on leaving."""
        with _Records().attached() as logs:
            yield self
        self.seen += [("(no post)", f"log:{r.name}", r.getMessage()) for r in logs.records
                      if id(r) not in self._attributed]
        self.check()

    def unexpected(self) -> list[str]:
        return [f"{post}: {kind}: {message}" for post, kind, message in self.seen
                if not any(e.covers(post, kind, message) for e in self.expected)]

    def check(self) -> None:
        """Fail on any warning not listed as expected for its post."""
        unexpected = self.unexpected()
        assert not unexpected, "unexpected warnings (list them in tests/corpus/expected-warnings.tsv " \
                               "if they are right):\n" + "\n".join(unexpected)
