"""The book built again after a change to its data: the change reaches every output, and
text from the data is printed exactly and never interpreted.

One edited copy (the ``marked_up`` fixture of conftest.py) serves every test here. It is a
copy of the session's built book (its execution cache and Sphinx environment included)
whose data then changes: source titles, publishers, claim notes, claimant names, event
descriptions and metric descriptions hold HTML (``<script>``, ``<img onerror>``), MyST
roles and every character special to TeX and BibTeX, and one figure the prose glues
changes. The book is built again (web and PDF). The web pages must show each text exactly,
as escaped text and never as markup; the PDF's text layer must hold the original
characters; and the changed figure must be printed, never the cached one. The copy's
``CITATION.cff`` gains a DOI too, which the cite boxes, the BibTeX entries, every page's
footer and the PDF's title page must then show. (The copy also has a base URL, for
tests/test_found.py.) The last test puts the data and ``CITATION.cff`` back.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from conftest import AREA_CHANGE, DOI, PAYLOADS, build, edited, folder_digest, latest_august_area, page_text, pdf_text

pytestmark = pytest.mark.build


def _area_sentence(value: float) -> str:
    return f"the area at {value:,.0f} square kilometres"


def test_a_data_change_re_executes_the_chapters(book, marked_up):
    """The edited copy was built with the execution cache of the session's book: had the
    cache (keyed on code only) been used, the old figure would be printed."""
    page = "_build/html/chapters/data-and-methods.html"
    old = latest_august_area(book / "data").value
    assert _area_sentence(old) in page_text((book / page).read_text())
    after = page_text((marked_up / page).read_text())
    assert _area_sentence(old + AREA_CHANGE) in after and _area_sentence(old) not in after


def _pages(book: Path) -> dict[str, str]:
    out = book / "_build" / "html"
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}


def _visible(page: str) -> str:
    """The text a reader sees (tags dropped, entities decoded, spaces collapsed)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


@pytest.mark.parametrize("table", list(PAYLOADS))
def test_the_web_book_shows_the_text_exactly(marked_up, table):
    text = PAYLOADS[table][1]
    pages = _pages(marked_up)
    shown = [name for name, page in pages.items() if text in _visible(page)]
    assert shown, f"the {table} text is shown nowhere exactly"


def test_no_markup_from_the_data_reaches_the_web_book(marked_up):
    for name, page in _pages(marked_up).items():
        assert "window.__pwned" not in re.sub(r"&lt;script&gt;window.__pwned|onerror=&quot;window.__pwned"
                                              r"|onerror=\\&quot;window.__pwned", "", page), name
        assert "<b>bold</b>" not in page and "<b>b</b>" not in page and "<i>i</i>" not in page, name
        assert "alert(3)</script>" not in page, name
        assert 'href="https://example.org"' not in page, name
    for spec in (marked_up / "_build" / "html" / "_static" / "kursk" / "specs").glob("*.js"):
        assert "<script>" not in spec.read_text(encoding="utf-8"), spec.name


def test_the_notebooks_hold_the_text_escaped(marked_up):
    """In the executed notebooks, text from the data is escaped Markdown or JSON data,
    never HTML that a notebook viewer would run."""
    import nbformat

    notebooks = sorted((marked_up / "_build" / "html" / "_downloads" / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                for mime, value in output.get("data", {}).items():
                    value = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else ""
                    assert "<script>window.__pwned" not in value, (path.name, mime)
                    assert "<script>alert(3)" not in value, (path.name, mime)
                    assert "<img src=x" not in value, (path.name, mime)


def _pdf_text(book: Path) -> str:
    text = "".join(pdf_text(book / "_build" / "pdf" / "battle-for-kursk.pdf"))
    # lines broken by the layout: join them without the hyphen or space TeX adds
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("table", ["sources", "claims", "events", "metrics"])
def test_the_pdf_holds_the_original_characters(marked_up, table):
    text = re.sub(r"\s+", " ", PAYLOADS[table][1])
    pdf = _pdf_text(marked_up)
    squeezed = pdf.replace(" ", "")
    assert text in pdf or text.replace(" ", "") in squeezed, f"the {table} text is not in the PDF"


def test_the_bibliography_file_round_trips(marked_up):
    """The generated BibTeX gives pybtex back the title exactly (with the characters that
    kursk.publish.bib holds back from it restored, as the book's extension does)."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    from kursk.publish import bib

    entries = parse_file(str(marked_up / "_build" / "generated" / "references.bib")).entries
    titles = {bib.restore(str(Text.from_latex(entry.fields["title"]))) for entry in entries.values()}
    assert PAYLOADS["sources"][1] in titles


def test_a_tex_error_keeps_the_last_good_pdf_and_web_book(marked_up):
    """TeX stops on an error in the LaTeX (here an undefined command): the build says that
    xelatex failed, and neither the published PDF nor the web book (with its copy) changes.
    With the fault gone, nothing needs building. (In the edited copy: the LaTeX of the failed
    build stays in its work folder, which no later test reads.)"""
    pdf = marked_up / "_build" / "pdf" / "battle-for-kursk.pdf"
    web = marked_up / "_build" / "html"
    before = (pdf.read_bytes(), folder_digest(web))
    broken = "## Sourcing policy\n\n```{raw} latex\n\\UndefinedCommandOfTheTest\n```\n"
    with edited(marked_up / "chapters" / "data-and-methods.md", "## Sourcing policy", broken):
        result = build(marked_up, "book")
    assert result.returncode != 0
    assert 'the build FAILED at the step "xelatex: the PDF edition"' in result.stderr, result.stderr[-2000:]
    assert (pdf.read_bytes(), folder_digest(web)) == before
    assert build(marked_up, "book").returncode == 0
    assert (pdf.read_bytes(), folder_digest(web)) == before


def test_a_doi_in_citation_cff_reaches_every_output(marked_up):
    """The DOI is linked in the cite boxes and in every BibTeX entry a reader copies, in the footer
    of every page, and on the PDF's title page."""
    out = marked_up / "_build" / "html"
    link = f'<a class="reference external" href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>'
    for slug in ("incursion", "how-to-cite"):
        page = (out / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
        boxes = re.split(r'<div class="tip admonition">', page)[1:]
        assert boxes and all(link in box.split('class="highlight-bibtex')[0] for box in boxes), slug
        # every entry (the book's, the chapter's, the dataset's) has the DOI
        entries = re.findall(r"@(?:book|incollection|misc)\{kursk-", _visible(page))
        assert entries and _visible(page).count(f"doi = {{{DOI}}}") == len(entries), slug
    footer = f'DOI <a href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>.'
    pages = _pages(marked_up)
    assert len(pages) > 10
    for name, page in pages.items():
        if name != "index.html" and not name.startswith("_static/"):  # index.html: the front door
            assert footer in page, name
    pdf = marked_up / "_build" / "pdf" / "battle-for-kursk.pdf"
    title_page = re.sub(r"\s+", "", pdf_text(pdf)[0])
    assert f"DOI:https://doi.org/{DOI}" in title_page
    links = [a.get_object()["/A"].get("/URI") for a in PdfReader(pdf).pages[0].get("/Annots", [])]
    assert f"https://doi.org/{DOI}" in links


def test_going_back_to_the_old_data_prints_the_old_figures_again(book, marked_up):
    """Last in this module: it puts the data (and CITATION.cff, without the DOI) back. The previous
    execution cache is kept, so nothing is executed again, and no figure of the edited data survives."""
    shutil.rmtree(marked_up / "data")
    shutil.copytree(book / "data", marked_up / "data")
    shutil.copy(book / "CITATION.cff", marked_up / "CITATION.cff")
    result = build(marked_up)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "kursk.execute: executed" not in output and "Executing notebook" not in output
    old = latest_august_area(book / "data").value
    after = page_text((marked_up / "_build/html/chapters/data-and-methods.html").read_text())
    assert _area_sentence(old) in after and _area_sentence(old + AREA_CHANGE) not in after
