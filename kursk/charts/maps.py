"""Maps of the border area, from the map layer and the places of the dataset."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

#: Marks for places that no party's claim is attached to: neutral greys, told apart by shape.
NEUTRAL_MARKS = {"bridge": ("#555555", "triangle-up"), "plant": ("#111111", "diamond"),
                 "other": ("#b0b0b0", "circle")}


def status_encoding(legend: dict[str, tuple[str, str]], statuses: list[str], title: str) -> dict:
    """Colour and shape of a ``status`` field from ``legend`` (status -> (colour, shape)).

    Both channels share field, title and legend, so that Vega-Lite draws one
    legend of coloured shapes, one entry per status, in ``statuses`` order."""
    legend_spec = alt.Legend(orient="bottom", direction="vertical", columns=1, labelLimit=0)
    return {
        "color": alt.Color("status:N", title=title, sort=statuses, legend=legend_spec,
                           scale=alt.Scale(domain=statuses, range=[legend[s][0] for s in statuses])),
        "shape": alt.Shape("status:N", title=title, sort=statuses, legend=legend_spec,
                           scale=alt.Scale(domain=statuses, range=[legend[s][1] for s in statuses])),
    }


# Where a map label sits against its mark: (alignment, dx, dy) in pixels.
LABEL_OFFSETS = {"right": ("left", 6, -5), "left": ("right", -6, -5),
                 "above": ("center", 0, -11), "below": ("center", 0, 14)}


def border_map(geography: dict, places, *, title: str, description: str,
               legend: dict[str, tuple[str, str]], rings: dict[str, str] | None = None,
               width: int = 560, height: int = 460, full_legend: bool = False,
               label_size: int = 11) -> alt.LayerChart:
    """The battle area: borders from the map layer and the places of the dataset.

    ``places`` needs the columns ``place_id``, ``lon``, ``lat``, ``name_en``, ``name_ru``,
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
    An optional ``source_ids`` column (ids joined by ``;``) names the sources of what the
    mark says, for the chart's data view.
    With ``full_legend``, every entry of ``legend`` stays in the colour scale even
    where no place has it, so that maps drawn side by side share one legend.
    """
    west, south, east, north = geography["bbox"]
    frame = {"type": "Feature", "properties": {},
             "geometry": {"type": "MultiPoint", "coordinates": [[west, south], [east, north]]}}
    lines = alt.Chart(alt.Data(values=geography["features"])).mark_geoshape(filled=False, clip=True).encode(
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
        "place_id", "lon", "lat", "name_en", "name_ru", "name_uk", "oblast", "status", "detail", "label",
        "label_at", "ring", "source_ids"]).fillna({"label_at": "right", "ring": "", "source_ids": ""})
    # the map's name in every row: the data view under a chart of several maps says which map
    data["map"] = title
    rings = rings or {}
    if set(data.ring) - {""} - set(rings):
        raise ValueError(f"no colour for the rings {sorted(set(data.ring) - {''} - set(rings))}")
    if not data.label_at.isin(LABEL_OFFSETS).all():
        raise ValueError(f"label_at must be one of {sorted(LABEL_OFFSETS)}")
    data = data[(data.lon >= west) & (data.lon <= east) & (data.lat >= south) & (data.lat <= north)]
    statuses = [s for s in legend if full_legend or s in set(data["status"])]
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
        **status_encoding(legend, statuses, "Place"), tooltip=tooltip)
    labels = [base.transform_filter(f"datum.label != '' && datum.label_at == '{at}'").mark_text(
        align=align, dx=dx, dy=dy, fontSize=label_size, color="#222222").encode(text="label:N", tooltip=tooltip)
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
    radius = 6371.0088
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))
