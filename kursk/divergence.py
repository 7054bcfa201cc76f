"""How far each party's figures ran from outside ones, comparing like with like.

Each figure given by a party to the fighting (Russia, Ukraine or North Korea: their
governments, militaries, state media and unnamed officials) is paired with the nearest
figure about the same metric, the same subject and in the same unit, whose date lies
within ``window`` days of it, from one *reference group* at a time:

* ``independent``: independent analysts, monitors and media (the comparison the book
  reports);
* ``ally``: the governments and intelligence services of Ukraine's allies (the United
  States, the United Kingdom, South Korea, unnamed Western officials), shown as a group of
  their own, since they are not neutral.

Third-country state media (Turkey's) are in neither group. The ratio of the party's figure to
the reference figure says how far apart they were; 1 means they agreed.

A party's figures are split by what they are about, since its interest points in opposite
directions: its **own** side (its own forces, losses, civilians; North Korea and Russia count
as one side) or the **enemy**'s. A figure about neither (a grey zone) is left out.

Rules, stated once here and on the ledger page:

* a range counts with its midpoint (the mean of its two ends);
* qualifiers ("about", "more than") are set aside: the figure is taken as given;
* the nearest reference figure wins; on a tie, the one reported first, then the lower claim id;
* a pair whose reference figure is zero has no ratio and is left out.
"""

from __future__ import annotations

import pandas as pd

#: The window the ledger reports, and the windows it shows the result at.
WINDOW_DAYS = 7
WINDOWS = (3, WINDOW_DAYS, 14)

#: The reference groups (the ``group`` of a claim, from ``kursk:sideGroups``), in the order shown.
REFERENCES = {"independent": "Independent analysts and media", "ally": "Ukraine's allies"}

#: Which sides fight together: a party's figure about a subject of its own camp is about its own side.
CAMPS = {"ukraine": "ukraine", "russia": "russia", "north_korea": "russia"}

#: What a party's figure is about, as the tables print it.
ABOUT = {"own": "its own side", "enemy": "the enemy"}


def figure(frame: pd.DataFrame) -> pd.Series:
    """The figure a comparison uses: the value, or the midpoint of a range."""
    return frame["value"].astype(float).fillna((frame["low"].astype(float) + frame["high"].astype(float)) / 2)


def about(frame: pd.DataFrame) -> pd.Series:
    """For each claim: ``own`` when the claimant's camp is the subject's, ``enemy`` when the two
    are opposed, missing otherwise (a subject of no side)."""
    mine = frame["side"].map(CAMPS)
    theirs = frame["subject_side"].map(CAMPS)
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    out[mine.notna() & theirs.notna() & (mine == theirs)] = "own"
    out[mine.notna() & theirs.notna() & (mine != theirs)] = "enemy"
    return out


def pairs(claims: pd.DataFrame, window: int = WINDOW_DAYS, reference: str = "independent") -> pd.DataFrame:
    """One row per party claim that has a ``reference`` figure (a group of :data:`REFERENCES`)
    within ``window`` days. ``claims`` is a frame from ``Dataset.claims_full()``."""
    if window < 0:
        raise ValueError("the window is a number of days, 0 or more")
    if reference not in REFERENCES:
        raise ValueError(f"the reference group is one of {sorted(REFERENCES)}")
    frame = claims.assign(figure=figure(claims), about=about(claims))
    party = frame[(frame["group"] == "party") & frame["about"].notna()]
    other = frame[frame["group"] == reference]
    key = ["metric", "subject", "unit"]
    joined = party.merge(other, on=key, suffixes=("", "_ref"))
    joined["days_apart"] = (joined["as_of"] - joined["as_of_ref"]).dt.days.abs()
    joined = joined[joined["days_apart"] <= window]
    joined = joined.sort_values(["claim_id", "days_apart", "reported_ref", "claim_id_ref"], kind="stable")
    best = joined.drop_duplicates("claim_id", keep="first")
    best = best[best["figure_ref"] > 0]
    out = pd.DataFrame({
        "claim_id": best["claim_id"], "metric": best["metric"], "label": best["label"],
        "subject": best["subject"], "subject_label": best["subject_label"], "unit": best["unit"],
        "side": best["side"], "side_label": best["side_label"], "claimant": best["claimant"],
        "about": best["about"].map(ABOUT).astype("string"),
        "as_of": best["as_of"], "figure": best["figure"],
        "reference": REFERENCES[reference],
        "ref_claim_id": best["claim_id_ref"], "ref_claimant": best["claimant_ref"],
        "ref_side_label": best["side_label_ref"], "ref_as_of": best["as_of_ref"],
        "ref_figure": best["figure_ref"], "days_apart": best["days_apart"].astype(int),
    })
    out["ratio"] = out["figure"] / out["ref_figure"]
    return out.sort_values(["metric", "as_of", "claim_id"], kind="stable").reset_index(drop=True)


def summary(paired: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Number of pairs, median, lowest and highest ratio per ``by`` (``side_label``, say)."""
    by = [by] if isinstance(by, str) else list(by)
    grouped = paired.groupby(by, sort=True, observed=True)["ratio"]
    table = grouped.agg(pairs="size", median="median", lowest="min", highest="max").reset_index()
    return table.sort_values(["pairs", *by], ascending=[False] + [True] * len(by), kind="stable",
                             ignore_index=True)


def by_window(claims: pd.DataFrame, windows=WINDOWS) -> pd.DataFrame:
    """The summary by reference group, party and what its figures are about, for each window:
    how the result moves with the window."""
    tables = []
    for reference in REFERENCES:
        for window in windows:
            table = summary(pairs(claims, window, reference), ["side_label", "about"])
            table.insert(0, "window", window)
            table.insert(0, "reference", REFERENCES[reference])
            tables.append(table)
    return pd.concat(tables, ignore_index=True)
