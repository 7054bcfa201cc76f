"""Re-create the broken tables of ``bad/`` from ``good/`` (run after changing ``good/``).

Each case damages one table in one way. The ``expected.txt`` of each case is
written and reviewed by hand: it is what the tests assert, so this script never
touches it.

    python tests/data/make_bad_cases.py
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD = HERE / "good"
BAD = HERE / "bad"


DESCRIPTOR = HERE.parent.parent / "data" / "datapackage.json"


def case(name: str, table: str, transform, raw: bool = False) -> None:
    """``table`` "datapackage" damages (a copy of) the book's own descriptor."""
    folder = BAD / name
    folder.mkdir(parents=True, exist_ok=True)
    original = DESCRIPTOR if table == "datapackage" else GOOD / f"{table}.csv"
    source = original.read_bytes()
    broken = transform(source) if raw else transform(source.decode("utf-8")).encode("utf-8")
    assert broken != source, f"{name}: the transform changed nothing"
    (folder / original.name).write_bytes(broken)


def header_only(text: str) -> str:
    return text.split("\n", 1)[0] + "\n"


WEB_PAGE = '<!DOCTYPE html>\n<html lang="en">\n<head><title>metrics.csv</title></head>\n<body></body>\n</html>\n'


def drop_column(text: str, name: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row[:index] + row[index + 1:])
    return out.getvalue()


def add_column(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    return "\n".join([lines[0] + ",comment"] + [line + ",x" for line in lines[1:]]) + "\n"


SETTLEMENTS = "settlements_held,ukrainian_forces_in_kursk,93,,,exact"
FIRST_DATES = "about,km2,2024-08-12,2024-08-12"
SECOND_URL = "https://www.pravda.com.ua/eng/news/2024/08/20/7471164/"
FIRST_URL = "https://censor.net/en/news/3504348/syrskyi_tells_how_many_territories_in_kursk_region_are_under_the_control_of_afu"

CASES = [
    ("non-utf8", "claims", lambda b: b.replace(b"first official Ukrainian figure", b"first official Ukrainian figure \xe9"), True),
    ("byte-order-mark", "sources", lambda b: b"\xef\xbb\xbf" + b, True),
    ("crlf", "metrics", lambda b: b.replace(b"\n", b"\r\n"), True),
    ("no-final-newline", "metrics", lambda s: s.rstrip("\n"), False),
    ("extra-column", "claims", add_column, False),
    ("missing-column", "claims", lambda s: drop_column(s, "qualifier"), False),
    ("wrong-type", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,1263,", 'ukrainian_forces_in_kursk,"1,263",'), False),
    ("bad-date", "claims", lambda s: s.replace(FIRST_DATES, "about,km2,12/08/2024,2024-08-12"), False),
    ("missing-required", "sources", lambda s: s.replace("news_outlet,original,,\nukrpravda", ",original,,\nukrpravda"), False),
    ("bad-enum", "claimants", lambda s: s.replace(",ukraine,", ",ukrain,"), False),
    ("unknown-source", "claims", lambda s: s.replace("syrskyi,ukrpravda-20240820-syrskyi,Same address", "syrskyi,ukrpravda-20240802-syrskyi,Same address"), False),
    ("unknown-claimant", "claims", lambda s: s.replace(",syrskyi,censor", ",sirskyi,censor"), False),
    ("duplicate-id", "claims", lambda s: s.replace("C0003,", "C0002,"), False),
    ("duplicate-url", "sources", lambda s: s.replace(SECOND_URL, FIRST_URL), False),
    ("outside-study-period", "claims", lambda s: s.replace(FIRST_DATES, "about,km2,2024-07-12,2024-08-12"), False),
    ("reported-before-as-of", "claims", lambda s: s.replace("exact,km2,2024-08-20,2024-08-20", "exact,km2,2024-08-20,2024-08-19"), False),
    ("negative-count", "claims", lambda s: s.replace(SETTLEMENTS, "settlements_held,ukrainian_forces_in_kursk,-93,,,exact"), False),
    ("low-above-high", "claims", lambda s: s.replace(SETTLEMENTS, "settlements_held,ukrainian_forces_in_kursk,,100,93,exact"), False),
    ("value-and-range", "claims", lambda s: s.replace(SETTLEMENTS, "settlements_held,ukrainian_forces_in_kursk,93,90,95,exact"), False),
    ("unknown-place", "event_places", lambda s: s.replace("E001,sudzha", "E001,sudja"), False),
    ("end-before-start", "events", lambda s: s.replace("2024-08-12,day,,", "2024-08-12,day,2024-08-10,"), False),
    ("unknown-actor", "events", lambda s: s.replace(",incursion,ukraine,", ",incursion,ukraine;mars,"), False),
    ("description-too-long", "events", lambda s: s.replace("of Kursk region.", "of Kursk region." + " More." * 50), False),
    ("population-without-year", "places", lambda s: s.replace(",6036,2010,", ",6036,,"), False),
    ("coordinate-not-a-number", "places", lambda s: s.replace(",51.19139,", ",51°11′29″N,"), False),
    ("repost-without-original", "sources", lambda s: s.replace("news_outlet,original,,\nukrpravda", "news_outlet,repost,,\nukrpravda"), False),
    ("not-finite", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,1263,", "ukrainian_forces_in_kursk,inf,"), False),
    ("number-overflow", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,1263,", "ukrainian_forces_in_kursk,1" + "0" * 400 + ","), False),
    ("area-above-region", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,1263,", "ukrainian_forces_in_kursk,31000,"), False),
    ("unknown-subject", "claims", lambda s: s.replace("area_held,ukrainian_forces_in_kursk,1263,", "area_held,ukrainian_forces_in_belgorod,1263,"), False),
    ("area-subject-without-region", "subjects", lambda s: s.replace(",ukraine,Kursk", ",ukraine,"), False),
    ("class-against-side", "claimants", lambda s: s.replace(",ukraine,military,", ",ukraine,independent_media,"), False),
    ("unknown-class", "claimants", lambda s: s.replace(",ukraine,military,", ",ukraine,army,"), False),
    ("share-above-100", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,93,,,exact,settlements", "ukrainian_forces_in_kursk,140,,,exact,percent"), False),
    ("empty-table", "control", header_only, False),
    ("unbalanced-quote", "claims", lambda s: s.replace(",Syrskyi's video address", ',"Syrskyi\'s video address'), False),
    ("not-csv", "metrics", lambda s: WEB_PAGE, False),
    ("control-character", "events", lambda s: s.replace("Syrskyi reports", "Syrskyi\treports"), False),
    ("duplicate-pair", "event_sources", lambda s: s + s.split("\n", 1)[1], False),
    ("repost-of-itself", "sources", lambda s: s.replace("reference,repost,Wikipedia (English),Reference article; the copy read shows no revision date.\nwikipedia-undated-sudzha", "reference,repost,wikizero.org (Wikipedia mirror),Reference article; the copy read shows no revision date.\nwikipedia-undated-sudzha"), False),
    ("region-without-area", "regions", lambda s: s.replace(",Russia,29997,", ",Russia,0,"), False),
    ("accessed-before-published", "sources", lambda s: s.replace(",en,2026-11-25,news_outlet,original,,\nukrpravda", ",en,2024-08-11,news_outlet,original,,\nukrpravda"), False),
    ("population-of-installation", "places", lambda s: s.replace(",6036,2010,town,", ",6036,2010,infrastructure,"), False),
    ("count-not-whole", "claims", lambda s: s.replace(SETTLEMENTS, "settlements_held,ukrainian_forces_in_kursk,93.5,,,exact"), False),
    ("month-not-first", "events", lambda s: s.replace("E001,2024-08-12,day,", "E001,2024-08-12,month,"), False),
    ("reported-after-source", "claims", lambda s: s.replace("exact,settlements,2024-08-20,2024-08-20", "exact,settlements,2024-08-20,2024-08-22"), False),
    ("control-after-source", "control", lambda s: s.replace("P0001,sudzha,2024-08-20,", "P0001,sudzha,2024-08-21,"), False),
    ("sources-before-event", "events", lambda s: s.replace("E001,2024-08-12,day,", "E001,2024-08-14,day,"), False),
    ("place-outside-region", "places", lambda s: s.replace(",51.19139,35.27056,Kursk,", ",50.90770,34.79810,Kursk,"), False),
    ("place-beyond-map", "places", lambda s: s.replace(",51.19139,35.27056,Kursk,", ",49.19139,35.27056,Kursk,"), False),
    ("distance-beyond-map", "claims", lambda s: s.replace("ukrainian_forces_in_kursk,93,,,exact,settlements", "ukrainian_forces_in_kursk,500,,,exact,km"), False),
    ("descriptor-bad-map-rule", "datapackage", lambda s: s.replace('"cellDegrees": 0.01', '"cellDegrees": 0', 1), False),
    ("descriptor-not-json", "datapackage", lambda s: s.replace('"name": "kursk-battle-2024-2025",', '"name": "kursk-battle-2024-2025"', 1), False),
    ("descriptor-unknown-type", "datapackage", lambda s: s.replace('"name": "value",\n            "type": "number"', '"name": "value",\n            "type": "float"', 1), False),
]

if __name__ == "__main__":
    for name, table, transform, raw in CASES:
        case(name, table, transform, raw)
    print(f"wrote {len(CASES)} cases into {BAD}")
