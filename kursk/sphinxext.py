"""Sphinx extension of the book (listed in ``_config.yml``).

* No stale numbers: the execution cache of myst-nb keys only on a notebook's
  code. Before every build this extension computes a digest of the dataset and
  of this package, points the cache at a folder named after that digest, and
  declares the digest as a config value that invalidates Sphinx's environment.
  Any change to a data file therefore re-executes every chapter (they all read
  the dataset) and re-reads every page.
* The bibliography is generated from ``data/sources.csv`` (see :mod:`kursk.bib`).
  Loading the data also validates it: bad input stops the build at once.
* Offline charts: the Vega, Vega-Lite and Vega-Embed bundle shipped inside the
  pinned ``vl-convert-python`` package is written into the HTML output, with
  its licences, and added only to the pages that hold a chart.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import zipfile

from docutils import nodes

from . import __version__
from .bib import bibtex
from .build import PDF_NAME
from .data import data_files, load, read_descriptor
from .database import write_sqlite
from .meta import citation
from .paths import PACKAGE_DIR

STATIC_DIR = PACKAGE_DIR / "static"
OUT_SUBDIR = "kursk"
CACHE_DIR = Path("_build") / ".jupyter_cache"


def inputs_digest(data_dir: Path) -> str:
    """Digest of everything a chapter's output depends on besides its own code."""
    digest = hashlib.sha256()
    paths = data_files(data_dir) + [data_dir.parent / "CITATION.cff"]
    paths += sorted(PACKAGE_DIR.rglob("*.py")) + sorted(STATIC_DIR.rglob("*.*"))
    for path in paths:
        digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def on_config_inited(app, config) -> None:
    root = Path(app.srcdir)
    data = root / "data"
    dataset = load(data)  # raises DataError, with every problem listed, on bad input
    app.kursk_dataset = dataset  # the ledger and the timeline are written from it (kursk.crossref)

    digest = inputs_digest(data)
    config.kursk_inputs_digest = digest
    cache_root = root / CACHE_DIR
    cache = cache_root / digest[:16]
    if cache_root.is_dir():
        for old in cache_root.iterdir():
            if old.is_dir() and old != cache:
                shutil.rmtree(old)
    config.nb_execution_cache_path = str(cache)

    bibfile = root / config.bibtex_bibfiles[0]
    _write_if_changed(bibfile, bibtex(dataset.sources))

    # Version and date, from CITATION.cff only.
    meta = citation(root)
    config.version = config.release = str(meta["version"])
    config.today = str(meta["date-released"])
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (
        f"<p>Version {meta['version']}, released {meta['date-released']}. "
        "Text and data: CC BY 4.0; code: MIT. "
        f"Dataset version {dataset.descriptor['version']}.</p>"
    )
    config.html_theme_options = options


def on_builder_inited(app) -> None:
    if app.builder.format == "html":
        app.add_css_file(f"{OUT_SUBDIR}/kursk.css")


def on_doctree_resolved(app, doctree, docname) -> None:
    """The PDF edition leaves the code out (the web book and the notebooks have it)."""
    if app.builder.format != "latex":
        return
    for node in list(doctree.findall(nodes.Element)):
        if node.get("nb_element") == "cell_code_source" or "cell_input" in node.get("classes", []):
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.Element)):
        if type(node).__name__ == "HideCodeCellNode":
            node.replace_self(node.children)


def _is_thebe(script) -> bool:
    name = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in name or "THEBE_JS_URL" in body


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    # The book has no live-code (thebe) buttons: drop the scripts that would
    # name a CDN and that Jupyter Book otherwise declares twice on every page.
    if "script_files" in context:
        context["script_files"][:] = [s for s in context["script_files"] if not _is_thebe(s)]
    pdf = Path(app.outdir).parent / "latex" / PDF_NAME
    if "theme_extra_footer" in context and pdf.is_file():
        link = context["pathto"](f"_downloads/{PDF_NAME}", 1)
        context["theme_extra_footer"] += f'<p><a href="{link}">Download the PDF edition</a></p>'
    if "kursk-chart" in context.get("body", ""):
        app.add_js_file(f"{OUT_SUBDIR}/vega.js")
        app.add_js_file(f"{OUT_SUBDIR}/kursk-charts.js")


def vega_bundle() -> str:
    """The Vega libraries as one script, wrapped so that they define only globals."""
    import vl_convert as vlc

    header = (
        f"/* Vega {vlc.get_vega_version()}, Vega-Lite {vlc.get_vegalite_versions()[-1]} and "
        f"Vega-Embed {vlc.get_vega_embed_version()}, bundled by vl-convert-python. "
        "BSD-3-Clause licences: vega-licenses.txt beside this file. */\n"
    )
    return header + "(function () {\n" + vlc.javascript_bundle() + "\n})();\n"


def licences_text() -> str:
    import vl_convert as vlc

    parts = [
        "Third-party JavaScript served with this book (_static/kursk/vega.js): Vega "
        f"{vlc.get_vega_version()}, Vega-Lite {vlc.get_vegalite_versions()[-1]} and Vega-Embed "
        f"{vlc.get_vega_embed_version()}, as bundled by vl-convert-python {vlc.__version__}.\n"
        "Each is distributed under the BSD 3-Clause License, reproduced below.\n"
    ]
    for path in sorted((STATIC_DIR / "licenses").glob("*.txt")):
        parts.append("=" * 72 + f"\n{path.stem}\n" + "=" * 72 + "\n" + path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def dataset_zip(data_dir: Path, target: Path) -> Path:
    """The dataset as one versioned zip: tables, descriptor, map layer, changelog, licence."""
    descriptor = read_descriptor(data_dir)
    name = f"kursk-dataset-{descriptor['version']}"
    path = target / f"{name}.zip"
    target.mkdir(parents=True, exist_ok=True)
    files = data_files(data_dir) + [data_dir / "CHANGELOG.md", data_dir / "geography" / "README.md"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(f"{name}/{file.relative_to(data_dir).as_posix()}", date_time=(2024, 8, 6, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes())
        info = zipfile.ZipInfo(f"{name}/LICENSE", date_time=(2024, 8, 6, 0, 0, 0))
        archive.writestr(info, (data_dir.parent / "LICENSE").read_bytes())
    return path


def write_notebooks(root: Path, cache_path: Path, target: Path, docs) -> list[Path]:
    """Each executable page of the book (``docs``, the documents Sphinx built) as an executed
    .ipynb: its MyST source with the outputs of this build. A draft in ``chapters/`` that the
    table of contents does not list is not part of the book and is skipped."""
    import jupytext
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(root / f"{doc}.md" for doc in docs if doc.startswith("chapters/")):
        notebook = jupytext.read(source)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        _, executed = cache.merge_match_into_notebook(notebook)
        executed.metadata.pop("jupytext", None)
        path = target / f"{source.stem}.ipynb"
        nbformat.write(executed, path)
        written.append(path)
    return written


def on_build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    downloads = Path(app.outdir) / "_downloads"
    dataset_zip(root / "data", downloads)
    write_sqlite(root / "data", downloads)
    pdf = Path(app.outdir).parent / "latex" / PDF_NAME
    if pdf.is_file():
        shutil.copyfile(pdf, downloads / PDF_NAME)
    write_notebooks(root, Path(app.config.nb_execution_cache_path), downloads / "notebooks",
                    app.env.found_docs)
    out = Path(app.outdir) / "_static" / OUT_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    _write_if_changed(out / "vega.js", vega_bundle())
    _write_if_changed(out / "vega-licenses.txt", licences_text())
    for name in ("kursk-charts.js", "kursk.css"):
        shutil.copyfile(STATIC_DIR / name, out / name)


def setup(app):
    from . import crossref

    crossref.setup(app)
    app.add_config_value("kursk_inputs_digest", "", "env")
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", on_build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
