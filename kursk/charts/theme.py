"""The book's one chart theme, party colours and renderer.

Importing :mod:`kursk.charts` registers and enables both, once, for every chapter:

* the theme ``kursk``: readable type sizes and one fixed, colour-blind-safe
  colour per party (the Okabe-Ito palette), the same in every chart;
* the renderer ``kursk``: for the web page, an HTML ``<div>`` holding the chart
  compiled to a Vega spec (so that the page needs the Vega runtime only, not the
  Vega-Lite compiler), drawn in the browser by ``kursk-charts.js`` with the
  locally served Vega bundle (see :mod:`kursk.publish.sphinxext`); for the LaTeX/PDF
  edition, a vector PDF of the same chart made with vl-convert; and a plain-text
  alternative everywhere.
* :func:`browser_themes`: what ``kursk-charts.js`` changes in a spec for the
  book's dark theme, and for a narrow (phone) column.

Every chart should carry a ``description`` (its text alternative): it becomes
the ``aria-label`` of the chart on the web page and the plain-text output.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re

import altair as alt
import pikepdf
import vl_convert as vlc

from ..vocabulary import SIDES

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

#: One colour per side (Okabe & Ito, "Color Universal Design", 2008, for the parties, their allies
#: and independents; two more for unnamed Western officials and a third country).
SIDE_COLOURS = {
    "ukraine": "#0072B2",        # blue
    "russia": "#D55E00",         # vermillion
    "north_korea": "#CC79A7",    # reddish purple
    "united_states": "#009E73",  # bluish green
    "south_korea": "#E69F00",    # orange
    "united_kingdom": "#56B4E9", # sky blue
    "western": "#A6761D",        # ochre (ColorBrewer Dark2), unnamed Western officials
    "turkey": "#999933",         # olive (Paul Tol), a third country
    "independent": "#4D4D4D",    # dark grey
}

#: A five-pointed star, as an SVG path in Vega's unit square (Vega has no star of its own).
STAR = ("M0,-1L0.224,-0.309L0.951,-0.309L0.363,0.118L0.588,0.809L0,0.382L-0.588,0.809"
        "L-0.363,0.118L-0.951,-0.309L-0.224,-0.309Z")

#: One point shape per side, so that claims stay distinguishable in greyscale print.
SIDE_SHAPES = {
    "ukraine": "circle",
    "russia": "square",
    "north_korea": "diamond",
    "united_states": "triangle-up",
    "south_korea": "triangle-down",
    "united_kingdom": "triangle-right",
    "western": "triangle-left",
    "turkey": STAR,
    "independent": "cross",
}


#: One colour per chapter (phase of the battle), in the order of ``vocabulary.CHAPTERS``
#: (Paul Tol's "muted" scheme), distinct from the party colours.
CHAPTER_COLOURS = {
    "incursion": "#332288",
    "response": "#44AA99",
    "north_korea": "#DDCC77",
    "recapture": "#CC6677",
    "consequences": "#882255",
}


def side_scale(sides=None) -> alt.Scale:
    """Colour scale over the side labels (``SIDES`` values) present in a chart."""
    keys = [k for k in SIDES if sides is None or k in sides or SIDES[k] in sides]
    return alt.Scale(domain=[SIDES[k] for k in keys], range=[SIDE_COLOURS[k] for k in keys])


def shape_scale(sides=None) -> alt.Scale:
    keys = [k for k in SIDES if sides is None or k in sides or SIDES[k] in sides]
    return alt.Scale(domain=[SIDES[k] for k in keys], range=[SIDE_SHAPES[k] for k in keys])


@alt.theme.register("kursk", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": None},
            "background": "white",
            "padding": 8,
            "autosize": {"type": "pad", "resize": True},
            # Every text colour is set (not left to Vega's black), so that the dark theme
            # can swap it (DARK_COLOURS).
            "title": {"fontSize": 15, "fontWeight": "bold", "anchor": "start", "offset": 12,
                      "color": "#222222", "subtitleColor": "#333333"},
            "text": {"color": "#333333"},
            "axis": {
                "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                "gridColor": "#e6e6e6", "domainColor": "#737373", "tickColor": "#737373",
                "labelColor": "#333333", "titleColor": "#333333",
            },
            "legend": {
                "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
                "orient": "bottom", "direction": "horizontal", "columns": 3, "symbolSize": 90,
                "labelColor": "#333333", "titleColor": "#333333",
            },
            "header": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#222222", "titleColor": "#222222"},
            "point": {"size": 80, "filled": True, "opacity": 0.9},
            "line": {"strokeWidth": 2},
            "range": {"category": [SIDE_COLOURS[k] for k in SIDES]},
        }
    }


#: Page background of the book's dark theme (pydata-sphinx-theme's ``--pst-color-background``).
DARK_BACKGROUND = "#14181e"

#: Each colour the charts draw that is too dark for the dark theme, with the colour that
#: replaces it there. Every replacement has a contrast of at least 3:1 with the dark page
#: (WCAG 1.4.11, graphical objects) and text colours at least 4.5:1; the party and chapter
#: colours not listed already pass on both backgrounds. Checked in tests/test_pages.py.
DARK_COLOURS = {
    "#4d4d4d": "#bbbbbb",  # independent analysts
    "#332288": "#8f7fe0",  # chapter: the incursion
    "#882255": "#e07bb5",  # chapter: consequences
    "#333333": "#ced6dd",  # text, axis labels, acknowledged events
    "#222222": "#dde3e8",  # map labels, international border
    "#111111": "#f0f0f0",  # map: power plant
    "#555555": "#b5b5b5",  # map: bridge
    "#1f4e79": "#8ec1f0",  # timeline band labels
    "#737373": "#9a9a9a",  # axis lines, reference rules
    "#e6e6e6": "#3a4048",  # grid
    "white": DARK_BACKGROUND,  # chart and legend backgrounds, outlines of points
}

#: Below this width (CSS pixels) a chart's panels stack in one column and its legends
#: list one entry a line.
NARROW = 560


def browser_themes() -> dict:
    """What ``kursk-charts.js`` needs to redraw a chart in the reader's colour scheme."""
    return {"dark": {"background": DARK_BACKGROUND, "colours": DARK_COLOURS}, "narrow": NARROW}


def _embed_json(spec: dict) -> str:
    """JSON safe to place inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so that text from the
    data (``</script>`` included) can never end the element or become markup.
    """
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _description(spec: dict) -> str:
    description = spec.get("description")
    if not description:
        title = spec.get("title")
        if isinstance(title, dict):
            title = title.get("text")
        description = title if isinstance(title, str) else "Chart"
    return str(description)


def stable_pdf(pdf: bytes) -> bytes:
    """vl-convert's PDF, made the same at every run. vl-convert keeps a page's resources and
    fonts in hash maps whose order changes from process to process, so the same chart comes
    out with its objects in another order. qpdf (through pikepdf) writes the document again
    in its own canonical order, with an /ID derived from the content."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        out = io.BytesIO()
        document.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def render(spec: dict, **_: object) -> dict:
    """Altair renderer: web HTML, vector PDF for LaTeX, and a text alternative."""
    payload = _embed_json(vlc.vegalite_to_vega(spec))
    chart_id = "kursk-chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    description = _description(spec)
    markup = (
        f'<div class="kursk-chart" id="{chart_id}" role="figure" '
        f'aria-label="{html.escape(description, quote=True)}">'
        f'<script type="application/json" class="kursk-chart-spec">{payload}</script>'
        f'<p class="kursk-chart-fallback">{html.escape(description)}</p>'
        "</div>"
    )
    return {
        "text/html": markup,
        "application/pdf": stable_pdf(vlc.vegalite_to_pdf(spec)),
        "text/plain": description,
    }


#: A chart as :func:`render` writes it into a page, for the publishing side: its opening tag
#: (``open``, without the ``>``), element ``id``, text alternative (``label``, escaped as in
#: the page) and compiled Vega spec (``spec``, the JSON of :func:`_embed_json`).
CHART_MARKUP = re.compile(
    r'(?P<open><div class="kursk-chart" id="(?P<id>kursk-chart-[0-9a-f]+)"[^>]*?\baria-label="(?P<label>[^"]*)"[^>]*)>'
    r'<script type="application/json" class="kursk-chart-spec">(?P<spec>.*?)</script>', re.S)


alt.renderers.register("kursk", render)
alt.renderers.enable("kursk")
