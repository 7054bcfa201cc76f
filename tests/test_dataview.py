"""The data view under every chart: a table of exactly the marks the chart draws, with links
to their sources (and ledger or timeline rows), and a CSV file of the same rows.

The build tests read the built web book: the compiled Vega spec of each chart (from the
page's spec script, as the browser gets it), the CSV file the page links to, and the
table in the page. The unit tests check how marks are found in a compiled spec.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

import kursk
from kursk.charts.dataview import KINDS, SOURCE_FIELDS, cell, marks, shown_columns, text

SPEC_LINE = re.compile(r'^kurskSpec\("(kursk-chart-[0-9a-f]+)",(.*)\);$')


def _specs(path: Path, page) -> dict[str, dict]:
    """The compiled spec of every chart of a page, by the chart's element id, from the
    spec script the page loads."""
    specs = {}
    for script in sorted(set(page.xpath('//div[@class="kursk-chart"]/@data-spec'))):
        for line in (path.parent / unquote(script)).resolve().read_text(encoding="utf-8").splitlines():
            match = SPEC_LINE.match(line)
            if match:
                specs[match.group(1)] = json.loads(match.group(2))
    return specs


def _pages(html_dir: Path):
    for path in sorted(html_dir.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        if page.xpath('//div[@class="kursk-chart"]'):
            yield path, page


def _all_rows(spec: dict, key: str) -> list[dict]:
    """Every row of the spec's inline data that has ``key`` (read here without the package)."""
    rows = []
    for entry in spec.get("data", []):
        rows += [r for r in entry.get("values") or [] if isinstance(r, dict) and key in r]
    for mark in spec.get("marks", []):
        rows += _all_rows(mark, key)
    return rows


def _read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    text_ = raw.decode("utf-8")  # UTF-8, or this fails
    assert not text_.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text_)))


def _anchor_exists(page_path: Path, href: str, cache: dict) -> bool:
    parts = urlsplit(href)
    target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
    if not target.is_file():
        return False
    if not parts.fragment:
        return True
    if target not in cache:
        cache[target] = set(lxml.html.fromstring(target.read_text(encoding="utf-8")).xpath("//@id"))
    return parts.fragment in cache[target]


def test_every_chart_has_its_table_and_csv_of_exactly_its_marks(book):
    """For every chart of every page: the CSV's rows are the marks of the chart's compiled
    spec (same ids, same values, each once), its sources those the data gives the mark;
    the table's rows are the CSV's; every link of the table and the CSV link resolve."""
    html_dir = book / "_build" / "html"
    data = kursk.load(book / "data")
    claim_source = dict(zip(data.tables["claims"].claim_id, data.tables["claims"].source_id))
    urls = dict(zip(data.tables["sources"].source_id, data.tables["sources"].url.fillna("")))
    anchors: dict = {}
    charts = rows_covered = 0
    labels = []
    problems = []
    for path, page in _pages(html_dir):
        rel = path.relative_to(html_dir).as_posix()
        specs = _specs(path, page)
        divs = page.xpath('//div[@class="kursk-chart"]')
        views = page.xpath('//div[@class="kursk-dataview"]')
        assert len(views) == len(divs), f"{rel}: {len(divs)} charts but {len(views)} data views"
        for div, view in zip(divs, views):
            charts += 1
            figure = div.xpath("ancestor::figure[1]")[0]
            label = figure.get("id")
            labels.append(label)
            assert view.get("data-chart") == label, f"{rel}: the data view after {label} is {view.get('data-chart')}"
            assert figure.getnext() is view, f"{rel}: the data view of {label} does not follow its figure"
            kind, spec_rows = marks(specs[div.get("id")])
            assert kind is not None, f"{rel}: {label} draws no row with an id"
            # the compiled spec's rows with the id, read without the package: each is in the CSV
            independent = {json.dumps(r, sort_keys=True) for r in _all_rows(specs[div.get("id")], kind.key)}
            assert len(independent) == len(spec_rows)

            link = view.xpath('a[@class="kursk-csv"]')[0]
            csv_path = (path.parent / unquote(link.get("href"))).resolve()
            assert csv_path.name == f"{label}.csv" and csv_path.parent.name == "charts"
            table = _read_csv(csv_path)
            assert list(table[0]) == [*kind.fields, *SOURCE_FIELDS], f"{label}: CSV columns {list(table[0])}"
            assert len(table) == len(spec_rows), f"{label}: {len(table)} CSV rows, {len(spec_rows)} marks"
            for mark, row in zip(spec_rows, table):
                for field in kind.fields:
                    if row[field] != text(mark.get(field)):
                        problems.append(f"{label} {row[kind.fields[0]]}: {field} {row[field]!r} != {mark.get(field)!r}")
                ids = [s for s in row["source_id"].split("; ") if s]
                if kind.key in ("claim_id", "control_id") and ids != [mark["key"]]:
                    problems.append(f"{label}: {row[kind.key]} cites {ids}, the chart {mark['key']}")
                if kind.key == "claim_id" and ids != [claim_source[mark["claim_id"]]]:
                    problems.append(f"{label}: {mark['claim_id']} cites {ids} in the CSV, "
                                    f"{claim_source[mark['claim_id']]} in the data")
                if row["source_url"].split("; ") != [urls[s] for s in ids] and ids:
                    problems.append(f"{label}: the addresses of {ids} are not those of data/sources.csv")
            rows_covered += len(table)

            summary = view.xpath("details/summary")[0].text_content()
            noun = kind.noun[0] if len(table) == 1 else kind.noun[1]
            assert summary == f"Data: {len(table)} {noun}", f"{label}: {summary!r}"
            columns = shown_columns(kind, spec_rows)
            head = [th.text_content() for th in view.xpath(".//thead/tr/th")]
            assert head[:len(columns)] == [h for h, _ in columns], f"{label}: headings {head}"
            body = view.xpath(".//tbody/tr")
            assert len(body) == len(table), f"{label}: {len(body)} table rows, {len(table)} CSV rows"
            for tr, row in zip(body, table):
                cells = tr.xpath("td")
                shown = [c.text_content() for c in cells[:len(columns)]]
                expected = [cell([row[f] for f in fields]) for _, fields in columns]
                if shown != expected:
                    problems.append(f"{label}: table row {shown} != CSV {expected}")
                if kind.key == "event_ids":
                    continue
                hrefs = cells[-1].xpath("a/@href")
                linked = [h for h in hrefs if "references.html#" in h]
                ids = [s for s in row["source_id"].split("; ") if s]
                if len(linked) != len(ids):
                    problems.append(f"{label}: {len(linked)} links to the Sources page for the sources {ids}")
                for claim_field in kind.ledger:
                    if not any(h.endswith(f"ledger.html#claim-{row[claim_field]}") or h == f"#claim-{row[claim_field]}"
                               for h in hrefs):
                        problems.append(f"{label}: no link to the ledger row of {row[claim_field]}")
                for href in hrefs:
                    if not _anchor_exists(path, href, anchors):
                        problems.append(f"{rel}: {label}: the link {href} leads nowhere")
    assert problems == [], "\n".join(problems[:40])
    assert len(labels) == len(set(labels)), "two charts share a label, and so a CSV file"
    csv_files = sorted(p.stem for p in (html_dir / "_downloads" / "charts").glob("*.csv"))
    assert csv_files == sorted(labels), "a CSV file that no chart links to, or a chart without one"
    assert charts >= 60 and rows_covered >= 1000, (charts, rows_covered)


def test_the_data_view_works_without_scripts(book):
    """The table is in the page itself, in a <details> element (no script opens it), and the
    CSV link is a plain link to a file: nothing depends on JavaScript."""
    page = (book / "_build" / "html" / "chapters" / "incursion.html").read_text(encoding="utf-8")
    view = page[page.index('<div class="kursk-dataview"'):]
    view = view[:view.index("</details></div>")]
    assert "<details><summary>Data: " in view and "<table" in view and "<script" not in view
    assert re.search(r'<a class="kursk-csv" href="\.\./_downloads/charts/[\w-]+\.csv" download=', view)


# --- how marks are found in a compiled spec (no build) -----------------------------------

def _spec(*datasets, marks_=()):
    return {"data": [{"name": f"d{i}", "values": v} for i, v in enumerate(datasets)], "marks": list(marks_)}


def test_marks_are_the_rows_with_the_most_specific_id_each_once():
    claim = {"claim_id": "C1", "claimant": "A", "key": "s1", "value": 3.0}
    pair = {"claim_id": "C1", "ref_claim_id": "C2", "ratio": 1.5}
    rule = {"ratio": 1.0}
    kind, rows = marks(_spec([claim, claim, rule]))
    assert kind.key == "claim_id" and rows == [claim]
    kind, rows = marks(_spec([rule], [pair, claim]))
    assert kind.key == "ref_claim_id" and rows == [pair]
    nested = _spec([], marks_=[{"type": "group", "data": [{"name": "x", "values": [{"event_id": "E1"}]}]}])
    assert marks(nested) == (next(k for k in KINDS if k.key == "event_id"), [{"event_id": "E1"}])
    assert marks(_spec([rule])) == (None, [])


def test_values_print_as_the_chart_holds_them():
    assert [text(v) for v in (1000.0, 1.25, None, float("nan"), "720 km²", 3, True)] == [
        "1000", "1.25", "", "", "720 km²", "3", "true"]
    assert cell(["Agentstvo", "Independent"]) == "Agentstvo (Independent)"
    assert cell(["Sudzha", ""]) == "Sudzha"


def test_every_kind_shows_who_when_what_and_is_named_by_its_id():
    for kind in KINDS:
        assert kind.fields[0] == kind.key or kind.key in kind.fields, kind.key
        shown = {f for _, fields in kind.columns for f in fields}
        assert shown <= set(kind.fields), f"{kind.key}: the table shows fields the CSV lacks: {shown - set(kind.fields)}"


#: The first-visit weight of a page, gzip as served, every chart drawn (issue 10's target,
#: measured in the browser by benchmarks/run.py; here summed from the files the page loads).
FIRST_VISIT_GZIP_KB = 400


def test_pages_keep_their_weight_with_the_data_views(book):
    """The tables are text in the page: with them, every page, with what it loads on a first
    visit (its scripts, stylesheets, chart specs and, with charts, the Vega runtime), stays
    within the target weight."""
    import gzip

    html_dir = book / "_build" / "html"
    heavy = {}
    for path in sorted(html_dir.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        page = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        loads = {*page.xpath("//script/@src"), *page.xpath('//link[@rel="stylesheet"]/@href'),
                 *page.xpath('//div[@class="kursk-chart"]/@data-spec')}
        files = {path} | {(path.parent / unquote(urlsplit(u).path)).resolve() for u in loads
                          if not urlsplit(u).scheme}
        if page.xpath('//div[@class="kursk-chart"]'):
            files.add(html_dir / "_static" / "kursk" / "vega.js")
        size = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files) / 1024
        if size > FIRST_VISIT_GZIP_KB:
            heavy[path.relative_to(html_dir).as_posix()] = round(size)
    assert heavy == {}, f"pages over {FIRST_VISIT_GZIP_KB} KB gzip on a first visit: {heavy}"
