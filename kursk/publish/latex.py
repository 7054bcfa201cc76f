"""The PDF edition's page layout, applied to each page's doctree by the Sphinx extension.

* :func:`latex_table`: every table a longtable (it breaks across pages) with ragged-right,
  unhyphenated columns sized to their text;
* :func:`keep_together`: a short box starts a new page rather than split.

``tests/test_pdf_pages.py`` checks the result: nothing in the page foot, no blank page, no
word hyphenated in a table.
"""

from __future__ import annotations

import math
import re

from docutils import nodes


def keep_together(box: nodes.Element) -> None:
    """A short box ("In brief", "Cite this chapter") starts a page when it would not end on
    this one: split, its frame's empty foot could fill a page of its own."""
    lines = 4 + sum(len(block.astext().splitlines()) for block in box.findall(nodes.literal_block))
    lines += sum(len(para.astext()) // 90 + 1 for para in box.findall(nodes.paragraph))
    if lines <= 30 and box.parent is not None:
        box.parent.insert(box.parent.index(box),
                          nodes.raw("", f"\\Needspace{{{lines}\\baselineskip}}", format="latex"))


# -- the PDF's tables -----------------------------------------------------------------
#
# Sphinx sets a table of 30 rows or fewer in a tabulary, which cannot break across pages: a
# long one ran into the page foot, and TeX left a blank page before the next. And it gives
# every column the same justified "T" type, so that short columns hyphenated every word
# ("Ac-knowl-edged"). In the PDF every table is a longtable (it breaks across pages), with
# ragged-right, unhyphenated columns, each at least as wide as its longest word.

#: ``\linewidth`` where a table is set (A4, 1in margins, less the 20pt indent of a cell's
#: output), and what a column adds to its text's width (two ``\tabcolsep`` and a rule), in pt.
TABLE_LINE_PT = 431.0
CELL_PAD_PT = 12.4
#: Type sizes for tables, largest first (11pt body): narrow tables are set in the first.
TABLE_SIZES = (("\\small", 10.0), ("\\footnotesize", 9.0), ("\\scriptsize", 8.0))
_NARROW = set("fijlrtI.,;:'!|()[]{} -")
_WIDE = set("mwMW%@&")


def _ems(text: str, bold: bool = False) -> float:
    """A generous estimate of the width of ``text`` in FreeSerif, in ems."""
    width = sum(0.3 if ch in _NARROW else 0.85 if ch in _WIDE else 0.72 if ch.isupper()
                else 0.5 for ch in text)
    return width * (1.1 if bold else 1.0)


def _share(space: float, lows: list[float], highs: list[float], weights: list[float]) -> list[float]:
    """Divide ``space`` among columns in proportion to ``weights``, each column between its
    low and high bound (the bounds win: the sum may then be less than ``space``)."""
    widths: dict[int, float] = {}
    while len(widths) < len(lows):
        free = [c for c in range(len(lows)) if c not in widths]
        left = space - sum(widths.values())
        total = sum(weights[c] for c in free)
        shares = {c: left * weights[c] / total for c in free}
        short = {c: lows[c] for c in free if shares[c] < lows[c]}
        long = {c: highs[c] for c in free if shares[c] > highs[c]}
        if not short and not long:
            widths.update(shares)
        widths.update(short or long)
    return [widths[c] for c in range(len(lows))]


#: A token too long for a column, and the characters it may break after.
LONG_TOKEN = re.compile(r"\S{30,}")
BREAK_AFTER = re.compile(r"(?<=[|;,])(?=\S)")


def latex_table(table: nodes.table) -> None:
    """Set ``table`` in the PDF as a longtable with columns sized to their text."""
    from sphinx import addnodes

    groups = list(table.findall(nodes.tgroup))
    if len(groups) != 1:  # nested tables: left to Sphinx
        return
    ncols = len([c for c in groups[0].children if isinstance(c, nodes.colspec)])
    for text in list(table.findall(nodes.Text)):
        if LONG_TOKEN.search(text) and not isinstance(text.parent, nodes.raw):
            mixed: list[nodes.Node] = []
            for part in BREAK_AFTER.split(str(text)):  # a pattern, a list: break after | ; ,
                mixed += [nodes.Text(part), nodes.raw("", "\\allowbreak{}", format="latex")]
            text.parent.replace(text, mixed[:-1])
    words = [0.0] * ncols   # longest word (ems)
    lines = [0.0] * ncols   # longest cell on one line (ems)
    texts = [0.0] * ncols   # all the text of the column (ems)
    for row in groups[0].findall(nodes.row):
        head = isinstance(row.parent, nodes.thead)
        for c, entry in enumerate(row.children[:ncols]):
            text = " ".join(t.astext() for t in entry.findall(nodes.Text) if not isinstance(t.parent, nodes.raw))
            text = " ".join(text.split())
            words[c] = max([words[c], *(_ems(word, head) for word in text.split()
                                          for word in BREAK_AFTER.split(word))])
            lines[c] = max(lines[c], _ems(text, head))
            texts[c] += 0 if head else _ems(text)
    space = TABLE_LINE_PT - ncols * CELL_PAD_PT
    sizes = TABLE_SIZES if ncols <= 5 else TABLE_SIZES[1:]
    for size, points in sizes:
        if sum(words) * points <= space:
            break
    # A word wider than a third of the line (an address, say) may overflow its cell.
    lows = [min(w * points, space / 3) for w in words]
    widths = _share(space, lows, [max(low, (w + 0.5) * points) for low, w in zip(lows, lines)],
                    [max(t, 1.0) for t in texts])
    if sum(widths) > space:  # the words do not fit even in the smallest type: share the line
        widths = [w * space / sum(widths) for w in widths]
    spec = "".join(f">{{\\raggedright\\arraybackslash{size}\\hyphenpenalty=10000\\relax}}"
                   f"\\Y{{{math.floor(1000 * (w + CELL_PAD_PT) / TABLE_LINE_PT) / 1000:.3f}}}"
                   for w in widths)
    previous = table.previous_sibling() if table.parent is not None else None
    if isinstance(previous, addnodes.tabular_col_spec):
        previous.parent.remove(previous)
    table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=spec))
    # no table starts at the foot of a page with its head and a row alone
    table.parent.insert(table.parent.index(table) - 1,
                        nodes.raw("", "\\Needspace{8\\baselineskip}", format="latex"))
    table["classes"].append("longtable")
