"""The data layer: the book's dataset validates, and bad input is refused exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt

import kursk
from kursk import charts, vocabulary
from kursk.dataset.read import DataError, validate
from kursk.markup import markdown_table

from conftest import ROOT, TEST_DATA, make_dataset

BAD_CASES = sorted(p.name for p in (TEST_DATA / "bad").iterdir() if p.is_dir())


def test_book_dataset_is_valid():
    assert validate(ROOT / "data") == []


def test_frames_are_typed_from_the_schema():
    data = kursk.load(ROOT / "data")
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text())
    expected = {"string": "string", "number": "Float64", "integer": "Int64", "date": "datetime64[us]",
                "boolean": "boolean"}
    for resource in descriptor["resources"]:
        if "schema" not in resource:
            assert data.layers[resource["name"]]["type"] == "FeatureCollection"
            continue
        frame = data.tables[resource["name"]]
        assert list(frame.columns) == [f["name"] for f in resource["schema"]["fields"]]
        for field in resource["schema"]["fields"]:
            assert str(frame[field["name"]].dtype) == expected[field["type"]], field["name"]


def test_corpus_has_the_required_kinds_of_fault():
    assert len(BAD_CASES) >= 12
    for needed in ("non-utf8", "byte-order-mark", "crlf", "extra-column", "missing-column",
                   "wrong-type", "missing-required", "unknown-source", "unknown-place", "duplicate-id",
                   "outside-study-period", "negative-count", "low-above-high", "not-finite", "number-overflow",
                   "area-above-region", "share-above-100", "empty-table", "unbalanced-quote", "not-csv",
                   "descriptor-not-json", "descriptor-unknown-type", "duplicate-pair", "control-character",
                   # the meaning rules of issue 19: dates in order, places on the map, plausible values
                   "accessed-before-published", "reported-after-source", "control-after-source",
                   "sources-before-event", "month-not-first", "place-outside-region", "place-beyond-map", "distance-beyond-map",
                   "count-not-whole", "population-of-installation", "repost-of-itself", "region-without-area",
                   "descriptor-bad-map-rule"):
        assert needed in BAD_CASES


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_is_reported_exactly(case, tmp_path):
    data = make_dataset(tmp_path, TEST_DATA / "bad" / case)
    expected = (TEST_DATA / "bad" / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, "each case states at least one expected problem"
    assert [str(p) for p in validate(data)] == expected
    with pytest.raises(DataError) as error:
        kursk.load(data)
    assert str(error.value).splitlines()[1:] == [f"  {line}" for line in expected]


def test_every_fault_names_its_file_and_line(tmp_path):
    """Each case's problems say where: the file, and a line (or a key of the descriptor)."""
    for case in BAD_CASES:
        data = make_dataset(tmp_path / case, TEST_DATA / "bad" / case)
        for problem in validate(data):
            assert problem.file.startswith("data/"), (case, problem)
            assert problem.line is not None or (problem.column or "").startswith("/"), (case, problem)


def test_a_table_marked_may_be_empty_can_be_empty(tmp_path):
    data = make_dataset(tmp_path, TEST_DATA / "bad" / "empty-table")
    descriptor = json.loads((data / "datapackage.json").read_text())
    next(r for r in descriptor["resources"] if r["name"] == "control")["kursk:mayBeEmpty"] = True
    (data / "datapackage.json").write_text(json.dumps(descriptor))
    assert validate(data) == []
    assert len(kursk.load(data).control) == 0


def test_a_folder_in_place_of_a_table_is_a_clear_error(tmp_path):
    data = make_dataset(tmp_path)
    (data / "metrics.csv").unlink()
    (data / "metrics.csv").mkdir()
    with pytest.raises(DataError, match=r'data/metrics.csv: expected a file; found a folder'):
        kursk.load(data)


def test_an_area_within_its_region_passes_and_units_are_converted(tmp_path):
    """29,997 km² is the whole of Kursk region: 11,000 mi² (28,490 km²) passes, 12,000 mi² does not."""
    data = make_dataset(tmp_path)
    claims = (data / "claims.csv").read_text(encoding="utf-8")
    (data / "claims.csv").write_text(claims.replace("ukrainian_forces_in_kursk,1263,,,exact,km2",
                                                    "ukrainian_forces_in_kursk,11000,,,exact,mi2"))
    assert validate(data) == []
    (data / "claims.csv").write_text(claims.replace("ukrainian_forces_in_kursk,1263,,,exact,km2",
                                                    "ukrainian_forces_in_kursk,12000,,,exact,mi2"))
    assert [p.code for p in validate(data)] == ["area-limit"]


def test_good_fixture_is_valid(tmp_path):
    assert validate(make_dataset(tmp_path)) == []


MARKUP = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'


def _markup_claims(tmp_path: Path) -> pd.DataFrame:
    """The fixture dataset with markup in a claimant's name and a source title."""
    data = make_dataset(tmp_path)
    claimants = (data / "claimants.csv").read_text(encoding="utf-8")
    (data / "claimants.csv").write_text(claimants.replace("Oleksandr Syrskyi", '"' + MARKUP.replace('"', '""') + '"'), encoding="utf-8")
    assert validate(data) == []  # markup is valid text: it must be escaped, not refused
    return kursk.load(data).claims_full()


def test_markup_in_data_is_inert_in_tables(tmp_path):
    claims = _markup_claims(tmp_path)
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(
        markdown_table(claims, {"claimant": "Claimant", "value": "Value"}))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html


def test_markup_in_data_is_inert_in_chart_html(tmp_path):
    claims = _markup_claims(tmp_path)
    chart = charts.claims_over_time(claims, title="t", y_title="y", description=f"about {MARKUP}")
    html = charts.render(chart.to_dict())["text/html"]
    # our own spec holder is the only script element; the markup never appears raw
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert "<img" not in html
    payload = html.split('class="kursk-chart-spec">', 1)[1].split("</script>", 1)[0]
    spec = json.loads(payload)
    names = {row["claimant"] for data in spec["data"] for row in data.get("values", [])
             if "claimant" in row}
    assert names == {MARKUP}


def test_claim_labels_keep_the_claimants_hedge():
    row = {"value": 1294.0, "low": None, "high": None, "qualifier": "about", "unit": "km2"}
    assert vocabulary.claim_label(row) == "about 1,294 km²"
    row = {"value": None, "low": 10000.0, "high": 12000.0, "qualifier": "exact", "unit": "people"}
    assert vocabulary.claim_label(row) == "10,000–12,000 people"
    row = {"value": pd.NA, "low": 30000.0, "high": 45000.0, "qualifier": "about", "unit": "people"}
    assert vocabulary.claim_label(row) == "about 30,000–45,000 people"


def test_every_side_has_one_distinct_colour_and_shape():
    assert set(charts.SIDE_COLOURS) == set(vocabulary.SIDES) == set(charts.SIDE_SHAPES)
    assert len(set(charts.SIDE_COLOURS.values())) == len(vocabulary.SIDES)
    assert len(set(charts.SIDE_SHAPES.values())) == len(vocabulary.SIDES)
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text())
    claimants = next(r for r in descriptor["resources"] if r["name"] == "claimants")
    side = next(f for f in claimants["schema"]["fields"] if f["name"] == "side")
    assert set(side["constraints"]["enum"]) == set(vocabulary.SIDES)


def test_a_build_checks_the_data_once_and_only_the_files_it_checked(tmp_path, monkeypatch):
    """The build names the dataset it checked (KURSK_DATA_CHECKED) to the chapters it runs;
    any other files, or the same files under other checking code, are checked in full."""
    from kursk.dataset import read

    good = make_dataset(tmp_path / "good")
    bad = make_dataset(tmp_path / "bad", TEST_DATA / "bad" / "end-before-start")
    monkeypatch.setenv(read.CHECKED_ENV, read.checked_key(good))
    read._CACHE.clear()
    assert len(kursk.load(good).events) > 0
    read._CACHE.clear()
    with pytest.raises(DataError, match="end_date"):
        kursk.load(bad)
    # the rules are what is skipped: files a build has named as checked are read without them
    # (end-before-start breaks a row rule, not the parsing)
    monkeypatch.setenv(read.CHECKED_ENV, read.checked_key(bad))
    read._CACHE.clear()
    assert len(kursk.load(bad).events) > 0
    read._CACHE.clear()
