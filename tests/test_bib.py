"""The bibliography: every character of a source's author, title, publisher and note reaches the page as it is."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import types

import pandas as pd
import pybtex.plugin
import pytest
from docutils import nodes
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.textutils import normalize_whitespace
from pybtex_docutils import Backend
from pypdf import PdfReader
from sphinxcontrib.bibtex.plugin import find_plugin
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from kursk.publish import bib, meta

#: Text that a source's fields may hold: TeX's specials, markup of HTML and MyST, what pybtex's
#: reading of LaTeX turns into something else (dashes, quotes, spaces), and braces, balanced or not.
TRICKY = [
    r"100% & $5 _x_ #1 {braced} ~tilde^ \back\slash",
    "{", "}", "}{", "a {single brace", "{{double}}",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "{raw}`<b>x</b>` and {cite}`y` and ```fence```",
    "Café — ёлка ’quote’ «Курськ», Київ, Суджа; 김정은 訪問",
    "two  spaces", " leading", "trailing ", "   ", "tab\there", "new\nline", "a\u00a0b\u2009c\u3000d",
    "--- em -- en ``quotes'' ,,low !`?` $-$ $^2$ $a$ a^b",
    r"\url x", "ends with \\url ", r"\textbf{bold} \'e \\ \par", "% not a comment",
    "\ufdd0 7b \ufdd1", "ALL CAPS and Mixed Case iPhone", "Question?", "Full stop.", "...",
]

#: Derandomized, so that CI runs the same examples each time; KURSK_HYPOTHESIS=explore runs many more.
EXPLORE = os.environ.get("KURSK_HYPOTHESIS") == "explore"


def examples(n: int) -> settings:
    return settings(max_examples=n * 20 if EXPLORE else n, derandomize=not EXPLORE, database=None, deadline=None)


STYLE = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()  # bibtex_default_style
REFERENCES = find_plugin("sphinxcontrib.bibtex.style.referencing", "author_year")()  # bibtex_reference_style


def source(author: str, title: str, publisher: str, note: str) -> pd.Series:
    return pd.Series({"source_id": "key", "author": author, "publisher": publisher, "title": title,
                      "published": pd.Timestamp("2024-08-09"), "date_basis": "inferred",
                      "url": "https://example.org/a?b=1&c={d}#e%20f", "accessed": pd.Timestamp("2026-01-02"),
                      "copy_found": "original", "original_publisher": None, "note": note})


class Builder:
    """Enough of an HTML builder for sphinxcontrib-bibtex to make a citation's link."""
    name = "html"

    def get_relative_uri(self, fromdocname, todocname):
        return f"{todocname}.html"


def rendered(row: pd.Series) -> tuple[nodes.paragraph, nodes.inline]:
    """The bibliography entry and the {cite:t} citation that sphinxcontrib-bibtex makes of a row,
    as the book shows them: kursk.publish.bib's entry, read by pybtex, formatted in the book's styles,
    made docutils nodes, held characters restored."""
    entry = Parser().parse_string(bib.bibtex(pd.DataFrame([row]))).entries["key"]
    formatted = STYLE.format_entry("1", entry)
    paragraph = Backend().paragraph(formatted)
    info = SphinxReferenceInfo(builder=Builder(), fromdocname="a", todocname="b", citation_id="id-1",
                               title=None, pre_text="", post_text="")
    citation = nodes.inline("", "", *format_references(REFERENCES, "t", [(entry, formatted, info)])
                            .render(Backend()))
    for tree in (paragraph, citation):
        bib.restore_doctree(tree)
    return paragraph, citation


def period(text: str) -> str:
    """What the plain style does at the end of a sentence."""
    return text if text.endswith((".", "!", "?")) else text + "."


def check(author: str, title: str, publisher: str, note: str) -> None:
    paragraph, citation = rendered(source(author, title, publisher, note))
    texts = [str(node) for node in paragraph.findall(nodes.Text)]
    # the label (the publisher) and the title are braced: each is one text node, exactly the data's
    assert texts[0] == publisher
    assert title in texts
    # a journalist's name is kept, in the note, and never stands in for the outlet
    by = f"By {author}. " if author != publisher else ""
    notes = f"{by}Accessed 2026-01-02. {note.rstrip('.')}"  # kursk.publish.bib ends the note with the style's period
    assert paragraph.astext() == (f"{period(publisher)} {period(title)} {publisher}, 2024-08-09. {period(notes)} "
                                  "URL: https://example.org/a?b=1&c=%7Bd%7D#e%20f.")
    assert citation.astext() == f"{publisher} [2024-08-09]"
    link = next(paragraph.findall(nodes.reference))
    assert link["refuri"] == "https://example.org/a?b=1&c=%7Bd%7D#e%20f"  # the same address


def test_a_repost_is_cited_by_its_original_publisher():
    row = source("A. Writer", "What to know", "Star Tribune", "")
    row["copy_found"], row["original_publisher"] = "repost", "Associated Press"
    paragraph, citation = rendered(row)
    assert citation.astext() == "Associated Press [2024-08-09]"
    assert "Star Tribune" in paragraph.astext() and "By A. Writer." in paragraph.astext()
    row["original_publisher"] = "a wire service (not named)"
    assert rendered(row)[1].astext() == "Star Tribune [2024-08-09]"


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_is_shown_exactly(text):
    check(text, text, text, text)


#: Any text but NUL, which docutils itself takes out of every text node (its escape character).
TEXT = st.characters(exclude_characters="\x00")


@examples(300)
@given(st.text(TEXT, min_size=1), st.text(TEXT, min_size=1), st.text(TEXT, min_size=1), st.text(TEXT))
def test_any_text_is_shown_exactly(author, title, publisher, note):
    check(author, title, publisher, note)


@examples(300)
@given(st.text(alphabet="{}\\ -`',!?$^~%#&_\xa0\t\nxé", min_size=1))
def test_any_text_of_special_characters_is_shown_exactly(text):
    check(text, text, text, text)


def test_latexcodec_reads_its_own_escapes_back():
    for ch, tex in bib._ESCAPES.items():
        assert Text.from_latex(tex) == Text(ch), (ch, tex)


def test_titles_keep_their_capitals_and_nothing_is_markup():
    paragraph, _ = rendered(source("ACME Corp.", "NATO and the iPhone", "TASS", "n"))
    assert "NATO and the iPhone." in paragraph.astext()
    assert not list(paragraph.findall(nodes.raw)) and not list(paragraph.findall(nodes.emphasis))


def test_the_tooltip_of_a_citation_is_restored_too():
    tree = nodes.paragraph("", "", nodes.reference("", bib.escape("{x}"), reftitle=bib.escape(r"{x} \url y")))
    bib.restore_doctree(tree)
    assert tree.astext() == "{x}" and next(tree.findall(nodes.reference))["reftitle"] == r"{x} \url y"


# --- the entries readers copy (kursk.publish.meta) --------------------------------------------


def copied_entry(title: str) -> str:
    data = types.SimpleNamespace(descriptor={"version": "9.9", "title": title, "licenses": [{"name": "CC0"}]})
    block = meta.dataset_box(data).data
    return re.search(r"```bibtex\n(.*?)\n```", block, re.S).group(1)


@examples(100)
@given(st.text())
def test_a_copied_entry_parses_whatever_its_title(title):
    entry = Parser().parse_string(copied_entry(title)).entries["kursk-dataset-9.9"]
    # the whole title is read (braces balance), as the parser reads any field: whitespace runs made one space
    assert entry.fields["title"] == normalize_whitespace("{" + bib.latex(title) + "}")
    assert "\n" not in bib.latex(title)  # so it cannot end the Markdown code block
    written = bib.latex(title)
    assert not re.search(r"(?<!\\)[$%&#_^]|\\[{}]", written)  # no special of TeX acts; no brace escaped by \
    assert written.count("~") == title.count("\xa0")  # ~ is the no-break space


@pytest.mark.skipif(not (shutil.which("bibtex") and shutil.which("xelatex")), reason="needs BibTeX and XeLaTeX")
def test_a_copied_entry_typesets_its_text_in_bibtex_and_latex(tmp_path):
    title = r"100% & $5 _x_ #1 {braced} } ~tilde^ \back\slash <a|b> -- ``q'' Café"
    (tmp_path / "refs.bib").write_text(copied_entry(title), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{url}\\begin{document}\\nocite{*}"
        "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n", encoding="utf-8")
    for command in (["xelatex", "-interaction=nonstopmode", "doc"], ["bibtex", "doc"],
                    ["xelatex", "-interaction=nonstopmode", "doc"]):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-2000:]
    text = PdfReader(tmp_path / "doc.pdf").pages[0].extract_text()
    # as in any LaTeX text, straight quotes print curly; the PDF breaks lines
    assert title.replace("`", "‘").replace("'", "’") in " ".join(text.split())
