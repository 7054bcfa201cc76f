"""The descriptor, ``datapackage.json``: read, and checked for every part the loader relies on.

Frictionless validates the tables against the descriptor, but a descriptor of the wrong
shape makes it fail with a traceback instead of a message. So the descriptor is checked
first: valid JSON, resources with names and relative paths, fields with known types,
constraints, keys and the book's own rules (``kursk:*``) of the right kind. Each fault is
a :class:`~kursk.errors.Problem` naming the key, as a JSON pointer.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path, PurePosixPath

from .checks import check_bytes
from .errors import Problem, shorten

#: The column types the descriptor may use.
TYPES = ("string", "number", "integer", "date", "boolean")

def _constraint_fault(kind: str, name: str, value) -> str | None:
    """What a constraint's value should be, when it is not (``None`` when it is fine)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if name in ("required", "unique"):
        return None if isinstance(value, bool) else "true or false"
    if name in ("minLength", "maxLength"):
        return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else "a whole number"
    if name in ("minimum", "maximum"):
        if kind == "date":
            return None if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else "a date YYYY-MM-DD"
        if kind in ("number", "integer"):
            return None if number else "a finite number"
        return "no minimum or maximum for this type"
    if name == "pattern":
        try:
            re.compile(value)
        except (TypeError, re.error):
            return "a regular expression"
        return None
    if name == "enum":
        return None if isinstance(value, list) and value and all(isinstance(v, str) for v in value) \
            else "a list of the allowed values, as text"
    return "one of the constraints required, unique, minLength, maxLength, minimum, maximum, pattern, enum"


def _area_limits_ok(limits, names: list) -> bool:
    """Whether ``kursk:areaLimits`` has every part :func:`check_area_limits` reads."""
    if not isinstance(limits, dict):
        return False
    subjects, units, columns, regions = (limits.get(k) for k in ("subjects", "units", "columns", "regions"))
    return (isinstance(subjects, dict) and all(isinstance(subjects.get(k), str) for k in ("resource", "key", "region"))
            and isinstance(subjects.get("unbounded", []), list)
            and all(isinstance(s, str) for s in subjects.get("unbounded", []))
            and isinstance(units, dict) and all(isinstance(f, (int, float)) and not isinstance(f, bool)
                                                and math.isfinite(f) and f > 0 for f in units.values())
            and isinstance(columns, list) and all(c in names for c in columns)
            and limits.get("unit", "unit") in names and limits.get("subject", "subject") in names
            and isinstance(regions, dict) and all(isinstance(regions.get(k), str) for k in ("resource", "key", "area")))


def _values_ok(values, enum) -> bool:
    """Whether ``kursk:values`` labels and describes exactly the values of the column's enum."""
    return (isinstance(values, dict) and isinstance(enum, list) and sorted(values) == sorted(enum)
            and all(isinstance(v, dict) and isinstance(v.get("label"), str) and isinstance(v.get("description"), str)
                    for v in values.values()))


def _groups_ok(groups) -> bool:
    """Whether ``kursk:sideGroups`` is an object of groups, each with a label and a list of sides."""
    return isinstance(groups, dict) and bool(groups) and all(
        isinstance(g, dict) and isinstance(g.get("label"), str) and isinstance(g.get("sides"), list)
        and all(isinstance(s, str) for s in g["sides"]) for g in groups.values())


def _finite(value, low: float, high: float) -> bool:
    """A number (not a truth value) from ``low`` to ``high``."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and low <= value <= high


def _date_ref_ok(ref, own: dict, tables: dict) -> bool:
    """A side of a ``kursk:dateOrder`` rule: a date column of this table, or a date column of
    another table reached through a column of this one (``via``) that holds its ``key``."""
    if not isinstance(ref, dict) or not all(isinstance(ref.get(k, ""), str) for k in ("column", "via", "key")) \
            or "column" not in ref:
        return False
    if "via" not in ref:
        return set(ref) == {"column"} and own.get(ref["column"]) == "date"
    other = tables.get(ref.get("resource")) if isinstance(ref.get("resource"), str) else None
    return (set(ref) == {"via", "resource", "key", "column"} and ref["via"] in own and other is not None
            and ref.get("key") in other and other.get(ref["column"]) == "date")


def _date_order_ok(rules, own: dict, tables: dict) -> bool:
    """Whether ``kursk:dateOrder`` is a list of rules, each with an earlier and a later date
    (see :func:`_date_ref_ok`), an expected text, and optionally ``anyOf``, a column."""
    return isinstance(rules, list) and all(
        isinstance(r, dict) and _date_ref_ok(r.get("earlier"), own, tables)
        and _date_ref_ok(r.get("later"), own, tables) and isinstance(r.get("expected"), str)
        and (r.get("anyOf") is None or isinstance(r["anyOf"], str) and r["anyOf"] in own) for r in rules)


def _map_regions_ok(rule, own: dict, layers: set) -> bool:
    """Whether ``kursk:mapRegions`` names a map layer, this table's lat, lon and region
    columns, a cell size and a tolerance, and an anchor (lat, lon) for each region."""
    anchors = rule.get("anchors") if isinstance(rule, dict) else None
    return (isinstance(rule, dict) and isinstance(rule.get("layer"), str) and rule["layer"] in layers
            and all(isinstance(rule.get(k), str) and own.get(rule[k]) == "number" for k in ("lat", "lon"))
            and isinstance(rule.get("region"), str) and rule["region"] in own
            and _finite(rule.get("cellDegrees"), 0.001, 0.1) and _finite(rule.get("toleranceKm"), 0, 50)
            and isinstance(rule.get("expected"), str)
            and isinstance(anchors, dict) and bool(anchors) and all(
                isinstance(a, dict) and _finite(a.get("lat"), -90, 90) and _finite(a.get("lon"), -180, 180)
                for a in anchors.values()))


def _map_reach_ok(rule, own: dict, layers: set) -> bool:
    """Whether ``kursk:mapReach`` names a map layer, this table's unit and value columns,
    and the size in km of each unit of length."""
    units = rule.get("units") if isinstance(rule, dict) else None
    return (isinstance(rule, dict) and isinstance(rule.get("layer"), str) and rule["layer"] in layers
            and isinstance(rule.get("unit"), str) and rule["unit"] in own and isinstance(rule.get("columns"), list)
            and all(isinstance(c, str) and own.get(c) in ("number", "integer") for c in rule["columns"])
            and isinstance(rule.get("expected"), str)
            and isinstance(units, dict) and bool(units) and all(_finite(f, 1e-9, 1e9) for f in units.values()))


def _tables(resources: list) -> tuple[dict, set]:
    """Each table's columns (name: type) and the names of the map layers, as far as they can be read."""
    tables, layers = {}, set()
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            continue
        if resource.get("format") == "geojson":
            layers.add(resource["name"])
            continue
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if isinstance(fields, list):
            tables[resource["name"]] = {f["name"]: f.get("type", "string") for f in fields
                                        if isinstance(f, dict) and isinstance(f.get("name"), str)}
    return tables, layers


def _foreign_key(link, names: list) -> bool:
    """Whether a foreign key is an object naming this table's fields and those it points to."""
    if not isinstance(link, dict) or not isinstance(link.get("reference"), dict):
        return False
    fields, reference = link.get("fields"), link["reference"]
    targets = reference.get("fields")
    return (isinstance(fields, list) and bool(fields) and all(f in names for f in fields)
            and isinstance(reference.get("resource", ""), str)
            and isinstance(targets, list) and len(targets) == len(fields)
            and all(isinstance(t, str) for t in targets))


def _structure(descriptor, shown: str) -> list[Problem]:
    """The parts of the descriptor the loader relies on, each of the right kind."""
    problems = []

    def fault(key: str, expected: str, found) -> None:
        problems.append(Problem(shown, None, key, expected, shorten(json.dumps(found, ensure_ascii=False)),
                                "descriptor-error"))

    if not isinstance(descriptor, dict):
        fault("/", "a JSON object (a Data Package descriptor)", descriptor)
        return problems
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        fault("/resources", "a list of the dataset's files", resources)
        return problems
    formats = descriptor.get("kursk:cellFormats")
    if not isinstance(formats, dict) or not all(
            isinstance(formats.get(t), dict) and isinstance(formats[t].get("pattern"), str)
            and isinstance(formats[t].get("expected"), str) for t in TYPES):
        fault("/kursk:cellFormats", "a pattern and an expected text for each type: " + ", ".join(TYPES), formats)
    names = set()
    tables, layers = _tables(resources)
    for i, resource in enumerate(resources):
        at = f"/resources/{i}"
        before = len(problems)
        if not isinstance(resource, dict):
            fault(at, "an object describing one file", resource)
            continue
        name, path = resource.get("name"), resource.get("path")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in names:
            fault(at + "/name", "a name of lower-case letters, digits and underscores, used once", name)
        if isinstance(name, str):
            names.add(name)
        parts = PurePosixPath(path).parts if isinstance(path, str) else ()
        if not parts or PurePosixPath(path).is_absolute() or ".." in parts or "\\" in path:
            fault(at + "/path", "a relative path inside the data folder", path)
        if resource.get("format", "csv") not in ("csv", "geojson"):
            fault(at + "/format", 'the format of the file: "csv" (a table) or "geojson" (a map layer)',
                  resource["format"])
            continue
        if resource.get("format") == "geojson":
            kinds = resource.get("kursk:featureKinds")
            if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
                fault(at + "/kursk:featureKinds", "a list of the kinds of feature the layer may hold", kinds)
            continue
        if isinstance(path, str) and not path.endswith(".csv"):
            fault(at + "/path", 'a CSV file (a path ending ".csv"), or "format": "geojson"', path)
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            fault(at + "/schema/fields", "a list of the file's columns", fields)
            continue
        for j, field in enumerate(fields):
            if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
                fault(f"{at}/schema/fields/{j}", "a column with a name", field)
            elif field.get("type", "string") not in TYPES:
                fault(f"{at}/schema/fields/{j}/type", "one of: " + ", ".join(TYPES), field.get("type"))
            elif not isinstance(field.get("constraints", {}), dict):
                fault(f"{at}/schema/fields/{j}/constraints", "an object of constraints", field["constraints"])
            else:
                for name, value in field.get("constraints", {}).items():
                    expected = _constraint_fault(field.get("type", "string"), name, value)
                    if expected:
                        fault(f"{at}/schema/fields/{j}/constraints/{name}", expected, value)
                values = field.get("kursk:values")
                if values is not None and not _values_ok(values, field["constraints"].get("enum")):
                    fault(f"{at}/schema/fields/{j}/kursk:values", "an object giving each allowed value of the "
                          "column (its enum) a label and a description", values)
        names_here = [f.get("name") for f in fields if isinstance(f, dict)]
        key = schema.get("primaryKey", [])
        if not isinstance(key, list) or not all(k in names_here for k in key):
            fault(at + "/schema/primaryKey", "a list of the table's column names", key)
        links = schema.get("foreignKeys", [])
        if not isinstance(links, list) or not all(_foreign_key(link, names_here) for link in links):
            fault(at + "/schema/foreignKeys", "a list of links, each with the fields of this table and a "
                  "reference to the resource and fields it points to", links)
        rules = resource.get("kursk:rowChecks", [])
        if not isinstance(rules, list) or not all(
                isinstance(r, dict) and isinstance(r.get("formula"), str) and isinstance(r.get("expected"), str)
                for r in rules):
            fault(at + "/kursk:rowChecks", "a list of rules, each with a formula and an expected text", rules)
        if not isinstance(resource.get("kursk:mayBeEmpty", False), bool):
            fault(at + "/kursk:mayBeEmpty", "true or false", resource["kursk:mayBeEmpty"])
        groups = resource.get("kursk:sideGroups")
        if groups is not None and not _groups_ok(groups):
            fault(at + "/kursk:sideGroups", "an object of groups, each with a label and a list of sides", groups)
        limits = resource.get("kursk:areaLimits")
        if limits is not None and not _area_limits_ok(limits, names_here):
            fault(at + "/kursk:areaLimits", "an object with subjects (resource, key, region, and a list of "
                  "unbounded subjects), units "
                  "(each with its size in km²), columns and unit and subject (of this table) and regions "
                  "(resource, key, area)", limits)
        if len(problems) == before:  # a table rule reads the fields: checked once they are sound
            _table_rules(resource, at, names_here, tables, layers, fault)
    return problems


def _table_rules(resource: dict, at: str, names: list, tables: dict, layers: set, fault) -> None:
    """The shapes of the table rules of :mod:`kursk.dataset.rules`."""
    order = resource.get("kursk:dateOrder")
    own = {n: t for n, t in tables.get(resource.get("name"), {}).items() if n in names}
    if "kursk:dateOrder" in resource and not _date_order_ok(order, own, tables):
        fault(at + "/kursk:dateOrder", "a list of rules, each with an earlier and a later date (a date column of "
              "this table, or one of another table reached via a column of this one: via, resource, key, column), "
              "an expected text and optionally anyOf (a column of this table)", order)
    regions = resource.get("kursk:mapRegions")
    if "kursk:mapRegions" in resource and not _map_regions_ok(regions, own, layers):
        fault(at + "/kursk:mapRegions", "an object with a map layer (layer), this table's lat, lon and region "
              "columns, cellDegrees (0.001 to 0.1), toleranceKm (0 to 50), an expected text and anchors "
              "(each region's lat and lon)", regions)
    reach = resource.get("kursk:mapReach")
    if "kursk:mapReach" in resource and not _map_reach_ok(reach, own, layers):
        fault(at + "/kursk:mapReach", "an object with a map layer (layer), this table's unit and columns, "
              "units (each unit of length with its size in km) and an expected text", reach)


def read(path: Path, shown: str) -> tuple[dict | None, list[Problem]]:
    """Read ``datapackage.json``: (the descriptor, []) or (None, its problems)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "the file to exist", "no such file", "missing-file")]
    except OSError as error:
        return None, [Problem(shown, None, None, "a readable file", shorten(error.strerror or str(error)),
                              "unreadable-file")]
    problems = check_bytes(raw, shown, table=False)
    if problems:
        return None, problems
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as error:
        return None, [Problem(shown, error.lineno, str(error.colno), "valid JSON", error.msg, "json-error")]
    except RecursionError:
        return None, [Problem(shown, None, None, "valid JSON", "nesting too deep to read", "json-error")]
    problems = _structure(parsed, shown)
    return (None, problems) if problems else (parsed, [])
