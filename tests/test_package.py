"""The package's shape: three wings over a ground floor, and no import loop anywhere.

Every ``import`` of every module is read from its source (those inside functions too),
so a loop that only a late import hides is still found.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "kursk"

#: Each part of the package, and the parts it may import from.
GROUND = {"kursk.vocabulary", "kursk.markup", "kursk.paths"}
KIT = {"kursk.prose", "kursk.charts", "kursk.tables", "kursk.ledger", "kursk.divergence"}
MAY_IMPORT = {
    "ground": {"ground"},
    "dataset": {"ground", "dataset"},
    "kit": {"ground", "dataset", "kit"},
    "publish": {"ground", "dataset", "kit", "publish", "top"},
    "top": {"ground", "dataset"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports, at any depth of its code."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from kursk import charts" imports the module kursk.charts; "from .x import y" imports .x
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def part(name: str) -> str:
    if name == "kursk":
        return "top"
    if name in GROUND:
        return "ground"
    for prefix, wing in (("kursk.dataset", "dataset"), ("kursk.publish", "publish")):
        if name == prefix or name.startswith(prefix + "."):
            return wing
    if any(name == k or name.startswith(k + ".") for k in KIT):
        return "kit"
    raise AssertionError(f"{name}: in no wing (add it to the layout of tests/test_package.py and README)")


GRAPH = {name: imports(name, path) for name, path in modules().items()}


def test_the_layout_reads_dataset_kit_publish():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == {"dataset", "publish", "charts"}
    assert {"read", "checks", "descriptor", "errors", "database", "dictionary"} <= \
        {p.stem for p in (PACKAGE / "dataset").glob("*.py")}
    assert {"build", "execute", "stamps", "sphinxext", "crossref", "bib", "meta", "icons"} <= \
        {p.stem for p in (PACKAGE / "publish").glob("*.py")}
    assert (PACKAGE / "publish" / "templates").is_dir() and (PACKAGE / "publish" / "static").is_dir()
    for name in GRAPH:
        part(name)


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_each_module_imports_only_from_its_own_wing_and_below(name):
    allowed = MAY_IMPORT[part(name)]
    wrong = sorted(t for t in GRAPH[name] if part(t) not in allowed)
    assert not wrong, f"{name} ({part(name)}) imports {wrong}"


def test_the_data_layer_imports_nothing_from_the_charts_or_publishing():
    for name, targets in GRAPH.items():
        if part(name) == "dataset":
            assert not {t for t in targets if part(t) in {"kit", "publish"}}, name


def test_the_ground_floor_imports_nothing_of_the_package():
    for name in GROUND:
        assert GRAPH[name] == set(), name


def test_no_import_loop():
    """Depth-first search over every import; a grey module met again closes a loop."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = "grey"
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == "grey":
                loop = path[path.index(target):] + [target]
                raise AssertionError("import loop: " + " -> ".join(loop))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = "black"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_the_graph_reader_sees_imports_inside_functions():
    # kursk.publish.build imports the dataset inside check_data: the graph must have it
    assert "kursk.dataset.read" in GRAPH["kursk.publish.build"]
    assert "kursk.publish.stamps" in GRAPH["kursk.publish.execute"]


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_every_module_imports_on_its_own(name):
    importlib.import_module(name)


def test_what_the_chapters_call_stays_short():
    import kursk
    from kursk import charts
    from kursk.prose import Figures

    assert callable(kursk.load) and Figures and charts.border_map
