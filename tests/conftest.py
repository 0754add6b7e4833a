"""Shared fixtures: the bundled corpus, the reference post, and the optional full corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from warncheck import WarningWatch

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
REFERENCE = CORPUS / "2022-01-19-202201192253651534.md"
GENERIC = ROOT / "tests" / "fixtures" / "generic"
"""Hand-written posts with shapes the corpus lacks (English, footnotes, tables, code)."""
SHARED = ROOT.parent / "shared" / "corpus" / "finews"
"""The workplace's full 128-post corpus; absent in a user's clone, so tests using it skip."""


def posts(folder: Path) -> list[Path]:
    """The post files of a corpus folder (not its README)."""
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")


CORPUS_POSTS = posts(CORPUS)


@pytest.fixture(scope="session")
def shared_posts() -> list[Path]:
    if not SHARED.is_dir():
        pytest.skip("the full corpus (../shared/corpus/finews) is not present")
    return posts(SHARED)


def corpus_ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.fixture
def warning_watch():
    """Fails the test on any warning not expected for its post (tests/warncheck.py): load
    posts with `warning_watch.load(path)`, write them inside `with warning_watch.post(path):`."""
    with WarningWatch().watching() as watch:
        yield watch
