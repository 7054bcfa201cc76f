"""Property-based tests of the loader: whatever bytes the data folder holds,
``kursk.load()`` returns a valid dataset or raises ``DataError`` naming the file,
and it never raises anything else or hangs.

Hypothesis damages the small valid fixture (``tests/data/good``) and the book's own
descriptor: random bytes, truncated and duplicated lines, swapped columns, extreme
and non-finite numbers, odd Unicode and markup in cells, and random JSON in the
descriptor. The examples are derandomized, so that CI runs the same ones each time;
``KURSK_HYPOTHESIS=explore`` runs many more, freshly drawn.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kursk
from kursk.dataset.read import DataError, validate

from conftest import TEST_DATA, make_dataset

settings.register_profile("ci", max_examples=120, derandomize=True, deadline=timedelta(seconds=20),
                          suppress_health_check=[HealthCheck.too_slow], database=None)
settings.register_profile("explore", max_examples=2000, deadline=timedelta(seconds=20),
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("KURSK_HYPOTHESIS", "ci"))

TABLES = sorted(p.stem for p in (TEST_DATA / "good").glob("*.csv"))
DTYPES = {"string": "string", "number": "Float64", "integer": "Int64", "date": "datetime64[us]",
          "boolean": "boolean"}

# Text a careless or hostile edit could put in a cell.
NASTY = st.sampled_from([
    "", " ", '"', '""', ",", "\n", "\r\n", "\t", "\x00", "\ufeff", "\u2028", "\ud7ff", "\U0001F600",
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "{raw}`<b>x</b>`", "$x$",
    "% & $ _ # { } ~ ^ \\", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e-999", "1e5",
    "9" * 40, "0x10", "1_000", "١٢٣", "１２", " 5", "5 ", "-0", "+5", "1,263", "2024-02-30", "0000-01-01",
    "9999-12-31", "true", "True", "yes", "null", "N/A", "Курская область", "김정은", "a" * 400,
])
CELL = st.one_of(NASTY, st.text(max_size=30),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def damaged_csv(draw, text: str) -> bytes:
    """One table of the fixture, damaged in one of several ways."""
    raw = text.encode("utf-8")
    how = draw(st.sampled_from(["bytes", "truncate", "insert", "cell", "swap", "lines", "header"]))
    if how == "bytes":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=40)) + raw[at + draw(st.integers(0, 5)):]
    if how == "truncate":
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        return (text[:at] + draw(st.one_of(NASTY, st.text(max_size=20))) + text[at:]).encode("utf-8", "surrogatepass")
    rows = _rows(text)
    if how == "cell":
        for _ in range(draw(st.integers(1, 3))):
            r = draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 0
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(CELL)
    elif how == "swap":
        i, j = draw(st.integers(0, len(rows[0]) - 1)), draw(st.integers(0, len(rows[0]) - 1))
        swap_header = draw(st.booleans())
        for n, row in enumerate(rows):
            if n > 0 or swap_header:
                row[i], row[j] = row[j], row[i]
    elif how == "lines":
        body = rows[1:]
        action = draw(st.sampled_from(["drop", "duplicate", "empty", "shuffle-cells"]))
        if action == "drop" and body:
            body.pop(draw(st.integers(0, len(body) - 1)))
        elif action == "duplicate" and body:
            body.append(list(body[draw(st.integers(0, len(body) - 1))]))
        elif action == "empty":
            body.append([])
        elif body:
            row = body[draw(st.integers(0, len(body) - 1))]
            row[:] = draw(st.permutations(row))
        rows = rows[:1] + body
    else:  # header
        rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(CELL)
    return _write(rows).encode("utf-8", "surrogatepass")


def _check(data: Path) -> None:
    """The property: a valid, typed dataset, or a DataError whose problems name a file."""
    try:
        dataset = kursk.load(data)
    except DataError as error:
        assert error.problems, "a DataError lists its problems"
        for problem in error.problems:
            assert problem.file.startswith("data/"), problem
            assert problem.expected and problem.code, problem
            assert problem.found is None or len(problem.found) <= 240, problem
        return
    assert validate(data) == []
    for resource in dataset.descriptor["resources"]:
        if "schema" not in resource:
            continue
        frame = dataset.tables[resource["name"]]
        assert len(frame) > 0 or resource.get("kursk:mayBeEmpty")
        for field in resource["schema"]["fields"]:
            assert str(frame[field["name"]].dtype) == DTYPES[field.get("type", "string")], field["name"]
            if field.get("type") == "number":
                values = frame[field["name"]].dropna().astype(float)
                assert values.map(pd.notna).all() and (values.abs() < float("inf")).all()


@given(table=st.sampled_from(TABLES), data=st.data())
def test_a_damaged_table_loads_or_raises_data_error(table, data):
    with tempfile.TemporaryDirectory() as folder:
        path = make_dataset(Path(folder))
        text = (path / f"{table}.csv").read_text(encoding="utf-8")
        (path / f"{table}.csv").write_bytes(data.draw(damaged_csv(text)))
        _check(path)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


def _places(node, path=()):
    """Every (path to a value) in a JSON document."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, path + (index,))


@given(data=st.data())
def test_a_damaged_descriptor_loads_or_raises_data_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = make_dataset(Path(folder))
        descriptor = path / "datapackage.json"
        raw = descriptor.read_bytes()
        if data.draw(st.booleans()):
            # bytes: cut, or something inserted
            at = data.draw(st.integers(0, len(raw)))
            cut = data.draw(st.integers(0, 20))
            broken = raw[:at] + data.draw(st.binary(max_size=10)) + raw[at + cut:]
        else:
            # structure: one value replaced by random JSON, or removed
            document = json.loads(raw)
            places = [p for p in _places(document) if p]
            where = data.draw(st.sampled_from(places))
            parent = document
            for key in where[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()):
                parent[where[-1]] = data.draw(JSON_VALUES)
            elif isinstance(parent, dict):
                del parent[where[-1]]
            else:
                parent.pop(where[-1])
            broken = json.dumps(document).encode("utf-8")
        descriptor.write_bytes(broken)
        _check(path)


# --- the meaning rules (issue 19): rows drawn to break each one are reported --------------

COUNT_UNITS = ["settlements", "people", "vehicles", "tanks", "launchers", "families", "coffins", "buildings",
               "certificates"]
STUDY_END = pd.Timestamp("2026-11-25")


def _edit(path: Path, table: str, key: str, changes: dict) -> int:
    """Set cells of the row whose first cell is ``key``; the line it is on."""
    rows = _rows((path / f"{table}.csv").read_text(encoding="utf-8"))
    line = next(n for n, row in enumerate(rows) if row[0] == key)
    for column, value in changes.items():
        rows[line][rows[0].index(column)] = value
    (path / f"{table}.csv").write_text(_write(rows), encoding="utf-8")
    return line + 1


def _day(start: str, days: int) -> str:
    return (pd.Timestamp(start) + timedelta(days=days)).strftime("%Y-%m-%d")


@st.composite
def broken_rule(draw):
    """(table, key, changes, code, file of the expected problem, line of it or None (the key's line))."""
    rule = draw(st.sampled_from(["accessed", "installation", "count", "month", "reported", "control", "event",
                                 "place", "distance", "repost", "area"]))
    later = draw(st.integers(1, 800))
    if rule == "accessed":  # read before it was published
        return ("sources", "censor-20240812-syrskyi", {"accessed": _day("2024-08-12", -later)}, "row-constraint",
                "sources", None)
    if rule == "installation":  # a population for a place that is no settlement
        return ("places", "sudzha", {"kind": draw(st.sampled_from(["infrastructure", "river_crossing",
                                                                   "border_crossing"])),
                                     "population": str(draw(st.integers(1, 10 ** 6)))}, "row-constraint",
                "places", None)
    if rule == "count":  # a fraction of a count
        whole, cents = draw(st.integers(0, 10 ** 6)), draw(st.integers(1, 99))
        return ("claims", "C0003", {"unit": draw(st.sampled_from(COUNT_UNITS)), "value": f"{whole}.{cents:02d}"},
                "row-constraint", "claims", None)
    if rule == "month":  # a month-precision date not on the 1st
        day = _day("2024-08-01", draw(st.integers(0, 800)))
        if day.endswith("-01"):
            day = day[:-2] + "02"
        return ("events", "E001", {"date": day, "date_precision": "month"}, "row-constraint", "events", None)
    if rule == "reported":  # stated after the source that carries it was published
        return ("claims", "C0003", {"reported": _day("2024-08-20", later)}, "date-order", "claims", None)
    if rule == "control":  # taken after the source reporting it was published
        date = min(pd.Timestamp("2024-08-20") + timedelta(days=later), STUDY_END).strftime("%Y-%m-%d")
        return ("control", "P0001", {"date": date}, "date-order", "control", None)
    if rule == "event":  # happened after its only source was published
        date = min(pd.Timestamp("2024-08-12") + timedelta(days=later), STUDY_END).strftime("%Y-%m-%d")
        return ("events", "E001", {"date": date}, "date-order", "event_sources", 2)
    if rule == "place":  # a place of Kursk drawn somewhere well inside another region
        lat, lon = draw(st.sampled_from([(50.9077, 34.7981), (50.6011, 36.0197), (52.1483, 34.4944)]))
        return ("places", "sudzha", {"lat": f"{lat + draw(st.floats(-0.05, 0.05)):.5f}",
                                     "lon": f"{lon + draw(st.floats(-0.05, 0.05)):.5f}"}, "map-region", "places", None)
    if rule == "repost":  # a re-post whose original is its own publisher
        name = draw(st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters='"'),
                            min_size=1, max_size=30).filter(str.strip))
        return ("sources", "wikipedia-undated-kurskoblast", {"publisher": name, "original_publisher": name},
                "row-constraint", "sources", None)
    if rule == "area":  # a region with no area
        return ("regions", "Kursk", {"area_km2": draw(st.sampled_from(["0", "0.0", "0.00"]))}, "row-constraint",
                "regions", None)
    unit, factor = draw(st.sampled_from([("km", 1.0), ("mi", 1.609344)]))  # beyond the map's diagonal (325 km)
    value = draw(st.integers(int(325 / factor) + 1, 10 ** 6))
    return ("claims", "C0003", {"unit": unit, "value": str(value)}, "map-reach", "claims", None)


@settings(max_examples=60)
@given(case=broken_rule())
def test_a_row_breaking_a_meaning_rule_is_reported(case):
    table, key, changes, code, file, line = case
    with tempfile.TemporaryDirectory() as folder:
        path = make_dataset(Path(folder))
        edited = _edit(path, table, key, changes)
        problems = validate(path)
        where = [(p.file, p.line, p.code) for p in problems]
        assert (f"data/{file}.csv", line or edited, code) in where, (changes, [str(p) for p in problems])
