"""The data view under every chart of the web book: a table of exactly the marks the chart
draws, with links to their sources, and a CSV file of the same rows.

For each chart of a page (the renderer's ``<div class="kursk-chart">`` with its compiled
Vega spec, inside a named figure), :func:`add_views` reads the marks' rows
(:func:`kursk.charts.dataview.marks`) and writes after the figure a disclosure
(``<details>``, which works with the keyboard, a screen reader and with scripts off)
holding the table, and beside it a link to ``_downloads/charts/<figure name>.csv``, a
file written here at build time: the same rows with their ids, and the sources' ids
and addresses. The file is named by the figure's label, so links to it hold from build
to build. The PDF edition is untouched (its ledger carries the tables).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from sphinx.errors import ExtensionError

from ..charts.theme import CHART_MARKUP
from ..charts.dataview import SOURCE_FIELDS, Kind, cell, marks, shown_columns, text
from ..dataset.read import source_labels
from ..vocabulary import source_and_date
from ..ledger import LEDGER_DOC, TIMELINE_DOC, claim_anchor, event_anchor

#: Where the charts' CSV files go, in the HTML output.
CSV_DIR = "_downloads/charts"
#: A page's link to a chart's CSV file (the group: the file's name).
CSV_LINK = r'href="[^"]*_downloads/charts/([^"/]+\.csv)"'

FIGURE = re.compile(r'<figure\b[^>]*\bid="([^"]+)"')
NOWRAP = ' class="kursk-nowrap"'


class Sources:
    """What the data view needs of the dataset and of the Sources page, looked up once a build."""

    def __init__(self, app):
        data = app.kursk_dataset
        sources = data.tables["sources"]
        # "Label, date", as the charts' tooltips name a source
        labels = source_and_date(sources.assign(source_label=source_labels(sources)))
        self.label = dict(zip(sources["source_id"].astype(str), labels))
        self.url = dict(zip(sources["source_id"].astype(str), sources["url"].fillna("").astype(str)))
        claims = data.tables["claims"]
        self.of_claim = dict(zip(claims["claim_id"].astype(str), claims["source_id"].astype(str)))
        self.of_event: dict[str, list[str]] = {}
        for event, source in data.tables["event_sources"][["event_id", "source_id"]].itertuples(index=False):
            self.of_event.setdefault(str(event), []).append(str(source))
        domain = app.env.get_domain("cite")
        self.entry = {c.key: (c.bibliography_key.docname, c.citation_id) for c in domain.citations}

    def of_row(self, kind: Kind, row: dict) -> list[str]:
        """The ids of the sources of a mark."""
        if kind.key == "ref_claim_id":
            ids = [self.of_claim[row["claim_id"]], self.of_claim[row["ref_claim_id"]]]
        elif kind.key == "event_id":
            ids = self.of_event.get(row["event_id"], [])
        elif kind.key == "place_id":
            ids = [s for s in str(row.get("source_ids") or "").split(";") if s]
        elif "key" in row:
            ids = [row["key"]]
        else:
            ids = []
        unknown = [s for s in ids if s not in self.label]
        if unknown:
            raise ExtensionError(f"a chart's mark cites {unknown}, which data/sources.csv does not hold")
        return list(dict.fromkeys(ids))


def csv_rows(kind: Kind, rows: list[dict], sources: Sources) -> list[list[str]]:
    """The CSV of a chart: a header, then a row per mark (its fields, then its sources)."""
    out = [[*kind.fields, *SOURCE_FIELDS]]
    for row in rows:
        ids = sources.of_row(kind, row)
        out.append([text(row.get(field)) for field in kind.fields]
                   + ["; ".join(sources.label[s] for s in ids), "; ".join(ids),
                      "; ".join(sources.url[s] for s in ids)])
    return out


def csv_text(table: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def _link(pathto, docname: str, anchor: str, words: str) -> str:
    """A link to ``anchor`` on the page of ``docname`` (Sphinx's ``pathto`` gives "#" for the
    page being written)."""
    page = pathto(docname)
    href = ("" if page == "#" else page) + "#" + anchor
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(words)}</a>'


def table_html(kind: Kind, rows: list[dict], sources: Sources, pathto, label: str, csv_href: str) -> str:
    """The disclosure under a chart: the table of its marks, and the link to its CSV."""
    columns = shown_columns(kind, rows)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h, _ in columns)
    links_to = "Source and ledger row" if kind.ledger else "Source and timeline row" if kind.timeline else "Source"
    if kind.key != "event_ids":
        head += f'<th scope="col">{links_to}</th>'
    body = []
    for row in rows:
        cells = "".join(f"<td{NOWRAP if heading in ('Date', 'Month') else ''}>"
                        f"{html.escape(cell([text(row.get(f)) for f in fields]))}</td>" for heading, fields in columns)
        if kind.key != "event_ids":
            links = []
            for source in sources.of_row(kind, row):
                docname, anchor = sources.entry[source]
                links.append(_link(pathto, docname, anchor, sources.label[source]))
            rows_at = [(LEDGER_DOC, claim_anchor(row[field]), row[field]) for field in kind.ledger]
            if kind.timeline:
                rows_at.append((TIMELINE_DOC, event_anchor(row[kind.timeline]), row[kind.timeline]))
            links += [_link(pathto, doc, anchor, words) for doc, anchor, words in rows_at]
            cells += f"<td>{'; '.join(links)}</td>"
        body.append(f"<tr>{cells}</tr>")
    noun = kind.noun[0] if len(rows) == 1 else kind.noun[1]
    name = html.escape(f"Data of figure {label}", quote=True)
    return (
        f'<div class="kursk-dataview" data-chart="{html.escape(label, quote=True)}">'
        f'<a class="kursk-csv" href="{html.escape(csv_href, quote=True)}" download="{html.escape(label, quote=True)}.csv">'
        f'Download CSV<span class="visually-hidden"> of figure {html.escape(label)}</span></a>'
        f"<details><summary>Data: {len(rows)} {noun}</summary>"
        f'<div class="kursk-dataview-scroll" role="region" aria-label="{name}" tabindex="0">'
        f'<table class="kursk-dataview-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></details></div>"
    )


def add_views(app, pagename: str, body: str, pathto) -> str:
    """``body`` with the data view after each chart's figure; the charts' CSV files written."""
    if "kursk-chart-spec" not in body:
        return body
    if not hasattr(app, "kursk_sources"):
        app.kursk_sources = Sources(app)
    sources = app.kursk_sources
    folder = Path(app.outdir) / CSV_DIR
    inserts = []
    for match in CHART_MARKUP.finditer(body):
        figures = list(FIGURE.finditer(body, 0, match.start()))
        end = body.find("</figure>", match.end())
        if not figures or end < 0 or body.find("</figure>", figures[-1].end(), match.start()) >= 0:
            raise ExtensionError(f"{pagename}: a chart outside a named figure (the data view names its "
                                 "CSV file after the figure's :name:)")
        label = figures[-1].group(1)
        kind, rows = marks(json.loads(match["spec"]))
        if kind is None:
            raise ExtensionError(f"{pagename}: figure {label} draws no row with an id (claim_id, event_id, "
                                 "place_id, ...), so it can have no data view (see kursk/charts/dataview.py)")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{label}.csv"
        content = csv_text(csv_rows(kind, rows, sources))
        if not target.is_file() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
        href = pathto(f"{CSV_DIR}/{label}.csv", 1)
        inserts.append((end + len("</figure>"), table_html(kind, rows, sources, pathto, label, href)))
    for at, view in reversed(inserts):
        body = body[:at] + view + body[at:]
    return body

