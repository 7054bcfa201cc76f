"""What the two appendices show, computed from the data: the ledger of figures
(every claim, grouped by metric, with the spread between the lowest and the
highest claim of each month) and the timeline of events.

The Sphinx side (:mod:`kursk.crossref`) turns these frames into the pages'
tables; the charts come from :mod:`kursk.charts`. Nothing here is typed by
hand: every row comes from the dataset.
"""

from __future__ import annotations

import pandas as pd

from .charts.claims import claim_label, number
from .charts.theme import CHAPTERS, SIDES
from .charts.timeline import STATUSES, party_name

#: The two appendix pages (Sphinx document names).
LEDGER_DOC = "chapters/ledger"
TIMELINE_DOC = "chapters/timeline"

#: What an event's status means, in the words the timeline's chart and table show.
STATUS_WORDS = {status: words for status, (_, _, words) in STATUSES.items()}


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
            f"reported {day(row['reported'])}. Source: {row['publisher']}, {published}. "
            f"Claim {row['claim_id']} in the ledger of figures.")


def subject_words(subject: str) -> str:
    return str(subject).replace("_", " ")


# -- the ledger ----------------------------------------------------------------------


def ledger_metrics(data, contested: bool) -> pd.DataFrame:
    """The metrics with at least one claim, contested or not, by label."""
    metrics = data.metrics[data.metrics.contested == contested]
    metrics = metrics[metrics.metric.isin(data.claims.metric)]
    return metrics.sort_values("label", kind="stable").reset_index(drop=True)


def metric_anchor(metric: str) -> str:
    """The anchor of a metric's section in the ledger."""
    return "ledger-" + metric.replace("_", "-")


def chart_key(metric: str) -> str:
    """The glue key of a contested metric's chart on the ledger page."""
    return "ledger-chart-" + metric.replace("_", "-")


def chart_description(claims: pd.DataFrame) -> str:
    """The text alternative of a metric's chart in the ledger."""
    frame = _bounds(claims)
    sides = ", ".join(sorted({SIDES[s] for s in claims.side}))
    return (f"A chart of {len(claims)} claims of {claims['label'].iloc[0].lower()} made by "
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


def spreads(claims: pd.DataFrame) -> pd.DataFrame:
    """For each metric, subject, unit and calendar month of the date claimed, the lowest and
    the highest figure (a range counts with its low and its high end) and who gave them,
    where at least two claimants gave a figure. ``ratio`` is highest over lowest (missing
    when the lowest is zero); ``gap`` is their difference."""
    frame = _bounds(claims)
    frame["month"] = frame["as_of"].dt.to_period("M")
    rows = []
    for (metric, subject, unit, month), group in frame.groupby(
            ["metric", "subject", "unit", "month"], sort=True, observed=True):
        if group["claimant_id"].nunique() < 2:
            continue
        low = group.sort_values(["lowest", "claim_id"], kind="stable").iloc[0]
        high = group.sort_values(["highest", "claim_id"], ascending=[False, True], kind="stable").iloc[0]
        ratio = high["highest"] / low["lowest"] if low["lowest"] > 0 else float("nan")
        rows.append({
            "metric": metric, "label": group["label"].iloc[0], "subject": subject, "unit": unit,
            "month": month.strftime("%b %Y"), "month_start": month.start_time,
            "claims": len(group), "claimants": group["claimant_id"].nunique(),
            "lowest": low["lowest"], "lowest_by": low["claimant"], "lowest_claim": low["claim_id"],
            "highest": high["highest"], "highest_by": high["claimant"], "highest_claim": high["claim_id"],
            "gap": high["highest"] - low["lowest"], "ratio": ratio,
        })
    columns = ["metric", "label", "subject", "unit", "month", "month_start", "claims", "claimants",
               "lowest", "lowest_by", "lowest_claim", "highest", "highest_by", "highest_claim", "gap", "ratio"]
    return pd.DataFrame(rows, columns=columns)


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
    return CHAPTERS[chapter][0]


def events_by_month(events: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Events in date order, grouped by the month they began in: ("August 2024", rows)."""
    ordered = events.sort_values(["date", "event_id"], kind="stable")
    months = ordered["date"].dt.to_period("M")
    return [(month.strftime("%B %Y"), group) for month, group in ordered.groupby(months, sort=True)]

