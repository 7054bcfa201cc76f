"""Every number traceable: the Sphinx side of the ledger and the timeline.

* ``{glue:text}`` (the book's own version of myst-nb's role): a figure glued
  from a claim (:meth:`kursk.prose.Figures.claim`) becomes a link to that
  claim's row in the ledger, with a hover text naming the claimant, the date and
  the source; a figure computed in a chapter (:meth:`kursk.prose.Figures.value`)
  gets a hover text saying how, and from which claims. In the PDF the link
  points to the ledger appendix.
* ``{claim-ledger}`` and ``{event-timeline}`` write the two appendices' tables
  from the data: one row per claim (anchor ``claim-C0024``) or per event
  (anchor ``event-E001``). Each ledger row lists where the book uses the claim
  ("used in"), collected from the chapters at build time.
* ``{event}`` links a chapter's words to an event of the timeline:
  ``{event}`the fall of Sudzha <E123>```.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data
from myst_nb.core.variables import RetrievalError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from .. import ledger as lg
from ..markup import DATA_CLASS, data_block, escape
from ..vocabulary import CHAPTER_PAGES, SIDES, STATUSES, claim_label

logger = logging.getLogger(__name__)

def dataset(env):
    """The book's dataset, as :mod:`kursk.publish.sphinxext` loaded and validated it at config-inited."""
    return env.app.kursk_dataset


# -- figures in the prose --------------------------------------------------------------


class figure_ref(nodes.Inline, nodes.TextElement):
    """A glued figure with its provenance (resolved at doctree-resolved)."""


class derived_figure(nodes.Inline, nodes.TextElement):
    """A figure computed in a chapter: shown with a hover text (HTML)."""


def visit_derived_html(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="kursk-derived", title=node["title"], tabindex="0"))


def depart_derived_html(self, node):
    self.body.append("</span>")


class LinkedPasteText(PasteTextRole):
    """myst-nb's ``{glue:text}``, plus the provenance that :mod:`kursk.prose` glued."""

    def run(self):
        pasted, messages = super().run()
        key = self.text.rsplit(":", 1)[0] if ":" in self.text else self.text
        if len(pasted) != 1 or "::" in key:
            return pasted, messages
        try:
            meta = retrieve_glue_data(self.document, key).metadata.get("kursk")
        except RetrievalError:
            meta = None
        if not meta:
            return pasted, messages
        node = figure_ref("", "", *pasted, title=meta["title"], claim=meta.get("claim", ""),
                          claims=list(meta.get("claims", [])))
        self.set_source_info(node)
        return [node], messages


class EventRole(SphinxRole):
    """``{event}`words <E123>```: the words, linked to the event's row in the timeline."""

    def run(self):
        text, _, target = self.text.rpartition("<")
        event_id = target.rstrip(">").strip()
        if not text.strip() or not target.endswith(">"):
            msg = self.inliner.reporter.error(
                f"the event role needs `words <E123>`, got {self.text!r}", line=self.lineno)
            return [], [msg]
        if event_id not in set(dataset(self.env).events.event_id):
            msg = self.inliner.reporter.error(f"no event {event_id!r} in data/events.csv", line=self.lineno)
            return [], [msg]
        node = figure_ref("", "", nodes.inline(text.strip(), text.strip()), event=event_id,
                          title="", claim="", claims=[])
        self.set_source_info(node)
        return [node], []


# -- where each claim is used ------------------------------------------------------


def _section(node) -> tuple[str, str]:
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    if node is None:
        return "", ""
    return node["ids"][0], node[0].astext()


def collect_uses(app, doctree) -> None:
    docname = app.env.docname
    uses = []
    for node in doctree.findall(figure_ref):
        section_id, section_title = _section(node)
        if node["claim"]:
            uses.append((node["claim"], "figure", section_id, section_title))
        for claim in node["claims"]:
            uses.append((claim, "derived", section_id, section_title))
    if not hasattr(app.env, "kursk_uses"):
        app.env.kursk_uses = {}
    app.env.kursk_uses[docname] = uses


def purge_uses(app, env, docname) -> None:
    getattr(env, "kursk_uses", {}).pop(docname, None)


def merge_uses(app, env, docnames, other) -> None:
    if not hasattr(env, "kursk_uses"):
        env.kursk_uses = {}
    for docname in docnames:
        if docname in getattr(other, "kursk_uses", {}):
            env.kursk_uses[docname] = other.kursk_uses[docname]


def snapshot_uses(app, env, added, changed, removed):
    """Remember which claims each page used before this build re-reads the changed pages."""
    env.kursk_uses_before = {doc: list(uses) for doc, uses in getattr(env, "kursk_uses", {}).items()}
    return []


def ledger_outdated(app, env):
    """The ledger's "used in" lists are filled in when it is written (:func:`resolve`), from
    what every page uses: write it again when that changed (an edit of prose alone does not)."""
    before = getattr(env, "kursk_uses_before", None)
    if lg.LEDGER_DOC in env.found_docs and before != getattr(env, "kursk_uses", {}):
        return [lg.LEDGER_DOC]
    return []


# -- the appendices' tables ------------------------------------------------------------


def _list_table(header: list[str], rows: list[list[str]], widths: list[int], cls: str) -> list[str]:
    """A MyST list-table with ``widths`` (relative) as shares of the line; the PDF sizes its
    columns to their text (:func:`kursk.sphinxext.latex_table`)."""
    lines = ["```{list-table}", ":header-rows: 1", f":widths: {' '.join(map(str, widths))}",
             f":class: {cls} {DATA_CLASS}", ""]
    for cells in [header, *rows]:
        lines.append("* - " + cells[0])
        lines.extend(f"  - {cell}" if cell else "  -" for cell in cells[1:])
    lines.append("```")
    return lines


def _cite(keys) -> str:
    return "{cite:p}`" + ",".join(keys) + "`"


class _Generated(SphinxDirective):
    """A directive that writes MyST from the data and parses it, headings included."""

    def parse(self, lines: list[str], anchors: list[list[str]], cls: str,
              sections: list[str] | None = None) -> list[nodes.Node]:
        """Parse ``lines`` in place: MyST attaches the sections it makes to the document's
        own section at the directive's level, so nothing is returned. Then give the rows of
        the new tables of class ``cls``, in order, the ids in ``anchors`` (one list per table),
        and the section holding each table the id in ``sections`` (when given)."""
        holder = nodes.section()
        holder.document = self.state.document
        self.state.nested_parse(StringList(lines), 0, holder, match_titles=True)
        tables = [t for t in self.state.document.findall(nodes.table)
                  if cls in t["classes"] and not t.get("kursk_done")]
        if len(tables) != len(anchors):
            raise self.error(f"expected {len(anchors)} tables, parsed {len(tables)}")
        for i, (table, ids) in enumerate(zip(tables, anchors)):
            table["kursk_done"] = True
            if sections:
                section = table.parent
                while not isinstance(section, nodes.section):
                    section = section.parent
                section["ids"].insert(0, sections[i])
                self.state.document.ids[sections[i]] = section
            body = next(table.findall(nodes.tbody))
            rows = [r for r in body.children if isinstance(r, nodes.row)]
            if len(rows) != len(ids):
                raise self.error(f"expected {len(ids)} rows, parsed {len(rows)}")
            for row, anchor in zip(rows, ids):
                row["ids"].append(anchor)
                self.state.document.ids[anchor] = row
        return list(holder.children)


class ClaimLedger(_Generated):
    """``{claim-ledger} contested`` (or ``other``): a section per metric with, for contested
    metrics, a chart per subject (the glued ``ledger-chart-<metric>--<subject>``) and the widest
    disagreement about each subject, then one row per claim."""

    required_arguments = 1

    def run(self):
        kind = self.arguments[0]
        if kind not in ("contested", "other"):
            raise self.error("claim-ledger takes `contested` or `other`")
        data = dataset(self.env)
        claims = data.claims_full()
        widest = lg.widest(lg.compared_pairs(claims), "disagreement")
        lines, anchors, sections = [], [], []
        for _, metric in lg.ledger_metrics(data, kind == "contested").iterrows():
            rows = lg.ledger_rows(claims[claims.metric == metric.metric])
            sides = sorted({SIDES[s] for s in rows.side})
            lines += [f"### {escape(metric.label)}", "",
                      *data_block(
                          f"{escape(metric.description)} "
                          f"{len(rows)} {'claim' if len(rows) == 1 else 'claims'} by "
                          f"{rows.claimant_id.nunique()} {'claimant' if rows.claimant_id.nunique() == 1 else 'claimants'} "
                          f"({escape(', '.join(sides))}).").split("\n"), ""]
            if kind == "contested":
                for subject in lg.charted_subjects(rows):
                    about = rows[rows.subject == subject]
                    label = about["subject_label"].iloc[0]
                    lines += [f":::{{glue:figure}} {lg.chart_key(metric.metric, subject)}",
                              f":alt: {escape(lg.chart_description(about))}",
                              f":name: fig-{lg.chart_key(metric.metric, subject)}", "",
                              f"{escape(metric.label)}, {escape(label)}: every claim, by claimant and side, "
                              "over time (a bar is a range). Hover over a mark for its source.", ":::", ""]
                gaps = widest[widest.metric == metric.metric]
                if len(gaps):
                    lines += [f"The widest disagreement about each subject: two claimants' figures for "
                              f"dates at most {lg.COMPARE_DAYS} days apart (a range counts with its midpoint).", ""]
                    lines += _list_table(
                        ["About", "Lower figure", "Higher figure", "Days apart", "Higher ÷ lower"],
                        [[escape(s["subject_label"]), escape(lg.pair_figure(s, "lo")),
                          escape(lg.pair_figure(s, "hi")), str(s["days_apart"]), escape(lg.ratio_words(s["ratio"]))]
                         for s in gaps.to_dict("records")],
                        [22, 28, 28, 10, 12], "kursk-spread")
                    lines.append("")
            lines += _list_table(
                ["Claim", "Claimant (side)", "Figure (about)", "Refers to (reported)", "Source", "Note",
                 "Used in"],
                [[escape(r["claim_id"]), f"{escape(r['claimant'])} ({escape(SIDES[r['side']])})",
                  f"{escape(claim_label(r))} ({escape(r['subject_label'])})",
                  escape(lg.claim_dates(r)), _cite([r["source_id"]]), escape(r["note"]), ""]
                 for _, r in rows.iterrows()],
                [8, 14, 15, 12, 14, 19, 18], "kursk-ledger")
            anchors.append([lg.claim_anchor(c) for c in rows.claim_id])
            sections.append(lg.metric_anchor(metric.metric))
            lines.append("")
        return self.parse(lines, anchors, "kursk-ledger", sections)


class EventTimeline(_Generated):
    """``{event-timeline}``: every event, grouped by month, one row (anchor ``event-E001``) each."""

    def run(self):
        data = dataset(self.env)
        links = data.event_sources.groupby("event_id")["source_id"].agg(list)
        lines, anchors = [], []
        for month, events in lg.events_by_month(data.events):
            lines += [f"### {escape(month)}", ""]
            lines += _list_table(
                ["Date", "What happened", "Chapter", "Parties", "Status", "Sources"],
                [[escape(lg.event_date(e)), escape(e["description"]), escape(lg.chapter_words(e["chapter"])),
                  escape(lg.actor_words(e["actors"])), escape(STATUSES[e["status"]]),
                  _cite(links.get(e["event_id"], [])) if e["event_id"] in links else ""]
                 for _, e in events.iterrows()],
                [11, 40, 10, 10, 10, 19], "kursk-timeline")
            anchors.append([lg.event_anchor(e) for e in events.event_id])
            lines.append("")
        return self.parse(lines, anchors, "kursk-timeline")


# -- resolution ----------------------------------------------------------------------


def _uri(app, fromdoc: str, todoc: str, anchor: str) -> str:
    return app.builder.get_relative_uri(fromdoc, todoc) + "#" + anchor


def _used_in(app, docname: str, claim_id: str, uses: dict) -> nodes.paragraph:
    """Where the book uses a claim: "The incursion: § How much ground; § Key points. ..."
    (each section a link; "(computed)" where only a computed figure uses it)."""
    order = {f"chapters/{slug}": i for i, slug in enumerate(CHAPTER_PAGES)}
    para = nodes.paragraph()
    first_doc = True
    for doc in sorted(uses, key=lambda d: (order.get(d, len(order)), d)):
        sections: dict[str, tuple[str, set]] = {}
        for claim, kind, section_id, section_title in uses[doc]:
            if claim == claim_id:
                sections.setdefault(section_id, (section_title, set()))[1].add(kind)
        if not sections:
            continue
        if not first_doc:
            para += nodes.Text(" ")
        first_doc = False
        title = app.env.titles[doc].astext()
        para += nodes.strong(title, title)
        para += nodes.Text(": ")
        for i, (section_id, (section_title, kinds)) in enumerate(sections.items()):
            text = "§ " + (section_title if section_title != title else "opening")
            if kinds == {"derived"}:
                text += " (computed)"
            if i:
                para += nodes.Text("; ")
            para += nodes.reference("", text, internal=True, refuri=_uri(app, docname, doc, section_id))
        para += nodes.Text(".")
    if first_doc:
        para += nodes.Text("Not cited in the text.")
    return para


def resolve(app, doctree, docname) -> None:
    data = dataset(app.env)
    claims = set(data.claims.claim_id)
    latex = app.builder.format == "latex"
    for node in list(doctree.findall(figure_ref)):
        if node.get("event"):
            ref = nodes.reference("", "", *node.children, internal=True,
                                  refuri=_uri(app, docname, lg.TIMELINE_DOC, lg.event_anchor(node["event"])),
                                  classes=["kursk-event"])
            node.replace_self(ref)
        elif node["claim"]:
            if node["claim"] not in claims:
                logger.warning(f"glued figure cites claim {node['claim']}, which is not in the data",
                               location=node)
            ref = nodes.reference("", "", *node.children, internal=True, reftitle=node["title"],
                                  refuri=_uri(app, docname, lg.LEDGER_DOC, lg.claim_anchor(node["claim"])),
                                  classes=["kursk-figure"])
            node.replace_self(ref)
        elif latex:
            node.replace_self(node.children)
        else:
            node.replace_self(derived_figure("", "", *node.children, title=node["title"]))
    # the ledger's rows say where each claim is used (on its page, or in the assembled PDF)
    uses = getattr(app.env, "kursk_uses", {})
    for table in doctree.findall(nodes.table):
        if "kursk-ledger" in table["classes"]:
            for row in next(table.findall(nodes.tbody)).children:
                claim_id = row["ids"][0].removeprefix("claim-")
                row.children[-1] += _used_in(app, docname, claim_id, uses)
    if latex:
        # LaTeX labels come from targets, not from table rows: give each row's anchor a target.
        for row in list(doctree.findall(nodes.row)):
            if row["ids"] and row.children and row.children[0].children:
                first = row.children[0].children[0]
                first.insert(0, nodes.target("", "", ids=list(row["ids"])))
                row["ids"] = []


def setup(app):
    app.add_node(figure_ref)
    app.add_node(derived_figure, html=(visit_derived_html, depart_derived_html))
    app.add_role_to_domain("glue", "text", LinkedPasteText(), override=True)
    app.add_role("event", EventRole())
    app.add_directive("claim-ledger", ClaimLedger)
    app.add_directive("event-timeline", EventTimeline)
    app.connect("doctree-read", collect_uses)
    app.connect("env-purge-doc", purge_uses)
    app.connect("env-merge-info", merge_uses)
    app.connect("env-get-outdated", snapshot_uses)
    app.connect("env-updated", ledger_outdated)
    app.connect("doctree-resolved", resolve)
