"""The package carries its assets: a built wheel holds the stylesheets, Lua filters and
profiles, and Octavo installed from it (or installed editable) converts a post to every
format from a folder outside the checkout."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from convert import batch
from convert.pandoc import executable

from conftest import REFERENCE, ROOT

ASSETS = ["convert/styles/base.css", "convert/styles/pdf.css", "convert/styles/epub.css",
          "convert/data/octavo.lua", "convert/data/batch.lua",
          "convert/profiles/eastmoney.json", "convert/profiles/generic.json"]
SOURCES = ["pyproject.toml", "README.md", "convert", "styles"]
"""What a build reads: a copy of these keeps the checkout free of build/ and egg-info."""


def sh(*args, cwd=None) -> str:
    """Run a command; on failure, fail the test with its output."""
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{args[:3]} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_every_package_of_the_tree_is_declared():
    """pyproject lists the packages (styles/ maps into one); a new subpackage must be added there."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {p.parent for p in (ROOT / "convert").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    in_tree = {".".join(f.relative_to(ROOT).parts) for f in folders}
    assert set(config["packages"]) == in_tree | {"convert.styles"}
    assert config["package-dir"] == {"convert.styles": "styles"}


# --- built and installed: slow (a wheel build and a fresh virtualenv) ---


def copy_source(tree: Path) -> Path:
    """A copy of the source tree to build or install from."""
    tree.mkdir(exist_ok=True)
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, tree / name)
    return tree


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist,
       copy_source(tmp_path_factory.mktemp("source")))
    (built,) = dist.glob("octavo-*.whl")
    return built


@pytest.fixture(scope="session")
def env(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv outside the checkout with the wheel and its dependencies (once)."""
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder, with_pip=True)
    sh(folder / "bin" / "python", "-m", "pip", "install", "-q", wheel)
    return folder


@pytest.fixture
def outside(tmp_path) -> Path:
    """A working folder away from the checkout, holding a copy of the reference post."""
    shutil.copy2(REFERENCE, tmp_path / REFERENCE.name)
    return tmp_path


def installed_from(env: Path, cwd: Path) -> dict:
    """Where the environment's `convert` and its assets are, as seen from `cwd`."""
    code = ("import json, convert, convert.assets as a, convert.batch as b, convert.fetcher as f;"
            "print(json.dumps({'package': convert.__file__, 'styles': str(a.styles()),"
            " 'fetcher': str(f.STYLES_DIR), 'filter': str(a.data_file('octavo.lua')),"
            " 'fingerprint': b._code_fingerprint()}))")
    return json.loads(sh(env / "bin" / "python", "-c", code, cwd=cwd))


def epub_css(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return book.read("EPUB/styles/stylesheet1.css").decode("utf-8")


@pytest.mark.slow
def test_wheel_lists_the_assets_and_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(ASSETS) <= names
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "convert").rglob("*.py")}
    assert modules <= names
    assert not [n for n in names if n.startswith("styles/")]  # inside the package, not beside it


@pytest.mark.slow
def test_installed_wheel_converts_to_every_format(env, wheel, outside):
    sh(env / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel)
    where = installed_from(env, outside)
    site = Path(where["package"]).parent
    assert site.is_relative_to(env) and Path(where["styles"]) == site / "styles"
    assert Path(where["fetcher"]) == site / "styles" and Path(where["filter"]).parent == site / "data"
    assert where["fingerprint"] == batch._code_fingerprint()  # the same code and assets, laid out otherwise
    packaged = {name: (site / "styles" / name).read_text(encoding="utf-8") for name in ("base.css", "epub.css")}
    assert packaged["epub.css"] == (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")

    sh(env / "bin" / "octavo", "convert", REFERENCE.name, "-o", "out", "-t", "html,pdf,epub,md,cite", cwd=outside)
    out = outside / "out" / REFERENCE.stem
    assert packaged["base.css"] in out.with_suffix(".html").read_text(encoding="utf-8")
    sh("qpdf", "--check", out.with_suffix(".pdf"))
    assert "国务院办公厅" in sh("pdftotext", out.with_suffix(".pdf"), "-")
    assert epub_css(out.with_suffix(".epub")) == packaged["epub.css"]
    sh(executable(), "-f", "markdown", "-t", "plain", out.with_suffix(".md"))
    assert "国务院办公厅" in out.with_suffix(".md").read_text(encoding="utf-8")
    assert json.loads(Path(f"{out}.csl.json").read_text(encoding="utf-8"))[0]["title"]
    for suffix in (".bib", ".ris", ".dc.xml"):
        assert Path(f"{out}{suffix}").stat().st_size > 0


@pytest.mark.slow
def test_installed_wheel_takes_the_users_styles(env, wheel, outside):
    sh(env / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel)
    mine = outside / "mine"
    mine.mkdir()
    (mine / "epub.css").write_text("p { line-height: 2; }\n", encoding="utf-8")
    sh(env / "bin" / "octavo", "convert", REFERENCE.name, "-o", "out", "-t", "html,epub", "--styles", mine,
       cwd=outside)
    out = outside / "out" / REFERENCE.stem
    assert epub_css(out.with_suffix(".epub")) == "p { line-height: 2; }\n"
    assert (ROOT / "styles" / "base.css").read_text(encoding="utf-8") in out.with_suffix(".html").read_text(
        encoding="utf-8")


@pytest.mark.slow
def test_editable_install_reads_the_source_tree(env, outside):
    """`pip install -e .` (make setup): styles/ and the filters are read where they are edited."""
    source = copy_source(outside / "source")
    sh(env / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", "-e", source)
    where = installed_from(env, outside)
    assert Path(where["package"]) == source / "convert" / "__init__.py"
    assert Path(where["styles"]) == Path(where["fetcher"]) == source / "styles"
    assert Path(where["filter"]) == source / "convert" / "data" / "octavo.lua"

    (source / "styles" / "epub.css").write_text("/* edited in place */\n", encoding="utf-8")
    assert installed_from(env, outside)["fingerprint"] != where["fingerprint"]  # so no stale cache
    sh(env / "bin" / "octavo", "convert", REFERENCE.name, "-o", "out", "-t", "html,epub,md", cwd=outside)
    out = outside / "out" / REFERENCE.stem
    assert epub_css(out.with_suffix(".epub")) == "/* edited in place */\n"
    assert (source / "styles" / "base.css").read_text(encoding="utf-8") in out.with_suffix(".html").read_text(
        encoding="utf-8")
    assert "国务院办公厅" in out.with_suffix(".md").read_text(encoding="utf-8")
