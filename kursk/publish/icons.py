"""The theme's icons as a small stylesheet, instead of the Font Awesome script (1.5 MB).

pydata-sphinx-theme marks its icons as ``<i class="fa-solid fa-list">`` or ``<span class="fa-solid fa-bars">`` and draws them
with Font Awesome's script (or, without it, a 150 KB web font). The book's pages use
about fifteen icons. This module takes each one's outline from the copy of Font Awesome
that the pinned theme ships, and writes a rule that paints it as a CSS mask in the
text colour: the icons look the same, follow the light and dark themes, and cost a
few kilobytes. Font Awesome Free icons are licensed CC BY 4.0
(https://fontawesome.com/license/free); the stylesheet says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

#: Classes that only modify an icon (style, size), not name one.
MODIFIERS = {"fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-xs", "fa-sm", "fa-fw", "fa-2x", "fa-spin"}


#: The icon pydata-sphinx-theme gives each kind of admonition (its ``--pst-icon-admonition-*``),
#: by Font Awesome 6 name; ``None`` is the default.
ADMONITION_ICONS = {
    None: "bell",
    "attention": "circle-exclamation",
    "important": "circle-exclamation",
    "caution": "triangle-exclamation",
    "danger": "triangle-exclamation",
    "warning": "triangle-exclamation",
    "error": "circle-xmark",
    "hint": "lightbulb",
    "tip": "lightbulb",
    "note": "circle-info",
    "seealso": "share",
    "todo": "pencil",
}


#: A selector of a Font Awesome glyph, e.g. ``.fa-bars:before``.
GLYPH_SELECTOR = re.compile(r"\.fa-[a-z0-9-]+:before")


def _is_glyph_rule(rule) -> bool:
    """``.fa-bars:before{content:"\\f0c9"}``, or the same for several names at once."""
    import tinycss2

    if rule.type != "qualified-rule":
        return False
    selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
    declarations = [d for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                               skip_whitespace=True)]
    return (all(GLYPH_SELECTOR.fullmatch(s) for s in selectors)
            and [getattr(d, "lower_name", None) for d in declarations] == ["content"])


def prune_theme_css(path: Path) -> int:
    """Drop the glyph rules of the Font Awesome web font from the theme's stylesheet in the
    output (about 1,900 rules, 16 KB compressed, on every page): :func:`stylesheet` draws the
    icons the pages use, and nothing uses the font. The stylesheet is parsed (tinycss2) and
    only whole top-level rules are dropped. Returns the number of rules dropped."""
    text = path.read_text(encoding="utf-8")
    pruned, dropped = pruned_css(text)
    if dropped:
        path.write_text(pruned, encoding="utf-8")
    return dropped


def pruned_css(text: str) -> tuple[str, int]:
    """The stylesheet ``text`` without the icon font's glyph rules, and how many were dropped."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(text)
    kept = [rule for rule in rules if not _is_glyph_rule(rule)]
    return (tinycss2.serialize(kept) if len(kept) < len(rules) else text), len(rules) - len(kept)


def theme_fontawesome() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / \
        "scripts" / "fontawesome.js"


def solid_icons(script: str) -> dict[str, tuple[int, int, str]]:
    """Name -> (width, height, SVG path) of the solid icons in Font Awesome's all.js.

    The script defines its packs in the order brands, regular, solid, each as
    ``var p={name:[width,height,[aliases],"unicode","path"],...}``."""
    solid = script.rsplit("var p={", 1)[1]
    icons = {}
    for match in re.finditer(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"',
                             solid):
        name = match.group(1) or match.group(2)
        icons.setdefault(name, (int(match.group(3)), int(match.group(4)), match.group(5)))
    return icons


def icons_in(pages: list[Path]) -> set[str]:
    """Icon names the pages use (``fa-bars`` -> ``bars``)."""
    names = set()
    for page in pages:
        for classes in re.findall(r'<(?:i|span) class="([^"]*)"', page.read_text(encoding="utf-8")):
            words = classes.split()
            if "fa-solid" in words or "fas" in words:
                names |= {c[3:] for c in words if c.startswith("fa-") and c not in MODIFIERS}
    return names


def stylesheet(names: set[str], script: str | None = None) -> str:
    """CSS drawing each named icon; raises ``KeyError`` naming an icon Font Awesome lacks."""
    icons = solid_icons(script if script is not None else theme_fontawesome().read_text(encoding="utf-8"))
    missing = sorted((names | set(ADMONITION_ICONS.values())) - set(icons))
    if missing:
        raise KeyError(f"icons used by the theme but not in its Font Awesome: {', '.join(missing)}")
    lines = [
        "/* The theme's icons, from Font Awesome Free (CC BY 4.0, https://fontawesome.com/license/free),",
        "   as shipped by pydata-sphinx-theme; written by kursk/icons.py. */",
        '.fa-solid, .fas { display: inline-block; height: 1em; width: 1em; vertical-align: -0.125em;',
        "  font-family: inherit !important; font-style: normal; }",
        '.fa-solid::before, .fas::before { content: "" !important; display: block; width: 100%; height: 100%;',
        "  background-color: currentColor; -webkit-mask: var(--kursk-icon) no-repeat center / contain;",
        "  mask: var(--kursk-icon) no-repeat center / contain; }",
    ]

    def url(name: str) -> str:
        width, height, path = icons[name]
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><path d="{path}"/></svg>'
        return f'url("data:image/svg+xml,{quote(svg, safe=" =:/,.-")}")'

    for name in sorted(names):
        width, height, _ = icons[name]
        lines.append(f'.fa-solid.fa-{name}, .fas.fa-{name} {{ width: {width / height:.4g}em; --kursk-icon: {url(name)}; }}')
    # The admonitions' icons, which the theme draws with the web font.
    after = ".admonition > .admonition-title::after, div.admonition > .admonition-title::after"
    lines.append(f'{after} {{ font: inherit !important; content: "" !important; background-color: currentColor;\n'
                 f'  -webkit-mask: var(--kursk-icon) no-repeat center / contain; mask: var(--kursk-icon) no-repeat center / contain;\n'
                 f'  --kursk-icon: {url(ADMONITION_ICONS[None])}; }}')
    for kind, name in ADMONITION_ICONS.items():
        if kind is not None:
            lines.append(f".admonition.{kind} > .admonition-title::after, div.admonition.{kind} > .admonition-title::after "
                         f"{{ --kursk-icon: {url(name)}; }}")
    return "\n".join(lines) + "\n"
