"""The built book in Debian's Chromium, with every other host blocked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import kursk
from kursk import charts

from browser import browser, draw_all_charts, open_page, serve
from test_data import MARKUP, _markup_claims

pytestmark = pytest.mark.browser


def test_every_page_renders_offline_with_its_charts(book):
    html = book / "_build" / "html"
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                   if "_static" not in p.parts and "_sources" not in p.parts)
    assert "chapters/data-and-methods.html" in pages
    charts_seen = 0
    with serve(html) as base, browser() as b:
        context = b.new_context()
        for rel in pages:
            page, foreign, errors = open_page(context, f"{base}/{rel}", base)
            expected = draw_all_charts(page)
            assert foreign == [], f"{rel} requested other hosts: {foreign}"
            assert errors == [], f"{rel} logged errors: {errors}"
            charts_seen += expected
            page.close()
    assert charts_seen >= 1


def test_tooltip_shows_markup_from_the_data_as_text(book, tmp_path):
    claims = _markup_claims(tmp_path)
    chart = charts.claims_over_time(claims, title="t", y_title="y", description="markup test")
    site = tmp_path / "site"
    shutil.copytree(book / "_build" / "html" / "_static" / "kursk", site / "kursk")
    (site / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<script src='kursk/kursk-charts.js'></script>"
        "</head><body>" + charts.render(chart.to_dict())["text/html"] + "</body></html>",
        encoding="utf-8")
    with serve(site) as base, browser() as b:
        page, foreign, errors = open_page(b.new_context(), f"{base}/index.html", base)
        page.wait_for_selector("div.kursk-chart[data-drawn='true'] svg path[aria-roledescription], "
                               "div.kursk-chart[data-drawn='true'] svg .mark-symbol path")
        mark = page.locator("div.kursk-chart svg .mark-symbol path").first
        mark.hover(force=True)
        tooltip = page.locator("#kursk-tooltip")
        tooltip.wait_for(state="visible", timeout=5000)
        assert MARKUP in tooltip.inner_text()
        assert "&lt;script&gt;" in tooltip.inner_html()
        assert page.evaluate("window.__pwned") is None
        assert foreign == [] and errors == []


def test_timeline_menus_filter_the_events(book):
    events = kursk.load(book / "data").events
    with serve(book / "_build" / "html") as base, browser() as b:
        page, foreign, errors = open_page(b.new_context(), f"{base}/chapters/timeline.html", base)
        draw_all_charts(page)

        def marks() -> int:
            page.wait_for_timeout(300)
            return page.locator("div.kursk-chart g.mark-symbol.role-mark path").count()

        assert marks() == len(events)
        page.select_option("div.kursk-chart select[name='chapter_pick']", label="North Korea")
        assert marks() == (events.chapter == "north_korea").sum() > 0
        page.select_option("div.kursk-chart select[name='party_pick']", label="Ukraine")
        both = (events.chapter == "north_korea") & events.actors.str.split(";").map(lambda a: "ukraine" in a)
        assert marks() == both.sum() > 0
        page.select_option("div.kursk-chart select[name='chapter_pick']", label="All chapters")
        page.select_option("div.kursk-chart select[name='party_pick']", label="All parties")
        assert marks() == len(events)
        assert foreign == [] and errors == []


def test_charts_are_drawn_as_the_reader_reaches_them(book):
    """The Vega runtime and the charts wait for the reader: the ledger's last chart is
    drawn only when it comes near the window."""
    with serve(book / "_build" / "html") as base, browser() as b:
        page, foreign, errors = open_page(b.new_context(viewport={"width": 1280, "height": 900}),
                                          f"{base}/chapters/ledger.html", base)
        page.wait_for_timeout(1500)
        charts = page.locator("div.kursk-chart")
        assert charts.count() > 10
        assert charts.last.get_attribute("data-drawn") is None
        charts.last.scroll_into_view_if_needed()
        page.wait_for_selector("div.kursk-chart:last-of-type[data-drawn='true'] svg, "
                               f"#{charts.last.get_attribute('id')}[data-drawn='true'] svg", timeout=15_000)
        assert foreign == [] and errors == []


def test_the_data_view_opens_by_keyboard_from_disk_without_javascript(book):
    """A book opened from disk (file://) with JavaScript off: Tab reaches the first chart's
    "Download CSV" link and then its "Data" disclosure, Enter opens it, and the table of the
    chart's figures shows; the CSV link leads to the file, which holds the same rows."""
    page_path = book / "_build" / "html" / "chapters" / "incursion.html"
    with browser() as b:
        context = b.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
        page = context.new_page()
        page.goto(page_path.as_uri())
        view = page.locator("div.kursk-dataview").first
        table = view.locator("table")
        assert not table.is_visible()
        view.locator("a.kursk-csv").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Enter")
        assert table.is_visible()
        rows = table.locator("tbody tr").count()
        assert view.locator("summary").inner_text() == f"Data: {rows} figures"
        href = view.locator("a.kursk-csv").get_attribute("href")
        csv_file = (page_path.parent / href).resolve()
        assert csv_file.is_file()
        assert len(csv_file.read_text(encoding="utf-8").splitlines()) == rows + 1
        context.close()
