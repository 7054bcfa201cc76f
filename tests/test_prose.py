"""The chapters' prose, read as source: every glued claim keeps its claimant's hedge."""

from __future__ import annotations

import re

import pytest

import kursk
from kursk.publish import meta

from conftest import ROOT

CLAIMS = kursk.load(ROOT / "data").claims.set_index("claim_id")

#: Words that carry each qualifier in English prose.
HEDGES = {
    "about": ["about", "around", "some ", "roughly", "approximately", "an estimated"],
    "more_than": ["more than", "over ", "above", "exceed"],
    "at_least": ["at least", "a minimum of"],
    "nearly": ["nearly", "almost", "close to"],
    "up_to": ["up to", "as many as"],
    "less_than": ["less than", "fewer than", "under "],
}
EVERY_HEDGE = [word for words in HEDGES.values() for word in words]


def hedge_problems(text: str) -> list[str]:
    """Each glued claim whose figure the prose hedges differently from the data."""
    prose = re.sub(r"```.*?```", lambda m: " " * len(m.group(0)), text, flags=re.S)
    problems = []
    for name, claim_id in re.findall(r'fig\.claim\("([^"]+)", "([^"]+)"', text):
        qualifier = CLAIMS.loc[claim_id, "qualifier"]
        for use in re.finditer(r"\{glue:text\}`" + re.escape(name) + r"(_low)?[:`]", prose):
            before = " ".join(prose[max(0, use.start() - 40):use.start()].split()).lower()[-28:]
            if qualifier == "exact":
                wrong = [w for w in EVERY_HEDGE if w in before[-14:]]
                if wrong:
                    problems.append(f"{name} ({claim_id}) is exact, but the text says {wrong[0]!r}: …{before}")
            elif not any(w in before for w in HEDGES[qualifier]):
                problems.append(f"{name} ({claim_id}) is '{qualifier}', but the text says: …{before}")
    return problems


def test_the_check_catches_a_dropped_hedge():
    claim_id = CLAIMS.index[CLAIMS.qualifier == "more_than"][0]
    cell = f'fig.claim("x", "{claim_id}")'
    assert hedge_problems(f"```\n{cell}\n```\nRussia lost {{glue:text}}`x:,` men.")
    assert not hedge_problems(f"```\n{cell}\n```\nRussia lost more than {{glue:text}}`x:,` men.")


@pytest.mark.parametrize("slug", meta.CHAPTERS)
def test_every_glued_claim_keeps_its_hedge(slug):
    text = (ROOT / "chapters" / f"{slug}.md").read_text(encoding="utf-8")
    assert hedge_problems(text) == []
