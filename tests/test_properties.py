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
