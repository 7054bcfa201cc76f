"""The ledger of figures and the timeline: every claim and event has an anchor, every glued
figure links to its claim or says how it was computed, the divergence analysis pairs what
it says it pairs, and the dataset is published as an SQLite database."""

from __future__ import annotations

import html
import re
import sqlite3

import pandas as pd
import pytest

import kursk
from kursk import divergence, ledger, meta
from kursk.prose import Figures

# -- the analysis, on small frames --------------------------------------------------------


def _claims(rows):
    frame = pd.DataFrame(rows, columns=["claim_id", "side", "claimant", "as_of", "value", "low", "high"])
    frame["claimant_id"] = frame["claimant"]
    frame["side_label"] = frame["side"].str.title()
    frame["metric"], frame["subject"], frame["unit"], frame["label"] = "killed", "x", "people", "Killed"
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["reported"] = frame["as_of"]
    return frame


def test_pairs_take_the_nearest_non_party_figure_within_the_window():
    claims = _claims([
        ("C1", "ukraine", "A", "2025-01-10", 300, None, None),
        ("C2", "independent", "I", "2025-01-04", 100, None, None),   # 6 days before
        ("C3", "independent", "J", "2025-01-12", 150, None, None),   # 2 days after: nearest
        ("C4", "russia", "R", "2025-01-30", None, 80, 120),          # a range: midpoint 100
        ("C5", "united_states", "U", "2025-02-10", 50, None, None),  # 11 days after C4
    ])
    seven = divergence.pairs(claims, 7).set_index("claim_id")
    assert list(seven.index) == ["C1"]
    assert seven.loc["C1", "ref_claim_id"] == "C3" and seven.loc["C1", "ratio"] == 2
    fourteen = divergence.pairs(claims, 14).set_index("claim_id")
    assert fourteen.loc["C4", "ref_claim_id"] == "C5" and fourteen.loc["C4", "ratio"] == 2
    assert divergence.pairs(claims, 1).empty
    summary = divergence.summary(fourteen.reset_index(), "side_label").set_index("side_label")
    assert summary.loc["Ukraine", "pairs"] == 1 and summary.loc["Russia", "median"] == 2


def test_a_zero_non_party_figure_gives_no_ratio():
    claims = _claims([("C1", "ukraine", "A", "2025-01-10", 3, None, None),
                      ("C2", "independent", "I", "2025-01-10", 0, None, None)])
    assert divergence.pairs(claims).empty


def test_spreads_need_two_claimants_in_the_month():
    claims = _claims([
        ("C1", "ukraine", "A", "2025-01-10", 300, None, None),
        ("C2", "ukraine", "A", "2025-01-20", 30, None, None),
        ("C3", "russia", "R", "2025-02-01", 10, None, None),
        ("C4", "independent", "I", "2025-02-20", None, 40, 60),
    ])
    table = ledger.spreads(claims)
    assert list(table.month) == ["Feb 2025"]
    row = table.iloc[0]
    assert (row.lowest, row.lowest_claim, row.highest, row.highest_claim, row.ratio) == (10, "C3", 60, "C4", 6)


def test_a_computed_figure_must_say_how():
    fig = Figures(kursk.load())
    with pytest.raises(TypeError):
        fig.value("n", 3)
    with pytest.raises(ValueError, match="say how"):
        fig.value("n", 3, how=" ")


# -- the built book -------------------------------------------------------------------------



def _page(book, name: str) -> str:
    return (book / "_build" / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_every_claim_and_event_has_one_anchor(book):
    data = kursk.load(book / "data")
    page = _page(book, "ledger")
    anchors = re.findall(r'<tr[^>]* id="claim-(C\d+)"', page)
    assert sorted(anchors) == sorted(data.claims.claim_id)
    page = _page(book, "timeline")
    anchors = re.findall(r'<tr[^>]* id="event-(E\d+)"', page)
    assert sorted(anchors) == sorted(data.events.event_id)


@pytest.mark.build
@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_glued_figures_link_to_their_claim_or_say_how_they_were_computed(book, slug):
    data = kursk.load(book / "data")
    claims = data.claims_full().set_index("claim_id")
    anchors = set(re.findall(r' id="(claim-C\d+)"', _page(book, "ledger")))
    page = _page(book, slug)
    pasted = page.count('<span class="pasted-text">')
    links = re.findall(r'<a class="kursk-figure reference internal" href="ledger\.html#(claim-(C\d+))" '
                       r'title="([^"]*)"><span class="pasted-text">', page)
    derived = re.findall(r'<span class="kursk-derived" tabindex="0" title="(Computed by the book: [^"]+)">'
                         r'<span class="pasted-text">', page)
    assert pasted > 20
    assert (len(links) + len(derived)) / pasted >= 0.95, (len(links), len(derived), pasted)
    for anchor, claim_id, title in links:
        assert anchor in anchors
        title = html.unescape(title)
        row = claims.loc[claim_id]
        assert row["claimant"] in title and row["publisher"] in title and claim_id in title


@pytest.mark.build
def test_the_ledger_says_where_each_claim_is_used(book):
    source = (book / "chapters" / "recapture.md").read_text(encoding="utf-8")
    used = set(re.findall(r'fig\.claim\("\w+", "(C\d+)"', source))
    page = _page(book, "ledger")
    rows = dict(re.findall(r'<tr[^>]* id="claim-(C\d+)">(.*?)</tr>', page, re.S))
    assert used and all("The recapture" in rows[c] and 'href="recapture.html#' in rows[c] for c in used)
    quiet = [c for c, row in rows.items() if "Not cited in the text." in row]
    assert quiet and not set(quiet) & used


@pytest.mark.build
def test_chapters_link_to_the_events_they_narrate(book):
    events = set(re.findall(r' id="(event-E\d+)"', _page(book, "timeline")))
    links = [a for slug in meta.CHAPTERS
             for a in re.findall(r'href="timeline\.html#(event-E\d+)"', _page(book, slug))]
    assert len(links) >= 5 and set(links) <= events


@pytest.mark.build
def test_the_pdf_links_figures_to_the_ledger(book):
    tex = (book / "_build" / "work" / "_build" / "latex" / "battle-for-kursk.tex").read_text(encoding="utf-8")
    targets = set(re.findall(r"\\label\{\\detokenize\{chapters/ledger:(claim-C\d+)\}\}", tex))
    links = re.findall(r"\\hyperref\[\\detokenize\{chapters/ledger:(claim-C\d+)\}\]", tex)
    assert len(targets) == len(kursk.load(book / "data").claims)
    assert len(links) > 300 and set(links) <= targets


@pytest.mark.build
def test_the_sqlite_database_holds_every_table_and_row(book):
    data = kursk.load(book / "data")
    version = data.descriptor["version"]
    path = book / "_build" / "html" / "_downloads" / f"kursk-dataset-{version}.sqlite"
    assert f"kursk-dataset-{version}.sqlite" in _page(book, "data-and-methods")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        expected = {r["name"] for r in data.descriptor["resources"] if r["name"] in data.tables}
        assert tables == expected
        for name in expected:
            (count,) = db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
            assert count == len(data.tables[name]), name
        (joined,) = db.execute("SELECT COUNT(*) FROM claims JOIN sources USING (source_id)").fetchone()
        assert joined == len(data.claims)
        (pk,) = db.execute("SELECT COUNT(*) FROM pragma_table_info('claims') WHERE pk = 1").fetchone()
        assert pk == 1
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        row = db.execute("SELECT value, as_of FROM claims WHERE claim_id = 'C0082'").fetchone()
        first = data.claims.set_index("claim_id").loc["C0082"]
        assert row == (first.value, f"{first.as_of:%Y-%m-%d}")


@pytest.mark.build
def test_each_metric_section_of_the_ledger_has_its_anchor(book):
    data = kursk.load(book / "data")
    page = _page(book, "ledger")
    for metric in data.metrics[data.metrics.metric.isin(data.claims.metric)].itertuples():
        section = re.search(rf'<section id="{ledger.metric_anchor(metric.metric)}">\s*(?:<span id="[^"]*"></span>)*<h3>([^<]+)<', page)
        assert section and html.unescape(section.group(1)).strip() == metric.label, metric.metric


@pytest.mark.build
def test_the_ledger_is_written_again_only_when_a_page_uses_other_claims(book):
    from conftest import build

    ledger_page = book / "_build" / "html" / "chapters" / "ledger.html"
    chapter = book / "chapters" / "response.md"
    original = chapter.read_text(encoding="utf-8")
    written = ledger_page.stat().st_mtime_ns
    try:
        # an edit of prose alone: the chapter is written again, the ledger is not
        chapter.write_text(original + "\nA sentence added by the test.\n", encoding="utf-8")
        assert build(book).returncode == 0
        assert "A sentence added by the test." in (ledger_page.parent / "response.html").read_text(encoding="utf-8")
        assert ledger_page.stat().st_mtime_ns == written
        # a chapter that stops using its claims: the ledger says so
        used = set(re.findall(r'fig\.claim\("\w+", "(C\d+)"', original))
        assert used
        chapter.write_text(re.sub(r"\{glue(?::text)?\}`[^`]+`", "a number", original), encoding="utf-8")
        assert build(book).returncode == 0
        page = ledger_page.read_text(encoding="utf-8")
        assert ledger_page.stat().st_mtime_ns != written
        for claim in used:
            row = re.search(rf'<tr[^>]*id="claim-{claim}".*?</tr>', page, re.S).group(0)
            assert "response.html" not in row, claim
    finally:
        chapter.write_text(original, encoding="utf-8")
        assert build(book).returncode == 0
