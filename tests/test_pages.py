"""Every page of the built book as a reader sees it: on a phone (390 px) and a desktop
(1280 px), in the light and the dark theme, in Debian's Chromium with every other host
blocked. Checked with axe-core and the Nu HTML Checker, at the versions pinned in
tests/browser-tools/package-lock.json (``make test`` installs them).

Screenshots of every page (its first screen) and of every chart, at both widths and in
both themes, are written to ``_build/screenshots/`` of the repository: look at them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kursk.charts import theme

from browser import browser, draw_all_charts, open_page, serve
from conftest import ROOT

pytestmark = pytest.mark.browser

TOOLS = ROOT / "tests" / "browser-tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = ROOT / "_build" / "screenshots"
WIDTHS = [390, 1280]

#: Where anything drawn beyond the right edge of the window is: elements that stick out
#: and are not inside a box that scrolls (or clips) within the window.
OVERFLOW = """() => {
  const edge = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > edge) out.push("the page scrolls sideways");
  document.querySelectorAll("main *").forEach(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= edge + 1) return;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return;  // a closed drawer
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === "auto" || o === "scroll" || o === "hidden") && p.getBoundingClientRect().right <= edge + 1) return;
    }
    out.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 40)} ends at ${Math.round(box.right)} px`);
  });
  document.querySelectorAll("div.kursk-chart").forEach(d => {
    if (d.scrollWidth > d.clientWidth + 1) out.push(`chart ${d.id} is ${d.scrollWidth} px in a ${d.clientWidth} px column`);
  });
  return out.slice(0, 12);
}"""


def _pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def _context(b, width: int, scheme: str):
    context = b.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    # the book's theme switch stores the reader's choice here; set it as the reader would
    context.add_init_script(f"localStorage.setItem('mode', '{scheme}'); localStorage.setItem('theme', '{scheme}');")
    return context


#: The background of a drawn chart in each theme.
CHART_BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(20, 24, 30)"}

#: Click the theme's own switch (as a reader would) until the page is in the dark theme.
SWITCH_TO_DARK = """() => {
  const button = document.querySelector(".theme-switch-button");
  for (let i = 0; i < 3 && document.documentElement.dataset.theme !== "dark"; i++) button.click();
  return [document.documentElement.dataset.theme, localStorage.getItem("mode")];
}"""


def _check_view(page, rel: str, scheme: str, shots: Path, charts: int, foreign: list, errors: list,
                hover: bool) -> list[str]:
    """Screenshots, overflow, axe (every impact), requests and errors of the page as it is now."""
    problems = []
    name = rel.replace("/", "_").removesuffix(".html")
    page.evaluate("window.scrollTo(0, 0)")  # the page's first screen
    page.screenshot(path=str(shots / f"{name}.png"))
    for i in range(charts):
        page.locator("div.kursk-chart").nth(i).screenshot(path=str(shots / f"{name}-chart-{i + 1}.png"))
    if charts:
        backgrounds = page.evaluate("() => [...document.querySelectorAll('div.kursk-chart svg')]"
                                    ".map(svg => getComputedStyle(svg).backgroundColor)")
        if set(backgrounds) != {CHART_BACKGROUND[scheme]}:
            problems.append(f"{rel}: chart backgrounds {sorted(set(backgrounds))} in the {scheme} theme")
    if charts and hover:
        mark = page.locator("div.kursk-chart svg g.mark-symbol.role-mark path").first
        mark.scroll_into_view_if_needed()
        mark.hover(force=True)
        tip = page.locator("#kursk-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        if "Source" not in tip.inner_text():
            problems.append(f"{rel}: the tooltip names no source: {tip.inner_text()}")
        page.mouse.move(0, 0)
    # every chart's data view open: its table must fit (scrolling in its own box) and pass axe too
    views = page.evaluate("() => [...document.querySelectorAll('div.kursk-dataview > details')]"
                          ".map(d => { d.open = true; return d.open; }).length")
    if views != charts:
        problems.append(f"{rel}: {charts} charts but {views} data views")
    if views:
        first = page.locator("div.kursk-dataview").first
        first.scroll_into_view_if_needed()
        first.screenshot(path=str(shots / f"{name}-data-1.png"))
    overflow = page.evaluate(OVERFLOW)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {resultTypes: ["violations"]})""")
    # every violation, of any impact (minor and moderate too)
    violations = [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
                  for v in result["violations"]]
    for kind, found in (("requests to other hosts", foreign), ("console errors", errors),
                        ("overflow", overflow), ("axe", violations)):
        if found:
            problems.append(f"{rel} ({scheme}): {kind}: {found}")
    return problems


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_every_page_fits_draws_and_passes_axe_in_both_themes(book, width):
    """Each page is loaded once per width: in the light theme the reader chose, then switched
    to the dark one with the theme's own button (the charts redraw). In each theme: the page
    and every chart are screenshot, nothing sticks out, axe finds nothing, nothing is
    requested from another host, no script fails; at desktop width a chart's tooltip names
    its source."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed: run `make test` (npm ci in {AXE.parents[2]})")
    html = book / "_build" / "html"
    shots = {scheme: SCREENSHOTS / f"{width}px-{scheme}" for scheme in ("light", "dark")}
    for folder in shots.values():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    problems = []
    chart_pages = 0
    with serve(html) as base, browser() as b:
        context = _context(b, width, "light")
        for rel in _pages(html):
            page, foreign, errors = open_page(context, f"{base}/{rel}", base)
            charts = draw_all_charts(page)
            chart_pages += bool(charts)
            theme_now = page.evaluate("document.documentElement.dataset.theme")
            if theme_now != "light":
                problems.append(f"{rel}: the page is in the {theme_now} theme, not light")
            problems += _check_view(page, rel, "light", shots["light"], charts, foreign, errors, width >= 1280)
            theme_now, stored = page.evaluate(SWITCH_TO_DARK)
            if theme_now != "dark" or stored != "dark":
                problems.append(f"{rel}: the theme switch gave the {theme_now} theme (stored: {stored})")
            elif charts:
                page.wait_for_function(
                    "bg => [...document.querySelectorAll('div.kursk-chart svg')]"
                    ".every(svg => getComputedStyle(svg).backgroundColor === bg)",
                    arg=CHART_BACKGROUND["dark"], timeout=20_000)
            # the theme's colours change with CSS transitions: check the colours they end at
            page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')",
                                   timeout=10_000)
            problems += _check_view(page, rel, "dark", shots["dark"], charts, foreign, errors, width >= 1280)
            page.close()
        context.close()
    assert chart_pages >= 7
    assert problems == [], "\n".join(problems)


def test_no_page_loads_the_icon_font_or_script(book):
    from kursk.publish import icons

    html = book / "_build" / "html"
    theme_css = html / "_static" / "styles" / "pydata-sphinx-theme.css"
    assert icons.prune_theme_css(theme_css) == 0  # already pruned by the build
    with serve(html) as base, browser() as b:
        context = _context(b, 1280, "light")
        for rel in ("intro.html", "chapters/data-and-methods.html", "search.html"):
            urls = []
            page = context.new_page()
            page.on("request", lambda r: urls.append(r.url))
            page.goto(f"{base}/{rel}", wait_until="load")
            page.wait_for_load_state("networkidle")
            heavy = [u for u in urls if "fontawesome" in u or "webfonts" in u or "searchindex" in u and rel != "search.html"]
            assert heavy == [], f"{rel} loaded {heavy}"
            # every icon of the theme is drawn (a mask image, in the text colour)
            icons = page.evaluate("""() => [...document.querySelectorAll('.fa-solid, .fas')].map(i =>
                [i.className, getComputedStyle(i, '::before').maskImage || getComputedStyle(i, '::before').webkitMaskImage])""")
            assert icons and all(mask.startswith("url(") for _, mask in icons), icons
            page.close()


def test_dark_colours_are_legible():
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    dark = theme.DARK_BACKGROUND
    swapped = {k: v for k, v in theme.DARK_COLOURS.items() if k.startswith("#")}
    drawn = {c.lower() for c in theme.SIDE_COLOURS.values()} | {c.lower() for c in theme.CHAPTER_COLOURS.values()}
    for colour in {c.lower() for c in drawn}:
        shown = swapped.get(colour, colour)
        assert contrast(shown, dark) >= 3, f"{colour} (drawn as {shown}) is too dark for the dark theme"
    # text colours: 4.5:1
    for light in ("#333333", "#222222"):
        assert contrast(swapped[light], dark) >= 4.5


def test_the_markup_is_valid_html(book):
    if not VNU.is_file():
        pytest.fail(f"the Nu HTML Checker is not installed: run `make test` (npm ci in {VNU.parents[3]})")
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker (apt-get install default-jre-headless)"
    html = book / "_build" / "html"
    files = [str(html / p) for p in _pages(html)]
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages
              if m.get("type") == "error"]
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:40])
