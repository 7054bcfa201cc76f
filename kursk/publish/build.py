"""Build the book (HTML and PDF) without ever publishing a half-built one.

``python -m kursk.publish.build html`` builds strictly (warnings are errors, nitpicky
references, every cell executed without error) into ``_build/work`` and only
when the build succeeds replaces ``_build/html`` with the new output; ``pdf``
likewise publishes the PDF edition to ``_build/pdf`` only when TeX made it
without error. A failed build leaves the last good ``_build/html`` and PDF in
place, says which step failed (check the data, execute the chapters, Sphinx,
xelatex), forgets its Sphinx environment (so that the next build re-reads, and
re-reports, every page) and exits non-zero.

Before Sphinx runs, the chapters the execution cache lacks are executed in parallel
(:mod:`kursk.publish.execute`). Builds are skipped when nothing changed: each output is stamped with a digest of the
whole tree it was built from (:func:`kursk.publish.stamps.tree_digest`), and a build whose stamp matches the
present tree does nothing. ``--force`` builds anyway.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import execute
from .stamps import PDF_NAME, mark_built, published_pdf, tree_digest, up_to_date

def use_environment(root: Path) -> None:
    """Set the environment of Sphinx and of the chapters' kernels (both inherit this process's).

    The package of the tree being built comes first on the path: an installed ``kursk`` may
    be another clone's. And one date, :func:`kursk.publish.meta.source_date_epoch` (the release's),
    stands for "now" in every tool that stamps its output with a date: Sphinx's "last updated"
    line, and xelatex and xdvipdfmx, whose /CreationDate, font subset tags and /ID follow
    ``SOURCE_DATE_EPOCH`` (``FORCE_SOURCE_DATE=1``: TeX's own \\today and \\time too)."""
    from .meta import source_date_epoch

    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(root)]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(root), *paths])
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(root))
    os.environ["FORCE_SOURCE_DATE"] = "1"


def jupyter_book(root: Path, builder: str) -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe), "build", str(root), "--path-output", str(root / "_build" / "work"),
            "--builder", builder, "-W", "-n", "--keep-going"]


def publish(src: Path, dest: Path) -> None:
    """Swap a finished output folder into place."""
    staged = dest.with_name(dest.name + ".new")
    old = dest.with_name(dest.name + ".old")
    for leftover in (staged, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    # Sphinx's .buildinfo hashes its configuration, absolute paths included: it is for
    # Sphinx's next build (it stays in _build/work), not for the published book.
    shutil.copytree(src, staged, ignore=shutil.ignore_patterns(".buildinfo"))
    if dest.exists():
        dest.rename(old)
    staged.rename(dest)
    if old.exists():
        shutil.rmtree(old)


def failed(step: str, start: float, detail: str = "") -> int:
    """Say which step of a build failed; nothing was published."""
    print(f"kursk.publish.build: the build FAILED at the step \"{step}\" after {time.monotonic() - start:.1f} s"
          f"{': ' + detail if detail else ''}.\nkursk.publish.build: _build/html and the PDF edition "
          "(_build/pdf) were left as they were.", file=sys.stderr)
    return 1


def check_data(root: Path) -> str | None:
    """The data's problems as one text, or ``None`` when the dataset is valid. (Skipped,
    in two seconds saved, when these data files were validated by this loader before.) A valid
    dataset is named to the processes the build starts, which then read it without checking
    its rules again."""
    from ..dataset.read import CHECKED_ENV, DataError, checked_key, load

    digest = checked_key(root / "data")
    if not up_to_date(root, "data", root / "data", digest):
        try:
            load(root / "data")
        except DataError as error:
            return str(error)
        mark_built(root, "data", digest)
    # the chapters' kernels and Sphinx (they inherit this environment) need not check it again
    os.environ[CHECKED_ENV] = digest
    return None


def execute_chapters(root: Path) -> list[str]:
    """Execute the chapters the cache lacks (:mod:`kursk.publish.execute`); the ones that failed."""
    return [name for name, took in execute.main(root).items() if took is None]


def before_sphinx(root: Path, start: float) -> list[str] | None:
    """Check the data, then execute the chapters the cache lacks. ``None`` when the data
    has problems (printed, with the step that failed); else the chapters whose code failed
    (myst-nb runs them again and reports the cell)."""
    problems = check_data(root)
    if problems:
        print(problems, file=sys.stderr)
        failed("check the data", start, "the dataset has problems (listed above)")
        return None
    return execute_chapters(root)


def sphinx_failed(step: str, broken: list[str], start: float) -> int:
    """Say which step failed when Sphinx did: the chapters' code, or Sphinx itself."""
    if broken:
        return failed("execute the chapters", start,
                      f"the code of {', '.join(broken)} failed (the cell and its traceback are above)")
    return failed(step, start, "warnings are errors, and a reference, a citation or a cell failed (see above)")


def build_html(root: Path, force: bool = False) -> int:
    """Build the book in ``root`` (the folder holding ``_config.yml``)."""
    work = root / "_build" / "work"
    published = root / "_build" / "html"
    # The web book links the PDF edition: a new PDF is a new web book.
    pdf = published_pdf(root)
    digest = tree_digest(root) + (":" + hashlib.sha256(pdf.read_bytes()).hexdigest() if pdf.is_file() else "")
    if not force and up_to_date(root, "html", published, digest):
        print("kursk.publish.build: nothing changed since _build/html was built; kept as it is.")
        return 0
    use_environment(root)
    start = time.monotonic()
    broken = before_sphinx(root, start)
    if broken is None:
        return 1
    result = subprocess.run(jupyter_book(root, "html"), cwd=root)
    if result.returncode != 0:
        shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)
        return sphinx_failed("Sphinx: the HTML book", broken, start)
    publish(work / "_build" / "html", published)
    mark_built(root, "html", digest)
    print(f"kursk.publish.build: built and published _build/html in {time.monotonic() - start:.1f} s.")
    return 0


#: What the PDF edition needs: programs, and the Debian packages that provide them.
TEX_NEEDS = {
    "xelatex": "texlive-xetex",
    "latexmk": "latexmk",
    "xindy": "xindy",
}
TEX_PACKAGES = ("texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk "
                "texlive-xetex fonts-freefont-otf xindy")


def missing_tex() -> list[str]:
    """Debian packages the PDF edition needs and this machine lacks."""
    missing = sorted({pkg for tool, pkg in TEX_NEEDS.items() if shutil.which(tool) is None})
    fonts = subprocess.run(["fc-list", "FreeSerif"], capture_output=True, text=True) \
        if shutil.which("fc-list") else None
    if fonts is None or "FreeSerif" not in fonts.stdout:
        missing.append("fonts-freefont-otf")
    return sorted(missing)


def build_pdf(root: Path, force: bool = False) -> int:
    """The whole book as one PDF, through Jupyter Book's LaTeX builder (xelatex), published
    to ``_build/pdf`` only when it built without fault. Skipped when the PDF was built from
    exactly the present tree."""
    missing = missing_tex()
    if missing:
        print("kursk.publish.build: cannot build the PDF: missing " + ", ".join(missing) +
              f". On Debian or Ubuntu: sudo apt-get install --no-install-recommends {TEX_PACKAGES}",
              file=sys.stderr)
        return 3
    latex = root / "_build" / "work" / "_build" / "latex"
    published = published_pdf(root)
    digest = tree_digest(root)
    if not force and up_to_date(root, "pdf", published, digest):
        print("kursk.publish.build: nothing changed since the PDF was built; kept as it is.")
        return 0
    (latex / PDF_NAME).unlink(missing_ok=True)
    use_environment(root)
    start = time.monotonic()
    broken = before_sphinx(root, start)
    if broken is None:
        return 1
    began = time.time()
    result = subprocess.run(jupyter_book(root, "pdflatex"), cwd=root)
    if result.returncode != 0 or not (latex / PDF_NAME).is_file():
        shutil.rmtree(root / "_build" / "work" / "_build" / ".doctrees", ignore_errors=True)
        tex = latex / PDF_NAME.replace(".pdf", ".tex")
        if tex.is_file() and tex.stat().st_mtime >= began:
            log = tex.with_suffix(".log").relative_to(root)
            return failed("xelatex: the PDF edition", start, f"TeX stopped on an error (see above, and {log})")
        return sphinx_failed("Sphinx: the LaTeX of the PDF edition", broken, start)
    published.parent.mkdir(parents=True, exist_ok=True)
    staged = published.with_name(published.name + ".new")
    shutil.copyfile(latex / PDF_NAME, staged)
    os.replace(staged, published)
    mark_built(root, "pdf", digest)
    print(f"kursk.publish.build: built the PDF in {time.monotonic() - start:.1f} s: {published.relative_to(root)}.")
    return 0


def build_book(root: Path, force: bool = False) -> int:
    """The PDF (when TeX is installed), then the HTML book that links to it."""
    if missing_tex():
        published_pdf(root).unlink(missing_ok=True)
        print("kursk.publish.build: TeX is not installed, so the PDF edition is skipped; to build it: "
              f"sudo apt-get install --no-install-recommends {TEX_PACKAGES}")
    else:
        code = build_pdf(root, force)
        if code:
            return code
    return build_html(root, force)


def main(argv: list[str]) -> int:
    force = "--force" in argv
    argv = [a for a in argv if a != "--force"]
    target = argv[1] if len(argv) > 1 else "html"
    root = Path.cwd().resolve()
    if not (root / "_config.yml").is_file():
        print(f"kursk.publish.build: run it from the book's folder (no _config.yml in {root})", file=sys.stderr)
        return 2
    builds = {"html": build_html, "pdf": build_pdf, "book": build_book}
    if target in builds:
        return builds[target](root, force)
    print(f"usage: python -m kursk.publish.build html|pdf|book [--force] (unknown target {target!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
