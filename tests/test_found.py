"""Found and shared (kursk/publish/found.py): each page's link preview, its canonical address,
the sitemap and robots.txt.

The session's book is built with no base URL (as committed): its pages carry a title, a
description and an image for link previews, but nothing absolute, and no sitemap is written.
The edited copy of tests/test_markup.py is built with one (``BASE_URL``): every address
derives from it.
"""

from __future__ import annotations

import html
import re
import struct
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import BASE_URL, BUILD_LOGS

from kursk.publish import found
from kursk.vocabulary import CHAPTER_PAGES

#: Pages that are not pages of the book: Sphinx's index and search pages, and the front
#: door that sends the reader to the introduction.
NOT_PAGES = {"genindex.html", "search.html", "index.html"}
COVER = "_static/kursk/previews/chapters-incursion.png"


def pages(book: Path) -> dict[str, str]:
    out = book / "_build" / "html"
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))
            if p.relative_to(out).parts[0] not in ("_static", "_sources", "_downloads")
            and p.relative_to(out).as_posix() not in NOT_PAGES}


def meta(page: str, key: str) -> str | None:
    """The content of the page's <meta property=key> or <meta name=key>, unescaped."""
    found_ = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)" />', page)
    assert len(found_) <= 1, f"{key} {len(found_)} times"
    return html.unescape(found_[0]) if found_ else None


def text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def expected_description(rel: str, page: str) -> str:
    """What the page's description is made from: a chapter's "In brief" box, else the first
    paragraph after the page's title."""
    article = page[page.index("<h1"):]
    if rel.removeprefix("chapters/").removesuffix(".html") in CHAPTER_PAGES:
        box = re.search(r'<p class="admonition-title">In brief</p>(.*?)</div>', article, re.S)
        assert box, f"{rel} has no In brief box"
        return text(box.group(1))
    return text(re.search(r"<p>(.*?)</p>", article, re.S).group(1))


def first_chart_label(page: str) -> str | None:
    match = re.search(r'<div class="kursk-chart" id="kursk-chart-[0-9a-f]+"[^>]*?aria-label="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_a_description_is_cut_at_a_word():
    words = "Russia answered slowly, then with reinforcements from across the country " * 5
    short = found.shortened(words)
    assert short.endswith("…") and len(short) <= found.DESCRIPTION_LENGTH + 1
    assert words.startswith(short[:-1]) and words[len(short) - 1] == " "
    assert found.shortened("Two words.") == "Two words."
    assert found.shortened("A sentence ends here. " + "x" * 300) == "A sentence ends here."
    assert found.shortened("x" * 300) == "x" * found.DESCRIPTION_LENGTH + "…"


def test_every_page_has_a_title_description_and_image_for_link_previews(book):
    out = book / "_build" / "html"
    built = pages(book)
    assert len(built) >= 12 and "intro.html" in built
    for rel, page in built.items():
        title = text(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).removesuffix("#").strip()
        assert meta(page, "og:title") == title, rel
        assert meta(page, "og:site_name") == "The Battle for Kursk, 2024–2025", rel
        assert meta(page, "og:type") == ("website" if rel == "intro.html" else "article"), rel
        description = meta(page, "og:description")
        assert description and len(description) <= found.DESCRIPTION_LENGTH + 1, rel
        assert expected_description(rel, page).startswith(description.removesuffix("…")), (rel, description)
        assert meta(page, "description") == description, rel
        assert meta(page, "twitter:card") == "summary_large_image", rel
        image = meta(page, "og:image")
        assert image and "://" not in image, rel
        path = (out / rel).parent / image
        assert path.resolve().is_relative_to(out.resolve()) and path.is_file(), (rel, image)
        width, height = png_size(path)
        assert 1150 <= width <= 1250 and 300 <= height <= 2000, (rel, width, height)
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == (str(width), str(height)), rel
        label = first_chart_label(page)
        if label is None:  # the cover chart: the first chart of the first chapter
            assert path.resolve() == (out / COVER).resolve(), rel
            label = first_chart_label(built["chapters/incursion.html"])
        else:
            assert path.name == rel.removesuffix(".html").replace("/", "-") + ".png", rel
        assert label.startswith(meta(page, "og:image:alt").removesuffix("…")), rel


def test_every_chapter_shows_its_first_chart(book):
    built = pages(book)
    for slug in CHAPTER_PAGES:
        page = built[f"chapters/{slug}.html"]
        assert first_chart_label(page), slug
        assert meta(page, "og:image") == f"../_static/kursk/previews/chapters-{slug}.png"
    previews = {p.name for p in (book / "_build" / "html" / found.PREVIEWS).iterdir()}
    shown = {Path(meta(page, "og:image")).name for page in built.values()}
    assert previews == shown  # and no image that no page shows


def test_without_a_base_url_nothing_absolute_is_published(book):
    out = book / "_build" / "html"
    for rel, page in pages(book).items():
        assert 'rel="canonical"' not in page, rel
        assert meta(page, "og:url") is None, rel
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    if book not in BUILD_LOGS:
        pytest.skip("the book was built elsewhere (KURSK_BUILT_BOOK): its build's output is not known")
    assert BUILD_LOGS[book].count(found.NO_BASE_URL) == 1


def test_with_a_base_url_every_address_is_absolute(marked_up):
    out = marked_up / "_build" / "html"
    for rel, page in pages(marked_up).items():
        address = BASE_URL + rel
        assert re.findall(r'<link rel="canonical" href="([^"]*)" />', page) == [address], rel
        assert meta(page, "og:url") == address, rel
        image = meta(page, "og:image")
        assert image.startswith(BASE_URL + found.PREVIEWS + "/"), (rel, image)
        assert (out / image.removeprefix(BASE_URL)).is_file(), (rel, image)
    assert found.NO_BASE_URL not in BUILD_LOGS.get(marked_up, "")


def test_the_sitemap_lists_every_page_of_the_book_and_nothing_else(marked_up):
    out = marked_up / "_build" / "html"
    tree = ElementTree.parse(out / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [loc.text for loc in tree.getroot().findall("s:url/s:loc", namespace)]
    assert len(listed) == len(set(listed))
    assert set(listed) == {BASE_URL + rel for rel in pages(marked_up)}
    assert (out / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE_URL}sitemap.xml\n")
