"""The book's citation metadata, read from ``CITATION.cff`` (its one source).

The version and release date shown in the HTML footer and on the PDF title
page, the "Cite this chapter" boxes and the "How to cite" page are all made
from ``CITATION.cff``; nothing restates them by hand. So is the DOI, once a
release has one (``doi:`` in ``CITATION.cff``): the boxes link it, every BibTeX
entry carries it, and the footer and the title page show it (:func:`doi`).
"""

from __future__ import annotations

import html
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import quote

import yaml
from IPython.display import Markdown

from .bib import latex, url
from ..markup import escape
from ..paths import REPO_ROOT
from ..vocabulary import CHAPTER_PAGES

#: Chapter slugs in reading order (the files ``chapters/<slug>.md``); the test
#: suite guards this list, so that renaming a chapter is a deliberate act.
#: The chapters' pages, in reading order (from the vocabulary).
CHAPTERS = CHAPTER_PAGES


def book_root() -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "CITATION.cff").is_file() and (folder / "_config.yml").is_file():
            return folder
    return REPO_ROOT


def citation(root: Path | None = None) -> dict:
    root = root or book_root()
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def source_date_epoch(root: Path | None = None) -> int:
    """The one date of a build, in seconds since 1970: ``SOURCE_DATE_EPOCH`` when it is set,
    else midnight (UTC) of the release date in ``CITATION.cff``. Whatever a build stamps with
    a date (the PDF, the pages' "last updated", the entries of the dataset zip) takes this one,
    so that two builds of one commit give the same bytes."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    released = date.fromisoformat(str(citation(root)["date-released"]))
    return int(datetime(released.year, released.month, released.day, tzinfo=timezone.utc).timestamp())


#: A DOI: the directory indicator 10, a registrant code of four to nine digits, a slash and a
#: suffix of any characters but whitespace (DOIs may hold ``_``, ``<``, ``;``, ``(`` ...).
DOI_SYNTAX = re.compile(r"^10\.\d{4,9}/\S+$")
#: The resolver that makes a link of a DOI.
DOI_RESOLVER = "https://doi.org/"


def doi(meta: dict) -> str | None:
    """The DOI of the release (``doi:`` in ``CITATION.cff``), or None while it has none.
    A value that is not a DOI stops the build, naming ``CITATION.cff``."""
    value = meta.get("doi")
    if value is None or str(value).strip() == "":
        return None
    value = str(value).strip()
    if not DOI_SYNTAX.match(value):
        raise ValueError(f"CITATION.cff: doi {value!r} is not a DOI: expected 10.<registrant>/<suffix> "
                         "(such as 10.5281/zenodo.1234567), without https://doi.org/ before it")
    return value


def doi_url(value: str, *, strict: bool = False) -> str:
    """The DOI as a link to its resolver: ``https://doi.org/`` and the DOI, percent-encoded where
    a URL needs it (``<``, ``#``, ``%``, spaces, non-ASCII ...). ``strict`` encodes every character
    but letters, digits and ``/.-:``, for TeX, which reads ``_``, ``~``, ``(`` and the like in an
    argument before hyperref can."""
    if strict:
        suffix = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "/.-:")
                         else "".join(f"%{byte:02X}" for byte in ch.encode()) for ch in value)
    else:
        suffix = quote(value, safe="/:;()")
    return DOI_RESOLVER + suffix


def doi_text(value: str) -> str:
    """The DOI as a reader sees and copies it: its resolver's address, not percent-encoded."""
    return DOI_RESOLVER + value


def doi_link(meta: dict) -> str:
    """The DOI as a Markdown link after a reference (" [https://doi.org/…](<…>)"), '' without one."""
    value = doi(meta)
    return "" if value is None else f" [{escape(doi_text(value))}](<{doi_url(value)}>)"


def doi_footer(meta: dict) -> str:
    """The DOI for the HTML footer: a link, its address and text escaped for HTML ('' without one)."""
    value = doi(meta)
    if value is None:
        return ""
    return (f'DOI <a href="{html.escape(doi_url(value), quote=True)}">'
            f"{html.escape(doi_text(value))}</a>. ")


def footer(meta: dict, dataset_version: str) -> str:
    """The footer of every web page: version, release date, DOI (once there is one), licences,
    dataset version, all from ``CITATION.cff`` and the data package."""
    return (f"<p>Version {html.escape(str(meta['version']))}, released {html.escape(str(meta['date-released']))}. "
            f"{doi_footer(meta)}"
            "Text and data: CC BY 4.0; code: MIT. "
            f"Dataset version {html.escape(str(dataset_version))}.</p>")


def doi_title_page(meta: dict) -> str:
    """LaTeX that puts the DOI, linked, at the foot of the PDF's title page (Sphinx's
    ``\\sphinxmaketitle`` prints ``\\authoraddress`` there); '' without a DOI. The link's address is
    percent-encoded (:func:`doi_url` with ``strict``), its ``%`` escaped for TeX; the text shown
    is escaped for LaTeX (:func:`kursk.publish.bib.latex`), its quotes printed straight."""
    value = doi(meta)
    if value is None:
        return ""
    address = doi_url(value, strict=True).replace("%", "\\%")
    # straight quotes stay straight: a DOI is copied, not read as prose
    text = latex(doi_text(value)).replace("`", "\\textasciigrave{}").replace("'", "\\textquotesingle{}")
    return f"\\authoraddress{{DOI: \\href{{{address}}}{{{text}}}}}"


def authors(meta: dict) -> str:
    names = []
    for author in meta["authors"]:
        if "name" in author:
            names.append(author["name"])
        else:
            names.append(f"{author['family-names']}, {author['given-names']}")
    return " and ".join(names)


def chapter_title(slug: str, root: Path | None = None) -> str:
    root = root or book_root()
    text = (root / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, re.M)
    if not match:
        raise ValueError(f"chapters/{slug}.md has no title")
    return match.group(1).strip()


def reference(slug: str | None = None, root: Path | None = None) -> str:
    """A formatted reference (author–date style) to the book or to one chapter."""
    meta = citation(root)
    year = str(meta["date-released"])[:4]
    book = f"*{meta['title']}*, version {meta['version']} ({meta['date-released']})"
    url = f" {meta['url']}" if meta.get("url") else ""
    url += doi_link(meta)
    if slug is None:
        return f"{authors(meta)} ({year}). {book}.{url}"
    return f"{authors(meta)} ({year}). “{chapter_title(slug, root)}”. In {book}.{url}"


def bibtex_authors(meta: dict) -> str:
    """The authors as a BibTeX ``author`` field: a name given whole (``name:``) braced, so that
    BibTeX takes it as one literal name; every part escaped (see :func:`kursk.publish.bib.latex`)."""
    names = []
    for author in meta["authors"]:
        if "name" in author:
            names.append("{" + latex(author["name"]) + "}")
        else:
            names.append(f"{latex(author['family-names'])}, {latex(author['given-names'])}")
    return " and ".join(names)


def bibtex(slug: str | None = None, root: Path | None = None) -> str:
    """A BibTeX entry for the book or one chapter, to copy (see :func:`_entry`)."""
    meta = citation(root)
    fields = {"author": bibtex_authors(meta), "year": str(meta["date-released"])[:4],
              "version": meta["version"], "note": f"Version {meta['version']}, released {meta['date-released']}"}
    if meta.get("url"):
        fields["url"] = meta["url"]
    if (value := doi(meta)) is not None:
        fields["doi"] = value
    if slug is None:
        kind, key = "book", "kursk-book"
        fields["title"] = meta["title"]
    else:
        kind, key = "incollection", f"kursk-{slug}"
        fields["title"] = chapter_title(slug, root)
        fields["booktitle"] = meta["title"]
    return _entry(kind, key, fields)


def _value(name: str, value: str) -> str:
    if name == "author":
        return value  # BibTeX already (bibtex_authors)
    if name in ("url", "doi"):
        return url(value)  # BibTeX styles read it as it is (biblatex: verbatim), braces percent-encoded
    if name in ("title", "booktitle"):
        return "{" + latex(value) + "}"  # braced twice, so that styles keep its capitals (as kursk.publish.bib does)
    return latex(value)


def _entry(kind: str, key: str, fields: dict[str, str]) -> str:
    """A BibTeX entry. Every field but the author (BibTeX already) and the URL is text, escaped
    for BibTeX and LaTeX (:func:`kursk.publish.bib.latex`): the entry parses, and typesets that text."""
    body = ",\n".join(f"  {k} = {{{_value(k, v)}}}" for k, v in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}"


def _code(entry: str) -> str:
    """A fenced BibTeX block holding ``entry``: the fence longer than any run of backticks in it."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", entry)), default=0))
    return f"{fence}bibtex\n{entry}\n{fence}"


def cite_box(slug: str | None = None, root: Path | None = None) -> Markdown:
    """A 'Cite this' box: the formatted reference and a BibTeX entry to copy."""
    what = "this chapter" if slug else "this book"
    return Markdown(
        f":::{{admonition}} Cite {what}\n:class: tip\n\n{reference(slug, root)}\n\n"
        f"{_code(bibtex(slug, root))}\n:::\n"
    )


def downloads(slug: str) -> Markdown:
    """Links to this chapter's executed notebook and MyST source (HTML edition only)."""
    return Markdown(
        "Take this chapter away: "
        f'<a href="../_downloads/notebooks/{slug}.ipynb" download>the executed notebook (.ipynb)</a> or '
        f'<a href="../_sources/chapters/{slug}.md" download>its MyST source (.md)</a>; '
        "both run from a clone of the repository (see {doc}`how-to-cite`)."
    )


def dataset_box(data) -> Markdown:
    """How to cite the dataset, with a link to its versioned zip (HTML edition)."""
    meta = citation()
    version = data.descriptor["version"]
    year = str(meta["date-released"])[:4]
    zip_name = f"kursk-dataset-{version}.zip"
    sqlite_name = f"kursk-dataset-{version}.sqlite"
    reference = (f"{authors(meta)} ({year}). *{escape(data.descriptor['title'])}*, dataset version {version}. "
                 f"Licence {escape(data.descriptor['licenses'][0]['name'])}.")
    fields = {"author": bibtex_authors(meta), "title": data.descriptor["title"], "year": year,
              "version": version, "note": f"Dataset, version {version}"}
    if (value := doi(meta)) is not None:  # the release's archive holds the dataset too
        reference += doi_link(meta)
        fields["doi"] = value
    entry = _entry("misc", f"kursk-dataset-{version}", fields)
    return Markdown(
        f":::{{admonition}} Cite the dataset\n:class: tip\n\n{reference}\n\n"
        f'Download it as <a href="../_downloads/{zip_name}" download>{zip_name}</a>: the CSV tables, '
        "`datapackage.json`, the map layer, the data changelog and the licence. Or as one "
        f'SQLite database, <a href="../_downloads/{sqlite_name}" download>{sqlite_name}</a>: the same '
        "tables, keys and rows, ready for SQL (the map layer is in the zip only).\n\n"
        f"{_code(entry)}\n:::\n"
    )
