"""The book's bibliography, generated from the source registry (``sources.csv``).

There is no hand-kept ``.bib`` file: :mod:`kursk.sphinxext` writes one from the
registry before every build, so the citation keys of the book are exactly the
``source_id`` values of the data.
"""

from __future__ import annotations

import pandas as pd

_LATEX = {
    "\\": "/", "{": "(", "}": ")", "$": "\\$", "%": "\\%", "&": "\\&", "#": "\\#",
    "_": "\\_", "~": "-", "^": "",
}


def escape(text: str) -> str:
    """Make text safe inside a braced BibTeX field: no markup survives."""
    return "".join(_LATEX.get(ch, ch) for ch in str(text))


def _field(name: str, value: str) -> str:
    return f"  {name} = {{{value}}},"


def entry(row: pd.Series) -> str:
    """One ``@misc`` entry for a source row."""
    author = row["author"] if not pd.isna(row["author"]) else row["publisher"]
    lines = [f"@misc{{{row['source_id']},",
             _field("author", "{" + escape(author) + "}"),
             # Braced twice, so that the style keeps the headline's capitals as published.
             _field("title", "{" + escape(row["title"]) + "}"),
             _field("howpublished", escape(row["publisher"]))]
    if not pd.isna(row["published"]):
        # The full date, not just the year: a news-based book cites many reports by
        # one agency in one year, and "(TASS, 2024-08-09)" tells them apart where
        # "(TASS, 2024)" would not.
        lines.append(_field("year", f"{row['published']:%Y-%m-%d}"))
    else:
        lines.append(_field("year", "n.d."))
    lines.append(_field("url", row["url"].replace("}", "%7D").replace("{", "%7B")))
    note = f"Accessed {row['accessed']:%Y-%m-%d}"
    if row["copy_found"] == "repost":
        note += f"; re-post of a text first published by {escape(row['original_publisher'])}"
    if row["date_basis"] != "page" and not pd.isna(row["note"]):
        # how the date was found (or why there is none), so that no date looks read off a page it is not on
        note += f". {escape(str(row['note']).rstrip('.'))}"
    lines.append(_field("note", note))
    lines.append("}")
    return "\n".join(lines)


def bibtex(sources: pd.DataFrame) -> str:
    """The whole bibliography, sorted by key."""
    header = "% Generated from data/sources.csv by kursk.bib: do not edit.\n\n"
    return header + "\n\n".join(entry(row) for _, row in sources.sort_values("source_id").iterrows()) + "\n"
