"""The chapters as a reader meets them: an argument stated at the top, prose that carries a few
figures rather than lists of them, sentences of a readable length, and no raw code output on any
page or in the PDF.

The prose is measured on the built pages as a reader sees it: paragraphs and list items, with
code, charts, tables, captions and admonitions left out. A figure is a number written in digits,
other than a date (a day with its month, a year, an ISO date).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kursk.publish import meta

from conftest import pdf_text

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATES = re.compile(rf"\b\d{{1,2}}(?:\s*(?:–|-|and|to)\s*\d{{1,2}})?\s+{MONTH}(?:\s+\d{{4}})?"
                   rf"|{MONTH}\s+\d{{4}}|{MONTH}\s+\d{{1,2}}\b(?:,\s*\d{{4}})?"
                   r"|\b\d{4}-\d\d(?:-\d\d)?\b|\b(?:19|20)\d\d(?:–\d\d)?\b")
FIGURE = re.compile(r"(?<![\w.\-])\d[\d,.]*(?<![.,])(?![\w-])")
#: a citation as the book renders it: [Publisher, 2024-08-06]
CITATION = re.compile(r"\[[^\[\]]{2,200}?,\s*(?:\d{4}-\d\d(?:-\d\d)?|n\.d\.)\]")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")

#: The targets of issue 18, for every topic chapter.
MAX_FIGURES_PER_100_WORDS = 2.0
MAX_SHARE_OF_DENSE_SENTENCES = 0.15
MAX_MEAN_SENTENCE = 25
WORDS = (2000, 4500)
MAX_BRIEF_WORDS = 120
MAX_TYPED_NUMBERS = 5


def _article(page: str) -> str:
    found = re.search(r"<article[^>]*>(.*)</article>", page, re.S)
    return found.group(1) if found else page


def prose(page: str) -> list[str]:
    """The text of the page's prose paragraphs and list items."""
    body = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", _article(page), flags=re.S)
    body = re.sub(r'<div class="cell_input\b.*?</div>\s*</div>', "", body, flags=re.S)
    for tag in ("figure", "table", "pre", "figcaption"):
        body = re.sub(rf"<{tag}\b[^>]*>.*?</{tag}>", "", body, flags=re.S)
    body = re.sub(r'<div class="(?:admonition|kursk-chart)\b.*?</div>', "", body, flags=re.S)
    texts = []
    for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", body, re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", paragraph))).strip()
        if len(text.split()) >= 8:
            texts.append(text)
    return texts


def measure(page: str) -> dict:
    text = CITATION.sub(" ", " ".join(prose(page)))
    words = len(text.split())
    sentences = [s for s in SENTENCE_END.split(text) if len(s.split()) >= 3]
    figures = [len(FIGURE.findall(DATES.sub(" ", s))) for s in sentences]
    return {
        "words": words,
        "figures_per_100_words": 100 * sum(figures) / words,
        "dense_sentences": sum(n >= 2 for n in figures) / len(sentences),
        "mean_sentence": words / len(sentences),
    }


def test_the_measure_counts_figures_not_dates():
    page = ("<article><p>On 6 August 2024 about 1,000 soldiers crossed; by 12 August they held "
            "1,000 square kilometres [TASS, 2024-08-12].</p><p>In 2025 the fighting was over "
            "and the troops had gone home for good.</p></article>")
    result = measure(page)
    assert result["words"] == 31  # the citation is not counted; its full stop is
    assert result["figures_per_100_words"] == pytest.approx(100 * 2 / 31)
    assert result["dense_sentences"] == 0.5
    assert result["mean_sentence"] == 15.5


def _page(book: Path, slug: str) -> str:
    return (book / "_build" / "html" / "chapters" / f"{slug}.html").read_text(encoding="utf-8")


@pytest.mark.build
@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_each_chapter_reads_as_an_argument(book, slug):
    result = measure(_page(book, slug))
    assert WORDS[0] <= result["words"] <= WORDS[1], result
    assert result["figures_per_100_words"] <= MAX_FIGURES_PER_100_WORDS, result
    assert result["dense_sentences"] <= MAX_SHARE_OF_DENSE_SENTENCES, result
    assert result["mean_sentence"] <= MAX_MEAN_SENTENCE, result


@pytest.mark.build
@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_each_chapter_opens_with_its_argument_in_brief(book, slug):
    body = _article(_page(book, slug))
    brief = re.search(r'<div class="(?:in-brief admonition|admonition in-brief)">(.*?)</div>', body, re.S)
    assert brief, f"{slug} has no 'In brief' at the top"
    assert body.index(brief.group(0)) < body.find("<h2"), f"{slug}: 'In brief' comes after a section"
    text = html.unescape(re.sub(r"<[^>]+>", " ", brief.group(1)))
    assert text.split()[:2] == ["In", "brief"]
    assert 40 <= len(text.split()) - 2 <= MAX_BRIEF_WORDS, text


@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_numbers_in_the_prose_are_glued_not_typed(slug):
    """A number typed into a chapter's prose cannot follow the data; only a handful (a count of
    days between two dates, a century) may be typed."""
    source = (Path(__file__).resolve().parents[1] / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    source = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)  # the notebook's front matter
    source = re.sub(r"^(`{3,}|:{3,})\{.*?^\1\s*$", "", source, flags=re.S | re.M)  # cells, figures
    source = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", source)  # roles: glued values, citations, references
    source = re.sub(r"^\(.*\)=\s*$", "", source, flags=re.M)
    typed = FIGURE.findall(DATES.sub(" ", source))
    assert len(typed) <= MAX_TYPED_NUMBERS, typed


RAW_OUTPUT = re.compile(r'class="[^"]*\b(?:dataframe|output stream|output text_plain|output traceback)\b')
MISSING = re.compile(r"\b(?:NaT|NaN|<NA>|dtype: \w+)")


@pytest.mark.build
def test_no_page_shows_raw_code_output(book):
    found = []
    for page in sorted((book / "_build" / "html").rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        visible = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", text,
                                                                 flags=re.S)))
        found += [f"{page.name}: {m.group(0)}" for m in RAW_OUTPUT.finditer(text)]
        found += [f"{page.name}: {m.group(0)}" for m in MISSING.finditer(visible)]
    assert not found


@pytest.mark.build
def test_the_pdf_shows_no_raw_code_output(book):
    pdf = book / "_build" / "html" / "_downloads" / "battle-for-kursk.pdf"
    text = " ".join(pdf_text(pdf))
    assert not MISSING.findall(text)
    assert not re.search(r"\d+ rows × \d+ columns|^\s*\d+\s+E\d{3}\s", text, re.M)  # a frame, printed
