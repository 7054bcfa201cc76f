"""Sphinx extension of the book (listed in ``_config.yml``).

* No stale numbers: the execution cache of myst-nb keys only on a notebook's
  code. Before every build this extension computes a digest of the dataset and
  of this package, points the cache at a folder named after that digest, and
  declares the digest as a config value that invalidates Sphinx's environment.
  Any change to a data file therefore re-executes every chapter (they all read
  the dataset) and re-reads every page.
* The bibliography is generated from ``data/sources.csv`` (see :mod:`kursk.publish.bib`), and the
  characters it holds back from pybtex (braces, backslashes, ...) are put back in every page.
  Loading the data also validates it: bad input stops the build at once.
* Offline charts: the Vega runtime, vendored unchanged in ``static/vendor/``, is
  written into the HTML output with its licences; ``kursk-charts.js`` loads it on
  pages that hold a chart, after the text, when a chart nears the window. Charts are
  compiled to Vega when the chapters run, so the pages need neither Vega-Lite nor
  Vega-Embed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import time
from pathlib import Path

import zipfile

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .. import __version__
from ..charts.theme import CHART_MARKUP
from ..dataset import DATASET_DIR
from ..dataset.database import write_sqlite
from ..dataset.read import data_files, load, read_descriptor
from ..markup import DATA_CLASS
from . import dataview, icons
from .bib import bibtex, restore_doctree
from .latex import keep_together, latex_table
from .meta import citation, doi_title_page, footer, source_date_epoch
from ..paths import PACKAGE_DIR
from .stamps import (CACHE_DIR, PDF_NAME, digest_of, drop_unlinked, execution_cache, inputs_digest, mark_built, published_pdf,
                     remembered, up_to_date)

PUBLISH_DIR = Path(__file__).resolve().parent
STATIC_DIR = PUBLISH_DIR / "static"
OUT_SUBDIR = "kursk"
def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")

#: Execution caches kept: the present one and the one before it.
KEPT_CACHES = 2


def on_config_inited(app, config) -> None:
    root = Path(app.srcdir)
    # A lighter page layout (see kursk/publish/templates/layout.html).
    config.templates_path = [str(PUBLISH_DIR / "templates"), *config.templates_path]
    data = root / "data"
    dataset = load(data)  # raises DataError, with every problem listed, on bad input
    app.kursk_dataset = dataset  # the ledger and the timeline are written from it (kursk.crossref)

    config.kursk_inputs_digest = inputs_digest(data)
    cache_root = root / CACHE_DIR
    cache = execution_cache(root)
    # The present cache and the one used before it stay (going back to the previous data or
    # code, as after trying a change, executes nothing); older ones are removed.
    if cache_root.is_dir():
        if cache.is_dir():
            os.utime(cache)
        others = sorted((old for old in cache_root.iterdir() if old.is_dir() and old != cache),
                        key=lambda old: old.stat().st_mtime, reverse=True)
        for old in others[KEPT_CACHES - 1:]:
            shutil.rmtree(old)
    config.nb_execution_cache_path = str(cache)

    bibfile = root / config.bibtex_bibfiles[0]
    _write_if_changed(bibfile, bibtex(dataset.sources))

    # Version, date and DOI, from CITATION.cff only.
    meta = citation(root)
    config.version = config.release = str(meta["version"])
    config.today = str(meta["date-released"])
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer(meta, dataset.descriptor["version"])
    config.html_theme_options = options
    # The DOI, once a release has one, at the foot of the PDF's title page.
    if title_doi := doi_title_page(meta):
        elements = dict(config.latex_elements or {})
        elements["preamble"] = f"{elements.get('preamble', '')}\n{title_doi}\n"
        config.latex_elements = elements


def on_builder_inited(app) -> None:
    if app.builder.format == "html":
        app.add_css_file(f"{OUT_SUBDIR}/icons.css")
        app.add_css_file(f"{OUT_SUBDIR}/kursk.css")


def on_doctree_resolved(app, doctree, docname) -> None:
    """The characters of the sources that kursk.bib held back from pybtex are put back in the
    citations and the bibliography (sphinxcontrib-bibtex writes both before this event). The
    PDF edition leaves the code out (the web book and the notebooks have it)."""
    restore_doctree(doctree)
    if app.builder.format == "html":
        headlines = sorted(set(app.kursk_dataset.sources["title"].dropna().astype(str)), key=len, reverse=True)
        _short_citation_titles(doctree, [h for h in headlines if h.strip()])
    if app.builder.format != "latex":
        return
    for node in list(doctree.findall(nodes.Element)):
        if node.get("nb_element") == "cell_code_source" or "cell_input" in node.get("classes", []):
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.Element)):
        if type(node).__name__ == "HideCodeCellNode":
            node.replace_self(node.children)
    for table in list(doctree.findall(nodes.table)):
        latex_table(table)
    for box in list(doctree.findall(nodes.Admonition)):
        keep_together(box)


#: The tail of a citation's whole entry of the references, from the date its source was
#: accessed: the note on the copy and the address.
CITATION_TITLE_TAIL = re.compile(r" Accessed \d{4}-\d{2}-\d{2}[.;].*\Z", re.S)


def _short_citation_titles(doctree, headlines: list[str]) -> None:
    """A citation's tooltip (its link's title) is the headline of its source (the link
    already names the outlet and the date), not the whole entry of the references, which
    the link leads to. The ledger cites a source in each of its hundreds of rows: whole
    entries weighed a third of the page. ``headlines``: the sources' titles, longest first."""
    for node in doctree.findall(nodes.reference):
        title = node.get("reftitle")
        if isinstance(title, str) and CITATION_TITLE_TAIL.search(title):
            headline = next((h for h in headlines if h in title), None)
            node["reftitle"] = headline or CITATION_TITLE_TAIL.sub("", title)
    # ... except in the appendices' long tables (the ledger's claims, the timeline's events),
    # where every row links to its source's entry and the headlines would weigh more than the
    # rows themselves (the data views under the charts list these rows again)
    for table in doctree.findall(nodes.table):
        if {"kursk-ledger", "kursk-timeline"} & set(table.get("classes", [])):
            for node in table.findall(nodes.reference):
                node.attributes.pop("reftitle", None)


#: Assets that Jupyter Book adds to every page and the book never uses: live code (thebe,
#: whose scripts would also name a CDN), sphinx-design's cards and tabs, and
#: sphinx-togglebutton's toggles (hidden cells use myst-nb's own <details>).
UNUSED_ASSETS = ("thebe", "THEBE_JS_URL", "design", "sd-tabs", "togglebutton", "toggleHint",
                 "toggleOpenOnPrint")


def _unused(asset) -> bool:
    name = getattr(asset, "filename", None) or str(asset)
    body = getattr(asset, "attributes", {}).get("body", "")
    return any(word in name or word in body for word in UNUSED_ASSETS)


#: Markup of the extensions that fails accessibility checks, and what replaces it:
#: myst-nb names the toggle of a hidden cell "Toggle hidden content" while it shows
#: "Show code cell source" (the name must contain the visible words, WCAG 2.5.3);
#: Sphinx marks each bibliography entry with the deprecated role doc-biblioentry,
#: which is not an item of the list it sits in.
BODY_FIXES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)
#: ... and markup that is not valid HTML: myst-nb puts paragraphs in a <summary>, which
#: takes phrasing content only; pandas puts a <style scoped> (an attribute HTML no
#: longer has) before each table it renders, styling what the theme styles already.
BODY_PATTERNS = (
    (re.compile(r'<summary>\s*<p class="collapsed admonition-title">(.*?)</p>\s*'
                r'<p class="expanded admonition-title">(.*?)</p>\s*</summary>', re.S),
     r'<summary><span class="collapsed admonition-title">\1</span>'
     r'<span class="expanded admonition-title">\2</span></summary>'),
    (re.compile(r"<style scoped>.*?</style>\s*", re.S), ""),
)


#: Scripts of Sphinx and its extensions that wait for the page anyway (they act on
#: DOMContentLoaded): loaded deferred, they no longer hold up the first paint.
DEFERRED_SCRIPTS = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
                    "sphinx-book-theme.js")

SPECS_DIR = "specs"


def _specs_out(app, context) -> str:
    """Move the specs of the page's charts out of the page into one script,
    which kursk-charts.js loads when a chart first nears the window: the page is
    smaller and its text arrives sooner. One script a page, not one a chart, so that
    what the specs have in common (the theme's configuration, the axes, the legends,
    the tooltips) is sent, and compressed, once (see :func:`_specs_script`). A script,
    not JSON, so that charts draw from a book opened from disk (file://) too."""
    folder = Path(app.outdir) / "_static" / OUT_SUBDIR / SPECS_DIR
    found = [(match["id"], match["spec"]) for match in CHART_MARKUP.finditer(context["body"])]
    if not found:
        return context["body"]
    text, name = _specs_script(found)
    folder.mkdir(parents=True, exist_ok=True)
    _write_if_changed(folder / name, text)
    src = html.escape(context["pathto"](f"_static/{OUT_SUBDIR}/{SPECS_DIR}/{name}", 1), quote=True)
    return CHART_MARKUP.sub(lambda match: f'{match["open"]} data-spec="{src}">', context["body"])


def _specs_script(specs: list[tuple[str, str]]) -> tuple[str, str]:
    """The script that hands kursk-charts.js the spec of each chart (``(id, payload)`` of
    each) and its file name, ``kursk-specs-`` and a digest of the ids (each id is a digest
    of its chart's spec)."""
    text = "".join(f'kurskSpec("{chart_id}",{payload});\n' for chart_id, payload in specs)
    digest = hashlib.sha256(" ".join(chart_id for chart_id, _ in specs).encode()).hexdigest()[:12]
    return text, f"kursk-specs-{digest}.js"


def _drop_stale_pages(app) -> None:
    """Delete pages of documents that are no longer part of the book (Sphinx leaves them)."""
    outdir = Path(app.outdir)
    keep = {f"{doc}.html" for doc in app.env.found_docs} | {"genindex.html", "search.html", "index.html"}
    for page in outdir.rglob("*.html"):
        rel = page.relative_to(outdir)
        if rel.parts[0] not in ("_static", "_sources", "_images", "_downloads") and rel.as_posix() not in keep:
            page.unlink()


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    # (not on the search page, whose search script needs doctools.js at once)
    scripts = context.get("script_files", [])
    for i, script in enumerate(scripts):
        name = str(getattr(script, "filename", "") or "")
        attributes = getattr(script, "attributes", None)
        if (pagename != "search" and name.endswith(DEFERRED_SCRIPTS) and attributes is not None
                and not {"async", "defer"} & set(attributes)):
            # a copy: the builder's list is restored after each page, its objects are shared
            scripts[i] = type(script)(script.filename, priority=script.priority, **attributes, defer="defer")
    if "body" in context and "kursk-chart-spec" in context["body"]:
        context["body"] = dataview.add_views(app, pagename, context["body"], context["pathto"])
        context["body"] = _specs_out(app, context)
    if "body" in context:
        for old, new in BODY_FIXES:
            context["body"] = context["body"].replace(old, new)
        for pattern, new in BODY_PATTERNS:
            context["body"] = pattern.sub(new, context["body"])
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [asset for asset in context[key] if not _unused(asset)]
    pdf = published_pdf(Path(app.srcdir))
    if "theme_extra_footer" in context and pdf.is_file():
        link = context["pathto"](f"_downloads/{PDF_NAME}", 1)
        context["theme_extra_footer"] += f'<p><a href="{link}">Download the PDF edition</a></p>'
    if "kursk-chart" in context.get("body", ""):
        # kursk-charts.js fetches vega.js (beside it) itself, when a chart nears the window.
        app.add_js_file(f"{OUT_SUBDIR}/kursk-charts.js", loading_method="defer")


#: The Vega runtime served with the book (see kursk/publish/static/vendor/README.md): the same Vega
#: release as the compiler of the pinned vl-convert-python, which the tests check.
VEGA_VERSION = "6.2.0"
VEGA_FILE = STATIC_DIR / "vendor" / f"vega-{VEGA_VERSION}.min.js"
VEGA_SHA256 = "ea6a5936381d06f912466354e2b6a20eb66c4d41f1ca9dff1e0236dfee6ee392"


def vega_bundle() -> str:
    """The vendored Vega runtime (it defines ``window.vega``), with a header naming its licence."""
    header = (f"/* Vega {VEGA_VERSION} (npm package vega, build/vega.min.js). BSD-3-Clause; "
              "the d3 modules it bundles: ISC. Licences: vega-licenses.txt beside this file. */\n")
    return header + VEGA_FILE.read_text(encoding="utf-8") + "\n"


def charts_script() -> str:
    """``kursk-charts.js`` with the dark theme and the narrow layout of :mod:`kursk.charts.theme`."""
    from ..charts.theme import browser_themes

    template = (STATIC_DIR / "kursk-charts.js").read_text(encoding="utf-8")
    return template.replace("__KURSK_THEMES__", json.dumps(browser_themes(), sort_keys=True))


def licences_text() -> str:
    parts = [
        f"Third-party JavaScript served with this book (_static/kursk/vega.js): Vega {VEGA_VERSION}, "
        "the build/vega.min.js of its npm package. Vega is distributed under the BSD 3-Clause "
        "License and the d3 modules it bundles under the ISC License, both reproduced below.\n"
    ]
    for path in sorted((STATIC_DIR / "licenses").glob("*.txt")):
        parts.append("=" * 72 + f"\n{path.stem}\n" + "=" * 72 + "\n" + path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def dataset_zip(data_dir: Path, target: Path) -> Path:
    """The dataset as one versioned zip: tables, descriptor, map layer, changelog, licence.
    The same bytes at every build: the entries in name order, each dated with the build's
    one date (:func:`kursk.publish.meta.source_date_epoch`), with fixed permissions."""
    descriptor = read_descriptor(data_dir)
    name = f"kursk-dataset-{descriptor['version']}"
    path = target / f"{name}.zip"
    target.mkdir(parents=True, exist_ok=True)
    files = {file.relative_to(data_dir).as_posix(): file for file in
             data_files(data_dir) + [data_dir / "CHANGELOG.md", data_dir / "geography" / "README.md"]}
    files["LICENSE"] = data_dir.parent / "LICENSE"
    stamp = max(time.gmtime(source_date_epoch(data_dir.parent))[:6], (1980, 1, 1, 0, 0, 0))  # zip's earliest
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname in sorted(files):
            info = zipfile.ZipInfo(f"{name}/{arcname}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system, info.external_attr = 3, 0o644 << 16  # Unix, rw-r--r--
            archive.writestr(info, files[arcname].read_bytes())
    return path


#: The book's front door (Jupyter Book writes a bare <meta> refresh): a valid HTML page
#: that sends the reader to the introduction, with a link for browsers that do not.
REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=intro.html">
<title>{title}</title>
</head>
<body>
<p><a href="intro.html">{title}</a></p>
</body>
</html>
"""


def write_notebooks(root: Path, cache_path: Path, target: Path, docs) -> list[Path]:
    """Each executable page of the book (``docs``, the documents Sphinx built) as an executed
    .ipynb: its MyST source with the outputs of this build. A draft in ``chapters/`` that the
    table of contents does not list is not part of the book and is skipped. The same bytes at
    every build of one commit: each cell's id is derived from its type and source (jupytext
    gives random ones), and no timing of the execution is kept. A notebook whose source and
    execution cache are those it was last written from is left as it is."""
    import jupytext
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(root / f"{doc}.md" for doc in docs if doc.startswith("chapters/")):
        path = target / f"{source.stem}.ipynb"
        key = digest_of(str(cache_path), source.read_bytes())
        if up_to_date(root, f"notebooks/{source.stem}", path, key):
            written.append(path)
            continue
        notebook = jupytext.read(source)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        _, executed = cache.merge_match_into_notebook(notebook)
        executed.metadata.pop("jupytext", None)
        executed.metadata.pop("execution", None)
        ids: set[str] = set()
        for cell in executed.cells:
            cell.metadata.pop("execution", None)
            n = 0
            while (cell_id := hashlib.sha256(f"{cell.cell_type}\0{cell.source}\0{n}".encode())
                   .hexdigest()[:8]) in ids:
                n += 1  # two cells with the same source
            ids.add(cell_id)
            cell.id = cell_id
        nbformat.write(executed, path)
        mark_built(root, f"notebooks/{source.stem}", key)
        written.append(path)
    return written


def on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    downloads = Path(app.outdir) / "_downloads"
    dataset_zip(root / "data", downloads)
    # The database takes two seconds to write and depends on the data alone.
    sources = data_files(root / "data") + [DATASET_DIR / "database.py"]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()
    database = downloads / f"kursk-dataset-{read_descriptor(root / 'data')['version']}.sqlite"
    if not up_to_date(root, "sqlite", database, digest):
        write_sqlite(root / "data", downloads)
        mark_built(root, "sqlite", digest)
    pdf = published_pdf(root)
    if pdf.is_file():
        shutil.copyfile(pdf, downloads / PDF_NAME)
    write_notebooks(root, Path(app.config.nb_execution_cache_path), downloads / "notebooks",
                    app.env.found_docs)
    out = Path(app.outdir) / "_static" / OUT_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out / "vega.js", vega_bundle())
    _write_if_changed(out / "vega-licenses.txt", licences_text())
    charts_code = sorted((PACKAGE_DIR / "charts").glob("*.py")) + [PACKAGE_DIR / "vocabulary.py",
                                                                   STATIC_DIR / "kursk-charts.js"]
    _write_if_changed(out / "kursk-charts.js", remembered(
        root, "kursk-charts.js", digest_of(*(p.read_bytes() for p in charts_code)), charts_script))
    redirect = Path(app.outdir) / "index.html"
    if redirect.is_file() and redirect.read_text(encoding="utf-8").lstrip().startswith("<meta"):
        redirect.write_text(REDIRECT.format(title=html.escape(app.config.html_title or app.config.project)),
                            encoding="utf-8")
    _drop_stale_pages(app)
    # what no page uses any more: chart specs, and the charts' CSV files
    drop_unlinked(Path(app.outdir), f"_static/{OUT_SUBDIR}/{SPECS_DIR}", r'data-spec="[^"]*/([\w-]+\.js)"')
    drop_unlinked(Path(app.outdir), dataview.CSV_DIR, dataview.CSV_LINK)
    pages = [p for p in Path(app.outdir).rglob("*.html") if "_static" not in p.parts]
    _write_if_changed(out / "icons.css", icons.stylesheet(icons.icons_in(pages)))
    # The theme's stylesheet, copied afresh by every build, without its icon font (parsed once per
    # version of the theme).
    theme_css = Path(app.outdir) / "_static" / "styles" / "pydata-sphinx-theme.css"
    original = theme_css.read_text(encoding="utf-8")
    pruned = remembered(root, "pydata-sphinx-theme.css", digest_of(original), lambda: icons.pruned_css(original)[0])
    if pruned != original:
        theme_css.write_text(pruned, encoding="utf-8")
    shutil.copyfile(STATIC_DIR / "kursk.css", out / "kursk.css")


class ExactDataText(SphinxTransform):
    """Keep smart quotes out of text from the data: blocks of class ``kursk-data``
    (:func:`kursk.markup.data_block`) are printed as written, " and -- included."""

    default_priority = 700  # before Sphinx's SmartQuotes (750)

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(nodes.Element):
            if DATA_CLASS in node.get("classes", []):
                node["support_smartquotes"] = False


def setup(app):
    from . import crossref, found

    crossref.setup(app)
    found.setup(app)
    app.add_config_value("kursk_inputs_digest", "", "env")
    app.add_transform(ExactDataText)
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", on_build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
