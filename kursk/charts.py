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
    import pandas as pd

    if row["value"] is not None and not pd.isna(row["value"]):
        figure = number(row["value"])
    else:
        figure = f"{number(row['low'])}–{number(row['high'])}"
    return f"{QUALIFIER_WORDS[row['qualifier']]}{figure} {UNIT_WORDS[row['unit']]}"


def claims_over_time(frame, *, title: str, y_title: str, description: str,
                     width: int = 560, height: int = 320) -> alt.LayerChart:
    """Claims of one quantity over time: one coloured line and marker shape per side,
    one line per claimant and subject (never joining two claimants), a vertical bar for a range,
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
        "about": frame["subject"].astype(str).str.replace("_", " "),
    })
    data["series"] = data["claimant"] + " / " + data["about"]
    data["mid"] = data["value"].fillna((data["low"] + data["high"]) / 2)
    sides = list(dict.fromkeys(frame["side"]))
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title="Date the figure refers to", scale=alt.Scale(padding=14),
                axis=alt.Axis(format="%d %b %Y", labelAngle=0)),
        color=alt.Color("side:N", title="Claim made by", scale=side_scale(sides)),
    )
    tooltip = [
        alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("side:N", title="Side"),
        alt.Tooltip("about:N", title="About"),
        alt.Tooltip("date:T", title="As of", format="%d %B %Y"), alt.Tooltip("figure:N", title="Figure"),
        alt.Tooltip("source:N", title="Source"), alt.Tooltip("key:N", title="Citation key"),
    ]
    lines = base.mark_line(opacity=0.6).encode(
        y=alt.Y("value:Q", title=y_title), detail="series:N", tooltip=tooltip)
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


#: Marks for places that no party's claim is attached to: neutral greys, told apart by shape.
NEUTRAL_MARKS = {"bridge": ("#555555", "triangle-up"), "plant": ("#111111", "diamond"),
                 "other": ("#b0b0b0", "circle")}


# Where a map label sits against its mark: (alignment, dx, dy) in pixels.
LABEL_OFFSETS = {"right": ("left", 6, -5), "left": ("right", -6, -5),
                 "above": ("center", 0, -11), "below": ("center", 0, 14)}


def border_map(geography: dict, places, *, title: str, description: str,
               legend: dict[str, tuple[str, str]], rings: dict[str, str] | None = None,
               width: int = 560, height: int = 460) -> alt.LayerChart:
    """The battle area: borders from the map layer and the places of the dataset.

    ``places`` needs the columns ``lon``, ``lat``, ``name_en``, ``name_ru``,
    ``name_uk``, ``oblast``, ``status`` (the legend entry of each place),
    ``detail`` (tooltip text naming who says what, with the source) and
    ``label`` (text drawn beside the mark, empty for none), and optionally
    ``label_at`` (where the label goes: ``right``, the default, ``left``, ``above``
    or ``below``, to keep neighbouring labels apart). ``legend`` maps each
    status, in legend order, to its (colour, shape): claims by a party take the
    party's colour (``SIDE_COLOURS``), other places the greys of ``NEUTRAL_MARKS``.
    ``rings`` maps the values of an optional ``ring`` column (empty for none) to a
    colour: an open circle around the mark, with a legend of its own, shows a
    second claim about the place (for example the other side's counter-claim).
    """
    import pandas as pd

    west, south, east, north = geography["bbox"]
    frame = {"type": "Feature", "properties": {},
             "geometry": {"type": "MultiPoint", "coordinates": [[west, south], [east, north]]}}
    lines = alt.Chart(alt.Data(values=geography["features"])).mark_geoshape(filled=False).encode(
        # no legend: the caption says that the solid line is the border and dashed lines are regions
        stroke=alt.Stroke("properties.kind:N", legend=None,
                          scale=alt.Scale(domain=["international", "region"], range=["#222222", "#9a9a9a"])),
        strokeWidth=alt.StrokeWidth("properties.kind:N", scale=alt.Scale(
            domain=["international", "region"], range=[2.2, 0.9]), legend=None),
        strokeDash=alt.StrokeDash("properties.kind:N", scale=alt.Scale(
            domain=["international", "region"], range=[[1, 0], [4, 3]]), legend=None),
    ).project(type="mercator", fit=frame)
    # the optional columns may be absent or partly empty: both get the defaults
    data = pd.DataFrame(places).reindex(columns=[
        "lon", "lat", "name_en", "name_ru", "name_uk", "oblast", "status", "detail", "label",
        "label_at", "ring"]).fillna({"label_at": "right", "ring": ""})
    rings = rings or {}
    if set(data.ring) - {""} - set(rings):
        raise ValueError(f"no colour for the rings {sorted(set(data.ring) - {''} - set(rings))}")
    if not data.label_at.isin(LABEL_OFFSETS).all():
        raise ValueError(f"label_at must be one of {sorted(LABEL_OFFSETS)}")
    data = data[(data.lon >= west) & (data.lon <= east) & (data.lat >= south) & (data.lat <= north)]
    statuses = [s for s in legend if s in set(data["status"])]
    unknown = set(data["status"]) - set(legend)
    if unknown:
        raise ValueError(f"no legend entry for the statuses {sorted(unknown)}")
    rank = {s: i for i, s in enumerate(statuses)}
    data = data.assign(_rank=data["status"].map(rank)).sort_values("_rank", ascending=False)
    data = data.drop(columns="_rank")
    base = alt.Chart(data).encode(longitude="lon:Q", latitude="lat:Q")
    tooltip = [alt.Tooltip("name_en:N", title="Place"), alt.Tooltip("name_ru:N", title="Russian"),
               alt.Tooltip("name_uk:N", title="Ukrainian"), alt.Tooltip("oblast:N", title="Region"),
               alt.Tooltip("status:N", title="On this map"), alt.Tooltip("detail:N", title="Who says so")]
    marks = base.mark_point(filled=True, size=70, opacity=1, stroke="white", strokeWidth=0.6).encode(
        color=alt.Color("status:N", title="Place", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=[legend[s][0] for s in statuses]),
                        legend=alt.Legend(orient="bottom", direction="vertical", columns=1, labelLimit=0)),
        shape=alt.Shape("status:N", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=[legend[s][1] for s in statuses]), legend=None),
        tooltip=tooltip)
    labels = [base.transform_filter(f"datum.label != '' && datum.label_at == '{at}'").mark_text(
        align=align, dx=dx, dy=dy, fontSize=11, color="#222222").encode(text="label:N", tooltip=tooltip)
        for at, (align, dx, dy) in LABEL_OFFSETS.items() if (data.label_at == at).any()]
    layers = [lines, marks, *labels]
    ringed = [r for r in rings if (data.ring == r).any()]
    if ringed:
        layers.insert(2, base.transform_filter("datum.ring != ''").mark_point(
            shape="circle", filled=False, size=300, strokeWidth=2, opacity=1).encode(
            stroke=alt.Stroke("ring:N", title=None, scale=alt.Scale(
                domain=ringed, range=[rings[r] for r in ringed]),
                # inside the map's empty top-right corner, so the map keeps its full width
                legend=alt.Legend(orient="top-right", direction="vertical", labelLimit=0, symbolType="circle",
                                  symbolFillColor="white", symbolStrokeWidth=2, fillColor="white",
                                  padding=4)),
            tooltip=tooltip))
    return alt.layer(*layers).resolve_scale(stroke="independent").project(
        type="mercator", fit=frame).properties(title=title, description=description, width=width, height=height)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres (haversine, mean Earth radius)."""
    import math

    radius = 6371.0088
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))
