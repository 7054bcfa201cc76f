"""Control of named places, as each side claimed it: by date, and on maps at chosen dates.

The control table holds one row per claim that a place was held (or retaken) by
a side, with the claimant and the source. Nothing here decides who really held
a place: a map at a date shows, for each place, the *latest claim made about it
by then*, says who made it, and lists every earlier claim in the tooltip.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..dataset.read import source_labels
from ..vocabulary import HELD_BY, SIDES, source_and_date
from .maps import border_map, status_encoding
from .theme import SIDE_COLOURS, SIDE_SHAPES

NO_CLAIM = "No claim about the place by this date"
NO_CLAIM_MARK = ("#b0b0b0", "circle")


def control_claims(data) -> pd.DataFrame:
    """The control table joined with places, claimants and sources, oldest first."""
    frame = (data.control.merge(data.claimants, on="claimant_id", how="left")
             .merge(data.places[["place_id", "name_en"]], on="place_id", how="left")
             .merge(data.sources[["source_id", "publisher", "published", "copy_found", "original_publisher"]],
                    on="source_id", how="left"))
    frame["source_label"] = source_labels(frame)
    return frame.sort_values(["date", "control_id"], kind="stable").reset_index(drop=True)


def status_label(controller: str, side: str) -> str:
    """The legend entry of a claim: what it says and which side says it."""
    return f"{HELD_BY[controller]}, according to {'independent sources' if side == 'independent' else SIDES[side]}"


def map_legend(claims: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Legend of the control maps: colour = the side said to hold the place; shape = who says so."""
    combos = claims[["controller", "side"]].drop_duplicates()
    legend = {}
    for controller in HELD_BY:
        for side in SIDES:
            if ((combos.controller == controller) & (combos.side == side)).any():
                legend[status_label(controller, side)] = (SIDE_COLOURS[controller], SIDE_SHAPES[side])
    legend[NO_CLAIM] = NO_CLAIM_MARK
    return legend


def places_at(places: pd.DataFrame, claims: pd.DataFrame, date) -> pd.DataFrame:
    """Every place with the latest control claim about it on or before ``date``.

    Adds ``status`` (what that claim says and who says it, or :data:`NO_CLAIM`),
    ``detail`` (every claim about the place up to the date, with claimant,
    date and source), their sources' ids (``source_ids``) and the claim's ``control_id``."""
    upto = claims[claims.date <= pd.Timestamp(date)]
    latest = upto.groupby("place_id").tail(1).set_index("place_id")
    out = places.copy()
    out["status"] = [status_label(latest.loc[p, "controller"], latest.loc[p, "side"]) if p in latest.index
                     else NO_CLAIM for p in out.place_id]
    out["control_id"] = [latest.loc[p, "control_id"] if p in latest.index else "" for p in out.place_id]
    out["source_ids"] = [";".join(dict.fromkeys(upto[upto.place_id == p].source_id.astype(str)))
                         for p in out.place_id]
    out["detail"] = [
        "; ".join(f"{r['name']}: {HELD_BY[r.controller].lower()}, {r.date:%-d %b %Y} ({r.publisher})"
                  for _, r in upto[upto.place_id == p].iterrows())
        for p in out.place_id]
    return out


def control_maps(geography: dict, places: pd.DataFrame, claims: pd.DataFrame,
                 dates: dict[str, str], *, title: str, description: str,
                 labels: dict[str, str] | None = None, bbox: list[float] | None = None,
                 columns: int = 2, width: int = 270, height: int = 230) -> alt.ConcatChart:
    """Small maps of the border area, one per date of ``dates`` (panel title -> ISO date),
    each marking the latest claim about every named place by that date, with one shared legend.
    ``bbox`` (west, south, east, north) zooms in on part of the map layer."""
    legend = map_legend(claims)
    if bbox is not None:
        geography = {**geography, "bbox": list(bbox)}
    labels = labels or {}
    panels = []
    for caption, date in dates.items():
        frame = places_at(places, claims, date)
        frame["label"] = frame.place_id.map(labels).fillna("")
        panels.append(border_map(
            geography, frame, title=caption, description=f"{caption}: {description}", legend=legend,
            width=width, height=height, full_legend=True, label_size=10))
    return alt.concat(*panels, columns=columns).resolve_scale(color="shared", shape="shared").properties(
        title=title, description=description)


def control_by_date(claims: pd.DataFrame, *, title: str, description: str,
                    width: int = 560, row_height: int = 16) -> alt.Chart:
    """One row per place, one mark per control claim on the date it was made: colour =
    the side said to hold the place, shape = who says so (as on the maps); tooltip with the source."""
    order = list(claims.sort_values("date", kind="stable").drop_duplicates("place_id").name_en)
    legend = {k: v for k, v in map_legend(claims).items() if k != NO_CLAIM}
    data = pd.DataFrame({
        "control_id": claims["control_id"].astype(str),
        "date": claims["date"].dt.strftime("%Y-%m-%d"),
        "place": claims["name_en"].astype(str),
        "status": [status_label(c, s) for c, s in zip(claims.controller, claims.side)],
        "claimant": claims["name"].astype(str),
        "side": claims["side"].map(SIDES),
        "source": source_and_date(claims),
        "key": claims["source_id"].astype(str),
        "note": claims["note"].astype(str),
    })
    statuses = [s for s in legend if s in set(data.status)]
    tooltip = [alt.Tooltip("place:N", title="Place"), alt.Tooltip("status:N", title="Claim"),
               alt.Tooltip("claimant:N", title="Claimant"), alt.Tooltip("date:T", title="Date", format="%d %B %Y"),
               alt.Tooltip("source:N", title="Source"), alt.Tooltip("key:N", title="Citation key"),
               alt.Tooltip("note:N", title="Note")]
    return alt.Chart(data).mark_point(filled=True, size=80, opacity=0.95).encode(
        x=alt.X("date:T", title="Date of the claim", axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("place:N", title=None, sort=order, axis=alt.Axis(labelLimit=160)),
        **status_encoding(legend, statuses, "Claim"), tooltip=tooltip,
    ).properties(title=title, description=description, width=width, height=row_height * len(order))
