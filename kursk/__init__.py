"""Shared code of the book *The Battle for Kursk, 2024-2025*, in three wings.

* :mod:`kursk.dataset`: read, check, export and describe the data (``kursk.load()``
  returns the validated dataset as typed pandas frames);
* the chapters' kit, here at the top: :mod:`kursk.prose` (``Figures``), :mod:`kursk.charts`,
  :mod:`kursk.tables`, :mod:`kursk.ledger`, :mod:`kursk.divergence`;
* :mod:`kursk.publish`: the staged build, parallel execution, the Sphinx extension,
  cross-references, bibliography, metadata, icons, templates and static files.

Beneath them, the ground floor: :mod:`kursk.vocabulary` (the book's words),
:mod:`kursk.markup` (escaped Markdown) and :mod:`kursk.paths`. Each wing imports only
from the ground floor and from the wings before it.
"""

__version__ = "0.1.0"

from .dataset.read import DataError, Dataset, expect_sources, load  # noqa: E402

__all__ = ["DataError", "Dataset", "expect_sources", "load", "__version__"]
