"""Numbers for a chapter's prose: glued from the data, with their sources kept.

A chapter creates one :class:`Figures` for the dataset, glues every number its
text uses through it, and passes every frame it charts through
:meth:`Figures.track`. At the end, :meth:`Figures.data_note` lists the tables
and the sources behind the chapter's figures, so that note can never forget one.

Claims are looked up by their stable ``claim_id``. When the text cites the
source of a figure, pass that key as ``source``: if the data ever attributes
the figure to another source, the chapter fails to build instead of citing the
wrong one.
"""

from __future__ import annotations

import IPython
import pandas as pd
from IPython.display import Markdown, display

from myst_nb.ext.glue import GLUE_PREFIX as _GLUE_PREFIX

from .dataset.read import Dataset, expect_sources, source_labels
from .ledger import claim_hover
from .markup import escape
from .tables import show_table
from .vocabulary import claim_label, source_and_date


def in_words(names, empty: str = "none") -> str:
    """Names as a sentence lists them, sorted: "A", "A and B", "A, B and C" (``empty`` for none)."""
    listed = sorted(names)
    if not listed:
        return empty
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def _number(value: float) -> int | float:
    value = float(value)
    return int(value) if value.is_integer() else value


def glue_with_provenance(name: str, value, provenance: dict) -> None:
    """Glue ``value`` as myst-nb's ``glue(name, value, display=False)`` does, with the
    figure's provenance in the output's metadata (``kursk``): ``{"claim": id, "title": hover}``
    for a figure taken from a claim, ``{"derived": how, "claims": [ids], "title": hover}``
    for one computed in the chapter. The book's ``{glue:text}`` role turns it into a link
    to the claim's row in the ledger, or a hover text saying how the figure was derived."""
    bundle, metadata = IPython.core.formatters.format_display_data(value)
    metadata["scrapbook"] = {"name": name, "mime_prefix": _GLUE_PREFIX}
    metadata["kursk"] = provenance
    display({_GLUE_PREFIX + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


class Figures:
    """The numbers and sources of one chapter."""

    def __init__(self, data: Dataset):
        self.data = data
        self._claims = data.claims_full().set_index("claim_id", drop=False)
        self.tables: set[str] = set()
        #: every source behind the chapter's figures, charts and tables
        self.sources: set[str] = set()
        #: the sources of the figures glued into the text (a subset of ``sources``)
        self.cited: set[str] = set()

    # -- claims -----------------------------------------------------------
    def claim(self, name: str, claim_id: str, source: str | None = None) -> None:
        """Glue claim ``claim_id`` as ``name`` (or ``name_low``/``name_high`` for a range).

        Returns nothing, so that a cell ending with it shows no output; use
        :meth:`get` for the row itself."""
        row = self._claims.loc[claim_id]
        if source is not None:
            expect_sources(row, source)
        provenance = {"claim": claim_id, "title": claim_hover(row)}
        if pd.isna(row["value"]):
            glue_with_provenance(f"{name}_low", _number(row["low"]), provenance)
            glue_with_provenance(f"{name}_high", _number(row["high"]), provenance)
        else:
            glue_with_provenance(name, _number(row["value"]), provenance)
        self.tables.update({"claims", "claimants", "sources"})
        self.sources.add(row["source_id"])
        self.cited.add(row["source_id"])

    def get(self, claim_id: str) -> pd.Series:
        """One claim, without gluing it (to compute with)."""
        return self._claims.loc[claim_id]

    def claims(self, **where) -> pd.DataFrame:
        """Claims (joined with claimant and source) matching column=value or column=[values]."""
        frame = self._claims
        for column, wanted in where.items():
            wanted = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            frame = frame[frame[column].isin(wanted)]
        return frame.reset_index(drop=True)

    # -- computed values ----------------------------------------------------
    def value(self, name: str, value, how: str, claims=()) -> None:
        """Glue a value computed in the chapter (a count, a difference, a share).

        ``how`` says, in a phrase, how it was computed ("difference of the two areas",
        "count of the claims in the chart"); ``claims`` lists the ids of the claims it
        was computed from. Both become the figure's hover text."""
        if not how or not how.strip():
            raise ValueError(f"say how {name!r} was computed")
        if isinstance(value, (int, float)) or hasattr(value, "dtype"):
            value = _number(value)
        how = how.strip().rstrip(".")
        title = f"Computed by the book: {how}."
        if claims:
            rows = [self._claims.loc[c] for c in claims]
            title += " From " + "; ".join(
                f"claim {r['claim_id']} ({r['claimant']}, {r['as_of']:%-d %b %Y})" for r in rows) + "."
            self.tables.update({"claims", "claimants", "sources"})
            self.sources.update(r["source_id"] for r in rows)
            self.cited.update(r["source_id"] for r in rows)
        glue_with_provenance(name, value, {"derived": how, "claims": list(claims), "title": title})

    def track(self, frame: pd.DataFrame, *tables: str) -> pd.DataFrame:
        """Record the sources (and tables) behind a frame that a chart or table shows."""
        if "source_id" in frame:
            self.sources.update(frame["source_id"].dropna())
        self.tables.update(tables or ("claims", "claimants", "sources"))
        return frame

    def claims_table(self, frame: pd.DataFrame, what: dict[str, str] | None = None, subject: bool = True,
                     by=("as_of", "claim_id")) -> Markdown:
        """A compact table of the claims in ``frame`` (as :meth:`claims` returns them), for the
        figures a section leaves out of its text: what was counted (the metric's label, or
        ``what[metric]``, followed by the subject unless ``subject`` is false), the figure with
        its hedge and unit, who gave it, the date it refers to, and the source. Rows are sorted
        by the columns ``by``; the claims are recorded as the chapter's (:meth:`track`)."""
        rows = self.track(frame).sort_values(list(by), kind="stable")
        counted = rows.metric.map(what) if what else rows.label.astype(str)
        table = pd.DataFrame({
            "what": counted + " (" + rows.subject_label.astype(str) + ")" if subject else counted,
            "figure": [claim_label(r) for r in rows.to_dict("records")],
            "claimant": rows.claimant.astype(str),
            "date": rows.as_of.dt.strftime("%-d %B %Y"),
            "source": source_and_date(rows),
        })
        return show_table(table, {"what": "What was counted", "figure": "Figure", "claimant": "Given by",
                                  "date": "As of", "source": "Source"})

    def events(self, chapter: str) -> pd.DataFrame:
        """The events of a chapter (record the ones a figure uses with :meth:`track_events`)."""
        return self.data.events[self.data.events.chapter == chapter]

    def track_events(self, events: pd.DataFrame) -> pd.DataFrame:
        """Record the sources of events that a chart or table shows."""
        links = self.data.event_sources[self.data.event_sources.event_id.isin(events.event_id)]
        self.track(links, "events", "event_sources", "sources")
        return events

    # -- the note -------------------------------------------------------------
    def data_note(self) -> Markdown:
        """A Markdown note: the tables behind this chapter's figures, the sources of the figures
        in its text (each once; two reports that would be cited alike, same publisher and date,
        are told apart by their titles), and how many sources its charts and tables draw on."""
        titles = {r["name"]: (r["title"], r["path"]) for r in self.data.descriptor["resources"]}
        tables = ", ".join(f"{escape(titles[t][0].lower())} (`data/{titles[t][1]}`)" for t in sorted(self.tables))
        sources = self.data.sources.set_index("source_id")
        cited = sources.loc[sorted(self.cited)]
        labels = (source_labels(cited.reset_index()).set_axis(cited.index) + " "
                  + cited.published.astype("string").fillna("n.d."))
        shared = labels.duplicated(keep=False)
        cites = "; ".join(f"{{cite:t}}`{key}`" + (f" ({escape(cited.title[key])})" if shared[key] else "")
                          for key in sorted(self.cited, key=lambda k: (labels[k].lower(), k)))
        return Markdown(
            f"This chapter's figures and charts come from these tables of the dataset: {tables}. "
            f"The figures in its text rest on {len(self.cited)} sources: {cites}. "
            f"Its charts and tables draw on {len(self.sources)} sources in all; each mark and row names "
            f"its own, and the list of sources gives them in full."
        )
