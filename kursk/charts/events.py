"""Charts of the events table."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..dataset.read import source_labels
from ..vocabulary import CHAPTERS, STATUSES, party_name
from .theme import CHAPTER_COLOURS


def events_per_month(events, *, title: str, description: str) -> alt.Chart:
    """Stacked bars: events per month, coloured by chapter, with a tooltip per bar."""
    data = (events.assign(month=events["date"].dt.strftime("%Y-%m-01"),
                          chapter=events["chapter"].map(CHAPTERS))
            .groupby(["month", "chapter"]).agg(events=("event_id", "size"), event_ids=("event_id", ";".join))
            .reset_index())
    data = pd.DataFrame(data)
    order = list(CHAPTERS.values())
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-45)),
        y=alt.Y("sum(events):Q", title="Events"),
        color=alt.Color("chapter:N", title="Chapter", sort=order,
                        scale=alt.Scale(domain=order, range=[CHAPTER_COLOURS[k] for k in CHAPTERS])),
        order=alt.Order("chapter_order:Q"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                 alt.Tooltip("chapter:N", title="Chapter"), alt.Tooltip("events:Q", title="Events")],
    ).transform_calculate(
        chapter_order=f"indexof({order!r}, datum.chapter)"
    ).properties(title=title, description=description, width=560, height=260)


#: The colour and shape of an event's mark, by status (``events.status``; the words are
#: ``vocabulary.STATUSES``).
STATUS_MARKS = {
    "acknowledged": ("#333333", "circle"),
    "claimed": ("#E69F00", "triangle-up"),
    "disputed": ("#CC79A7", "diamond"),
    "assessed": ("#009E73", "square"),
    "reported": ("#808080", "cross"),
}


def status_marks(present) -> tuple[list[str], list[str], list[str]]:
    """The status words among ``present``, in legend order, with their colours and shapes."""
    keys = [k for k in STATUSES if STATUSES[k] in set(present)]
    return ([STATUSES[k] for k in keys], [STATUS_MARKS[k][0] for k in keys],
            [STATUS_MARKS[k][1] for k in keys])


def event_frame(events: pd.DataFrame, event_sources: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Events with their date, text, actors, status and a "sources" column naming each source."""
    named = event_sources.merge(sources, on="source_id", how="left")
    named = named.assign(label=source_labels(named) + " ("
                         + named["published"].dt.strftime("%d %b %Y").fillna("n.d.") + "; "
                         + named["source_id"].astype(str) + ")")
    listed = named.groupby("event_id")["label"].agg("; ".join)
    return pd.DataFrame({
        "event_id": events["event_id"].astype(str),
        "date": events["date"].dt.strftime("%Y-%m-%d"),
        "description": events["description"].astype(str),
        "actors": events["actors"].astype(str).map(lambda a: ", ".join(party_name(p) for p in a.split(";"))),
        "status": events["status"].map(STATUSES).astype(str),
        "sources": events["event_id"].map(listed).fillna("").astype(str),
    })


def events_in_lanes(frame: pd.DataFrame, lanes: dict[str, str], *, title: str, description: str,
                    bands: list[tuple[str, str, str]] = (), width: int = 560,
                    lane_height: int = 60) -> alt.LayerChart:
    """Events (from :func:`event_frame`) as marks on a time axis, one row ("lane") per
    group: ``lanes`` maps event_id to its lane. ``bands`` are shaded periods
    (start, end, label), for example a pause in aid. Tooltip: date, event, actors, status, sources."""
    missing = set(frame.event_id) - set(lanes)
    if missing:
        raise ValueError(f"no lane for the events {sorted(missing)}")
    data = frame.assign(lane=frame.event_id.map(lanes))
    # events of one lane on one day sit side by side rather than on top of each other
    data["slot"] = data.groupby(["lane", "date"]).cumcount().astype(str)
    order = list(dict.fromkeys(lanes[e] for e in lanes if e in set(frame.event_id)))
    statuses, colours, shapes = status_marks(data.status)
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=0))
    tooltip = [alt.Tooltip("date:T", title="Date", format="%d %B %Y"),
               alt.Tooltip("description:N", title="Event"), alt.Tooltip("actors:N", title="Actors"),
               alt.Tooltip("status:N", title="Status"), alt.Tooltip("sources:N", title="Sources")]
    layers = []
    if bands:
        shaded = pd.DataFrame(bands, columns=["start", "end", "label"])
        base = alt.Chart(shaded)
        layers += [
            base.mark_rect(opacity=0.18, color="#56B4E9").encode(
                x=alt.X("start:T"), x2="end:T",
                tooltip=[alt.Tooltip("label:N", title="Period"),
                         alt.Tooltip("start:T", title="From", format="%d %B %Y"),
                         alt.Tooltip("end:T", title="To", format="%d %B %Y")]),
            base.mark_text(align="left", baseline="top", dx=3, dy=-2, fontSize=11, color="#1f4e79").encode(
                x="start:T", y=alt.value(0), text="label:N"),
        ]
    layers.append(alt.Chart(data).mark_point(filled=True, size=110, opacity=0.9).encode(
        x=x, y=alt.Y("lane:N", title=None, sort=order, axis=alt.Axis(labelLimit=200, labelFontSize=12)),
        yOffset=alt.YOffset("slot:N"),
        color=alt.Color("status:N", title="Event", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=colours)),
        shape=alt.Shape("status:N", title="Event", sort=statuses,
                        scale=alt.Scale(domain=statuses, range=shapes)),
        tooltip=tooltip))
    return alt.layer(*layers).properties(
        title=title, description=description, width=width, height=lane_height * len(order))
