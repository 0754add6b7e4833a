"""Real-world properties over every post: it converts, no text is lost, normalizing is idempotent."""

from __future__ import annotations

import pytest

import convert
from convert.writers.html import page

from conftest import CORPUS_POSTS, corpus_ids
from textcheck import body_of, missing_runs


def check_post(path, watch):
    doc = watch.load(path)
    assert doc.meta.title, f"{path}: no title"
    raw = path.read_bytes().decode("utf-8-sig")
    with watch.post(path):
        article = page(doc, css="").split("</header>", 1)[1]
    lost = missing_runs(body_of(raw), article)
    assert not lost, f"{path.name}: lost text {lost[:5]}"
    again = convert.normalize(doc)
    assert again.body == doc.body, f"{path.name}: normalizing twice changed the body"
    assert again.meta == doc.meta, f"{path.name}: normalizing twice changed the metadata"
    return doc


@pytest.mark.parametrize("path", CORPUS_POSTS, ids=corpus_ids(CORPUS_POSTS))
def test_bundled_corpus(path, warning_watch):
    check_post(path, warning_watch)


def test_full_corpus(shared_posts, warning_watch):
    assert len(shared_posts) == 128
    docs = [check_post(p, warning_watch) for p in shared_posts]
    assert sum(bool(d.meta.canonical_url) for d in docs) >= 120
    assert all(d.meta.date for d in docs if not d.meta.source_path.split("/")[-1].startswith("-"))


def test_bundled_corpus_covers_every_feature(shared_posts):
    import csv
    from conftest import CORPUS, SHARED

    def features(manifest):
        with open(manifest, encoding="utf-8") as handle:
            return {f for row in csv.DictReader(handle, delimiter="\t") for f in row["features"].split(",")}

    assert features(SHARED / "MANIFEST.tsv") == features(CORPUS / "MANIFEST.tsv")
