"""The dataset as one SQLite file, written from ``data/datapackage.json`` by the
Frictionless SQL adapter (SQLAlchemy underneath): the same tables, columns,
primary and foreign keys and rows as the CSV files, with no hand-written DDL.

Two kinds of field constraint are left out of the database, because the adapter
writes them in a form SQLite cannot evaluate: limits on dates (written as bare
``2024-08-01``, which SQLite reads as a subtraction) and regular-expression
patterns (SQLite has no ``REGEXP`` function). The loader checks both before any
build, so every row in the file has passed them.

SQLAlchemy keeps a table's constraints in a set, so the order of the foreign
keys in its ``CREATE TABLE`` statements changes from run to run. To make two
builds of one commit give byte-identical files, the adapter writes a scratch
database, and the published file is copied from it with the tables in name
order, each table's foreign-key clauses and checks sorted, and the rows in their
order.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from pathlib import Path

from .read import read_descriptor


def _portable(package) -> None:
    """Drop the constraints SQLite cannot evaluate (see the module's notes)."""
    for resource in package.resources:
        for field in resource.schema.fields:
            constraints = dict(field.constraints)
            for name in list(constraints):
                if name == "pattern" or (name in ("minimum", "maximum") and field.type in ("date", "datetime", "year")):
                    constraints.pop(name)
            field.constraints = constraints


def write_sqlite(data_dir: Path, target: Path) -> Path:
    """Write ``kursk-dataset-<version>.sqlite`` into ``target`` (replacing an older copy only
    once the new one is complete) and return its path."""
    import sqlalchemy as sa
    from frictionless import Package
    from frictionless.formats.sql import SqlAdapter

    descriptor = read_descriptor(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"kursk-dataset-{descriptor['version']}.sqlite"
    partial = path.with_suffix(".sqlite.partial")
    partial.unlink(missing_ok=True)
    package = Package(str(data_dir / "datapackage.json"))
    for resource in list(package.resources):
        if resource.type != "table":  # the map layer (GeoJSON) is in the zip, not in the database
            package.remove_resource(resource.name)
    _portable(package)
    with tempfile.TemporaryDirectory() as scratch:
        written = Path(scratch) / "adapter.sqlite"
        engine = sa.create_engine(f"sqlite:///{written}")
        try:
            SqlAdapter(engine).write_package(package)
        finally:
            engine.dispose()
        _canonical_copy(written, partial)
    os.replace(partial, path)
    return path


#: A view of the claims with names in place of keys: what each figure is about, who gave it
#: (their side and class) and where it was published.
LABELLED_CLAIMS = """CREATE VIEW claims_labelled AS
SELECT c.claim_id, m.label AS metric, s.label AS subject, c.value, c.low, c.high, c.qualifier, c.unit,
       c.as_of, c.reported, k.name AS claimant, k.side AS claimant_side, k.kind AS claimant_class,
       src.publisher AS source_publisher, src.title AS source_title, src.url AS source_url, c.note,
       c.metric AS metric_id, c.subject AS subject_id, c.claimant_id, c.source_id
FROM claims AS c
JOIN metrics AS m ON m.metric = c.metric
JOIN subjects AS s ON s.subject = c.subject
JOIN claimants AS k ON k.claimant_id = c.claimant_id
JOIN sources AS src ON src.source_id = c.source_id
ORDER BY c.claim_id"""


def _canonical_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with the tables in name order, each table's
    foreign-key clauses and each column's checks in sorted order, and the rows in the
    order they were written."""
    with sqlite3.connect(source) as old:
        tables = old.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    new = sqlite3.connect(target)
    try:
        for _, sql in tables:
            lines = sql.split("\n")
            keys = [i for i, line in enumerate(lines) if line.lstrip().startswith("FOREIGN KEY")]
            clauses = sorted(lines[i].rstrip(", ") for i in keys)
            for i, clause in zip(keys, clauses):
                lines[i] = clause + lines[i][len(lines[i].rstrip(", ")):]
            for i, line in enumerate(lines):
                checks = list(re.finditer(r" CHECK \((?:[^()]|\([^()]*\))*\)", line))
                if len(checks) > 1:
                    start, end = checks[0].start(), checks[-1].end()
                    lines[i] = line[:start] + "".join(sorted(m.group(0) for m in checks)) + line[end:]
            new.execute("\n".join(lines))
        new.execute("ATTACH DATABASE ? AS old", (str(source),))
        for name, _ in tables:
            new.execute(f'INSERT INTO main."{name}" SELECT * FROM old."{name}" ORDER BY rowid')
        new.execute(LABELLED_CLAIMS)
        new.commit()
        new.execute("DETACH DATABASE old")
        new.execute("VACUUM")
    finally:
        new.close()

