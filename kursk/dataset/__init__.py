"""The dataset wing: read, check, export and describe the data in ``data/``.

* :mod:`.read`: :func:`load` and :func:`validate`, the typed :class:`Dataset`;
* :mod:`.descriptor` and :mod:`.checks`: the descriptor's own shape, then every rule
  it states about the files, columns, rows and tables;
* :mod:`.errors`: problems that name file, line, column and what was expected;
* :mod:`.database`: the SQLite export;
* :mod:`.dictionary`: the data dictionary page, written from the descriptor.

It takes its words from :mod:`kursk.vocabulary` and nothing from the charts or the
publishing side.
"""

from pathlib import Path

#: This wing's folder (its modules' digest decides when the data must be checked again).
DATASET_DIR = Path(__file__).resolve().parent
