"""The book as a publication: PDF edition, citation metadata, stable anchors, downloads."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from pypdf import PdfReader

from kursk.publish import meta
from kursk.dataset.read import validate

from conftest import ROOT, pdf_text

pytestmark = pytest.mark.build

#: Chapter slugs and figure labels are stable identifiers: readers link to them
#: and cite them. Changing this list must be a deliberate act.
STABLE = {
    "incursion": ["fig-incursion-area", "fig-incursion-settlements", "fig-incursion-map",
                  "fig-incursion-evacuations", "fig-incursion-losses"],
    "response": ["fig-response-troops", "fig-response-villages", "fig-response-area", "fig-response-losses"],
    "north-korea": ["fig-north-korea-troops", "fig-north-korea-losses", "fig-north-korea-third"],
    "recapture": ["fig-recapture-area", "fig-recapture-settlements", "fig-recapture-maps",
                  "fig-recapture-aid"],
    "consequences": ["fig-consequences-sumy", "fig-consequences-civilians", "fig-consequences-captured",
                     "fig-consequences-exchanges", "fig-consequences-losses"],
    "timeline": ["fig-timeline-events"],
    "ledger": ["fig-ledger-divergence"],
    "data-and-methods": ["fig-events-per-month", "fig-area-august"],
}
APPENDICES = ["timeline", "ledger", "data-and-methods", "how-to-cite", "glossary", "references"]


def _latex(book: Path) -> Path:
    return book / "_build" / "work" / "_build" / "latex"


# --- citation metadata ------------------------------------------------------------


def test_citation_cff_is_valid():
    local = ROOT / ".venv-tools" / "bin" / "cffconvert"
    cffconvert = os.environ.get("KURSK_CFFCONVERT") or (str(local) if local.exists() else shutil.which("cffconvert"))
    assert cffconvert, "cffconvert is installed by `make test` into .venv-tools"
    result = subprocess.run([cffconvert, "--validate", "--infile", str(ROOT / "CITATION.cff")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_changelog_has_an_entry_for_this_version():
    version = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)} \(\d{{4}}-\d{{2}}-\d{{2}}\)", changelog, re.M)


def test_version_and_date_appear_in_the_footer_and_on_the_title_page(book):
    info = meta.citation(ROOT)
    footer = f"Version {info['version']}, released {info['date-released']}"
    for page in ("intro.html", "chapters/incursion.html"):
        assert footer in (book / "_build" / "html" / page).read_text(encoding="utf-8")
    title_page = PdfReader(_latex(book) / "battle-for-kursk.pdf").pages[0].extract_text()
    assert str(info["version"]) in title_page and str(info["date-released"]) in title_page


# --- stable anchors -----------------------------------------------------------------


def test_chapter_slugs_and_figure_labels_are_stable(book):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files == [f"chapters/{slug}" for slug in meta.CHAPTERS + APPENDICES]
    for slug, labels in STABLE.items():
        source = (ROOT / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
        assert re.findall(r"^:name: (fig-\S+)$", source, re.M) == labels, slug
        page = (book / "_build" / "html" / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
        for label in labels:
            assert f'id="{label}"' in page


@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_every_chapter_ends_with_a_cite_box_and_its_downloads(book, slug):
    page = (book / "_build" / "html" / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Cite this chapter" in text
    assert f"@incollection{{kursk-{slug}," in text
    assert "highlight-bibtex" in page  # a code block, which gets the copy button
    for link in (f"../_downloads/notebooks/{slug}.ipynb", f"../_sources/chapters/{slug}.md"):
        assert f'href="{link}"' in page
        assert (book / "_build" / "html" / "chapters" / link).resolve().is_file()


# --- downloads ------------------------------------------------------------------------


def test_the_dataset_zip_holds_a_valid_data_package(book, tmp_path):
    version = json.loads((ROOT / "data" / "datapackage.json").read_text())["version"]
    archive = book / "_build" / "html" / "_downloads" / f"kursk-dataset-{version}.zip"
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        z.extractall(tmp_path)
    folder = tmp_path / f"kursk-dataset-{version}"
    for required in ("datapackage.json", "sources.csv", "claims.csv", "CHANGELOG.md", "LICENSE",
                     "geography/border-area.geojson"):
        assert f"kursk-dataset-{version}/{required}" in names
    assert validate(folder) == []
    page = (book / "_build" / "html" / "chapters" / "data-and-methods.html").read_text(encoding="utf-8")
    assert f'href="../_downloads/kursk-dataset-{version}.zip"' in page


def _run_downloaded(book: Path, slug: str, folder: Path) -> list:
    """Run the chapter's downloaded notebook in a folder of its own, as a reader would;
    its error outputs."""
    notebook = folder / f"{slug}.ipynb"
    folder.mkdir(parents=True)
    shutil.copy(book / "_build" / "html" / "_downloads" / "notebooks" / f"{slug}.ipynb", notebook)
    nb = nbformat.read(notebook, as_version=4)
    assert any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), "executed"
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(scope="module")
def downloaded_runs(book, tmp_path_factory) -> dict:
    """Every chapter's downloaded notebook run on its own, two at a time (one kernel per core)."""
    from concurrent.futures import ThreadPoolExecutor

    folder = tmp_path_factory.mktemp("downloaded")
    os.environ["KURSK_DATA"] = str(book / "data")
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            runs = {slug: pool.submit(_run_downloaded, book, slug, folder / slug) for slug in meta.CHAPTERS}
            return {slug: run.exception() or run.result() for slug, run in runs.items()}
    finally:
        del os.environ["KURSK_DATA"]


@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_a_downloaded_notebook_runs_on_its_own(downloaded_runs, slug):
    outcome = downloaded_runs[slug]
    if isinstance(outcome, BaseException):
        raise outcome
    assert outcome == [], outcome


# --- the PDF edition ------------------------------------------------------------------


def test_pdf_outline_has_every_chapter_and_appendix(book):
    reader = PdfReader(_latex(book) / "battle-for-kursk.pdf")

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    outline = " | ".join(titles(reader.outline)).replace("’", "'")
    text = " ".join(pdf_text(_latex(book) / "battle-for-kursk.pdf")).replace("’", "'")
    for slug in meta.CHAPTERS + APPENDICES[:-1]:
        title = meta.chapter_title(slug, ROOT)
        assert title in outline, title
        assert title in text, title


def test_pdf_has_a_figure_for_every_chart_of_the_html_book(book):
    html = book / "_build" / "html"
    charts = sum(p.read_text(encoding="utf-8").count('class="kursk-chart"')
                 for p in html.rglob("*.html") if "_static" not in p.parts)
    tex = (_latex(book) / "battle-for-kursk.tex").read_text(encoding="utf-8")
    vector = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?[^}]+\}?\.pdf\}", tex)
    assert charts >= 9
    assert len(vector) == charts
    assert len(re.findall(r"\\begin\{figure\}", tex)) == charts


def test_pdf_log_is_clean(book):
    log = (_latex(book) / "battle-for-kursk.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    assert not re.search(r"There were undefined (references|citations)", log)
    assert not re.search(r"(Reference|Citation) `[^']+' .*undefined", log)


def test_pdf_leaves_code_out_and_says_so(book):
    tex = (_latex(book) / "battle-for-kursk.tex").read_text(encoding="utf-8")
    assert "kursk.load()" not in tex and "fig.claim(" not in tex
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    assert "PDF edition leaves the code out" in intro


def test_without_tex_the_pdf_is_refused_clearly_and_the_book_skips_it(monkeypatch, capsys, tmp_path):
    from kursk.publish import build as builder

    monkeypatch.setattr(builder.shutil, "which", lambda name: None)
    assert set(builder.missing_tex()) == {"texlive-xetex", "latexmk", "xindy", "fonts-freefont-otf"}
    assert builder.build_pdf(tmp_path) == 3
    message = capsys.readouterr().err
    assert "cannot build the PDF: missing fonts-freefont-otf, latexmk, texlive-xetex, xindy" in message
    assert builder.TEX_PACKAGES in message

    monkeypatch.setattr(builder, "build_html", lambda root, force=False: 0)
    assert builder.build_book(tmp_path) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "PDF edition is skipped" in out[0] and builder.TEX_PACKAGES in out[0]


def test_figures_have_the_same_numbers_in_html_and_pdf(book):
    aux = (_latex(book) / "battle-for-kursk.aux").read_text(encoding="utf-8", errors="replace")
    for slug, labels in STABLE.items():
        page = (book / "_build" / "html" / "chapters" / f"{slug}.html").read_text(encoding="utf-8")
        for label in labels:
            web = re.search(rf'id="{label}".*?<span class="caption-number">Fig\. (\d+) ', page, re.S)
            pdf = re.search(rf"\\newlabel\{{chapters/{slug}:{label}\}}\{{\{{(\d+)\}}", aux)
            assert web and pdf, label
            assert web.group(1) == pdf.group(1), f"{label}: Fig. {web.group(1)} on the web, {pdf.group(1)} in the PDF"
