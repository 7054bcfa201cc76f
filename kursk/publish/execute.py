"""Execute the chapters in parallel, into myst-nb's execution cache, before Sphinx runs.

Jupyter Book executes the notebooks one after another while it reads them. On a machine
with several cores that leaves most of them idle. :func:`execute` runs every chapter whose
outputs the cache lacks at the same time (one kernel each, up to one per core) and stores
the executed notebooks in the cache that :mod:`kursk.publish.sphinxext` points myst-nb at
(:func:`kursk.publish.stamps.execution_cache`); Sphinx then finds them there. A chapter whose code fails is not stored: myst-nb executes it again
itself and reports the failure, with the cell and the traceback, as it always does.

The cache key of a notebook is its code (see jupyter-cache); the folder of the cache is
named by a digest of everything the code reads besides itself. The build checks the data
before it calls this (:func:`kursk.publish.build.check_data`): bad data is never executed.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TIMEOUT = 300  # seconds a cell may take, as execute.timeout in _config.yml
CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)


def chapters(root: Path) -> list[Path]:
    """The executable pages that the table of contents lists (its root page included)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    listed = {toc["root"]} | {entry["file"] for part in toc.get("parts", []) for entry in part["chapters"]}
    found = []
    for page in sorted(listed):
        source = root / f"{page}.md"
        # a MyST notebook's code cells are fenced as {code-cell} (jupytext's MyST format)
        if source.is_file() and CODE_CELL.search(source.read_text(encoding="utf-8")):
            found.append(source)
    return found


def _run(source: Path):
    """Execute one chapter in a fresh kernel, in its own folder, as myst-nb does."""
    import jupytext
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = jupytext.read(source)
    result = single_nb_execution(notebook, cwd=str(source.parent), timeout=TIMEOUT, allow_errors=False,
                                 meta_override=True)
    return source, (None if result.err is not None else notebook), result.time


def execute(root: Path, workers: int | None = None) -> dict[str, float | None]:
    """Execute the chapters the cache lacks, in parallel; return each one's seconds
    (``None`` for a chapter that failed and is left to myst-nb)."""
    from .stamps import digest_of, execution_cache, mark_built, up_to_date

    cache_dir = execution_cache(root)
    # A chapter found in this cache before, with the same source, is there still (a cache is
    # never changed under its name: a new dataset or package is a new folder).
    unknown = {}
    for source in chapters(root):
        key = digest_of(str(cache_dir), source.read_bytes())
        if not up_to_date(root, f"cached/{source.stem}", cache_dir, key):
            unknown[source] = key
    if not unknown:
        return {}
    import jupytext
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    todo = []
    for source, key in unknown.items():
        try:
            cache.match_cache_notebook(jupytext.read(source))
        except KeyError:
            todo.append(source)
            continue
        mark_built(root, f"cached/{source.stem}", key)
    if not todo:
        return {}
    workers = workers or min(len(todo), os.cpu_count() or 1)
    seconds: dict[str, float | None] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for source, notebook, took in pool.map(_run, todo):
            if notebook is None:
                seconds[source.stem] = None
                continue
            cache.cache_notebook_bundle(CacheBundleIn(notebook, str(source), data={"execution_seconds": took}),
                                        check_validity=False, overwrite=True)
            seconds[source.stem] = took
    return seconds


def main(root: Path) -> dict[str, float | None]:
    """Execute what the cache lacks and say so; each chapter's seconds (``None``: it failed)."""
    start = time.monotonic()
    seconds = execute(root)
    if seconds:
        done = ", ".join(f"{name} {s:.0f} s" if s is not None else f"{name} failed" for name, s in seconds.items())
        print(f"kursk.execute: executed {len(seconds)} chapters in parallel in "
              f"{time.monotonic() - start:.1f} s ({done}).", flush=True)
    return seconds
