"""The book's words: one place for the names of things and for how a figure is written.

Every wing of the package takes its names from here: the dataset (``claims_full``
labels each side), the chapters' kit (charts, tables, the ledger) and the
publishing side (cross-references). The labels of sides and statuses repeat those
the descriptor gives under ``kursk:values``; a test keeps the two the same.

This module imports nothing from the package: it is the ground floor.
"""

from __future__ import annotations

import pandas as pd

#: Display name of each side (``claimants.side``), in legend order.
SIDES = {
    "ukraine": "Ukraine",
    "russia": "Russia",
    "north_korea": "North Korea",
    "united_states": "United States",
    "south_korea": "South Korea",
    "united_kingdom": "United Kingdom",
    "western": "Western officials",
    "turkey": "Turkey",
    "independent": "Independent",
}

#: The chapters (phases of the battle, ``events.chapter``), in order, with their titles.
CHAPTERS = {
    "incursion": "The incursion",
    "response": "Russia's response",
    "north_korea": "North Korea",
    "recapture": "The recapture",
    "consequences": "Consequences",
}

#: The chapters' pages (``chapters/<slug>.md``), in reading order.
CHAPTER_PAGES = ["incursion", "response", "north-korea", "recapture", "consequences"]

#: What the status of an event (``events.status``) says, in the words of legends and tooltips.
STATUSES = {
    "acknowledged": "Acknowledged",
    "claimed": "Claimed by one side",
    "disputed": "Disputed",
    "assessed": "Assessed by a third party",
    "reported": "Reported by the media",
}

#: What a claim of control says (``control.controller``), in words.
HELD_BY = {"ukraine": "Held by Ukraine", "russia": "Held or retaken by Russia"}

#: The hedge a claimant put on a figure (``claims.qualifier``), as printed before it.
QUALIFIER_WORDS = {
    "exact": "", "about": "about ", "more_than": "more than ", "at_least": "at least ",
    "nearly": "nearly ", "up_to": "up to ", "less_than": "less than ",
}

#: The unit of a figure (``claims.unit``), as printed after it.
UNIT_WORDS = {"km2": "km²", "mi2": "sq mi", "km": "km", "mi": "mi", "settlements": "settlements",
              "people": "people", "percent": "%", "vehicles": "vehicles", "tanks": "tanks",
              "launchers": "launchers", "families": "families", "coffins": "coffins",
              "thousand_hectares": "thousand hectares", "buildings": "buildings",
              "certificates": "certificates", "billion_roubles": "billion roubles"}


def number(x: float) -> str:
    """A figure as the book prints it: thousands separated, decimals only where the data has them."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def claim_label(row) -> str:
    """The figure as the claimant put it: qualifier, value or range, and unit."""
    if row["value"] is not None and not pd.isna(row["value"]):
        figure = number(row["value"])
    else:
        figure = f"{number(row['low'])}–{number(row['high'])}"
    return f"{QUALIFIER_WORDS[row['qualifier']]}{figure} {UNIT_WORDS[row['unit']]}"


def party_name(key: str) -> str:
    """The name of a party to an event (``events.actors``): a side's name, or the key spelt out."""
    return SIDES.get(key, key.replace("_", " ").title() if len(key) > 4 else key.upper())


def source_and_date(frame: pd.DataFrame) -> pd.Series:
    """"Label, date" for each row of a frame joined with its source (``source_label``: the
    name it is cited by)."""
    return frame["source_label"].astype(str) + ", " + frame["published"].dt.strftime("%d %b %Y").fillna("n.d.")
