"""What a build has already made, known by the digest of its inputs.

* :func:`tree_digest` digests every file the book could be built from; each output of
  :mod:`kursk.publish.build` is stamped with it (:func:`mark_built`), and a build whose
  stamp matches the present tree (:func:`up_to_date`) is skipped.
* :func:`execution_cache` is the folder of myst-nb's execution cache for the present
  dataset and package (:func:`inputs_digest`): a data change re-executes the chapters.
* :func:`published_pdf` is where the last good PDF edition lies.
* :func:`drop_unlinked` deletes the files an earlier build wrote and no page uses any more.

The build script and the Sphinx extension both read these; this module imports neither.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from ..dataset.read import data_files
from ..paths import PACKAGE_DIR

#: Folders of the book's tree that are not inputs of the book.
NOT_INPUTS = {"_build", ".git", ".venv", ".venv-tools", "tests", "benchmarks", "__pycache__",
              ".pytest_cache", ".ipynb_checkpoints", "node_modules"}

#: Modules that run only inside Sphinx or before it, never in a chapter's kernel.
BUILD_SIDE = {"publish/sphinxext.py", "publish/crossref.py", "publish/build.py", "publish/icons.py",
              "publish/execute.py", "publish/stamps.py", "publish/latex.py",
              "publish/found.py", "publish/dataview.py"}

CACHE_DIR = Path("_build") / ".jupyter_cache"
PDF_NAME = "battle-for-kursk.pdf"


def tree_digest(root: Path) -> str:
    """Digest of every file the book could be built from (a superset of its inputs): the
    chapters, the configuration, the data, the package and its templates and assets, the
    pinned requirements. When it is unchanged, so is what a build would produce."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in NOT_INPUTS and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp(root: Path, target: str) -> Path:
    return root / "_build" / "stamps" / target


def up_to_date(root: Path, target: str, output: Path, digest: str) -> bool:
    """Whether ``output`` was built by this script from exactly the present tree. (A failed
    build leaves the stamp as it is: it still describes the output, which was not replaced.)"""
    stamp = _stamp(root, target)
    return output.exists() and stamp.is_file() and stamp.read_text() == digest


def mark_built(root: Path, target: str, digest: str) -> None:
    stamp = _stamp(root, target)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


def digest_of(*parts: bytes | str) -> str:
    """SHA-256 over ``parts``, each one delimited (texts as UTF-8)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part.encode() if isinstance(part, str) else part) + b"\0")
    return digest.hexdigest()


def remembered(root: Path, name: str, key: str, make) -> str:
    """The text ``make()`` returns, kept under ``_build/stamps/made/`` with ``key`` (a digest
    of everything the text depends on): made again only when the key changes."""
    kept = root / "_build" / "stamps" / "made" / name
    if kept.is_file():
        stored_key, _, text = kept.read_text(encoding="utf-8").partition("\n")
        if stored_key == key:
            return text
    text = make()
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(key + "\n" + text, encoding="utf-8")
    return text


def published_pdf(root: Path) -> Path:
    """The last PDF edition that built without fault (the web book links this one)."""
    return root / "_build" / "pdf" / PDF_NAME


def inputs_digest(data_dir: Path, *, kernel_only: bool = False) -> str:
    """Digest of everything the pages depend on besides their own text and code.

    With ``kernel_only``, only what a chapter's *outputs* depend on (the dataset, the
    citation file, the modules the chapters import): the key of the execution cache.
    The stylesheet, scripts and templates shape pages, not results: they are read at
    every build and change no output of a chapter."""
    digest = hashlib.sha256()
    paths = [(p.name, p) for p in data_files(data_dir) + [data_dir.parent / "CITATION.cff"]]
    modules = sorted((p.relative_to(PACKAGE_DIR).as_posix(), p) for p in PACKAGE_DIR.rglob("*.py"))
    paths += [(name, p) for name, p in modules if not (kernel_only and name in BUILD_SIDE)]
    for name, path in paths:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def execution_cache(root: Path) -> Path:
    """myst-nb's execution cache for the present dataset and package (:mod:`kursk.publish.execute`
    fills it in parallel before a build)."""
    return root / CACHE_DIR / inputs_digest(root / "data", kernel_only=True)[:16]


def drop_unlinked(outdir: Path, folder: str, link: str) -> None:
    """Delete the files of ``folder`` (in the HTML output ``outdir``) that no page links to any
    more: an incremental build rewrites only the pages that changed, and keeps the files the
    others still use. ``link`` is a pattern of a page's markup whose one group is a file's name."""
    files = outdir / folder
    if not files.is_dir():
        return
    pattern = re.compile(link)
    used = set()
    for page in outdir.rglob("*.html"):
        used |= set(pattern.findall(page.read_text(encoding="utf-8")))
    for path in files.iterdir():
        if path.is_file() and path.name not in used:
            path.unlink()
