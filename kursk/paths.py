"""Where the book's files are.

A chapter may be executed from the book root, from ``chapters/``, from a
temporary folder (a downloaded notebook) or from JupyterLab. The dataset is
found, in this order, through:

1. the environment variable ``KURSK_DATA`` (a folder holding ``datapackage.json``);
2. the nearest ``data/datapackage.json`` in the current folder or above it;
3. the ``data/`` folder beside this package, when it is installed from a
   clone of the repository (``pip install -e .``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DESCRIPTOR = "datapackage.json"


def data_dir() -> Path:
    """Return the folder that holds ``datapackage.json``."""
    env = os.environ.get("KURSK_DATA")
    if env:
        path = Path(env).expanduser().resolve()
        if not (path / DESCRIPTOR).is_file():
            raise FileNotFoundError(
                f"KURSK_DATA is set to {path}, but {path / DESCRIPTOR} does not exist"
            )
        return path
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder / "data"
    fallback = REPO_ROOT / "data"
    if (fallback / DESCRIPTOR).is_file():
        return fallback
    raise FileNotFoundError(
        "cannot find the dataset: set KURSK_DATA to the folder holding "
        f"{DESCRIPTOR}, or run from inside a clone of the repository"
    )
