"""The data dictionary, rendered from ``datapackage.json`` (never restated by hand)."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from ..markup import data_block, escape, markdown_table


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if "kursk:values" in field:
        parts.append("one of: " + ", ".join(field["kursk:values"]) + " (defined below the table)")
    elif "enum" in c:
        parts.append("one of: " + ", ".join(c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern {c['pattern']}")
    if "minimum" in c:
        parts.append(f"at least {c['minimum']}")
    if "maximum" in c:
        parts.append(f"at most {c['maximum']}")
    if c.get("unique"):
        parts.append("unique")
    return "; ".join(parts)


def fields_frame(resource: dict) -> pd.DataFrame:
    """One row per field of a resource: name, type, description (with unit), rules."""
    rows = []
    for field in resource["schema"]["fields"]:
        required = "required" if field.get("constraints", {}).get("required") else "optional"
        description = field.get("description", "")
        if field.get("unit"):
            description += f" Unit: {field['unit']}."
        rows.append({
            "field": field["name"],
            "type": f"{field.get('type', 'string')}, {required}",
            "description": description,
            "rules": _constraints(field),
        })
    return pd.DataFrame(rows)


def _area_limits(limits: dict, tables: dict[str, pd.DataFrame]) -> str:
    """The area rule of a table, in words."""
    spec = limits["subjects"]
    subjects = tables[spec["resource"]]
    regions = subjects.dropna(subset=[spec["region"]]).groupby(spec["region"])[spec["key"]].agg(sorted)
    by_region = "; ".join(f"{region}: {', '.join(keys)}" for region, keys in regions.items())
    unbounded = ", ".join(spec.get("unbounded", [])) or "none"
    return (f" No area ({', '.join(limits['units'])}) may exceed the whole area of the region its "
            f"subject lies in ({spec['resource']}.{spec['region']}, then {limits['regions']['resource']}."
            f"{limits['regions']['area']}), and every subject measured as an area must have a region, "
            f"unless it is listed as unbounded (spanning regions the table does not hold: {unbounded}). "
            f"Subjects by region: {by_region}.")


def _side_groups(groups: dict) -> str:
    """How the analysis groups the claimants' sides, in words."""
    return (" For comparisons, sides are grouped (kursk:sideGroups): " + "; ".join(
        f"{words['label']} ({group}): {', '.join(words['sides'])}" for group, words in groups.items()) + ".")


def _date_side(ref: dict) -> str:
    if "via" not in ref:
        return ref["column"]
    return f"{ref['resource']}.{ref['column']} (through {ref['via']})"


def _table_rules(resource: dict) -> str:
    """The cross-row rules of :mod:`kursk.dataset.rules` declared for a table, in words."""
    words = ""
    for rule in resource.get("kursk:dateOrder", []):
        group = f" (at least one row of each {rule['anyOf']})" if rule.get("anyOf") else ""
        words += (f" Across tables (kursk:dateOrder), each row must have {rule['expected']} "
                  f"({_date_side(rule['earlier'])} on or before {_date_side(rule['later'])}{group}).")
    regions = resource.get("kursk:mapRegions")
    if regions:
        anchors = "; ".join(f"{name}: {a['lat']}° N, {a['lon']}° E" + (f", {a['place']}" if a.get("place") else "")
                            for name, a in regions["anchors"].items())
        words += (f" Places on the map (kursk:mapRegions, layer {regions['layer']}): the point ({regions['lat']}, "
                  f"{regions['lon']}) must lie inside the region named by {regions['region']}, or within "
                  f"{regions['toleranceKm']:g} km of it. {regions['expected']} Anchors: {anchors}.")
    reach = resource.get("kursk:mapReach")
    if reach:
        units = ", ".join(f"{u} = {f:g} km" for u, f in reach["units"].items())
        words += (f" Distances within the map (kursk:mapReach, layer {reach['layer']}): "
                  f"{', '.join(reach['columns'])} in a unit of length ({units}). {reach['expected']}")
    return words


def _value_definitions(resource: dict) -> str:
    """For each column whose values are defined (``kursk:values``), a list: value, label, meaning."""
    blocks = []
    for field in resource["schema"]["fields"]:
        values = field.get("kursk:values")
        if values:
            items = "\n".join(f"- {escape(value)} ({escape(words['label'])}): {escape(words['description'])}"
                              for value, words in values.items())
            blocks.append(data_block(f"Values of **{escape(field['name'])}**:\n\n{items}"))
    return "".join("\n\n" + block for block in blocks)


def show(descriptor: dict, tables: dict[str, pd.DataFrame]) -> None:
    """Display how cells are written, then, for every table, its description, size,
    keys, row rules and fields."""
    formats = descriptor["kursk:cellFormats"]
    display(Markdown("How a cell of each type is written (`kursk:cellFormats`): " + "; ".join(
        f"{escape(kind)}: {escape(formats[kind]['expected'])}" for kind in formats) +
        ". An empty cell is a missing value. Every table holds at least one row, unless it is "
        "marked `kursk:mayBeEmpty`."))
    for resource in descriptor["resources"]:
        if "schema" not in resource:
            display(Markdown(data_block(f"**{escape(resource['title'])}** (`{resource['path']}`). "
                                        f"{escape(resource['description'])}")))
            continue
        schema = resource["schema"]
        keys = ", ".join(schema.get("primaryKey", [])) or "none"
        links = "; ".join(
            f"{', '.join(fk['fields'])} → {fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}"
            for fk in schema.get("foreignKeys", [])
        ) or "none"
        rows = len(tables[resource["name"]])
        intro = (
            f"**{escape(resource['title'])}** (`{resource['path']}`, {rows} rows). "
            f"{escape(resource['description'])} Primary key: {escape(keys)}. "
            f"Links to other tables: {escape(links)}."
        )
        checks = resource.get("kursk:rowChecks", [])
        if checks:
            intro += " Each row must also have " + "; ".join(escape(c["expected"]) for c in checks) + "."
        if resource.get("kursk:mayBeEmpty"):
            intro += " This table may be empty."
        if resource.get("kursk:areaLimits"):
            intro += escape(_area_limits(resource["kursk:areaLimits"], tables))
        intro += escape(_table_rules(resource))
        if resource.get("kursk:sideGroups"):
            intro += escape(_side_groups(resource["kursk:sideGroups"]))
        display(Markdown(data_block(intro) + "\n\n" + markdown_table(fields_frame(resource), {
            "field": "Field", "type": "Type", "description": "Description",
            "rules": "Allowed values"}, widths=[22, 14, 42, 22]) + _value_definitions(resource)))
