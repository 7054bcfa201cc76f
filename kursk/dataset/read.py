"""Load the book's dataset, validated against ``data/datapackage.json``.

``datapackage.json`` (a Frictionless Data Package) is the one schema of the
dataset: the loader, the tests and the data dictionary page all read it. The
loader reads the descriptor (valid JSON, with the parts the loader relies on),
then checks every file in six steps (:mod:`kursk.checks`) and stops at the
first step that finds a problem, so that one fault is not reported as a
cascade of others:

1. bytes: a readable file, UTF-8 without a byte-order mark, LF line ends;
2. CSV syntax: every quoted cell closed (a map layer: valid GeoJSON);
3. header: exactly the columns the schema names, in its order;
4. cells: each written as ``kursk:cellFormats`` says for its type (numbers
   finite, in plain digits; text without control characters);
5. rows: types, required values, enums, patterns, ranges, unique and primary
   keys, foreign keys (checked by the ``frictionless`` validator), and the
   cross-column rules listed under ``kursk:rowChecks``;
6. tables: at least one row unless ``kursk:mayBeEmpty``, no area larger
   than the region it lies in (``kursk:areaLimits``), dates in order across
   tables (``kursk:dateOrder``), places inside their region on the map
   (``kursk:mapRegions``) and distances within its reach (``kursk:mapReach``),
   by :mod:`kursk.dataset.rules`.

Every problem is reported with the file, the line (1 is the header), the
column and what was expected, and loading raises :class:`DataError`: for any
bytes in the data folder, :func:`load` returns a valid dataset or raises
:class:`DataError`, never another exception (a property the tests check).
"""

from __future__ import annotations

import json
import os
import hashlib
from pathlib import Path

import pandas as pd
from frictionless import FrictionlessException, Package

from . import checks, descriptor as descriptors, rules
from .errors import DataError, Problem, shorten
from ..paths import DESCRIPTOR, data_dir
from ..vocabulary import SIDES

__all__ = ["DataError", "Dataset", "Problem", "data_digest", "data_files", "expect_sources", "load",
           "read_descriptor", "source_label", "source_labels", "validate"]


def source_label(row) -> str:
    """The name a source is cited by, one style for every work: its publisher (the outlet, or
    the named analyst or official who published it), and for a re-post the publisher of the
    original, when the re-post names it. So every copy of one work is cited under one name
    ("Associated Press", not "Star Tribune"), and a journalist's name never stands in for
    the outlet."""
    original = row["original_publisher"]
    if row["copy_found"] == "repost" and not pd.isna(original) and "(not named)" not in original:
        return str(original)
    return str(row["publisher"])


def source_labels(frame: pd.DataFrame) -> pd.Series:
    """:func:`source_label` for every row of a frame holding the sources' columns."""
    return pd.Series([source_label(r) for r in frame.to_dict("records")], index=frame.index, dtype="string")


class Dataset:
    """The validated tables as typed pandas frames, plus the descriptor."""

    def __init__(self, directory: Path, descriptor: dict, tables: dict[str, pd.DataFrame],
                 layers: dict[str, dict] | None = None):
        self.directory = directory
        self.descriptor = descriptor
        self.tables = tables
        self.layers = layers or {}

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def _resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def value_labels(self, resource: str, field: str) -> dict[str, str]:
        """The label of each allowed value of a column, from its ``kursk:values`` in the descriptor."""
        column = next(f for f in self._resource(resource)["schema"]["fields"] if f["name"] == field)
        return {value: words["label"] for value, words in column["kursk:values"].items()}

    def side_groups(self) -> dict[str, str]:
        """Each side's group (``party``, ``ally``, ``third``, ``independent``), from ``kursk:sideGroups``."""
        spec = self._resource("claimants")
        return {side: group for group, words in spec["kursk:sideGroups"].items() for side in words["sides"]}

    def claims_full(self) -> pd.DataFrame:
        """Claims joined with their metric label, subject (label, whose), claimant (name, side,
        class, group of its side) and source."""
        claims = self.tables["claims"]
        claimants = self.tables["claimants"].rename(columns={"name": "claimant", "role": "claimant_role"})
        subjects = self.tables["subjects"][["subject", "label", "side"]].rename(
            columns={"label": "subject_label", "side": "subject_side"})
        sources = self.tables["sources"][["source_id", "publisher", "title", "published", "url",
                                          "copy_found", "original_publisher"]]
        frame = (claims.merge(self.tables["metrics"][["metric", "label"]], on="metric", how="left")
                 .merge(subjects, on="subject", how="left")
                 .merge(claimants, on="claimant_id", how="left")
                 .merge(sources, on="source_id", how="left"))
        frame["side_label"] = frame["side"].map(SIDES).astype("string")
        frame["source_label"] = source_labels(frame)
        frame["class_label"] = frame["kind"].map(self.value_labels("claimants", "kind")).astype("string")
        frame["group"] = frame["side"].map(self.side_groups()).astype("string")
        return frame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}: {len(v)} rows" for k, v in self.tables.items())
        return f"<Dataset {self.directory} ({sizes})>"


def _shown_descriptor(directory: Path) -> str:
    return f"{directory.name}/{DESCRIPTOR}"


def read_descriptor(directory: Path | None = None) -> dict:
    """The descriptor, checked for the parts the loader relies on; :class:`DataError` if not."""
    directory = Path(directory) if directory else data_dir()
    descriptor, problems = descriptors.read(directory / DESCRIPTOR, _shown_descriptor(directory))
    if problems:
        raise DataError(problems)
    return descriptor


def data_files(directory: Path | None = None) -> list[Path]:
    """The descriptor and every file it names, in a fixed order."""
    directory = Path(directory) if directory else data_dir()
    descriptor = read_descriptor(directory)
    return [directory / DESCRIPTOR] + [directory / r["path"] for r in descriptor["resources"]]


def data_digest(directory: Path | None = None) -> str:
    """SHA-256 over the names and bytes of every file of the dataset (a descriptor that
    cannot be read is digested alone)."""
    directory = Path(directory) if directory else data_dir()
    try:
        paths = data_files(directory)
    except DataError:
        paths = [directory / DESCRIPTOR]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def _validate(directory: Path, rules_checked: bool = False
              ) -> tuple[list[Problem], dict | None, dict[str, list], dict[str, bytes]]:
    """Every check, in order, stopping after the first step that finds a fault.

    Returns the problems, the descriptor, each table's rows (with the line each starts
    on) and each map layer's bytes. With ``rules_checked`` (these very files passed every
    check under this very code, see :func:`checked_key`), steps 5 and 6 are not run again."""
    descriptor, problems = descriptors.read(directory / DESCRIPTOR, _shown_descriptor(directory))
    if problems:
        return problems, None, {}, {}
    formats = descriptor["kursk:cellFormats"]
    types = {t: formats[t]["expected"] for t in descriptors.TYPES}
    period = descriptor.get("kursk:studyPeriod", {})
    resources = descriptor["resources"]
    shown = {r["name"]: f"{directory.name}/{r['path']}" for r in resources}
    geojson = {r["name"] for r in resources if r.get("format") == "geojson"}

    # 1. bytes
    raw: dict[str, bytes] = {}
    for resource in resources:
        data, found = checks.read_bytes(directory / resource["path"], shown[resource["name"]])
        if data is not None:
            found += checks.check_bytes(data, shown[resource["name"]], table=resource["name"] not in geojson)
            raw[resource["name"]] = data
        problems += found
    if problems:
        return problems, descriptor, {}, {}

    # 2. CSV syntax; 3. header (a map layer: its structure)
    rows: dict[str, list] = {}
    for resource in resources:
        name = resource["name"]
        if name in geojson:
            problems += checks.check_geojson(raw[name], shown[name], resource)
            continue
        parsed, found = checks.parse_csv(raw[name], shown[name])
        if not found:
            fields = [f["name"] for f in resource["schema"]["fields"]]
            found = checks.check_header(parsed[0][1] if parsed else [], shown[name], fields)
        rows[name] = parsed
        problems += found
    if problems:
        return problems, descriptor, rows, raw

    # 4. how each cell is written
    for resource in resources:
        if resource["name"] not in geojson:
            problems += checks.check_cells(rows[resource["name"]], shown[resource["name"]],
                                           resource["schema"]["fields"], formats)
    if problems:
        return problems, descriptor, rows, raw
    if rules_checked:
        return problems, descriptor, rows, raw

    # 5. rows: constraints, keys, foreign keys, row rules
    try:
        package = Package(str(directory / DESCRIPTOR))
    except FrictionlessException as error:
        return [Problem(_shown_descriptor(directory), None, None, "a valid Data Package descriptor",
                        shorten(error.error.message), "descriptor-error")], descriptor, rows, raw
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # a part of the descriptor that kursk.checks does not inspect, and the validator cannot read
        return [Problem(_shown_descriptor(directory), None, None, "a Data Package descriptor the validator "
                        "can read", shorten(f"{type(error).__name__}: {error}"), "descriptor-error")], \
            descriptor, rows, raw
    for resource in resources:
        name = resource["name"]
        if name in geojson:
            continue
        lines = {number: line for number, (line, _) in enumerate(rows[name], start=1)}
        problems += checks.check_rows(package, resource, shown[name], period, lines, types)
    if problems:
        return problems, descriptor, rows, raw

    # 6. whole tables: not empty, areas within their regions
    for resource in resources:
        name = resource["name"]
        if name in geojson:
            continue
        problems += checks.check_not_empty(rows[name], shown[name], resource)
        problems += checks.check_area_limits(rows[name], shown[name], resource, rows, shown)
    # dates in order across tables, places inside their region on the map, distances within its reach
    problems += rules.check_tables(resources, rows, shown, raw, _shown_descriptor(directory))
    return problems, descriptor, rows, raw


#: The environment variable by which a build tells the chapters it runs (and its Sphinx) that
#: it has checked the dataset: its value is :func:`checked_key` of the files it checked.
CHECKED_ENV = "KURSK_DATA_CHECKED"


def checked_key(directory: Path) -> str:
    """The digest of the dataset's files and of the code that checks them: files that passed
    every check under one key pass them again, and need not be checked twice."""
    code = b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))
    return data_digest(directory) + ":" + hashlib.sha256(code).hexdigest()


def validate(directory: Path | None = None) -> list[Problem]:
    """Check every file of the dataset; return its problems (empty when valid)."""
    directory = Path(directory) if directory else data_dir()
    return _validate(directory)[0]


# --- typed frames ------------------------------------------------------------


def _typed(frame: pd.DataFrame, fields: list[dict]) -> pd.DataFrame:
    out = {}
    for field in fields:
        column = frame[field["name"]].replace("", pd.NA)
        kind = field.get("type", "string")
        if kind == "number":
            out[field["name"]] = pd.to_numeric(column).astype("Float64")
        elif kind == "integer":
            out[field["name"]] = pd.to_numeric(column).astype("Int64")
        elif kind == "date":
            out[field["name"]] = pd.to_datetime(column, format="%Y-%m-%d").astype("datetime64[us]")
        elif kind == "boolean":
            truth = {"true": True, "True": True, "TRUE": True, "1": True,
                     "false": False, "False": False, "FALSE": False, "0": False}
            out[field["name"]] = column.map(truth).astype("boolean")
        else:
            out[field["name"]] = column.astype("string")
    return pd.DataFrame(out)


_CACHE: dict[tuple[str, str], Dataset] = {}


def load(directory: Path | str | None = None) -> Dataset:
    """Validate the dataset and return it as typed frames.

    Raises :class:`DataError` listing every problem when any file breaks the
    schema, and for no other fault of the data. The result is cached for as long
    as the files' bytes do not change.
    """
    directory = Path(directory).resolve() if directory else data_dir()
    key = (str(directory), data_digest(directory))
    if key in _CACHE:
        return _CACHE[key]
    problems, descriptor, rows, raw = _validate(
        directory, rules_checked=os.environ.get(CHECKED_ENV) == checked_key(directory))
    if problems:
        raise DataError(problems)
    tables = {}
    layers = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        if resource.get("format") == "geojson":
            layers[name] = json.loads(raw[name].decode("utf-8"))
            continue
        header, *body = [row for _, row in rows[name]]
        frame = pd.DataFrame([row for row in body], columns=header, dtype="string")
        tables[name] = _typed(frame, resource["schema"]["fields"])
    dataset = Dataset(directory, descriptor, tables, layers)
    _CACHE[key] = dataset
    return dataset


def expect_sources(rows: pd.DataFrame | pd.Series, *keys: str) -> None:
    """Check that the prose cites the sources the data gives for these figures.

    Chapters cite sources by key in their text; a figure selected from the data
    may later come from another source. Call this next to the selection so that
    the build fails, with this message, instead of citing the wrong source.
    """
    found = {rows["source_id"]} if isinstance(rows, pd.Series) else set(rows["source_id"])
    if found != set(keys):
        raise AssertionError(
            f"the text cites {sorted(keys)} for these figures, but the data now gives "
            f"{sorted(found)}: update the citations in the text"
        )
