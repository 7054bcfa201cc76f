"""Shared fixtures: the repository, small datasets, and one built copy of the book."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
IGNORE = shutil.ignore_patterns(".venv", ".venv-tools", "_build", ".git", "__pycache__", ".pytest_cache",
                                "*.egg-info", ".ipynb_checkpoints", "node_modules")


def make_dataset(folder: Path, *overlays: Path) -> Path:
    """A ``data/`` folder: the book's own descriptor, the good tables, then overlays."""
    data = folder / "data"
    data.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "datapackage.json", data)
    shutil.copytree(ROOT / "data" / "geography", data / "geography")
    for table in (TEST_DATA / "good").glob("*.csv"):
        shutil.copy(table, data)
    for overlay in overlays:
        for table in [*overlay.glob("*.csv"), *overlay.glob("*.json")]:
            shutil.copy(table, data)
    return data


def build(book: Path, target: str = "html") -> subprocess.CompletedProcess:
    """Run the book's staged, strict build in ``book`` (``html``, ``pdf`` or ``book``)."""
    return subprocess.run([sys.executable, "-m", "kursk.publish.build", target], cwd=book,
                          capture_output=True, text=True)


@pytest.fixture(scope="session")
def book(tmp_path_factory) -> Path:
    """A copy of the repository, built once (PDF, then HTML), strictly. Tests that change it restore it.

    KURSK_BUILT_BOOK=<folder> uses a book already built there instead (to iterate on the
    browser tests; the tests that edit the book would edit that folder too)."""
    import os

    if os.environ.get("KURSK_BUILT_BOOK"):
        return Path(os.environ["KURSK_BUILT_BOOK"])
    copy = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    # tests/test_reproducible.py compares this build with a second clean build of another copy,
    # in a folder of another depth; it runs beside this one, so that the one-core phases of the
    # two (Sphinx, TeX) overlap
    second = tmp_path_factory.mktemp("second") / "somewhere" / "else" / "book"
    shutil.copytree(ROOT, second, ignore=IGNORE)
    log = (second.parent / "build.log").open("w")
    SECOND_BUILD["folder"] = second
    SECOND_BUILD["process"] = subprocess.Popen([sys.executable, "-m", "kursk.publish.build", "book"],
                                               cwd=second, stdout=log, stderr=subprocess.STDOUT)
    result = build(copy, "book")
    assert result.returncode == 0, f"strict build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    BUILD_LOGS[copy] = result.stdout + result.stderr
    # what a clean build made, kept before any test edits and rebuilds the book
    # (tests/test_reproducible.py compares it with another clean build)
    for output in ("html", "pdf"):
        shutil.copytree(copy / "_build" / output, pristine(copy) / output)
    return copy


#: What the session's builds printed, by book (not for a book built elsewhere: KURSK_BUILT_BOOK).
BUILD_LOGS: dict = {}

#: The second clean build of the book, started beside the session's (see :func:`book`).
SECOND_BUILD: dict = {}


def second_clean_build() -> tuple[Path, int, str]:
    """The folder of the second clean build, its exit status and its log, once it has ended."""
    if not SECOND_BUILD:
        pytest.fail("the second clean build runs beside the session's own build (not with KURSK_BUILT_BOOK)")
    process = SECOND_BUILD["process"]
    status = process.wait()
    folder = SECOND_BUILD["folder"]
    return folder, status, (folder.parent / "build.log").read_text(errors="replace")


def folder_digest(folder: Path) -> str:
    """SHA-256 over the names and bytes of every file under ``folder``."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


@contextmanager
def edited(path: Path, old: str, new: str):
    """``path`` with its first ``old`` replaced by ``new``, for the block; restored after it."""
    original = path.read_text(encoding="utf-8")
    assert old in original, f"{old!r} not in {path}"
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def page_text(html: str) -> str:
    """The text of an HTML page, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def latest_august_area(data_dir: Path):
    """The last claim of August 2024 about the area Ukrainian forces held (a figure the prose glues)."""
    import kursk

    claims = kursk.load(data_dir).claims
    area = claims[(claims.metric == "area_held") & (claims.unit == "km2")
                  & (claims.subject == "ukrainian_forces_in_kursk") & (claims.as_of < "2024-09-01")]
    return area.sort_values("as_of", kind="stable").iloc[-1]


def pristine(book: Path) -> Path:
    """The outputs of the session's clean build of ``book``, as they were before any test ran."""
    return book.parent / "pristine"


def pdf_text(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pypdf), read once for any copy of the same bytes."""
    data = pdf.read_bytes()
    return _pdf_text(hashlib.sha256(data).hexdigest(), data)


@functools.lru_cache(maxsize=4)
def _pdf_text(digest: str, data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# -- the edited copy (tests/test_markup.py, tests/test_found.py) -------------------------

TEX = r"% & $ _ # { } ~ ^ \ \textbf{bold} {x} $1$" + " \"quoted\" 'single' -- --- ..."
PAYLOADS = {
    # table: (key column, key value or None for the first row, column, text)
    "sources": ("title", f"<script>window.__pwned=1</script> Title {TEX}"),
    "claimants": ("name", "<img src=x onerror=\"window.__pwned=2\"> Name {raw}`html <b>b</b>`"),
    "claims": ("note", f"Note <b>bold</b> {{cite:p}}`nowhere` [link](https://example.org) *star* {TEX}"),
    "events": ("description", f"<script>alert(3)</script> Event `code` {{raw}}`latex \\LaTeX` {TEX}"),
    "metrics": ("description", f"Metric <i>i</i> {{sub}}`x` {TEX}"),
}


def _edit_first_row(path: Path, column: str, text: str, where=None) -> dict:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if where is None or where(r))
    row[column] = text
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return row


#: The figure of the prose that the edited data changes, by how much.
AREA_CHANGE = 8
#: The DOI the edited copy's CITATION.cff gains (a Zenodo-style DOI; not a registered one).
DOI = "10.5281/zenodo.1234567"
#: The base URL the edited copy is built with (tests/test_found.py).
BASE_URL = "https://example.org/kursk/"


@pytest.fixture(scope="session")
def marked_up(book, tmp_path_factory) -> Path:
    """One copy of the session's built book, its data edited (see tests/test_markup.py), built
    again (web and PDF); shared by the modules that test it."""
    copy = tmp_path_factory.mktemp("edited") / "book"
    shutil.copytree(book, copy, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".venv-tools", ".git", "__pycache__", ".pytest_cache", "*.egg-info", "node_modules", "screenshots"))
    data = copy / "data"
    for table, (column, text) in PAYLOADS.items():
        _edit_first_row(data / f"{table}.csv", column, text)
    latest = latest_august_area(data)
    _edit_first_row(data / "claims.csv", "value", f"{latest.value + AREA_CHANGE:.0f}",
                    where=lambda r: r["claim_id"] == latest.claim_id)
    # the book published at an address (tests/test_found.py): canonical links, sitemap, robots.txt
    _replace_once(copy / "_config.yml", '  baseurl: ""\n', f'  baseurl: "{BASE_URL}"\n')
    # a release with a DOI, as Zenodo mints one (tests/test_markup.py: the DOI reaches every output)
    (cff := copy / "CITATION.cff").write_text(cff.read_text(encoding="utf-8") + f'doi: "{DOI}"\n', encoding="utf-8")
    result = build(copy, "book")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    BUILD_LOGS[copy] = result.stdout + result.stderr
    return copy


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def pytest_collection_modifyitems(config, items):
    """A test that uses the built book is a build test, marked or not: ``make check``
    (``-m "not build and not browser"``) never builds the book."""
    for item in items:
        if "book" in getattr(item, "fixturenames", ()) and item.get_closest_marker("build") is None:
            item.add_marker(pytest.mark.build)
