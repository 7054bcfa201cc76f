"""The book's bibliography, generated from the source registry (``sources.csv``).

There is no hand-kept ``.bib`` file: :mod:`kursk.publish.sphinxext` writes one from the
registry before every build, so the citation keys of the book are exactly the
``source_id`` values of the data.

Titles, publishers, authors and notes are data, and may hold any character; the book
shows each exactly as the data has it. The ``.bib`` file is read by sphinxcontrib-bibtex
alone (the web book and the PDF are both written from the docutils nodes it makes), that
is by pybtex, in three steps: its BibTeX parser (braces must balance; every run of
whitespace becomes one space; the ends are stripped), latexcodec's ``ulatex`` decoder
(``%`` starts a comment, ``\\'e`` is é, ``--`` an en dash, ``~`` a no-break space, a
space after a control word is dropped, ...), and pybtex's LaTeX parser, for which every
``{`` and ``}`` is a group. :func:`escape` writes text that these three steps give back
unchanged, but for the few characters that no LaTeX can give back (braces, backslashes,
tabs, line breaks): it holds them in a private form, and :func:`restore` puts them back in
the docutils nodes (:mod:`kursk.publish.sphinxext` calls it on every page, after sphinxcontrib-bibtex
has written them).

The entries that readers copy into their own BibTeX (:mod:`kursk.publish.meta`) are read by BibTeX
and LaTeX instead, which read some characters differently from pybtex (pybtex shows
``\\$`` as ``\\$``, LaTeX as ``$``): :func:`latex` writes those.
"""

from __future__ import annotations

import codecs
import re

import latexcodec  # noqa: F401  (registers the "ulatex" codec that pybtex decodes fields with)
import pandas as pd

from ..dataset.read import source_label

#: Characters that pybtex cannot give back from any LaTeX: a brace (its LaTeX parser takes
#: every brace, escaped or not, for a group, and shows none), whitespace other than the space
#: and the no-break space (its BibTeX parser makes a space of it) and the backslash (it can
#: be written, ``\\textbackslash{}``, but sphinxcontrib-bibtex takes a text that ends in
#: ``\\url `` for a link, and deletes ``\\url `` from its tooltips). Such a character is
#: *held*: written as its code point in hexadecimal between two Unicode noncharacters (code
#: points that Unicode sets aside for a program's internal use), which pybtex passes through
#: as they are, and :func:`restore` puts back in the docutils nodes of the book.
_HOLD_OPEN, _HOLD_CLOSE = "\ufdd0", "\ufdd1"
_HELD = re.compile(f"{_HOLD_OPEN}([0-9a-f]+){_HOLD_CLOSE}")


def _held(ch: str) -> bool:
    return ch in "{}\\" or ch in (_HOLD_OPEN, _HOLD_CLOSE) or (ch.isspace() and ch not in " \xa0")


def _terminated(command: str) -> str:
    """A control word followed by ``{}``, so that the next letter or space is not eaten."""
    return command + "{}" if command[-1:].isalpha() else command


#: latexcodec's own escapes (``\%``, ``\textasciitilde``, ``~``, ...) for the characters that
#: its decoder does not read as themselves (``%`` starts a comment, ``~`` is a no-break space,
#: the parser makes a space of a no-break space) and for the other specials of LaTeX text.
_ESCAPES = {ch: _terminated(codecs.encode(ch, "ulatex")) for ch in "%&#_~\xa0"}
#: Pairs of characters that latexcodec's decoder joins into another one when adjacent: the
#: dashes -- and ---, the quotes `` and '' and ,, the inverted marks !` and ?`, and $-$ and
#: $^2$ (minus, superscripts). An empty group {}, which pybtex drops, keeps them apart.
_JOINED = {("-", "-"), ("`", "`"), ("'", "'"), (",", ","), ("!", "`"), ("?", "`"), ("$", "-"), ("$", "^")}


def escape(text: str) -> str:
    """``text`` as the content of a braced field of the book's ``.bib`` file.

    Guarantee: pybtex, as sphinxcontrib-bibtex uses it (BibTeX parser, then
    ``pybtex.richtext.Text.from_latex``), reads the result as exactly ``text`` (every
    character, every space, case kept where the style keeps it), once :func:`restore` has
    put back the held characters (braces, backslashes, whitespace other than spaces). The
    result holds no brace but balanced empty groups ``{}``, so any text, with braces
    balanced or not, makes a field that parses. No LaTeX of the data acts, and HTML or MyST
    in it stays text: sphinxcontrib-bibtex makes docutils text nodes of what pybtex reads.
    """
    text = str(text)
    out: list[str] = []
    plain = False  # was the last character written as itself (a space may follow it as a space)?
    for i, ch in enumerate(text):
        if out and (text[i - 1], ch) in _JOINED:
            out.append("{}")
        if _held(ch):
            out.append(f"{_HOLD_OPEN}{ord(ch):x}{_HOLD_CLOSE}")
            plain = True
        elif ch == " ":
            # The parser and the decoder keep a space only if it is the first of its run, is not
            # at an end and follows no control word; anywhere else it is a control space "\ ".
            if plain and i + 1 < len(text):
                out.append(" ")
            else:
                out.append("\\ " if i + 1 < len(text) else "\\ {}")  # the parser strips a final space
            plain = False
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
            plain = False
        else:
            out.append(ch)
            plain = True
    return "".join(out)


def restore(text: str) -> str:
    """``text`` with the characters that :func:`escape` held put back."""
    return _HELD.sub(lambda m: chr(int(m.group(1), 16)), text)


def restore_doctree(doctree) -> None:
    """Put back held characters in a docutils tree: its text and citation tooltips."""
    from docutils import nodes

    for node in list(doctree.findall(nodes.Text)):
        if _HOLD_OPEN in node and node.parent is not None:
            node.parent.replace(node, nodes.Text(restore(node)))
    for node in doctree.findall(nodes.Element):
        title = node.get("reftitle")
        if isinstance(title, str) and _HOLD_OPEN in title:
            node["reftitle"] = restore(title)


#: How LaTeX writes the characters that are not themselves in its text, as BibTeX's "special
#: characters" (``{\command}``), whose command no style's change of case touches. A brace is
#: written by name, not as ``\{``: BibTeX counts ``\{`` as a brace, and one unmatched breaks the file.
_LATEX = {"\\": r"{\textbackslash}", "{": r"{\textbraceleft}", "}": r"{\textbraceright}",
          "$": r"\$", "%": r"\%", "&": r"\&", "#": r"\#", "_": r"\_", "~": r"{\textasciitilde}",
          "^": r"{\textasciicircum}", "<": r"{\textless}", ">": r"{\textgreater}", "|": r"{\textbar}",
          "\xa0": "~"}
#: Pairs that TeX's fonts join (dashes, quotes, inverted marks) when adjacent.
_LATEX_JOINED = {("-", "-"), ("`", "`"), ("'", "'"), (",", ","), ("!", "`"), ("?", "`")}


def latex(text: str) -> str:
    """``text`` as the content of a braced BibTeX field that BibTeX and LaTeX read as ``text``.

    For the entries readers copy (:mod:`kursk.publish.meta`). Guarantee: braces in the result
    balance, whatever ``text`` holds, so the entry parses in BibTeX; every special character
    of LaTeX is escaped, and no two characters make a ligature (``--``, ``''``, ...), so LaTeX
    typesets the characters of ``text``, in a font that has them (non-ASCII characters are
    written as themselves, in UTF-8), except that, as in any LaTeX text, the straight quotes
    `` ` `` and ``'`` print as curly ones. Whitespace becomes single spaces, as TeX reads it.
    """
    text = re.sub(r"[^\S\xa0]+", " ", str(text))
    out: list[str] = []
    for i, ch in enumerate(text):
        if out and (text[i - 1], ch) in _LATEX_JOINED:
            out.append("{}")
        out.append(_LATEX.get(ch, ch))
    return "".join(out)


def url(address: str) -> str:
    """A URL as the content of a braced BibTeX field: the same address, its braces percent-encoded
    (BibTeX and pybtex read the field as it is, and need its braces to balance)."""
    return str(address).replace("{", "%7B").replace("}", "%7D")


def _field(name: str, value: str) -> str:
    return f"  {name} = {{{value}}},"


def entry(row: pd.Series) -> str:
    """One ``@misc`` entry for a source row, for the book (see :func:`escape`).

    The label (:func:`kursk.dataset.read.source_label`) stands as the author, one literal name, braced so that it is
    not split into given and family names; a journalist's name goes into the note. The title
    is braced twice, so that the style keeps its capitals as published; the URL is written as
    it is, braces percent-encoded.
    """
    lines = [f"@misc{{{row['source_id']},",
             _field("author", "{" + escape(source_label(row)) + "}"),
             # Braced twice, so that the style keeps the headline's capitals as published.
             _field("title", "{" + escape(row["title"]) + "}"),
             _field("howpublished", escape(row["publisher"]))]
    if not pd.isna(row["published"]):
        # The full date, not just the year: a news-based book cites many reports by
        # one agency in one year, and "(TASS, 2024-08-09)" tells them apart where
        # "(TASS, 2024)" would not.
        lines.append(_field("year", f"{row['published']:%Y-%m-%d}"))
    else:
        lines.append(_field("year", "n.d."))
    lines.append(_field("url", url(row["url"])))
    note = f"Accessed {row['accessed']:%Y-%m-%d}"
    if not pd.isna(row["author"]) and row["author"] not in (row["publisher"], source_label(row)):
        note = f"By {row['author']}. " + note
    if row["copy_found"] == "repost":
        note += f"; re-post of a text first published by {row['original_publisher']}"
    if row["date_basis"] != "page" and not pd.isna(row["note"]):
        # how the date was found (or why there is none), so that no date looks read off a page it is not on
        note += f". {str(row['note']).rstrip('.')}"
    lines.append(_field("note", escape(note)))
    lines.append("}")
    return "\n".join(lines)


def bibtex(sources: pd.DataFrame) -> str:
    """The whole bibliography, sorted by key."""
    header = "% Generated from data/sources.csv by kursk.publish.bib: do not edit.\n\n"
    return header + "\n\n".join(entry(row) for _, row in sources.sort_values("source_id").iterrows()) + "\n"
