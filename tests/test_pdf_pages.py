"""The PDF edition's pages, read as a reader sees them (issue 19).

Nothing but the running foot (the page number and the section's title) is printed in the
page foot: no caption, figure or table row runs into it. No page is blank. And no word in
a table is broken by hyphenation ("Ac-knowl-edged").

Positions come from pypdf: the baseline of every piece of text the page itself shows, and
the box of every figure (a form or an image) it draws; the text inside a figure is the
figure's, and only its box is checked. The foot band is found from the PDF itself: the
running foot is the line of text, in one font, that is lowest on most pages; the band is
everything below two of its type sizes above that line (the rule above the foot included).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

pytestmark = pytest.mark.build


def _times(a: list[float], b: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def page_layout(page) -> tuple[list[tuple], list[tuple]]:
    """``(texts, boxes)``: the page's own text as ``(x, y, text, font, size)`` (``y`` the
    baseline, from the bottom of the page, in pt) in the order it is drawn, and the box of
    each figure it draws as ``(x0, y0, x1, y1)``."""
    texts, boxes = [], []
    xobjects = page.get("/Resources", {}).get("/XObject", {})
    depth = [0]  # > 0 inside a figure

    def before(op, operands, cm, tm):
        if op != b"Do":
            return
        if depth[0] == 0 and operands and operands[0] in xobjects:
            obj = xobjects[operands[0]].get_object()
            if obj.get("/Subtype") == "/Form":
                x0, y0, x1, y1 = (float(v) for v in obj["/BBox"])
                matrix = _times([float(v) for v in obj.get("/Matrix", [1, 0, 0, 1, 0, 0])], list(cm))
            else:  # an image fills the unit square
                x0, y0, x1, y1, matrix = 0, 0, 1, 1, list(cm)
            points = [(x * matrix[0] + y * matrix[2] + matrix[4], x * matrix[1] + y * matrix[3] + matrix[5])
                      for x in (x0, x1) for y in (y0, y1)]
            boxes.append((min(p[0] for p in points), min(p[1] for p in points),
                          max(p[0] for p in points), max(p[1] for p in points)))
        depth[0] += 1

    def after(op, operands, cm, tm):
        if op == b"Do":
            depth[0] -= 1

    def visit(text, cm, tm, font, size):
        if depth[0] or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str((font or {}).get("/BaseFont", "")).split("+")[-1]
        texts.append((x, y, text.strip(), name, abs(size * tm[3] * cm[3]) or size))

    page.extract_text(visitor_operand_before=before, visitor_operand_after=after, visitor_text=visit)
    return texts, boxes


class Pages:
    """Every page of the PDF edition, with its label (the printed page number)."""

    def __init__(self, path: Path):
        reader = pypdf.PdfReader(path)
        self.labels = list(reader.page_labels)
        self.layouts = [page_layout(page) for page in reader.pages]
        # The running foot: the line of text, in one font, that is lowest on most pages.
        lowest = Counter()
        highest = Counter()
        for texts, _ in self.layouts:
            if texts:
                low = min(texts, key=lambda t: t[1])
                lowest[(round(low[1]), low[3], round(low[4]))] += 1
                high = max(texts, key=lambda t: t[1])
                highest[round(high[1])] += 1
        (self.foot_y, self.foot_font, foot_size), _ = lowest.most_common(1)[0]
        self.band_top = self.foot_y + 2 * foot_size
        self.head_y = highest.most_common(1)[0][0]

    def name(self, index: int) -> str:
        return f"printed page {self.labels[index]} (page {index + 1} of the PDF)"

    def in_foot(self, index: int) -> list[str]:
        """What lies in the foot band of a page, besides the running foot."""
        texts, boxes = self.layouts[index]
        found = [f"text {text!r} (baseline {y:.0f} pt from the bottom)" for x, y, text, font, size in texts
                 if y < self.band_top and not (abs(y - self.foot_y) <= 1 and font == self.foot_font)]
        found += [f"a figure reaching {y0:.0f} pt from the bottom" for x0, y0, x1, y1 in boxes
                  if y0 < self.band_top - 1]
        return found

    def blank(self, index: int) -> bool:
        """Whether a page holds nothing but its running head and foot."""
        texts, boxes = self.layouts[index]
        return not boxes and not [t for t in texts if self.band_top <= t[1] < self.head_y - 1]


@pytest.fixture(scope="module")
def pdf(book) -> Path:
    found = sorted((book / "_build" / "pdf").glob("*.pdf"))
    assert found, f"no PDF edition in {book / '_build' / 'pdf'}"
    return found[0]


@pytest.fixture(scope="module")
def pages(pdf) -> Pages:
    return Pages(pdf)


def test_the_running_foot_is_found(pages):
    """The foot band is where the PDF's running foot is (a sanity check of the others)."""
    assert 20 < pages.foot_y < 80 and "Sans" in pages.foot_font, (pages.foot_y, pages.foot_font)
    assert pages.head_y > 700


def test_nothing_runs_into_the_page_foot(pages):
    """No caption, figure, table row or line of text lies in the page foot."""
    problems = [f"{pages.name(i)}: {what}" for i in range(len(pages.layouts)) for what in pages.in_foot(i)]
    assert not problems, (f"{len(problems)} things run into the page foot (below "
                          f"{pages.band_top:.0f} pt):\n" + "\n".join(problems[:40]))


def test_no_blank_pages(pages):
    """Every page holds text or a figure besides its running head and foot (no page left
    blank before a chapter, a table or a box)."""
    blank = [pages.name(i) for i in range(len(pages.layouts)) if pages.blank(i)]
    assert not blank, "blank pages: " + ", ".join(blank)


#: A line of small type (a table's) that ends in a word broken by a hyphen, and the line after.
BROKEN = re.compile(r"(?:^|[\s(“‘\"'])([A-Za-z]+)-$")
CONTINUED = re.compile(r"^([a-z]+)")


def test_no_word_in_a_table_is_hyphenated(pages, book):
    """No line of a table (small type) ends with a fragment of a word broken by hyphenation:
    a line ending "Ac-" and followed by "knowl-" is one, unless the book's LaTeX source
    holds the hyphenated compound itself (a hyphen of the text, such as "counter-offensive")."""
    sources = "".join(path.read_text(encoding="utf-8")
                      for path in (book / "_build" / "work" / "_build" / "latex").glob("*.tex"))
    sources = sources.replace("\\sphinxhyphen{}", "-")
    broken = []
    for i, (texts, _) in enumerate(pages.layouts):
        for (x, y, text, font, size), (x2, y2, text2, *_) in zip(texts, texts[1:]):
            head, tail = BROKEN.search(text), CONTINUED.match(text2)
            if size < 10.5 and head and tail and y2 < y and \
                    f"{head.group(1)}-{tail.group(1)}" not in sources:
                broken.append(f"{pages.name(i)}: {head.group(1)}-/{tail.group(1)}")
    assert not broken, "words of tables broken by hyphenation:\n" + "\n".join(broken[:40])
