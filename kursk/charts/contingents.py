"""Charts of contingents: the size of a force as announced or planned, and as reported sent.

A contingent (deminers, military builders, a deployment as a whole) is often
known only from a handful of statements: one party announces a plan, another
later says how many have arrived. These are not a time series of one quantity,
so the chart draws no lines: one row per claim, grouped in panels by
contingent, with the figure as the claimant put it beside each mark.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .claims import CLAIM_TOOLTIP, claim_frame, in_panels
from .theme import shape_scale, side_scale

#: The word that says what a figure measures, by metric.
MEASURE_WORDS = {"troops_planned": "planned", "troops_deployed": "sent or arrived",
                 "troops_in_theatre": "present", "killed": "killed"}


def planned_and_sent(frame, *, groups: dict[str, str], title: str, description: str,
                     names: dict[str, str] | None = None, width: int = 300, row_height: int = 30,
                     label_limit: int = 340) -> alt.FacetChart:
    """Contingent sizes as claimed, one row per claim, in panels by contingent.

    ``frame`` holds claims (from ``claims_full``); ``groups`` maps each subject to
    the title of its panel (two subjects may share a panel: they stay apart in
    the rows and the tooltip, and no line ever joins them). Each row names the
    claimant and the date; the mark is placed at the figure (a bar for a range),
    coloured and shaped by side, and labelled with what the figure measures
    (``MEASURE_WORDS``) and the figure as the claimant worded it. ``names`` may
    give shorter names for the row labels ("South Korea's NIS"); the tooltip
    keeps the claimant's full name."""
    data = claim_frame(frame, groups, "subject")
    data["measure"] = frame["metric"].map(MEASURE_WORDS).fillna(frame["metric"]).astype(str).to_numpy()
    when = pd.to_datetime(data["date"]).dt.strftime("%-d %b %Y")
    # a row per claim; the part after "|" keeps two claims of one claimant and date apart
    shown = data["claimant"].replace(names or {})
    data["row"] = shown + ", " + when + "|" + data["measure"]
    data["label"] = data["measure"] + ": " + data["figure"]
    data["order"] = range(len(data))
    sides = list(dict.fromkeys(frame["side"]))
    order = [label for key, label in groups.items() if key in set(frame["subject"])]
    top = float(data[["value", "high"]].max().max())
    x = alt.X("mid:Q", title="Personnel (as claimed)",
              scale=alt.Scale(domain=[0, top * 1.9], nice=False),
              axis=alt.Axis(format=",d", tickCount=5, labelFlush=True))
    y = alt.Y("row:N", title=None, sort=alt.SortField("order"),
              axis=alt.Axis(labelExpr="split(datum.label, '|')[0]", labelLimit=label_limit,
                            labelFontSize=12, ticks=False, domain=False))
    base = alt.Chart().encode(y=y, tooltip=CLAIM_TOOLTIP)
    points = base.mark_point(filled=True, size=110, opacity=1).encode(
        x=x, color=alt.Color("side:N", title="Claim made by", scale=side_scale(sides)),
        shape=alt.Shape("side:N", title="Claim made by", scale=shape_scale(sides)))
    ranges = base.transform_filter("isValid(datum.low)").mark_rule(strokeWidth=3).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, top * 1.9], nice=False)), x2="high:Q",
        color=alt.Color("side:N", title="Claim made by", scale=side_scale(sides)))
    labels = base.mark_text(align="left", dx=10, fontSize=12, color="#333333").encode(
        x=alt.X("mid:Q"), text="label:N")
    layer = alt.layer(ranges, points, labels).properties(width=width, height=alt.Step(row_height))
    return in_panels(data, layer, order).properties(title=title, description=description)
