"""The DOI path: ``CITATION.cff`` → ``.zenodo.json`` (what Zenodo archives a release with), and a
DOI, once Zenodo has minted one and ``CITATION.cff`` holds it, in the cite boxes, every BibTeX
entry, the web footer and the PDF's title page (see chapters/how-to-cite.md). The fast tier: no
book is built here (tests/test_markup.py builds the edited copy with a DOI)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import types
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pybtex.database.input.bibtex import Parser
from pypdf import PdfReader

from kursk.publish import meta

from conftest import ROOT

DOI = "10.5281/zenodo.1234567"
#: A DOI with characters special to HTML, Markdown, URLs, BibTeX and TeX (the syntax allows them).
AWKWARD = "10.1000/a_b<c>&d%e#f~g(h)[i]*j`k$l^m'n"


def _tool(variable: str, name: str) -> str:
    local = ROOT / ".venv-tools" / "bin" / name
    tool = os.environ.get(variable) or (str(local) if local.exists() else shutil.which(name))
    assert tool, f"{name} is installed by `make check` and `make test` into .venv-tools ({variable} names it)"
    return tool


def _book_with_doi(folder: Path, doi: str | None) -> Path:
    """A folder with the book's CITATION.cff (with ``doi`` added, or none), _config.yml and
    chapters, as :func:`kursk.publish.meta.book_root` finds a book."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "\ndoi:" not in text
    if doi is not None:
        text += f"doi: {json.dumps(doi)}\n"
    (folder / "CITATION.cff").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "_config.yml", folder)
    shutil.copytree(ROOT / "chapters", folder / "chapters")
    return folder


@pytest.fixture
def with_doi(tmp_path) -> Path:
    return _book_with_doi(tmp_path, DOI)


def _entries(text: str) -> dict:
    return Parser().parse_string(text).entries


def _bibtex_blocks(markdown: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"(`{3,})bibtex\n(.*?)\n\1", markdown, re.S)]


# --- .zenodo.json -------------------------------------------------------------------------


def test_zenodo_json_is_cffconverts_output_for_citation_cff(tmp_path):
    """`make zenodo` was run after the last change to CITATION.cff: cffconvert writes the same bytes."""
    out = tmp_path / "zenodo.json"
    result = subprocess.run([_tool("KURSK_CFFCONVERT", "cffconvert"), "--format", "zenodo", "--infile",
                             str(ROOT / "CITATION.cff"), "--outfile", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (ROOT / ".zenodo.json").read_bytes() == out.read_bytes(), \
        ".zenodo.json is not CITATION.cff's: run `make zenodo` and commit .zenodo.json"


def test_zenodo_json_states_what_citation_cff_states():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert zenodo["title"] == cff["title"]
    assert zenodo["version"] == cff["version"]
    assert zenodo["publication_date"] == str(cff["date-released"])
    assert zenodo["license"] == {"id": cff["license"]}  # cffconvert 2.0.0 writes the licence as an object
    assert [c["name"] for c in zenodo["creators"]] == [meta.authors({"authors": [a]}) for a in cff["authors"]]
    assert "doi" not in zenodo  # Zenodo mints the DOI of each release itself


# --- a DOI in CITATION.cff ----------------------------------------------------------------


def _html(markdown: str) -> str:
    """Markdown as MyST's parser (markdown-it) renders it, CommonMark alone."""
    return MarkdownIt("commonmark").render(markdown)


def test_the_references_link_the_doi(with_doi):
    link = f'<a href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>'
    assert _html(meta.reference(root=with_doi)).rstrip().endswith(f". {link}</p>")
    for slug in meta.CHAPTERS:
        assert _html(meta.reference(slug, with_doi)).rstrip().endswith(f". {link}</p>")


def test_every_bibtex_entry_carries_the_doi(with_doi, monkeypatch):
    for slug in (None, *meta.CHAPTERS):
        (entry,) = _entries(meta.bibtex(slug, with_doi)).values()
        assert entry.fields["doi"] == DOI
    monkeypatch.chdir(with_doi)  # the dataset's box reads the book it is run in
    data = types.SimpleNamespace(descriptor={"version": "9.9", "title": "T", "licenses": [{"name": "CC0"}]})
    box = meta.dataset_box(data).data
    (block,) = _bibtex_blocks(box)
    assert _entries(block)["kursk-dataset-9.9"].fields["doi"] == DOI
    assert f'<a href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>' in _html(box)


def test_the_cite_boxes_show_the_doi(with_doi):
    for slug in (None, *meta.CHAPTERS):
        box = meta.cite_box(slug, with_doi).data
        assert f'<a href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>' in _html(box)
        (block,) = _bibtex_blocks(box)
        assert re.search(rf"^  doi = \{{{re.escape(DOI)}\}},?$", block, re.M)


def test_the_footer_and_the_title_page_show_the_doi(with_doi):
    info = meta.citation(with_doi)
    footer = meta.footer(info, "9.9")
    assert f'DOI <a href="https://doi.org/{DOI}">https://doi.org/{DOI}</a>.' in footer
    assert footer.startswith(f"<p>Version {info['version']}, released {info['date-released']}. DOI ")
    assert meta.doi_title_page(info) == (f"\\authoraddress{{DOI: \\href{{https://doi.org/{DOI}}}"
                                         f"{{https://doi.org/{DOI}}}}}")


def test_without_a_doi_nothing_changes(tmp_path):
    root = _book_with_doi(tmp_path, None)
    info = meta.citation(root)
    assert meta.doi(info) is None and meta.doi_title_page(info) == ""
    assert meta.footer(info, "9.9") == (f"<p>Version {info['version']}, released {info['date-released']}. "
                                        "Text and data: CC BY 4.0; code: MIT. Dataset version 9.9.</p>")
    for slug in (None, *meta.CHAPTERS):
        assert "doi" not in meta.bibtex(slug, root) and "doi.org" not in meta.cite_box(slug, root).data


@pytest.mark.parametrize("bad", ["https://doi.org/10.5281/zenodo.1", "doi:10.5281/zenodo.1", "10.12/short",
                                 "10.5281/zenodo 1", "10.5281/", "zenodo.1234567", "10.5281/a\nb"])
def test_a_value_that_is_no_doi_stops_naming_citation_cff(tmp_path, bad):
    root = _book_with_doi(tmp_path, bad)
    with pytest.raises(ValueError, match=r"^CITATION\.cff: doi .* is not a DOI"):
        meta.reference(root=root)
    with pytest.raises(ValueError, match=r"^CITATION\.cff"):
        meta.footer(meta.citation(root), "9.9")


def test_an_awkward_doi_is_escaped_everywhere(tmp_path):
    """Every character of the DOI syntax's suffix that HTML, Markdown, BibTeX or TeX would read."""
    root = _book_with_doi(tmp_path, AWKWARD)
    info = meta.citation(root)
    footer = meta.footer(info, "9.9")
    assert f">https://doi.org/{html.escape(AWKWARD)}<" in footer and "<c>" not in footer
    href = re.search(r'href="([^"]*)"', footer).group(1)
    assert href == "https://doi.org/10.1000/a_b%3Cc%3E%26d%25e%23f~g(h)%5Bi%5D%2Aj%60k%24l%5Em%27n"
    (entry,) = _entries(meta.bibtex(None, root)).values()
    assert entry.fields["doi"] == AWKWARD
    anchor = re.search(r'<a href="([^"]*)">([^<]*)</a>', _html(meta.reference(root=root)))
    assert tuple(map(html.unescape, anchor.groups())) == (meta.doi_url(AWKWARD), f"https://doi.org/{AWKWARD}")
    title = meta.doi_title_page(info)
    assert "\\href{https://doi.org/10.1000/a\\%5Fb\\%3Cc" in title
    assert "{https://doi.org/10.1000/a\\_b{\\textless}c{\\textgreater}\\&d\\%e\\#f" in title


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=30))
def test_any_doi_round_trips_through_the_footer_and_bibtex(suffix):
    doi = f"10.1234/{suffix}"
    info = {"doi": doi, "version": "1", "date-released": "2026-01-01"}
    footer = meta.footer(info, "9.9")
    assert html.unescape(re.search(r">(https://doi\.org/[^<]*)</a>", footer).group(1)) == f"https://doi.org/{doi}"
    fields = {"author": "{A}", "title": "T", "doi": doi}
    parsed = _entries(meta._entry("misc", "k", fields))["k"].fields["doi"]
    assert parsed == doi.replace("{", "%7B").replace("}", "%7D")  # braces percent-encoded, as in a URL


@pytest.mark.skipif(not shutil.which("xelatex"), reason="needs XeLaTeX")
def test_the_title_page_doi_typesets_and_links(tmp_path):
    """Sphinx's title page prints ``\\authoraddress`` (sphinxlatexobjects.sty defines it so)."""
    line = meta.doi_title_page({"doi": AWKWARD})
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{hyperref}\\makeatletter\n"
        "\\newcommand{\\py@authoraddress}{}\\newcommand{\\authoraddress}[1]{\\renewcommand{\\py@authoraddress}{#1}}\n"
        f"{line}\n\\begin{{document}}\\py@authoraddress\\end{{document}}\n", encoding="utf-8")
    result = subprocess.run(["xelatex", "-interaction=nonstopmode", "doc"], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    page = PdfReader(tmp_path / "doc.pdf").pages[0]
    assert f"DOI: https://doi.org/{AWKWARD}" in page.extract_text()
    (link,) = [a.get_object()["/A"]["/URI"] for a in page["/Annots"]]
    assert link == meta.doi_url(AWKWARD, strict=True)
