"""The interactive timeline of every event: one lane per chapter, a mark per event
coloured and shaped by its status, and two menus (chapter, party) that filter the
marks in the browser. The PDF edition shows the same chart with every event."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..vocabulary import CHAPTERS, party_name
from .events import event_frame, status_marks


def event_timeline(events: pd.DataFrame, event_sources: pd.DataFrame, sources: pd.DataFrame, *,
                   title: str, description: str, width: int = 560, lane_height: int = 70) -> alt.LayerChart:
    """Every event on one time axis, in a lane per chapter, with menus to filter by chapter
    and by party. Tooltip: date, event, chapter, parties, status, sources."""
    frame = event_frame(events, event_sources, sources)
    frame["chapter"] = events["chapter"].map(CHAPTERS).to_numpy()
    frame["party_keys"] = events["actors"].to_numpy()
    # events of one chapter on one day sit side by side rather than on top of each other
    frame["slot"] = frame.groupby(["chapter", "date"]).cumcount().astype(str)
    counts = pd.Series([p for a in events["actors"] for p in a.split(";")]).value_counts()
    parties = sorted(counts.index, key=lambda p: (-counts[p], p))
    lanes = [label for key, label in CHAPTERS.items() if key in set(events["chapter"])]
    statuses, colours, shapes = status_marks(frame.status)

    chapter = alt.param(name="chapter_pick", value=None, bind=alt.binding_select(
        options=[None, *lanes], labels=["All chapters", *lanes], name="Chapter "))
    party = alt.param(name="party_pick", value=None, bind=alt.binding_select(
        options=[None, *parties], labels=["All parties", *[party_name(p) for p in parties]], name="Party "))
    keep = ("(chapter_pick == null || datum.chapter == chapter_pick) && "
            "(party_pick == null || indexof(split(datum.party_keys, ';'), party_pick) >= 0)")
    tooltip = [alt.Tooltip("date:T", title="Date", format="%d %B %Y"),
               alt.Tooltip("description:N", title="Event"), alt.Tooltip("chapter:N", title="Chapter"),
               alt.Tooltip("actors:N", title="Parties"), alt.Tooltip("status:N", title="Status"),
               alt.Tooltip("sources:N", title="Sources")]
    points = alt.Chart(frame).transform_filter(keep).mark_point(filled=True, size=70, opacity=0.85).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=-45, tickCount="month")),
        y=alt.Y("chapter:N", title=None, sort=lanes, scale=alt.Scale(domain=lanes),
                axis=alt.Axis(labelLimit=140, labelFontSize=12)),
        yOffset=alt.YOffset("slot:N"),
        color=alt.Color("status:N", title="Event", sort=statuses, legend=alt.Legend(labelLimit=220),
                        scale=alt.Scale(domain=statuses, range=colours)),
        shape=alt.Shape("status:N", title="Event", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=shapes)),
        tooltip=tooltip,
    ).add_params(chapter, party)
    return points.properties(title=title, description=description, width=width,
                             height=lane_height * len(lanes))
