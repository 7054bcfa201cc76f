"""The checks behind :func:`kursk.dataset.read.validate`, one function per step.

The descriptor is read and checked first (:mod:`kursk.dataset.descriptor`). Each step
returns a list of :class:`~kursk.errors.Problem` (empty when the step finds
nothing); :func:`kursk.dataset.read.validate` runs them in order and stops at the first
step that finds a fault, so that one fault is not reported as a cascade.
Every rule these checks apply is read from ``datapackage.json``.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

from frictionless import Checklist, FrictionlessException, checks

from .errors import Problem, quoted, shorten

# --- step 1: bytes -----------------------------------------------------------


def _column_at(raw: bytes, offset: int) -> str | None:
    """Name of the CSV column in which byte ``offset`` falls."""
    header = raw.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[start:offset].decode("utf-8", "replace")
    try:  # a line that is not CSV (a stray carriage return, say) names no column
        names = next(csv.reader([header]), [])
        index = len(next(csv.reader([prefix + "x"]), [""])) - 1
    except csv.Error:
        return None
    return names[index] if 0 <= index < len(names) else None


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    if path.exists() and not path.is_file():
        return None, [Problem(shown, None, None, "a file", "a folder or another kind of entry",
                              "unreadable-file")]
    if not path.is_file():
        return None, [Problem(shown, None, None, "the file to exist", "no such file", "missing-file")]
    try:
        return path.read_bytes(), []
    except OSError as error:
        return None, [Problem(shown, None, None, "a readable file", shorten(error.strerror or str(error)),
                              "unreadable-file")]


def check_bytes(raw: bytes, shown: str, table: bool = True) -> list[Problem]:
    """UTF-8 without a byte-order mark, LF line ends, a line end after the last line."""
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(shown, 1, None, "UTF-8 text without a byte-order mark",
                                "a byte-order mark (bytes EF BB BF) at the start of the file",
                                "byte-order-mark"))
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append(Problem(shown, line, _column_at(raw, error.start) if table else None, "UTF-8 text",
                                f"the byte 0x{raw[error.start]:02X}, which is not valid UTF-8",
                                "encoding-error"))
    if b"\r" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\r")) + 1
        problems.append(Problem(shown, line, None, "LF line ends",
                                "a carriage return (a CRLF or CR line end)", "line-ending"))
    if table and raw and not raw.endswith(b"\n"):
        problems.append(Problem(shown, raw.count(b"\n") + 1, None,
                                "the file to end with a line end", "no line end after the last row",
                                "line-ending"))
    if table and not raw:
        problems.append(Problem(shown, 1, None, "a header row naming the columns", "an empty file",
                                "empty-file"))
    return problems


# --- step 2: CSV syntax ----------------------------------------------------------


def parse_csv(raw: bytes, shown: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of a CSV file with the line each starts on, or the first syntax fault."""
    text = raw.decode("utf-8")
    reader = csv.reader(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        message = str(error)
        column = None
        if "end of data" in message or "EOF" in message:
            expected = f"a closing double quote for the quoted cell begun on line {start}"
            found = "the end of the file inside a quoted cell"
            # the open quote swallows the rest of its line: the last cell of the line is the one
            header = rows[0][1] if rows else []
            try:
                cells = next(csv.reader([text.split("\n")[start - 1]]), [])
            except csv.Error:
                cells = []
            column = header[len(cells) - 1] if rows and 0 < len(cells) <= len(header) else None
        else:
            expected = "cells separated by commas, a quoted cell closed by a double quote before the next comma"
            found = message
        return [], [Problem(shown, start, column, expected, found, "csv-error")]
    return rows, []


# --- step 3: header ----------------------------------------------------------


def check_header(header: list[str], shown: str, fields: list[str]) -> list[Problem]:
    if not set(header) & set(fields):
        return [Problem(shown, 1, None, "a CSV table whose first line names its columns: " + ", ".join(fields),
                        "a first line " + quoted(",".join(header)), "not-a-table")]
    problems = []
    for name in fields:
        if name not in header:
            problems.append(Problem(shown, 1, name, f'a column named "{name}"',
                                    "no such column in the header", "missing-column"))
    for name in header:
        if name not in fields:
            problems.append(Problem(shown, 1, shorten(name, 40), "only the columns " + ", ".join(fields),
                                    f'an extra column "{name}"', "extra-column"))
    if not problems and header != fields:
        problems.append(Problem(shown, 1, None, "the columns in the order " + ", ".join(fields),
                                "the order " + ", ".join(header), "column-order"))
    if len(set(header)) != len(header):
        problems.append(Problem(shown, 1, None, "each column name once",
                                "a repeated column name", "duplicate-column"))
    return problems


def check_geojson(raw: bytes, shown: str, resource: dict) -> list[Problem]:
    """A map layer: a FeatureCollection of lines, each with a known ``kind``."""
    kinds = resource.get("kursk:featureKinds", [])
    try:
        collection = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as error:
        return [Problem(shown, error.lineno, str(error.colno), "valid JSON", error.msg, "json-error")]
    except RecursionError:
        return [Problem(shown, None, None, "valid JSON", "nesting too deep to read", "json-error")]
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(features, list) or not features:
        found = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        return [Problem(shown, None, None, "a GeoJSON FeatureCollection with features",
                        f"type {shorten(repr(found))}", "geojson-error")]
    problems = []
    for index, feature in enumerate(features):
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        kind = properties.get("kind")
        if geometry.get("type") not in ("LineString", "MultiLineString") \
                or not isinstance(geometry.get("coordinates"), list):
            problems.append(Problem(shown, None, f"features[{index}].geometry",
                                    "a LineString or MultiLineString with coordinates",
                                    shorten(repr(geometry.get("type"))), "geojson-error"))
        if not isinstance(kind, str) or kind not in kinds:
            problems.append(Problem(shown, None, f"features[{index}].properties.kind",
                                    "one of: " + ", ".join(kinds), shorten(repr(kind)), "geojson-error"))
    return problems


# --- step 4: how each cell is written ------------------------------------------------


def check_cells(rows: list[tuple[int, list[str]]], shown: str, fields: list[dict], formats: dict) -> list[Problem]:
    """Each cell written as ``kursk:cellFormats`` says for its type; numbers finite."""
    problems = []
    patterns = {t: re.compile(formats[t]["pattern"]) for t in formats}
    for line, row in rows[1:]:
        for index, field in enumerate(fields):
            if index >= len(row) or row[index] == "":
                continue
            kind = field.get("type", "string")
            cell = row[index]
            good = patterns[kind].fullmatch(cell) is not None
            if good and kind == "number":
                good = math.isfinite(float(cell))
            if not good:
                problems.append(Problem(shown, line, field["name"], formats[kind]["expected"], quoted(cell),
                                        "type-error"))
    return problems


# --- step 5: rows, through frictionless --------------------------------------------

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
        return "one of: " + ", ".join(map(str, field.constraints.get("enum", [])))
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


def _row_problem(error, resource, shown: str, rules: dict[str, str], period: dict,
                 lines: dict[int, int], types: dict[str, str]) -> Problem | None:
    kind = error.type
    row_number = getattr(error, "row_number", None)
    line = lines.get(row_number, row_number)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    found = quoted(cell)
    field = resource.schema.get_field(column) if column and resource.schema.has_field(column) else None
    if kind == "type-error" and field is not None:
        return Problem(shown, line, column, types.get(field.type, field.type), found, kind)
    if kind == "constraint-error" and field is not None:
        match = _CONSTRAINT.search(error.note or "")
        name, value = match.groups() if match else ("?", error.note)
        if name == "maxLength":
            found = f"{len(cell)} characters"
        return Problem(shown, line, column, _constraint_expected(field, name, value, period), found, kind)
    if kind == "unique-error":
        other = _POSITION.search(error.note or "")
        where = f" (it is also on line {lines.get(int(other.group(1)), other.group(1))})" if other else ""
        return Problem(shown, line, column, "a value used only once in the column", found + where, kind)
    if kind == "primary-key":
        if len(resource.schema.primary_key) == 1:
            return None  # a single-field key is unique: reported as unique-error
        names = ", ".join(resource.schema.primary_key)
        cells = dict(zip(resource.schema.field_names, getattr(error, "cells", []) or []))
        found = ", ".join(f"{n} {quoted(cells.get(n))}" for n in resource.schema.primary_key)
        return Problem(shown, line, names, f"each combination of {names} only once",
                       f"{found}, which an earlier line has", kind)
    if kind == "foreign-key":
        names = ", ".join(error.field_names)
        values = ", ".join(quoted(v) for v in error.field_cells)
        # a reference to no named resource is to the table itself
        name = error.reference_name or resource.name
        target = resource.package.get_resource(name).path if resource.package.has_resource(name) else name
        return Problem(shown, line, names,
                       f"a value listed in column {', '.join(error.reference_field_names)} "
                       f"of {Path(shown).parent.as_posix()}/{target}",
                       f"{values}, which is not there", kind)
    if kind == "row-constraint":
        formula = next((f for f in rules if f in (error.note or "")), None)
        names = [f.name for f in resource.schema.fields if re.search(rf"\b{re.escape(f.name)}\b", formula or "")]
        cells = dict(zip(resource.schema.field_names, getattr(error, "cells", []) or []))
        found = ", ".join(f"{n} {quoted(cells.get(n))}" if cells.get(n) else f"{n} empty" for n in names)
        return Problem(shown, line, None, rules.get(formula, shorten(error.note or "")), found or None, kind)
    if kind in ("blank-row",):
        return Problem(shown, line, None, "no blank rows", "a blank row", kind)
    if kind in ("extra-cell", "missing-cell"):
        count = len(resource.schema.fields)
        return Problem(shown, line, column, f"{count} cells, one per column",
                       "a cell too many" if kind == "extra-cell" else "a cell too few", kind)
    return Problem(shown, line, column, "valid data", shorten(error.message), kind)


def check_rows(package, spec: dict, shown: str, period: dict, lines: dict[int, int],
               types: dict[str, str]) -> list[Problem]:
    """Types, required values, enums, patterns, ranges, unique and primary keys, foreign
    keys (by the ``frictionless`` validator) and the ``kursk:rowChecks`` rules."""
    try:
        resource = package.get_resource(spec["name"])
        resource.dialect.header_rows = [1]
        rules = {rule["formula"]: rule["expected"] for rule in spec.get("kursk:rowChecks", [])}
        checklist = Checklist(checks=[checks.row_constraint(formula=f) for f in rules])
        report = resource.validate(checklist=checklist)
        found = [_row_problem(e, resource, shown, rules, period, lines, types)
                 for task in report.tasks for e in task.errors]
    except FrictionlessException as error:
        # the validator could not read the table with the schema the descriptor gives it
        return [Problem(shown, None, None, "a table the validator can read with the schema of datapackage.json",
                        shorten(error.error.message), "validator-error")]
    except (TypeError, ValueError) as error:
        # a rule of the descriptor that the validator cannot apply to this table
        return [Problem(shown, None, None, "rules in datapackage.json that the validator can apply to this "
                        "table (check its schema: constraints, keys, rowChecks)", shorten(str(error)),
                        "validator-error")]
    found = [p for p in found if p is not None]
    # A cell that is already wrong makes every rule that reads it fail too:
    # report the cell, not the cascade.
    bad_rows = {p.line for p in found if p.code != "row-constraint"}
    return [p for p in found if p.code != "row-constraint" or p.line not in bad_rows]


# --- step 6: whole tables -------------------------------------------------------------


def check_not_empty(rows: list, shown: str, spec: dict) -> list[Problem]:
    """A table the book reads holds at least one row, unless ``kursk:mayBeEmpty``."""
    if len(rows) > 1 or spec.get("kursk:mayBeEmpty", False):
        return []
    return [Problem(shown, 2, None, "at least one row after the header (the book reads this table; "
                    "datapackage.json does not mark it kursk:mayBeEmpty)", "only the header", "empty-table")]


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def _column(rows: list, name: str) -> int | None:
    header = rows[0][1] if rows else []
    return header.index(name) if name in header else None


def check_area_limits(rows: list, shown: str, spec: dict, tables: dict, shown_of: dict) -> list[Problem]:
    """No area larger than the whole region its subject lies in (``kursk:areaLimits``): the
    subjects table gives each subject's region, the regions table each region's area."""
    limits = spec.get("kursk:areaLimits")
    if not limits:
        return []
    regions, subjects = limits["regions"], limits["subjects"]
    region_rows, subject_rows = tables.get(regions["resource"]), tables.get(subjects["resource"])
    key, area = _column(region_rows, regions["key"]), _column(region_rows, regions["area"])
    s_key, s_region = _column(subject_rows, subjects["key"]), _column(subject_rows, subjects["region"])
    if None in (key, area, s_key, s_region):
        return [Problem(shown, None, None, f'kursk:areaLimits to name a table ("{regions["resource"]}") with the '
                        f'columns "{regions["key"]}" and "{regions["area"]}", and a table ("{subjects["resource"]}") '
                        f'with the columns "{subjects["key"]}" and "{subjects["region"]}"', "no such table or columns",
                        "descriptor-error")]
    try:
        areas = {row[key]: float(row[area]) for _, row in region_rows[1:]}
        region_of = {row[s_key]: row[s_region] for _, row in subject_rows[1:]}
    except (IndexError, ValueError):
        return [Problem(shown_of[regions["resource"]], None, regions["area"], "an area in km² on every row",
                        "a row without one", "area-limit")]
    unbounded = set(subjects.get("unbounded", []))
    header = rows[0][1]
    unit_at, subject_at = header.index(limits.get("unit", "unit")), header.index(limits.get("subject", "subject"))
    problems = []
    for line, row in rows[1:]:
        factor = limits["units"].get(row[unit_at])
        subject = row[subject_at]
        if factor is None or subject in unbounded or subject not in region_of:
            continue  # not an area; an area across regions; an unknown subject (the foreign key reports it)
        region = region_of[subject]
        if not region:
            problems.append(Problem(shown, line, "subject",
                                    f"a subject with a region in {shown_of[subjects['resource']]} (the area is "
                                    "checked against it), or one listed as unbounded under kursk:areaLimits in "
                                    "datapackage.json", f"{quoted(subject)}, which has no region", "area-limit"))
            continue
        if region not in areas:
            continue  # the subjects table's foreign key reports it
        for column in limits["columns"]:
            value = _number(row[header.index(column)])
            if value is not None and value * factor > areas[region]:
                problems.append(Problem(
                    shown, line, column,
                    f"an area no larger than the whole of {region} ({areas[region]:,.0f} km², "
                    f"{shown_of[regions['resource']]})",
                    f'"{row[header.index(column)]}" {row[unit_at]}', "area-limit"))
    return problems
