"""Two clean builds of one commit give the same bytes, wherever the book sits.

Two copies of the tree, in two folders, are each built from nothing (no execution cache,
no Sphinx environment). Every file of the two web books, the downloads included (the PDF
edition, the executed notebooks, the dataset's zip and SQLite), and the two published PDFs
must be byte-identical.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pristine, second_clean_build



def test_a_chart_pdf_is_the_same_in_every_process():
    """vl-convert writes a chart's PDF in an order that changes between processes;
    the renderer's output does not."""
    code = ("import hashlib, altair as alt, pandas as pd; from kursk import charts; "
            "frame = pd.DataFrame({'x': range(12), 'y': range(12), 'c': list('abcdef') * 2}); "
            "spec = alt.Chart(frame).mark_point().encode(x='x', y='y', color='c', shape='c').to_dict(); "
            "print(hashlib.sha256(charts.render(spec)['application/pdf']).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
               for _ in range(3)}
    assert len(digests) == 1, digests


def differing(one: Path, other: Path) -> list[str]:
    """Relative paths of the files that differ between two folders, or exist in one only."""
    def files(folder: Path) -> dict[str, Path]:
        return {str(p.relative_to(folder)): p for p in folder.rglob("*") if p.is_file()}

    a, b = files(one), files(other)
    out = sorted(set(a) ^ set(b))
    out += sorted(name for name in set(a) & set(b) if a[name].read_bytes() != b[name].read_bytes())
    return out


@pytest.mark.build
def test_two_clean_builds_are_byte_identical(book):
    """The session's clean build (its outputs kept before any test edited the book) and a
    second one, of another copy of the tree in a folder of another depth, built from nothing
    beside it. (Not the session's book as it is now: the tests edit and rebuild it, and
    Sphinx's incremental builds keep traces a clean build has not, such as emptied words in
    the search index.)"""
    one = pristine(book)
    assert (one / "html").is_dir() and (one / "pdf").is_dir(), "the session's clean build was not kept"
    folder, status, log = second_clean_build()
    assert status == 0, log[-3000:]
    assert len(folder.parts) != len(book.parts)
    two = folder / "_build"
    assert differing(one / "pdf", two / "pdf") == []
    assert differing(one / "html", two / "html") == []
