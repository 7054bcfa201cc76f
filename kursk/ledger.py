"""What the two appendices show, computed from the data: the ledger of figures
(every claim, grouped by metric, with the pairs of figures about the same thing within a
week: disagreements between claimants and revisions by one) and the timeline of events.

The Sphinx side (:mod:`kursk.publish.crossref`) turns these frames into the pages'
tables; the charts come from :mod:`kursk.charts`. Nothing here is typed by
hand: every row comes from the dataset.
"""

from __future__ import annotations

import pandas as pd

from .divergence import figure
from .vocabulary import CHAPTERS, SIDES, claim_label, number, party_name

#: The two appendix pages (Sphinx document names).
LEDGER_DOC = "chapters/ledger"
TIMELINE_DOC = "chapters/timeline"

#: What an event's status means, in the words the timeline's chart and table show.


def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def event_anchor(event_id: str) -> str:
    return f"event-{event_id}"


def day(value) -> str:
    """A date as the tables print it ("20 Feb 2025"); empty when missing."""
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%-d %b %Y}"


def claim_dates(row) -> str:
    """The date a figure refers to, and the date it was reported when that differs."""
    as_of, reported = day(row["as_of"]), day(row["reported"])
    return as_of if as_of == reported else f"{as_of} (reported {reported})"


def claim_hover(row) -> str:
    """The hover text of a figure taken from a claim: who said it, for when, and where."""
    side = SIDES.get(row["side"], row["side"])
    published = day(row["published"]) or "undated"
    return (f"{claim_label(row)}: {row['claimant']} ({side}), as of {day(row['as_of'])}, "
            f"reported {day(row['reported'])}. Source: {row['source_label']}, {published}. "
            f"Claim {row['claim_id']} in the ledger of figures.")


# -- the ledger ----------------------------------------------------------------------


def ledger_metrics(data, contested: bool) -> pd.DataFrame:
    """The metrics with at least one claim, contested or not, by label."""
    metrics = data.metrics[data.metrics.contested == contested]
    metrics = metrics[metrics.metric.isin(data.claims.metric)]
    return metrics.sort_values("label", kind="stable").reset_index(drop=True)


def metric_anchor(metric: str) -> str:
    """The anchor of a metric's section in the ledger."""
    return "ledger-" + metric.replace("_", "-")


#: A subject gets its own chart in a contested metric's section when it has at least this many
#: claims; fewer are read more easily in the table.
MIN_CHART_CLAIMS = 3


def charted_subjects(rows: pd.DataFrame) -> list[str]:
    """The subjects of one metric's claims that get a chart of their own (one quantity a chart:
    distances of different things, or areas in different regions, are never drawn together)."""
    counts = rows.groupby("subject", sort=False).size()
    return [s for s in dict.fromkeys(ledger_rows(rows)["subject"]) if counts[s] >= MIN_CHART_CLAIMS]


def chart_key(metric: str, subject: str) -> str:
    """The glue key of the chart of one metric's claims about one subject on the ledger page."""
    return "ledger-chart-" + metric.replace("_", "-") + "--" + subject.replace("_", "-")


def chart_description(claims: pd.DataFrame) -> str:
    """The text alternative of a metric's chart in the ledger."""
    frame = _bounds(claims)
    sides = ", ".join(sorted({SIDES[s] for s in claims.side}))
    return (f"A chart of {len(claims)} claims of {claims['label'].iloc[0].lower()} "
            f"({claims['subject_label'].iloc[0]}) made by "
            f"{claims.claimant_id.nunique()} claimants ({sides}), dated "
            f"{day(claims.as_of.min())} to {day(claims.as_of.max())}, from "
            f"{number(frame.lowest.min())} to {number(frame.highest.max())}. "
            "The table below lists every claim with its source.")


def ledger_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims (from ``claims_full``) in the ledger's order: by subject, date, claim."""
    return claims.sort_values(["subject", "unit", "as_of", "claim_id"], kind="stable")


def _bounds(claims: pd.DataFrame) -> pd.DataFrame:
    frame = claims.copy()
    frame["lowest"] = frame["value"].fillna(frame["low"]).astype(float)
    frame["highest"] = frame["value"].fillna(frame["high"]).astype(float)
    return frame


#: The window of the ledger's comparisons: two figures are compared only when the dates they
#: refer to lie at most this many days apart.
COMPARE_DAYS = 7


def compared_pairs(claims: pd.DataFrame, window: int = COMPARE_DAYS) -> pd.DataFrame:
    """Every pair of claims about the same metric, subject and unit whose dates lie at most
    ``window`` days apart, the lower figure first (``lo_*``, ``hi_*``), with ``ratio`` (higher
    over lower; missing when the lower is zero) and ``kind``: a *disagreement* when two
    claimants gave them, a *revision* when one claimant gave both."""
    frame = claims.assign(figure=figure(claims))
    key = ["metric", "subject", "unit"]
    joined = frame.merge(frame, on=key, suffixes=("_a", "_b"))
    joined = joined[joined["claim_id_a"] < joined["claim_id_b"]]
    days = (joined["as_of_a"] - joined["as_of_b"]).dt.days.abs()
    joined = joined[(days <= window) & (joined["figure_a"] != joined["figure_b"])].assign(days_apart=days)
    rows = []
    for r in joined.to_dict("records"):
        lo, hi = ("a", "b") if (r["figure_a"], r["claim_id_a"]) < (r["figure_b"], r["claim_id_b"]) else ("b", "a")
        row = {k: r[k] for k in key}
        row.update(label=r["label_a"], subject_label=r["subject_label_a"], days_apart=int(r["days_apart"]),
                   kind="revision" if r["claimant_id_a"] == r["claimant_id_b"] else "disagreement")
        for end, which in (("lo", lo), ("hi", hi)):
            for column in ("claim_id", "claimant_id", "claimant", "side", "side_label", "figure", "as_of",
                           "reported", "value", "low", "high", "qualifier"):
                row[f"{end}_{column}"] = r[f"{column}_{which}"]
        row["ratio"] = row["hi_figure"] / row["lo_figure"] if row["lo_figure"] > 0 else float("nan")
        rows.append(row)
    columns = [*key, "label", "subject_label", "days_apart", "kind", "ratio"]
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=columns)
    return out.sort_values(["metric", "subject", "unit", "lo_claim_id", "hi_claim_id"], kind="stable",
                           ignore_index=True)


def widest(pairs: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The widest pair of ``kind`` (disagreement or revision) for each metric, subject and unit,
    widest first; a pair whose lower figure is zero has no ratio and is left out."""
    found = pairs[(pairs["kind"] == kind) & pairs["ratio"].notna()]
    found = found.sort_values(["ratio", "lo_as_of", "lo_claim_id", "hi_claim_id"],
                              ascending=[False, True, True, True], kind="stable")
    return found.drop_duplicates(["metric", "subject", "unit"], keep="first").reset_index(drop=True)


def pair_figure(row, end: str) -> str:
    """One end of a pair as a table prints it: "about 1,000 (Syrskyi, 12 Aug 2024)"."""
    claim = {"value": row[f"{end}_value"], "low": row[f"{end}_low"], "high": row[f"{end}_high"],
             "qualifier": row[f"{end}_qualifier"], "unit": row["unit"]}
    return f"{claim_label(claim)} ({row[f'{end}_claimant']}, {day(row[f'{end}_as_of'])})"


def ratio_words(ratio: float) -> str:
    return "n/a (lowest is zero)" if pd.isna(ratio) else f"{ratio:,.1f}×"


# -- the timeline --------------------------------------------------------------------


def event_date(row) -> str:
    """The date of an event as precisely as it is known."""
    if row["date_precision"] == "month":
        text = f"{row['date']:%B %Y}"
    elif row["date_precision"] == "approximate":
        text = f"about {day(row['date'])}"
    else:
        text = day(row["date"])
    if row.get("end_date") is not None and not pd.isna(row.get("end_date")):
        text += f" to {day(row['end_date'])}"
    return text


def actor_words(actors: str) -> str:
    return ", ".join(party_name(a) for a in str(actors).split(";"))


def chapter_words(chapter: str) -> str:
    return CHAPTERS[chapter]


def events_by_month(events: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Events in date order, grouped by the month they began in: ("August 2024", rows)."""
    ordered = events.sort_values(["date", "event_id"], kind="stable")
    months = ordered["date"].dt.to_period("M")
    return [(month.strftime("%B %Y"), group) for month, group in ordered.groupby(months, sort=True)]

