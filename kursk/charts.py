"""The book's one chart theme, party colours and renderer.

Importing this module registers and enables both, once, for every chapter:

* the theme ``kursk``: readable type sizes and one fixed, colour-blind-safe
  colour per party (the Okabe-Ito palette), the same in every chart;
* the renderer ``kursk``: for the web page, an HTML ``<div>`` holding the chart's
  Vega-Lite spec, drawn in the browser by the locally served Vega bundle (see
  :mod:`kursk.sphinxext`); for the LaTeX/PDF edition, a vector PDF of the same
  chart made with vl-convert; and a plain-text alternative everywhere.

Every chart should carry a ``description`` (its text alternative): it becomes
the ``aria-label`` of the chart on the web page and the plain-text output.
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt
import vl_convert as vlc

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

#: Display name of each side, in legend order.
SIDES = {
    "ukraine": "Ukraine",
    "russia": "Russia",
    "north_korea": "North Korea",
    "united_states": "United States",
    "south_korea": "South Korea",
    "united_kingdom": "United Kingdom",
    "independent": "Independent analysts",
}

#: One colour per side (Okabe & Ito, "Color Universal Design", 2008).
SIDE_COLOURS = {
    "ukraine": "#0072B2",        # blue
    "russia": "#D55E00",         # vermillion
    "north_korea": "#CC79A7",    # reddish purple
    "united_states": "#009E73",  # bluish green
    "south_korea": "#E69F00",    # orange
    "united_kingdom": "#56B4E9", # sky blue
    "independent": "#4D4D4D",    # dark grey
}

#: One point shape per side, so that claims stay distinguishable in greyscale print.
SIDE_SHAPES = {
    "ukraine": "circle",
    "russia": "square",
    "north_korea": "diamond",
    "united_states": "triangle-up",
    "south_korea": "triangle-down",
    "united_kingdom": "triangle-right",
    "independent": "cross",
}


#: The chapters (phases of the battle), in order, with their own colours (Paul Tol's
#: "muted" scheme), distinct from the party colours.
CHAPTERS = {
    "incursion": ("The incursion", "#332288"),
    "response": ("Russia's response", "#44AA99"),
    "north_korea": ("North Korea", "#DDCC77"),
    "recapture": ("The recapture", "#CC6677"),
    "consequences": ("Consequences", "#882255"),
}


def side_scale(sides=None) -> alt.Scale:
    """Colour scale over the side labels (``SIDES`` values) present in a chart."""
    keys = [k for k in SIDES if sides is None or k in sides or SIDES[k] in sides]
    return alt.Scale(domain=[SIDES[k] for k in keys], range=[SIDE_COLOURS[k] for k in keys])


def shape_scale(sides=None) -> alt.Scale:
    keys = [k for k in SIDES if sides is None or k in sides or SIDES[k] in sides]
    return alt.Scale(domain=[SIDES[k] for k in keys], range=[SIDE_SHAPES[k] for k in keys])


@alt.theme.register("kursk", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": None},
            "background": "white",
            "padding": 8,
            "title": {"fontSize": 15, "fontWeight": "bold", "anchor": "start", "offset": 12},
            "axis": {
                "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                "gridColor": "#e6e6e6", "domainColor": "#737373", "tickColor": "#737373",
                "labelColor": "#333333", "titleColor": "#333333",
            },
            "legend": {
                "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                "orient": "bottom", "direction": "horizontal", "columns": 3, "symbolSize": 90,
            },
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "point": {"size": 80, "filled": True, "opacity": 0.9},
            "line": {"strokeWidth": 2},
            "range": {"category": [SIDE_COLOURS[k] for k in SIDES]},
        }
    }


def _embed_json(spec: dict) -> str:
    """JSON safe to place inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so that text from the
    data (``</script>`` included) can never end the element or become markup.
    """
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _description(spec: dict) -> str:
    description = spec.get("description")
    if not description:
        title = spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        description = title if isinstance(title, str) else "Chart"
    return str(description)


def render(spec: dict, **_: object) -> dict:
    """Altair renderer: web HTML, vector PDF for LaTeX, and a text alternative."""
    payload = _embed_json(spec)
    chart_id = "kursk-chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    description = _description(spec)
    markup = (
        f'<div class="kursk-chart" id="{chart_id}" role="img" '
        f'aria-label="{html.escape(description, quote=True)}">'
        f'<script type="application/json" class="kursk-chart-spec">{payload}</script>'
        f'<p class="kursk-chart-fallback">{html.escape(description)}</p>'
        "</div>"
    )
    return {
        "text/html": markup,
        "application/pdf": vlc.vegalite_to_pdf(spec),
        "text/plain": description,
    }


alt.renderers.register("kursk", render)
alt.renderers.enable("kursk")


QUALIFIER_WORDS = {
    "exact": "", "about": "about ", "more_than": "more than ", "at_least": "at least ",
    "nearly": "nearly ", "up_to": "up to ", "less_than": "less than ",
}
UNIT_WORDS = {"km2": "km²", "mi2": "sq mi", "km": "km", "mi": "mi", "settlements": "settlements",
              "people": "people", "percent": "%", "vehicles": "vehicles"}


def claim_label(row) -> str:
    """The figure as the claimant put it: qualifier, value or range, and unit."""
    def number(x):
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"
    if row["value"] is not None and not _isna(row["value"]):
        figure = number(row["value"])
    else:
        figure = f"{number(row['low'])}–{number(row['high'])}"
    return f"{QUALIFIER_WORDS[row['qualifier']]}{figure} {UNIT_WORDS[row['unit']]}"


def _isna(x) -> bool:
    try:
        return x != x or x is None
    except TypeError:
        return False


def claims_over_time(frame, *, title: str, y_title: str, description: str,
                     width: int = 560, height: int = 320) -> alt.LayerChart:
    """Claims of one quantity over time: one coloured line and marker shape per side,
    one line per claimant (never joining two claimants), a vertical bar for a range,
    and a tooltip naming the claimant and the source of every mark."""
    import pandas as pd

    data = pd.DataFrame({
        "date": frame["as_of"].dt.strftime("%Y-%m-%d"),
        "value": frame["value"].astype("float"),
        "low": frame["low"].astype("float"),
        "high": frame["high"].astype("float"),
        "claimant": frame["claimant"].astype(str),
        "side": frame["side_label"].astype(str),
        "figure": [claim_label(r) for _, r in frame.iterrows()],
        "source": (frame["publisher"].astype(str) + ", " + frame["published"].dt.strftime("%d %b %Y").fillna("n.d.")),
        "key": frame["source_id"].astype(str),
    })
    data["mid"] = data["value"].fillna((data["low"] + data["high"]) / 2)
    sides = list(dict.fromkeys(frame["side"]))
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Date the figure refers to", scale=alt.Scale(padding=14),
                axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
        color=alt.Color("side:N", title="Claim made by", scale=side_scale(sides)),
    )
    tooltip = [
        alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("side:N", title="Side"),
        alt.Tooltip("date:T", title="As of", format="%d %B %Y"), alt.Tooltip("figure:N", title="Figure"),
        alt.Tooltip("source:N", title="Source"), alt.Tooltip("key:N", title="Citation key"),
    ]
    lines = base.mark_line(opacity=0.6).encode(
        y=alt.Y("value:Q", title=y_title), detail="claimant:N")
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=alt.Y("mid:Q", title=y_title), shape=alt.Shape("side:N", title="Claim made by", scale=shape_scale(sides)),
        tooltip=tooltip)
    ranges = base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=3, opacity=0.7).encode(
        y="low:Q", y2="high:Q", tooltip=tooltip)
    return alt.layer(lines, ranges, points).properties(
        title=title, description=description, width=width, height=height)


def events_per_month(events, *, title: str, description: str) -> alt.Chart:
    """Stacked bars: events per month, coloured by chapter, with a tooltip per bar."""
    import pandas as pd

    data = (events.assign(month=events["date"].dt.strftime("%Y-%m-01"),
                          chapter=events["chapter"].map({k: v[0] for k, v in CHAPTERS.items()}))
            .groupby(["month", "chapter"]).size().reset_index(name="events"))
    data = pd.DataFrame(data)
    order = [label for label, _ in CHAPTERS.values()]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
        y=alt.Y("sum(events):Q", title="Events"),
        color=alt.Color("chapter:N", title="Chapter", sort=order,
                        scale=alt.Scale(domain=order, range=[c for _, c in CHAPTERS.values()])),
        order=alt.Order("chapter_order:Q"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                 alt.Tooltip("chapter:N", title="Chapter"), alt.Tooltip("events:Q", title="Events")],
    ).transform_calculate(
        chapter_order=f"indexof({order!r}, datum.chapter)"
    ).properties(title=title, description=description, width=560, height=260)
