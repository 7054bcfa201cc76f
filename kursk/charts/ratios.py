"""Ratios of one claim to another, by claimant: how far the parties' figures ran from
independent ones (see :mod:`kursk.divergence`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..vocabulary import UNIT_WORDS
from .theme import side_scale


def divergence_strip(paired: pd.DataFrame, *, title: str, description: str, width: int = 420) -> alt.LayerChart:
    """One row per claimant, one dot per pair (the ratio, on a log scale), coloured by side and
    shaped by what the party's figure is about (its own side or the enemy), with a rule at 1
    (agreement). Tooltip: both claims, their dates and figures."""
    def figure(value, unit):
        return f"{value:,.6g} {UNIT_WORDS.get(unit, unit)}"

    data = pd.DataFrame({
        "claim_id": paired["claim_id"].astype(str), "ref_claim_id": paired["ref_claim_id"].astype(str),
        "claimant": paired["claimant"].astype(str), "side": paired["side_label"].astype(str),
        "ratio": paired["ratio"].astype(float), "what": paired["label"].astype(str),
        "about": "Figures about " + paired["about"].astype(str),
        "party": [f"{figure(v, u)} ({c}, {d:%d %b %Y})" for v, u, c, d in
                  zip(paired.figure, paired.unit, paired.claim_id, paired.as_of)],
        "other": [f"{figure(v, u)} by {n} ({c}, {d:%d %b %Y})" for v, u, n, c, d in
                  zip(paired.ref_figure, paired.unit, paired.ref_claimant, paired.ref_claim_id, paired.ref_as_of)],
        "days": paired["days_apart"].astype(int),
    })
    order = (data.groupby(["side", "claimant"]).size().reset_index()
             .sort_values(["side", "claimant"], kind="stable").claimant.tolist())
    sides = list(dict.fromkeys(data.side))
    tooltip = [alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("what:N", title="Measure"),
               alt.Tooltip("about:N", title="About"),
               alt.Tooltip("party:N", title="Party figure"), alt.Tooltip("other:N", title="Independent figure"),
               alt.Tooltip("days:Q", title="Days apart"), alt.Tooltip("ratio:Q", title="Ratio", format=".2f")]
    scale = alt.Scale(type="log", domain=[0.02, 50])
    dots = alt.Chart(data).mark_point(filled=True, size=70, opacity=0.8).encode(
        x=alt.X("ratio:Q", scale=scale, title="Party figure ÷ nearest independent figure (log scale)",
                axis=alt.Axis(values=[0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20], format="~g")),
        y=alt.Y("claimant:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
        color=alt.Color("side:N", title="Side", scale=side_scale(sides)),
        shape=alt.Shape("about:N", title="What the figure is about",
                        scale=alt.Scale(domain=["Figures about its own side", "Figures about the enemy"],
                                        range=["circle", "triangle-up"])),
        tooltip=tooltip)
    agree = alt.Chart(pd.DataFrame({"ratio": [1.0]})).mark_rule(color="#737373", strokeDash=[4, 3]).encode(
        x=alt.X("ratio:Q", scale=scale))
    return alt.layer(agree, dots).properties(title=title, description=description, width=width,
                                             height=22 * len(order))
