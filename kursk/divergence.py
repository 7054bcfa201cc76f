"""How far each side's figures ran from independent ones.

Each figure given by a party to the fighting (Russia, Ukraine, North Korea) is
paired with the nearest figure from a non-party (an independent analyst or
outlet, or the government or intelligence service of a third country) about
the same metric, the same subject and in the same unit, whose date lies within
``window`` days of it. The ratio of the party's figure to the non-party one
says how far apart they were; a ratio of 1 means they agreed.

Rules, stated once here and on the ledger page:

* a range counts with its midpoint (the mean of its two ends);
* qualifiers ("about", "more than") are set aside: the figure is taken as given;
* the nearest non-party figure wins; on a tie, the one reported first, then the
  lower claim id;
* a pair whose non-party figure is zero has no ratio and is left out.
"""

from __future__ import annotations

import pandas as pd

PARTY_SIDES = ("russia", "ukraine", "north_korea")
NON_PARTY_SIDES = ("independent", "united_states", "south_korea", "united_kingdom")
#: The window the ledger reports, and the two it compares it with.
WINDOW_DAYS = 7
OTHER_WINDOWS = (3, 14)


def _figure(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].astype(float).fillna((frame["low"].astype(float) + frame["high"].astype(float)) / 2)


def pairs(claims: pd.DataFrame, window: int = WINDOW_DAYS) -> pd.DataFrame:
    """One row per party claim that has a non-party figure within ``window`` days.

    ``claims`` is a frame from ``Dataset.claims_full()``."""
    if window < 0:
        raise ValueError("the window is a number of days, 0 or more")
    frame = claims.assign(figure=_figure(claims))
    party = frame[frame["side"].isin(PARTY_SIDES)]
    other = frame[frame["side"].isin(NON_PARTY_SIDES)]
    key = ["metric", "subject", "unit"]
    joined = party.merge(other, on=key, suffixes=("", "_ref"))
    joined["days_apart"] = (joined["as_of"] - joined["as_of_ref"]).dt.days.abs()
    joined = joined[joined["days_apart"] <= window]
    joined = joined.sort_values(["claim_id", "days_apart", "reported_ref", "claim_id_ref"], kind="stable")
    best = joined.drop_duplicates("claim_id", keep="first")
    best = best[best["figure_ref"] > 0]
    out = pd.DataFrame({
        "claim_id": best["claim_id"], "metric": best["metric"], "label": best["label"],
        "subject": best["subject"], "unit": best["unit"],
        "side": best["side"], "side_label": best["side_label"], "claimant": best["claimant"],
        "as_of": best["as_of"], "figure": best["figure"],
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


def by_window(claims: pd.DataFrame, windows=(OTHER_WINDOWS[0], WINDOW_DAYS, OTHER_WINDOWS[1])) -> pd.DataFrame:
    """The summary by side for each window: how the result moves with the window."""
    tables = []
    for window in windows:
        table = summary(pairs(claims, window), "side_label")
        table.insert(0, "window", window)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)
