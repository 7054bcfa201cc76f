"""Text from the data as Markdown: escaped cells, tables and the block that holds them.

MyST renders the result in HTML and in LaTeX.

Text from the data is always escaped: every ASCII punctuation character is
backslash-escaped (CommonMark treats the result as literal text), so a cell
holding ``<script>`` markup, a link or emphasis comes out as inert text. Tables
sit in a block of class ``kursk-data`` (:func:`data_block`), where Sphinx does
not turn straight quotes and dashes into typographic ones: the text is printed
exactly as written.
"""

from __future__ import annotations

import string

import pandas as pd

_PUNCTUATION = set(string.punctuation)

#: The class of the blocks that hold text from the data. The book's extension keeps
#: Sphinx's "smart quotes" out of them (they would turn " into “ and -- into –), so that
#: the text is printed as written.
DATA_CLASS = "kursk-data"


def data_block(markdown: str) -> str:
    """Markdown holding text from the data, in a block whose text is printed as written."""
    return f"::::{{container}} {DATA_CLASS}\n{markdown}\n::::"


def escape(value: object) -> str:
    """Literal Markdown text for any value (missing values become an empty cell)."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())  # no line breaks inside a table cell
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def markdown_table(frame: pd.DataFrame, columns: dict[str, str] | None = None,
                   widths: list[int] | None = None) -> str:
    """A pipe table: ``columns`` maps frame columns to header labels (in order).

    With ``widths`` (relative column widths), a ``list-table`` instead, so that
    the PDF edition gives each column that share of the page rather than
    squeezing short identifiers into a sliver."""
    columns = columns or {c: c for c in frame.columns}
    if widths is not None:
        assert len(widths) == len(columns), "one width per column"
        def item(cells):
            return "* - " + "\n  - ".join(cells)
        rows = [item([escape(label) for label in columns.values()])]
        rows += [item([escape(row[c]) for c in columns]) for _, row in frame.iterrows()]
        options = f":header-rows: 1\n:widths: {' '.join(str(w) for w in widths)}\n"
        return data_block("```{list-table}\n" + options + "\n" + "\n".join(rows) + "\n```")
    head = "| " + " | ".join(escape(label) for label in columns.values()) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    rows = ["| " + " | ".join(escape(row[c]) for c in columns) + " |"
            for _, row in frame.iterrows()]
    return data_block("\n".join([head, rule, *rows]))
