"""Tables from the data, as Markdown that myst-nb renders in HTML and in LaTeX.

Text from the data is always escaped: every ASCII punctuation character is
backslash-escaped (CommonMark treats the result as literal text), so a cell
holding ``<script>`` markup, a link or emphasis comes out as inert text.
"""

from __future__ import annotations

import string

import pandas as pd
from IPython.display import Markdown

_PUNCTUATION = set(string.punctuation)


def escape(value: object) -> str:
    """Literal Markdown text for any value (missing values become an empty cell)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())  # no line breaks inside a table cell
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def markdown_table(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> str:
    """A pipe table: ``columns`` maps frame columns to header labels (in order)."""
    columns = columns or {c: c for c in frame.columns}
    head = "| " + " | ".join(escape(label) for label in columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    rows = ["| " + " | ".join(escape(row[c]) for c in columns) + " |"
            for _, row in frame.iterrows()]
    return "\n".join([head, rule, *rows])


def show_table(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> Markdown:
    """Display a frame as a Markdown table (use as the last expression of a cell)."""
    return Markdown(markdown_table(frame, columns))
