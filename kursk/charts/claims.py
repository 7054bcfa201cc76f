"""Charts of claims: figures as each claimant put them, over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..vocabulary import claim_label, source_and_date
from .theme import shape_scale, side_scale

#: The tooltip of every claim mark: who, about what, when, the figure and its source.
CLAIM_TOOLTIP = [
    alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("side:N", title="Side"),
    alt.Tooltip("about:N", title="About"), alt.Tooltip("what:N", title="Measure"),
    alt.Tooltip("date:T", title="As of", format="%d %B %Y"), alt.Tooltip("figure:N", title="Figure"),
    alt.Tooltip("source:N", title="Source"), alt.Tooltip("key:N", title="Citation key"),
]


def claim_frame(frame: pd.DataFrame, panels: dict[str, str] | None = None,
                panel_by: str = "metric") -> pd.DataFrame:
    """The columns a claims chart draws, one row per claim of ``frame`` (from ``claims_full``).

    ``series`` keys a line: one claimant, one subject, one metric, never more.
    With ``panels`` (values of ``panel_by`` mapped to panel titles), a ``panel`` column too."""
    data = pd.DataFrame({
        "claim_id": frame["claim_id"].astype(str),
        "date": frame["as_of"].dt.strftime("%Y-%m-%d"),
        "value": frame["value"].astype("float"),
        "low": frame["low"].astype("float"),
        "high": frame["high"].astype("float"),
        "claimant": frame["claimant"].astype(str),
        "side": frame["side_label"].astype(str),
        "figure": [claim_label(r) for _, r in frame.iterrows()],
        "source": source_and_date(frame),
        "key": frame["source_id"].astype(str),
        "about": frame["subject_label"].astype(str),
        "what": frame["label"].astype(str) if "label" in frame else frame["metric"].astype(str),
    })
    # a number for each (claimant, subject, metric): the chart only groups by it
    data["series"] = pd.factorize(data["claimant"] + " / " + frame["subject"].astype(str) + " / "
                                  + frame["metric"].astype(str))[0]
    data["mid"] = data["value"].fillna((data["low"] + data["high"]) / 2)
    if panels is not None:
        missing = set(frame[panel_by]) - set(panels)
        if missing:
            raise ValueError(f"no panel for {sorted(missing)}")
        data["panel"] = frame[panel_by].map(panels).astype(str)
    return data


def _claim_layers(sides, y_title: str, log: bool = False, date_format: str = "%d %b %Y",
                  connect: bool = True) -> list:
    """Lines (one per series, unless ``connect`` is false), range bars and points, coloured
    and shaped by side."""
    scale = alt.Scale(type="log") if log else alt.Undefined
    base = alt.Chart().encode(
        x=alt.X("date:T", title="Date the figure refers to", scale=alt.Scale(padding=14),
                axis=alt.Axis(format=date_format, labelAngle=0)),
        color=alt.Color("side:N", title="Claim made by", scale=side_scale(sides)),
    )
    lines = base.mark_line(opacity=0.6).encode(
        y=alt.Y("value:Q", title=y_title, scale=scale), detail="series:N", tooltip=CLAIM_TOOLTIP)
    points = base.mark_point(filled=True, size=90, opacity=1).encode(
        y=alt.Y("mid:Q", title=y_title, scale=scale),
        shape=alt.Shape("side:N", title="Claim made by", scale=shape_scale(sides)),
        tooltip=CLAIM_TOOLTIP)
    ranges = base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=3, opacity=0.7).encode(
        y=alt.Y("low:Q", scale=scale), y2="high:Q", tooltip=CLAIM_TOOLTIP)
    return [lines, ranges, points] if connect else [ranges, points]


def claims_over_time(frame, *, title: str, y_title: str, description: str,
                     width: int = 560, height: int = 320, connect: bool = True) -> alt.LayerChart:
    """Claims of one quantity over time: one coloured line and marker shape per side,
    one line per claimant, subject and metric (never joining two claimants), a vertical
    bar for a range, and a tooltip naming the claimant and the source of every mark.

    Pass ``connect=False`` for figures that are not a running quantity (the size of each
    prisoner exchange, say): then no line joins them."""
    data = claim_frame(frame)
    sides = list(dict.fromkeys(frame["side"]))
    return alt.layer(*_claim_layers(sides, y_title, connect=connect), data=data).properties(
        title=title, description=description, width=width, height=height)


def claims_in_panels(frame, *, panels: dict[str, str], title: str, y_title: str, description: str,
                     panel_by: str = "metric", width: int = 560, height: int = 150,
                     log: bool = False, connect: bool = True, date_format: str = "%b %Y") -> alt.FacetChart:
    """Claims over time in stacked panels, one per value of ``panel_by`` (a metric, say),
    each with its own vertical scale and a shared time axis: killed, wounded and
    "casualties" stay apart, and lines never join two panels. ``date_format`` labels the
    time axis (d3's format: ``"%-d %b"`` for claims within a month or two)."""
    data = claim_frame(frame, panels, panel_by)
    sides = list(dict.fromkeys(frame["side"]))
    order = [label for key, label in panels.items() if key in set(frame[panel_by])]
    layer = alt.layer(*_claim_layers(sides, y_title, log, date_format, connect)).properties(width=width, height=height)
    return in_panels(data, layer, order).resolve_axis(x="independent").properties(
        title=title, description=description)


def in_panels(data: pd.DataFrame, layer, order: list[str]) -> alt.FacetChart:
    """``layer`` repeated for each value of ``data.panel``, stacked in ``order``, titled in bold
    above each panel, each with its own vertical scale."""
    return alt.FacetChart(
        data=data, spec=layer,
        facet=alt.Facet("panel:N", title=None, sort=order,
                        header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                          labelFontWeight="bold", labelFontSize=13, labelOrient="top")),
        columns=1,
    ).resolve_scale(y="independent")


def label_claimants(chart: alt.FacetChart, names: dict[str, str], left=()) -> alt.FacetChart:
    """Write a short claimant name (``names``: claimant -> label) beside each point of a
    :func:`claims_in_panels` chart, to the right of it, or to the left for claimants in ``left``.
    The labels sit in the chart's ``who`` column, which a chapter may still adjust."""
    chart.data["who"] = chart.data.claimant.map(names).fillna("")
    chart.data["left"] = chart.data.claimant.isin(left)
    for to_left in (False, True):
        chart.spec.layer.append(alt.Chart().transform_filter(f"datum.left == {str(to_left).lower()}").mark_text(
            align="right" if to_left else "left", dx=-9 if to_left else 9, fontSize=11).encode(
            x="date:T", y="mid:Q", text="who:N"))
    return chart
