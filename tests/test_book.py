"""The strict build: it succeeds, it fails on any fault, and it never publishes a
half-built book. (A data change, and an error of TeX, are tested on the edited copy of
tests/test_markup.py.)"""

from __future__ import annotations

import hashlib
import html
import re

import pytest

import kursk
from kursk.vocabulary import CHAPTER_PAGES

from conftest import build, edited, folder_digest, latest_august_area, page_text

pytestmark = pytest.mark.build


def test_book_builds_strictly_with_every_page(book):
    html = book / "_build" / "html"
    for page in ("intro.html", "chapters/data-and-methods.html", "chapters/references.html"):
        assert (html / page).is_file(), page
    assert (html / "_static" / "kursk" / "vega.js").stat().st_size > 500_000
    assert "BSD" in (html / "_static" / "kursk" / "vega-licenses.txt").read_text()


def test_glued_numbers_come_from_the_data(book):
    latest = latest_august_area(book / "data")
    text = page_text((book / "_build" / "html" / "chapters" / "data-and-methods.html").read_text())
    assert f"the area at {latest.value:,.0f} square kilometres" in text


def test_every_source_is_in_the_bibliography(book):
    sources = kursk.load(book / "data").sources
    page = html.unescape((book / "_build" / "html" / "chapters" / "references.html").read_text())
    for url in sources.url:
        assert url in page
    # titles keep their capitals as published ("Kim Jong Un", not "Kim jong un")
    text = page_text(page)
    plain = [title for title in sources.title if re.fullmatch(r"[A-Za-z0-9 ,.:'’]+", title)
             and re.search(r" [A-Z]", title)]
    assert len(plain) > 20
    missing = [title for title in plain if title not in text]
    assert not missing, missing[:5]


def test_bad_data_stops_the_build_and_keeps_the_last_good_book(book):
    published = book / "_build" / "html"
    before = folder_digest(published)
    claims = book / "data" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    line, row = next((n, text) for n, text in enumerate(lines, 1)
                     if re.match(r"C\d{4},area_held,[a-z_]+,\d{4,},", text))
    value = int(row.split(",")[3])
    broken = row.replace(f",{value},", f',"{value:,}",', 1)
    with edited(claims, row, broken):
        result = build(book)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert (f'data/claims.csv, line {line}, column "value": expected a finite number written with digits and '
            f'an optional decimal point (no exponent, no thousands separators); found "{value:,}" [type-error]') in output
    assert 'the build FAILED at the step "check the data"' in output
    assert folder_digest(published) == before


@pytest.mark.parametrize("fault", [
    ("a broken cross-reference", "## Sourcing policy", "## Sourcing policy\n\nSee {numref}`fig-nowhere`.",
     "Sphinx: the HTML book"),
    ("an unknown citation key", "## Sourcing policy", "## Sourcing policy\n\nSee {cite:p}`nowhere-20240101-x`.",
     "Sphinx: the HTML book"),
    ("a failing cell", "## Sourcing policy", "## Sourcing policy\n\n```{code-cell} python\n1 / 0\n```\n",
     "execute the chapters"),
], ids=lambda f: f[0])
def test_any_warning_or_cell_error_fails_the_build(book, fault):
    _, old, new, step = fault
    published = book / "_build" / "html"
    before = folder_digest(published)
    with edited(book / "chapters" / "data-and-methods.md", old, new):
        result = build(book)
    assert result.returncode != 0, f"the build passed despite {fault[0]}"
    assert f'the build FAILED at the step "{step}"' in result.stderr, result.stderr[-2000:]
    assert folder_digest(published) == before
    # and the next build, with the fault gone, succeeds again
    assert build(book).returncode == 0


CHAPTERS = CHAPTER_PAGES


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_meets_the_rules_for_chapters(book, chapter):
    source = (book / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    page = (book / "_build" / "html" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    # at least three numbered figures, each with a text alternative and drawn from a chart
    figures = re.findall(r"```\{glue:figure\} (\S+)\n:name: (\S+)\n:alt: (.+)", source)
    assert len(figures) >= 3
    for key, name, alt in figures:
        assert key == name and len(alt.split()) >= 12, name
        assert f'id="{name}"' in page
        assert f"{{numref}}`{name}`" in source, f"{name} is never referred to in the text"
    assert page.count('class="kursk-chart"') >= len(figures)
    # every chart in the page has a description for screen readers
    assert len(re.findall(r'class="kursk-chart" id="[^"]+" role="figure" aria-label="[^"]{40,}"', page)) \
        == page.count('class="kursk-chart"')
    text = page_text(page)
    assert "In brief" in text and "Data used in this chapter" in text
    assert re.search(r"The figures in its text rest on \d+ sources", text)
    words = len(re.findall(r"[A-Za-z][\w'’-]*", re.sub(r"```.*?```", "", source, flags=re.S)))
    assert 2000 <= words <= 4500, words


def test_an_unchanged_tree_is_not_built_again(book):
    pdf = book / "_build" / "html" / "_downloads" / "battle-for-kursk.pdf"
    before = folder_digest(book / "_build" / "html")
    result = build(book, "book")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "nothing changed since the PDF was built" in result.stdout
    assert "nothing changed since _build/html was built" in result.stdout
    assert folder_digest(book / "_build" / "html") == before and pdf.is_file()
    # a change to any input of the book (here one sentence of a page) builds it again
    page = book / "chapters" / "how-to-cite.md"
    with edited(page, "\n## ", "\nA sentence added by the test.\n\n## "):
        result = build(book, "html")
        assert result.returncode == 0 and "built and published" in result.stdout
        assert "A sentence added by the test." in (book / "_build" / "html" / "chapters" / "how-to-cite.html").read_text()
    assert build(book, "html").returncode == 0


def test_the_vendored_vega_is_the_compilers_release_unchanged():
    import vl_convert as vlc

    from kursk.publish import sphinxext

    text = sphinxext.VEGA_FILE.read_text(encoding="utf-8")
    assert sphinxext.VEGA_VERSION == vlc.get_vega_version()
    assert f'version="{sphinxext.VEGA_VERSION}"' in text
    assert hashlib.sha256(sphinxext.VEGA_FILE.read_bytes()).hexdigest() == sphinxext.VEGA_SHA256
    assert sphinxext.VEGA_SHA256 in (sphinxext.STATIC_DIR / "vendor" / "README.md").read_text()
