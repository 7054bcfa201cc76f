"""The data dictionary, rendered from ``datapackage.json`` (never restated by hand)."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from .tables import escape, markdown_table


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if "enum" in c:
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


def show(descriptor: dict, tables: dict[str, pd.DataFrame]) -> None:
    """Display, for every table, its description, size, keys and fields."""
    for resource in descriptor["resources"]:
        if "schema" not in resource:
            display(Markdown(f"**{escape(resource['title'])}** (`{resource['path']}`). "
                             f"{escape(resource['description'])}"))
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
        display(Markdown(intro + "\n\n" + markdown_table(fields_frame(resource), {
            "field": "Field", "type": "Type", "description": "Description",
            "rules": "Allowed values"}, widths=[22, 14, 42, 22])))
