"""convert/paths.py: real() gives what Path.resolve() gives, links and `..` included, and
forgets a moved link when a run starts afresh; inside() is Path.is_relative_to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convert.paths import forget, inside, real


@pytest.fixture
def site(tmp_path, monkeypatch):
    """posts/a.md, a folder link `linked` → posts, a file link `b.md` → posts/a.md, a dangling
    link, and the current folder inside tmp_path (relative paths are tried too)."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text("x", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "posts")
    (tmp_path / "posts" / "b.md").symlink_to(tmp_path / "posts" / "a.md")
    (tmp_path / "posts" / "gone.md").symlink_to(tmp_path / "nowhere.md")
    monkeypatch.chdir(tmp_path)
    forget()
    return tmp_path


@pytest.mark.parametrize("name", [
    "posts/a.md", "linked/a.md", "posts/b.md", "linked/b.md", "posts/gone.md", "posts/missing.md",
    "missing/a.md", "linked/../other/x.md", "posts/..", "linked/..", ".", "linked",
])
def test_real_is_resolve(site, name):
    for path in (Path(name), site / name):
        assert real(path) == path.resolve(), path
        assert real(path) == path.resolve(), f"{path} (folder remembered)"


def test_a_moved_folder_link_is_seen_after_forget(site):
    assert real(Path("linked/a.md")) == site / "posts" / "a.md"
    os.remove(site / "linked")
    (site / "linked").symlink_to(site / "other")
    forget()
    assert real(Path("linked/a.md")) == site / "other" / "a.md"


def test_a_changed_working_folder_is_a_different_key(site, monkeypatch):
    first = real(Path("a.md"))
    monkeypatch.chdir(site / "posts")
    assert real(Path("a.md")) == site / "posts" / "a.md" != first


@pytest.mark.parametrize("path, folder", [
    ("/a/b/c.md", "/a/b"), ("/a/b", "/a/b"), ("/a/bc/d.md", "/a/b"), ("/a", "/a/b"), ("/x/b/c.md", "/a/b"),
    ("/a/b/c.md", "/"),
])
def test_inside_is_is_relative_to(path, folder):
    assert inside(path, folder) == Path(path).is_relative_to(Path(folder))
