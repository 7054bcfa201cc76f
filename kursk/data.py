"""Load the book's dataset, validated against ``data/datapackage.json``.

``datapackage.json`` (a Frictionless Data Package) is the one schema of the
dataset: the loader, the tests and the data dictionary page all read it. The
loader checks every file in three steps and stops at the first step that finds
a problem, so that one fault is not reported as a cascade of others:

1. bytes: UTF-8 without a byte-order mark, LF line ends;
2. header: exactly the columns the schema names, in its order;
3. rows: types, required values, enums, patterns, ranges, unique and primary
   keys, foreign keys (checked by the ``frictionless`` validator), and the
   cross-column rules listed under ``kursk:rowChecks`` in the descriptor.

Every problem is reported with the file, the line (1 is the header), the
column and what was expected, and loading raises :class:`DataError`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Checklist, Package, checks

from .paths import DESCRIPTOR, data_dir

TYPE_EXPECTED = {
    "string": "text",
    "number": "a number written with digits and an optional decimal point (no thousands separators)",
    "integer": "a whole number",
    "date": "a date written YYYY-MM-DD",
    "boolean": "true or false",
}


@dataclass(frozen=True)
class Problem:
    """One fault in a data file."""

    file: str
    line: int | None
    column: str | None
    expected: str
    found: str | None
    code: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f', column "{self.column}"'
        text = f"{where}: expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        return f"{text} [{self.code}]"


class DataError(ValueError):
    """The dataset does not match its schema. ``problems`` lists every fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"the dataset has {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class Dataset:
    """The validated tables as typed pandas frames, plus the descriptor."""

    def __init__(self, directory: Path, descriptor: dict, tables: dict[str, pd.DataFrame],
                 layers: dict[str, dict] | None = None):
        self.directory = directory
        self.descriptor = descriptor
        self.tables = tables
        self.layers = layers or {}

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def claims_full(self) -> pd.DataFrame:
        """Claims joined with their metric label, claimant (name, side) and source."""
        from .charts import SIDES

        claims = self.tables["claims"]
        claimants = self.tables["claimants"].rename(columns={"name": "claimant", "role": "claimant_role"})
        sources = self.tables["sources"][["source_id", "publisher", "title", "published", "url"]]
        frame = (claims.merge(self.tables["metrics"][["metric", "label"]], on="metric", how="left")
                 .merge(claimants, on="claimant_id", how="left")
                 .merge(sources, on="source_id", how="left"))
        frame["side_label"] = frame["side"].map(SIDES).astype("string")
        return frame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.tables.items())
        return f"<Dataset {self.directory} ({sizes})>"


def read_descriptor(directory: Path | None = None) -> dict:
    directory = Path(directory) if directory else data_dir()
    return json.loads((directory / DESCRIPTOR).read_text(encoding="utf-8"))


def data_files(directory: Path | None = None) -> list[Path]:
    """The descriptor and every file it names, in a fixed order."""
    directory = Path(directory) if directory else data_dir()
    descriptor = read_descriptor(directory)
    return [directory / DESCRIPTOR] + [directory / r["path"] for r in descriptor["resources"]]


def data_digest(directory: Path | None = None) -> str:
    """SHA-256 over the names and bytes of every file of the dataset."""
    digest = hashlib.sha256()
    for path in data_files(directory):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


# --- step 1: bytes -----------------------------------------------------------


def _column_at(raw: bytes, offset: int) -> str | None:
    """Name of the CSV column in which byte ``offset`` falls."""
    header = raw.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    names = next(csv.reader([header]), [])
    start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[start:offset].decode("utf-8", "replace")
    index = len(next(csv.reader([prefix + "x"]), [""])) - 1
    return names[index] if 0 <= index < len(names) else None


def _check_bytes(path: Path, shown: str) -> list[Problem]:
    raw = path.read_bytes()
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(shown, 1, None, "UTF-8 text without a byte-order mark",
                                "a byte-order mark (bytes EF BB BF) at the start of the file",
                                "byte-order-mark"))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append(Problem(shown, line, _column_at(raw, error.start), "UTF-8 text",
                                f"the byte 0x{raw[error.start]:02X}, which is not valid UTF-8",
                                "encoding-error"))
    if b"\r" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\r")) + 1
        problems.append(Problem(shown, line, None, "LF line ends",
                                "a carriage return (a CRLF or CR line end)", "line-ending"))
    if raw and not raw.endswith(b"\n"):
        problems.append(Problem(shown, raw.count(b"\n") + 1, None,
                                "the file to end with a line end", "no line end after the last row",
                                "line-ending"))
    return problems


# --- step 2: header ----------------------------------------------------------


def _check_header(path: Path, shown: str, fields: list[str]) -> list[Problem]:
    text = path.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)), [])
    problems = []
    for name in fields:
        if name not in header:
            problems.append(Problem(shown, 1, name, f'a column named "{name}"',
                                    "no such column in the header", "missing-column"))
    for name in header:
        if name not in fields:
            problems.append(Problem(shown, 1, name, "only the columns " + ", ".join(fields),
                                    f'an extra column "{name}"', "extra-column"))
    if not problems and header != fields:
        problems.append(Problem(shown, 1, None, "the columns in the order " + ", ".join(fields),
                                "the order " + ", ".join(header), "column-order"))
    if len(set(header)) != len(header):
        problems.append(Problem(shown, 1, None, "each column name once",
                                "a repeated column name", "duplicate-column"))
    return problems


def _is_geojson(resource: dict) -> bool:
    return resource.get("format") == "geojson"


def _check_geojson(path: Path, shown: str, resource: dict) -> list[Problem]:
    """A map layer: a FeatureCollection of lines, each with a known ``kind``."""
    kinds = resource.get("kursk:featureKinds", [])
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        return [Problem(shown, error.lineno, None, "valid JSON", error.msg, "json-error")]
    if collection.get("type") != "FeatureCollection" or not collection.get("features"):
        return [Problem(shown, None, None, "a GeoJSON FeatureCollection with features",
                        f"type {collection.get('type')!r}", "geojson-error")]
    problems = []
    for index, feature in enumerate(collection["features"]):
        geometry = feature.get("geometry") or {}
        kind = (feature.get("properties") or {}).get("kind")
        if geometry.get("type") not in ("LineString", "MultiLineString"):
            problems.append(Problem(shown, None, f"features[{index}].geometry",
                                    "a LineString or MultiLineString", repr(geometry.get("type")), "geojson-error"))
        if kind not in kinds:
            problems.append(Problem(shown, None, f"features[{index}].properties.kind",
                                    "one of: " + ", ".join(kinds), repr(kind), "geojson-error"))
    return problems


def read_geojson(directory: Path, name: str) -> dict:
    descriptor = read_descriptor(directory)
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    return json.loads((directory / resource["path"]).read_text(encoding="utf-8"))


# --- step 3: rows ------------------------------------------------------------

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"')
_LIST_PATTERN = re.compile(r"\(([\w|]+)\)\(;\(([\w|]+)\)\)\*")
_POSITION = re.compile(r"position (\d+)")


def _constraint_expected(field, name: str, value: str, period: dict) -> str:
    if name == "required":
        return "a value (the column is required)"
    if name == "minimum":
        if field.type == "date" and value == period.get("start"):
            return f"a date on or after {value}, the start of the study period"
        return f"a value of at least {value}"
    if name == "maximum":
        if field.type == "date" and value == period.get("end"):
            return f"a date on or before {value}, the end of the study period"
        return f"a value of at most {value}"
    if name == "enum":
        return "one of: " + ", ".join(field.constraints.get("enum", []))
    if name == "pattern":
        pattern = field.constraints.get("pattern", "")
        listed = _LIST_PATTERN.fullmatch(pattern)
        if listed and listed.group(1) == listed.group(2):
            return "one or more of " + ", ".join(listed.group(1).split("|")) + ", separated by semicolons"
        return f"text matching the pattern {pattern}"
    if name == "maxLength":
        return f"text of at most {value} characters"
    if name == "unique":
        return "a value used only once in the column"
    return f'a value meeting the constraint "{name}" ({value})'


def _row_problem(error, resource, shown: str, rules: dict[str, str], period: dict) -> Problem | None:
    kind = error.type
    line = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    found = "an empty cell" if cell in (None, "") else f'"{cell}"'
    field = resource.schema.get_field(column) if column and resource.schema.has_field(column) else None
    if kind == "type-error" and field is not None:
        return Problem(shown, line, column, TYPE_EXPECTED.get(field.type, field.type), found, kind)
    if kind == "constraint-error" and field is not None:
        match = _CONSTRAINT.search(error.note or "")
        name, value = match.groups() if match else ("?", error.note)
        if name == "maxLength":
            found = f"{len(cell)} characters"
        return Problem(shown, line, column, _constraint_expected(field, name, value, period), found, kind)
    if kind == "unique-error":
        other = _POSITION.search(error.note or "")
        where = f" (it is also on line {other.group(1)})" if other else ""
        return Problem(shown, line, column, "a value used only once in the column", found + where, kind)
    if kind == "primary-key":
        return None  # every primary key here is a single unique field: reported as unique-error
    if kind == "foreign-key":
        names = ", ".join(error.field_names)
        values = ", ".join(f'"{v}"' for v in error.field_cells)
        target = resource.package.get_resource(error.reference_name)
        return Problem(shown, line, names,
                       f"a value listed in column {', '.join(error.reference_field_names)} "
                       f"of {Path(shown).parent.as_posix()}/{target.path}",
                       f"{values}, which is not there", kind)
    if kind == "row-constraint":
        formula = next((f for f in rules if f in (error.note or "")), None)
        names = [f.name for f in resource.schema.fields if re.search(rf"\b{f.name}\b", formula or "")]
        cells = dict(zip(resource.schema.field_names, getattr(error, "cells", []) or []))
        found = ", ".join(f'{n} "{cells.get(n, "")}"' if cells.get(n) else f"{n} empty" for n in names)
        return Problem(shown, line, None, rules.get(formula, error.note), found or None, kind)
    if kind in ("blank-row",):
        return Problem(shown, line, None, "no blank rows", "a blank row", kind)
    if kind in ("extra-cell", "missing-cell"):
        count = len(resource.schema.fields)
        return Problem(shown, line, column, f"{count} cells, one per column",
                       "a cell too many" if kind == "extra-cell" else "a cell too few", kind)
    return Problem(shown, line, column, "valid data", error.message, kind)


def validate(directory: Path | None = None) -> list[Problem]:
    """Check every table of the dataset; return its problems (empty when valid)."""
    directory = Path(directory) if directory else data_dir()
    descriptor = read_descriptor(directory)
    period = descriptor.get("kursk:studyPeriod", {})
    prefix = directory.name
    shown = {r["name"]: f"{prefix}/{r['path']}" for r in descriptor["resources"]}

    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        path = directory / resource["path"]
        if not path.is_file():
            problems.append(Problem(shown[resource["name"]], None, None, "the file to exist",
                                    "no such file", "missing-file"))
            continue
        problems += _check_bytes(path, shown[resource["name"]])
    if problems:
        return problems

    for resource in descriptor["resources"]:
        if _is_geojson(resource):
            problems += _check_geojson(directory / resource["path"], shown[resource["name"]], resource)
            continue
        fields = [f["name"] for f in resource["schema"]["fields"]]
        problems += _check_header(directory / resource["path"], shown[resource["name"]], fields)
    if problems:
        return problems

    package = Package(str(directory / DESCRIPTOR))
    for spec in descriptor["resources"]:
        if _is_geojson(spec):
            continue
        resource = package.get_resource(spec["name"])
        resource.dialect.header_rows = [1]
        rules = {rule["formula"]: rule["expected"] for rule in spec.get("kursk:rowChecks", [])}
        checklist = Checklist(checks=[checks.row_constraint(formula=f) for f in rules])
        report = resource.validate(checklist=checklist)
        found = [_row_problem(e, resource, shown[spec["name"]], rules, period)
                 for task in report.tasks for e in task.errors]
        found = [p for p in found if p is not None]
        # A cell that is already wrong makes every rule that reads it fail too:
        # report the cell, not the cascade.
        bad_rows = {p.line for p in found if p.code != "row-constraint"}
        problems += [p for p in found if p.code != "row-constraint" or p.line not in bad_rows]
    return problems


# --- typed frames ------------------------------------------------------------


def _typed(frame: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    out = {}
    for field in fields:
        column = frame[field["name"]].replace("", pd.NA)
        kind = field.get("type", "string")
        if kind == "number":
            out[field["name"]] = pd.to_numeric(column).astype("Float64")
        elif kind == "integer":
            out[field["name"]] = pd.to_numeric(column).astype("Int64")
        elif kind == "date":
            out[field["name"]] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "boolean":
            truth = {"true": True, "True": True, "TRUE": True, "1": True,
                     "false": False, "False": False, "FALSE": False, "0": False}
            out[field["name"]] = column.map(truth).astype("boolean")
        else:
            out[field["name"]] = column.astype("string")
    return pd.DataFrame(out)


_CACHE: dict[tuple[str, str], Dataset] = {}


def load(directory: Path | str | None = None) -> Dataset:
    """Validate the dataset and return it as typed frames.

    Raises :class:`DataError` listing every problem when any file breaks the
    schema. The result is cached for as long as the files' bytes do not change.
    """
    directory = Path(directory).resolve() if directory else data_dir()
    key = (str(directory), data_digest(directory))
    if key in _CACHE:
        return _CACHE[key]
    problems = validate(directory)
    if problems:
        raise DataError(problems)
    descriptor = read_descriptor(directory)
    tables = {}
    layers = {}
    for resource in descriptor["resources"]:
        if _is_geojson(resource):
            layers[resource["name"]] = read_geojson(directory, resource["name"])
            continue
        raw = pd.read_csv(directory / resource["path"], dtype=str, keep_default_na=False,
                          encoding="utf-8")
        tables[resource["name"]] = _typed(raw, resource["schema"]["fields"])
    dataset = Dataset(directory, descriptor, tables, layers)
    _CACHE[key] = dataset
    return dataset


def expect_sources(rows: pd.DataFrame | pd.Series, *keys: str) -> None:
    """Check that the prose cites the sources the data gives for these figures.

    Chapters cite sources by key in their text; a figure selected from the data
    may later come from another source. Call this next to the selection so that
    the build fails, with this message, instead of citing the wrong source.
    """
    found = {rows["source_id"]} if isinstance(rows, pd.Series) else set(rows["source_id"])
    if found != set(keys):
        raise AssertionError(
            f"the text cites {sorted(keys)} for these figures, but the data now gives "
            f"{sorted(found)}: update the citations in the text"
        )
