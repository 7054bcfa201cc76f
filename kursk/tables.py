"""Tables in the chapters: a frame shown as an escaped Markdown table (see :mod:`kursk.markup`)."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from .markup import markdown_table


def show_table(frame: pd.DataFrame, columns: dict[str, str] | None = None) -> Markdown:
    """Display a frame as a Markdown table (use as the last expression of a cell)."""
    return Markdown(markdown_table(frame, columns))
