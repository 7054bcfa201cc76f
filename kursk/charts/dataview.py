"""What a chart draws, as rows: the data view under every chart of the web book.

A chart's compiled Vega spec holds the data of its marks. Every chart of this package
carries, in each row that becomes a mark, the id of what the mark shows: a claim, a claim
of control over a place, an event, a place, a pair of claims (a party's figure and the
nearest independent one) or the events a bar counts. :func:`marks` finds those rows in a
compiled spec, and its :class:`Kind` says which columns a reader sees in the table and
which fields the chart's CSV file holds. The publishing side
(:mod:`kursk.publish.dataview`) writes the table, the links and the file; the tests
compare all three with the compiled spec.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of mark: the id field that makes a data row a mark, the words for it,
    the table's columns ``(heading, fields)`` (a cell of two fields reads "first (second)")
    and the CSV's fields, in order (the CSV adds the sources' ids and addresses after them)."""

    key: str
    noun: tuple[str, str]
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    fields: tuple[str, ...]
    #: fields holding ids of claims, each linked to its row of the ledger
    ledger: tuple[str, ...] = ()
    #: a field holding an event id, linked to its row of the timeline
    timeline: str = ""


#: The kinds, in the order they are looked for (a place row also names the latest claim
#: about it, and a pair names two claims: the more specific key wins).
KINDS = (
    Kind("ref_claim_id", ("pair of figures", "pairs of figures"),
         (("Claimant", ("claimant", "side")), ("Measure", ("what",)), ("Party figure", ("party",)),
          ("Independent figure", ("other",)), ("Ratio", ("ratio",))),
         ("claim_id", "ref_claim_id", "claimant", "side", "what", "about", "party", "other", "days", "ratio"),
         ledger=("claim_id", "ref_claim_id")),
    Kind("place_id", ("place", "places"),
         (("Map", ("map",)), ("Place", ("name_en", "oblast")), ("On this map", ("status",)),
          ("Who says so", ("detail",))),
         ("place_id", "map", "name_en", "name_ru", "name_uk", "oblast", "lat", "lon", "status", "detail")),
    Kind("event_ids", ("bar", "bars"),
         (("Month", ("month",)), ("Chapter", ("chapter",)), ("Events", ("events",))),
         ("month", "chapter", "events", "event_ids")),
    Kind("event_id", ("event", "events"),
         (("Date", ("date",)), ("Event", ("description",)), ("Parties", ("actors",)), ("Status", ("status",))),
         ("event_id", "date", "description", "actors", "status"), timeline="event_id"),
    Kind("control_id", ("claim of control", "claims of control"),
         (("Place", ("place",)), ("Claim", ("status",)), ("Claimant", ("claimant", "side")), ("Date", ("date",))),
         ("control_id", "place", "status", "claimant", "side", "date", "note")),
    Kind("claim_id", ("figure", "figures"),
         (("Claimant", ("claimant", "side")), ("Date", ("date",)), ("Figure", ("figure",)),
          ("About", ("about",))),
         ("claim_id", "claimant", "side", "date", "what", "about", "figure", "value", "low", "high"),
         ledger=("claim_id",)),
)

#: The fields every CSV ends with: the sources of the row (``; `` between several).
SOURCE_FIELDS = ("source", "source_id", "source_url")


def _datasets(spec: dict):
    """Every inline dataset of a compiled Vega spec, nested groups included, in order."""
    for entry in spec.get("data", []):
        if isinstance(entry.get("values"), list):
            yield entry["values"]
    for mark in spec.get("marks", []):
        if isinstance(mark, dict):
            yield from _datasets(mark)


def marks(spec: dict) -> tuple[Kind | None, list[dict]]:
    """The kind of a compiled Vega spec's marks and their rows, in the spec's order, each
    once (layers drawing the same rows, a line and its points say, share them)."""
    rows = [row for values in _datasets(spec) for row in values if isinstance(row, dict)]
    for kind in KINDS:
        found = [row for row in rows if kind.key in row]
        if found:
            seen, unique = set(), []
            for row in found:
                text = json.dumps(row, sort_keys=True)
                if text not in seen:
                    seen.add(text)
                    unique.append(row)
            return kind, unique
    return None, []


def text(value) -> str:
    """A value of a row as the CSV and the table print it: as the chart holds it, with
    whole numbers without a decimal point and nothing for a missing value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def shown_columns(kind: Kind, rows: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    """The table's columns: those of the kind, less the map's name where every row is
    on one map (its title gives it)."""
    return [(heading, fields) for heading, fields in kind.columns
            if not (fields == ("map",) and len({row.get("map") for row in rows}) <= 1)]


def cell(values: list[str]) -> str:
    """A table cell from the CSV texts of its fields: "first (second)", or the first alone."""
    first, *rest = values
    return f"{first} ({rest[0]})" if rest and rest[0] else first
