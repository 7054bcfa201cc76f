"""What the data layer reports: one :class:`Problem` per fault, raised together as a
:class:`DataError`."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The longest "found" value a message repeats; longer ones are cut with an ellipsis,
#: so that one unbalanced quote cannot echo a screen of the file.
FOUND_LENGTH = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shorten(text: str, length: int = FOUND_LENGTH) -> str:
    """``text`` on one line, control characters written as escapes (a tab as ``\\t``), cut
    to ``length`` characters (an ellipsis marks the cut)."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return text if len(text) <= length else text[: length - 1] + "…"


def quoted(cell: object) -> str:
    """A cell as a message shows it: "an empty cell", or its text in quotes, shortened."""
    return "an empty cell" if cell in (None, "") else f'"{shorten(str(cell))}"'


@dataclass(frozen=True)
class Problem:
    """One fault in a data file: where it is (file, line, column) and what was expected.

    ``line`` is the line of the file (1 is a table's header row); ``column`` the name of
    a table's column, or, in ``datapackage.json``, the key (as a path) that is wrong."""

    file: str
    line: int | None
    column: str | None
    expected: str
    found: str | None
    code: str

    def __post_init__(self):
        if self.found is not None:
            object.__setattr__(self, "found", shorten(self.found, 2 * FOUND_LENGTH))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            if self.column.startswith("/"):  # a key of a JSON file, as a JSON pointer
                where += f', key "{self.column}"'
            elif self.column.isdigit():  # a character of a line
                where += f", column {self.column}"
            else:
                where += f', column "{self.column}"'
        text = f"{where}: expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        return f"{text} [{self.code}]"


class DataError(ValueError):
    """The dataset does not match its schema. ``problems`` lists every fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"the dataset has {count} problem{'s' if count != 1 else ''}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
