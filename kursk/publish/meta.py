"""The book's citation metadata, read from ``CITATION.cff`` (its one source).

The version and release date shown in the HTML footer and on the PDF title
page, the "Cite this chapter" boxes and the "How to cite" page are all made
from ``CITATION.cff``; nothing restates them by hand.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

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
    if name == "url":
        return url(value)  # BibTeX styles read it as it is
    if name in ("title", "booktitle"):
        return "{" + latex(value) + "}"  # braced twice, so that styles keep its capitals (as kursk.publish.bib does)
    return latex(value)


def _entry(kind: str, key: str, fields: dict[str, str]) -> str:
    """A BibTeX entry. Every field but the author (BibTeX already) and the URL is text, escaped
    for BibTeX and LaTeX (:func:`kursk.publish.bib.latex`): the entry parses, and typesets that text."""
    body = ",\n".join(f"  {k} = {{{_value(k, v)}}}" for k, v in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}"


def cite_box(slug: str | None = None, root: Path | None = None) -> Markdown:
    """A 'Cite this' box: the formatted reference and a BibTeX entry to copy."""
    what = "this chapter" if slug else "this book"
    return Markdown(
        f":::{{admonition}} Cite {what}\n:class: tip\n\n{reference(slug, root)}\n\n"
        f"```bibtex\n{bibtex(slug, root)}\n```\n:::\n"
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
    entry = _entry("misc", f"kursk-dataset-{version}", {
        "author": bibtex_authors(meta), "title": data.descriptor["title"], "year": year,
        "version": version, "note": f"Dataset, version {version}"})
    return Markdown(
        f":::{{admonition}} Cite the dataset\n:class: tip\n\n{reference}\n\n"
        f'Download it as <a href="../_downloads/{zip_name}" download>{zip_name}</a>: the CSV tables, '
        "`datapackage.json`, the map layer, the data changelog and the licence. Or as one "
        f'SQLite database, <a href="../_downloads/{sqlite_name}" download>{sqlite_name}</a>: the same '
        "tables, keys and rows, ready for SQL (the map layer is in the zip only).\n\n"
        f"```bibtex\n{entry}\n```\n:::\n"
    )
