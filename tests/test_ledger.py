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
from kursk import divergence, ledger
from kursk.publish import meta
from kursk.prose import Figures

# -- the analysis, on small frames --------------------------------------------------------


GROUPS = {"ukraine": "party", "russia": "party", "north_korea": "party", "united_states": "ally",
          "independent": "independent", "turkey": "third"}


def _claims(rows, subject_side="ukraine"):
    frame = pd.DataFrame(rows, columns=["claim_id", "side", "claimant", "as_of", "value", "low", "high"])
    frame["claimant_id"] = frame["claimant"]
    frame["side_label"] = frame["side"].str.title()
    frame["group"] = frame["side"].map(GROUPS)
    frame["metric"], frame["subject"], frame["unit"], frame["label"] = "killed", "x", "people", "Killed"
    frame["subject_label"], frame["subject_side"] = "X", subject_side
    frame["qualifier"] = "exact"
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["reported"] = frame["as_of"]
    return frame


def test_pairs_take_the_nearest_independent_figure_within_the_window():
    claims = _claims([
        ("C1", "ukraine", "A", "2025-01-10", 300, None, None),
        ("C2", "independent", "I", "2025-01-04", 100, None, None),   # 6 days before
        ("C3", "independent", "J", "2025-01-12", 150, None, None),   # 2 days after: nearest
        ("C4", "russia", "R", "2025-01-30", None, 80, 120),          # a range: midpoint 100
        ("C5", "united_states", "U", "2025-01-31", 50, None, None),  # an ally: not independent
        ("C6", "independent", "K", "2025-02-10", 50, None, None),    # 11 days after C4
        ("C7", "turkey", "T", "2025-01-30", 100, None, None),        # third-country state media: no group
    ])
    seven = divergence.pairs(claims, 7).set_index("claim_id")
    assert list(seven.index) == ["C1"]
    assert seven.loc["C1", "ref_claim_id"] == "C3" and seven.loc["C1", "ratio"] == 2
    fourteen = divergence.pairs(claims, 14).set_index("claim_id")
    assert fourteen.loc["C4", "ref_claim_id"] == "C6" and fourteen.loc["C4", "ratio"] == 2
    assert divergence.pairs(claims, 1).empty
    allied = divergence.pairs(claims, 1, reference="ally").set_index("claim_id")
    assert list(allied.index) == ["C4"] and allied.loc["C4", "ref_claim_id"] == "C5"
    summary = divergence.summary(fourteen.reset_index(), "side_label").set_index("side_label")
    assert summary.loc["Ukraine", "pairs"] == 1 and summary.loc["Russia", "median"] == 2
    with pytest.raises(ValueError):
        divergence.pairs(claims, 7, reference="third")


def test_a_partys_figures_about_its_own_side_and_the_enemy_stay_apart():
    claims = _claims([
        ("C1", "ukraine", "A", "2025-01-10", 300, None, None),
        ("C2", "russia", "R", "2025-01-10", 50, None, None),
        ("C3", "north_korea", "N", "2025-01-10", 25, None, None),
        ("C4", "independent", "I", "2025-01-10", 100, None, None),
    ])
    about = divergence.pairs(claims).set_index("claim_id")["about"]
    assert about.to_dict() == {"C1": "its own side", "C2": "the enemy", "C3": "the enemy"}
    russian = _claims([("C1", "north_korea", "N", "2025-01-10", 30, None, None),
                       ("C2", "independent", "I", "2025-01-10", 10, None, None)], subject_side="russia")
    assert divergence.pairs(russian).iloc[0]["about"] == "its own side"  # North Korea fights on Russia's side
    table = divergence.by_window(claims)
    assert set(table.window) == set(divergence.WINDOWS)
    assert set(table.reference) == {divergence.REFERENCES["independent"]}  # no allied figure here
    split = table[table.window == 7].set_index(["side_label", "about"])
    assert split.loc[("Ukraine", "its own side"), "median"] == 3
    assert split.loc[("Russia", "the enemy"), "median"] == 0.5


def test_a_zero_independent_figure_gives_no_ratio():
    claims = _claims([("C1", "ukraine", "A", "2025-01-10", 3, None, None),
                      ("C2", "independent", "I", "2025-01-10", 0, None, None)])
    assert divergence.pairs(claims).empty


def test_two_claimants_disagree_and_one_claimant_revises():
    claims = _claims([
        ("C1", "ukraine", "A", "2025-01-10", 300, None, None),
        ("C2", "ukraine", "A", "2025-01-12", 30, None, None),       # A revises: a revision, not a disagreement
        ("C3", "russia", "R", "2025-01-14", 10, None, None),        # disagrees with C1 (and C2)
        ("C4", "independent", "I", "2025-01-14", None, 40, 60),     # midpoint 50
        ("C5", "independent", "J", "2025-02-20", 1, None, None),    # too late for any pair
        ("C6", "russia", "S", "2025-01-14", 10, None, None),        # equal to C3: no pair
        ("C7", "russia", "Z", "2025-01-11", 0, None, None),         # lower figure zero: no ratio
    ])
    pairs = ledger.compared_pairs(claims, window=7)
    kinds = {(r.lo_claim_id, r.hi_claim_id): r.kind for r in pairs.itertuples()}
    assert kinds[("C2", "C1")] == "revision" and kinds[("C3", "C1")] == "disagreement"
    assert not any("C5" in pair for pair in kinds) and ("C3", "C6") not in kinds and ("C6", "C3") not in kinds
    widest = ledger.widest(pairs, "disagreement")
    assert len(widest) == 1  # one metric, subject and unit
    assert (widest.iloc[0].lo_claim_id, widest.iloc[0].hi_claim_id, widest.iloc[0].ratio) == ("C3", "C1", 30)
    assert ledger.widest(pairs, "revision").iloc[0].ratio == 10
    assert ledger.pair_figure(widest.iloc[0], "lo") == "10 people (R, 14 Jan 2025)"
    near = ledger.compared_pairs(claims, window=1)
    assert sorted(zip(near.lo_claim_id, near.hi_claim_id)) == [("C3", "C4"), ("C6", "C4"), ("C7", "C1"), ("C7", "C2")]
    assert (near.kind == "disagreement").all() and near.ratio.isna().sum() == 2  # a zero lower figure has no ratio


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
        assert row["claimant"] in title and row["source_label"] in title and claim_id in title


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
    # every figure of the prose that links to its claim in the web book links to it in the PDF
    # too (the data views under the charts, which link their rows to the ledger, are web only)
    web = {a for page in (book / "_build" / "html" / "chapters").glob("*.html")
           for a in re.findall(r'<a class="kursk-figure[^"]*" href="ledger\.html#(claim-C\d+)"',
                               page.read_text(encoding="utf-8"))}
    assert len(web) > 100 and set(links) == web and set(links) <= targets


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


@pytest.mark.build
def test_subjects_print_by_name_never_by_identifier(book):
    data = kursk.load(book / "data")
    ids = set(data.subjects.subject) | set(data.claimants.claimant_id)
    page = _page(book, "ledger")
    tables = " ".join(re.findall(r"<table.*?</table>", page, re.S))
    text = html.unescape(re.sub(r"<[^>]+>", " ", tables))
    shown = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text) and "_" in i}
    assert shown == set(), f"identifiers in the ledger's tables: {sorted(shown)}"
    labels = data.subjects.set_index("subject").label
    assert all(label in text for label in labels[labels.index.isin(data.claims.subject)])
    version = data.descriptor["version"]
    path = book / "_build" / "html" / "_downloads" / f"kursk-dataset-{version}.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = dict(db.execute("SELECT claim_id, subject FROM claims_labelled").fetchall())
    claims = data.claims.set_index("claim_id").subject
    assert rows == {c: labels[s] for c, s in claims.items()}
