"""Found and shared: what a link to a page of the web book shows, and what crawlers read.

* One base URL, ``html.baseurl`` in ``_config.yml`` (Sphinx's ``html_baseurl``), is the
  only place the book's address is written. From it come each page's canonical link
  (written by Sphinx), the absolute ``og:url`` and ``og:image`` (sphinxext-opengraph's
  ``ogp_site_url`` is set from it), the URLs of ``sitemap.xml`` (sphinx-sitemap) and the
  ``Sitemap:`` line of ``robots.txt``. Without it (the default) nothing absolute is
  published: no canonical link, no ``og:url``, no ``sitemap.xml``; ``og:image`` is
  relative to the page; ``robots.txt`` allows everything; the build says so in one line.
* Each page's link preview (sphinxext-opengraph, through the page's metadata fields):
  its title; a description, the chapter's "In brief" box or else the page's first
  paragraph, as plain text cut at a word near 200 characters; and an image, the page's
  first chart drawn to a PNG about 1200 pixels wide from the chart's compiled Vega spec
  (kept in ``_static/kursk/previews/`` and drawn again only when the spec changes). A page
  without a chart shows the book's cover chart: the first chart of the first chapter.
* The sitemap lists every page of the book, those an incremental build did not write too.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import struct
from importlib.metadata import version
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from ..charts.theme import CHART_MARKUP
from ..vocabulary import CHAPTER_PAGES
from .stamps import digest_of, drop_unlinked, mark_built, up_to_date

logger = logging.getLogger(__name__)

PREVIEWS = "_static/kursk/previews"
#: The width of a preview image, in pixels (the size link previews ask for).
PREVIEW_WIDTH = 1200
#: The longest description, in characters (before the ellipsis).
DESCRIPTION_LENGTH = 200
NO_BASE_URL = ("kursk.found: no base URL is set (html.baseurl in _config.yml), so the pages carry no "
               "canonical link and no og:url, no sitemap.xml is written and robots.txt names no sitemap")


def base_url(config) -> str:
    """The book's address with one closing slash, or ``""``."""
    base = (config.html_baseurl or "").strip()
    return base.rstrip("/") + "/" if base else ""


def plain(markup: str) -> str:
    """Text of an HTML fragment, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def shortened(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length + 1].rsplit(" ", 1)[0][:length].rstrip(",;:–—- ")
    return cut if cut.endswith((".", "!", "?")) else cut + "…"


def description(doctree) -> str:
    """The text of the page's "In brief" box, or else of its first paragraph outside boxes
    and cell outputs."""
    for box in doctree.findall(nodes.admonition):
        title = box.next_node(nodes.title)
        if title is not None and title.astext().strip() == "In brief":
            return " ".join(child.astext() for child in box.children if child is not title)
    for paragraph in doctree.findall(nodes.paragraph):
        if not any(isinstance(up, (nodes.Admonition, nodes.table, nodes.Invisible))
                   or "cell_output" in up.get("classes", []) for up in _ancestors(paragraph)):
            return paragraph.astext()
    return ""


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def first_chart(doctree) -> tuple[str, dict] | None:
    """The text alternative and the compiled Vega spec of the first chart of a doctree."""
    for raw in doctree.findall(nodes.raw):
        match = CHART_MARKUP.search(raw.astext())
        if match:
            return html.unescape(match["label"]), json.loads(match["spec"])
    return None


def preview(app, docname: str, spec: dict) -> tuple[str, int, int]:
    """The chart ``spec`` drawn as the preview image of ``docname``: its path in the output and
    its size. vl-convert draws the same bytes each time; an unchanged spec is not drawn again."""
    import vl_convert as vlc

    name = f"{PREVIEWS}/{docname.replace('/', '-')}.png"
    path = Path(app.outdir) / name
    text = json.dumps(spec, sort_keys=True)
    key = digest_of(text, version("vl-convert-python"), str(PREVIEW_WIDTH))
    root = Path(app.srcdir)
    if not up_to_date(root, f"previews/{docname}", path, key):
        svg = vlc.vega_to_svg(spec)
        width = float(re.search(r'<svg[^>]*?\bwidth="([\d.]+)"', svg).group(1))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(vlc.svg_to_png(svg, scale=PREVIEW_WIDTH / width))
        mark_built(root, f"previews/{docname}", key)
    width, height = struct.unpack(">II", path.read_bytes()[16:24])  # the PNG's header
    return name, width, height


def _cover(app) -> tuple[str, str, dict] | None:
    """The book's cover chart: the first chart of the first chapter that has one."""
    if not hasattr(app, "kursk_cover"):
        app.kursk_cover = None
        for slug in CHAPTER_PAGES:
            docname = f"chapters/{slug}"
            chart = first_chart(app.env.get_doctree(docname)) if docname in app.env.found_docs else None
            if chart:
                app.kursk_cover = (docname, *chart)
                break
    return app.kursk_cover


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    """The page's title, description and image, as fields of its metadata that
    sphinxext-opengraph writes (it runs after this handler); ``<meta name="description">``."""
    if doctree is None or app.builder.format != "html":
        return
    fields = context["meta"] = dict(context.get("meta") or {})
    base = base_url(app.config)
    fields["og:title"] = html.escape(plain(context.get("title") or ""))
    fields["og:type"] = "website" if pagename == app.config.root_doc else "article"
    text = html.escape(shortened(description(doctree)))
    if text:
        fields["og:description"] = text
        context["metatags"] = context.get("metatags", "") + f'<meta name="description" content="{text}" />\n'
    chart = first_chart(doctree)
    owner = pagename
    if chart is None and (cover := _cover(app)):
        owner, *chart = cover
    if chart:
        alt, spec = chart
        name, width, height = preview(app, owner, spec)
        fields["og:image"] = base + name if base else context["pathto"](name, 1)
        fields["og:image:alt"] = html.escape(shortened(alt, 420))
        fields["og:image:width"], fields["og:image:height"] = str(width), str(height)


def on_page_context_after(app, pagename, templatename, context, doctree) -> None:
    """Without a base URL, no ``og:url``: sphinxext-opengraph would write the page's path
    relative to the site's root, which a reader of the page would take as relative to it."""
    if not base_url(app.config) and "metatags" in context:
        context["metatags"] = re.sub(r'<meta property="og:url" content="[^"]*" />\n?', "", context["metatags"])


def on_config_inited(app, config) -> None:
    base = base_url(config)
    config.html_baseurl = base
    if base and not config.ogp_site_url:
        config.ogp_site_url = base
    if config.ogp_site_name is None:  # (Jupyter Book sets the title, not the project)
        config.ogp_site_name = config.html_title or config.project


def on_builder_inited(app) -> None:
    """sphinx-sitemap writes the sitemap of web builds with a base URL only (without one
    it would warn)."""
    if app.builder.format != "html" or not base_url(app.config):
        for listener in list(app.events.listeners["build-finished"]):
            if getattr(listener.handler, "__module__", "") == "sphinx_sitemap":
                app.disconnect(listener.id)
    if app.builder.format == "html" and not base_url(app.config):
        logger.info(NO_BASE_URL)


def every_page_in_the_sitemap(app, exception) -> None:
    """sphinx-sitemap lists the pages written by this build; an incremental build writes
    only those that changed. The list is replaced by every page of the book, in order."""
    queue = getattr(app, "sitemap_links", None)
    if exception is not None or queue is None or app.builder.format != "html" or not base_url(app.config):
        return
    from sphinx_sitemap import is_excluded

    while not queue.empty():
        queue.get_nowait()
    for docname in sorted(app.env.found_docs):
        link = app.builder.get_target_uri(docname)
        if not is_excluded(link, app.config.sitemap_excludes):
            queue.put((link, None))


def on_build_finished(app, exception) -> None:
    """``robots.txt`` (everything allowed; the sitemap named if there is one); no stale
    ``sitemap.xml``; no preview image that no page shows."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    base = base_url(app.config)
    (out / "robots.txt").write_text("User-agent: *\nAllow: /\n" + (f"\nSitemap: {base}sitemap.xml\n" if base else ""),
                                    encoding="utf-8")
    if not base and (out / "sitemap.xml").exists():
        (out / "sitemap.xml").unlink()
    drop_unlinked(out, PREVIEWS, r'property="og:image" content="[^"]*/previews/([\w.-]+\.png)"')


def setup(app) -> None:
    # The two extensions (listed in _config.yml too) are loaded here, before the handlers
    # below need them. sphinxext-opengraph prints a line when matplotlib (for its social
    # cards, which the book does not use) is missing: it is loaded quietly.
    with contextlib.redirect_stdout(io.StringIO()):
        app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context, priority=400)  # before sphinxext and opengraph
    app.connect("html-page-context", on_page_context_after, priority=600)
    app.connect("build-finished", every_page_in_the_sitemap, priority=400)  # before sphinx-sitemap
    app.connect("build-finished", on_build_finished, priority=600)  # after sphinxext drops stale pages
