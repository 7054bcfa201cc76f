"""Build the book without ever publishing a half-built one.

``python -m kursk.build html`` builds strictly (warnings are errors, nitpicky
references, every cell executed without error) into ``_build/work`` and only
when the build succeeds replaces ``_build/html`` with the new output. A failed
build leaves the last good ``_build/html`` in place, forgets its Sphinx
environment (so that the next build re-reads, and re-reports, every page) and
exits non-zero.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path



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
    shutil.copytree(src, staged)
    if dest.exists():
        dest.rename(old)
    staged.rename(dest)
    if old.exists():
        shutil.rmtree(old)


def build_html(root: Path) -> int:
    """Build the book in ``root`` (the folder holding ``_config.yml``)."""
    work = root / "_build" / "work"
    published = root / "_build" / "html"
    start = time.monotonic()
    result = subprocess.run(jupyter_book(root, "html"), cwd=root)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        shutil.rmtree(work / "_build" / ".doctrees", ignore_errors=True)
        print(f"kursk.build: the build FAILED after {seconds:.1f} s; "
              "_build/html was left as it was.", file=sys.stderr)
        return result.returncode or 1
    publish(work / "_build" / "html", published)
    print(f"kursk.build: built and published _build/html in {seconds:.1f} s.")
    return 0


def main(argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else "html"
    root = Path.cwd().resolve()
    if not (root / "_config.yml").is_file():
        print(f"kursk.build: run it from the book's folder (no _config.yml in {root})", file=sys.stderr)
        return 2
    if target == "html":
        return build_html(root)
    print(f"usage: python -m kursk.build html (unknown target {target!r})", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
