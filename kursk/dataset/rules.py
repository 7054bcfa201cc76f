"""The table rules of step 6 that read more than one row: dates in order across tables
(``kursk:dateOrder``), places inside their region as the map layer draws it
(``kursk:mapRegions``) and distances within the map's reach (``kursk:mapReach``).

Each rule is declared in ``datapackage.json`` (its shape checked by
:mod:`kursk.dataset.descriptor`) and printed in words by :mod:`kursk.dataset.dictionary`. The map
layer holds lines only (borders and region boundaries), so a region is found as the
area of the map that can be reached from the region's anchor point (declared in the
descriptor) without crossing a line: the layer's frame is cut into cells, the cells a
line passes through are walls, and the cells reachable from each anchor are its region.
"""

from __future__ import annotations

import json
import math
from collections import deque

from .errors import Problem, quoted

#: Kilometres in a degree of latitude (and of longitude at the equator).
KM_PER_DEGREE = 111.32
#: The most cells the map may be cut into (a frame or cell size beyond this is refused).
MAX_CELLS = 2_000_000


# --- dates in order across tables ------------------------------------------------------


def _index(rows: list, name: str) -> int | None:
    header = rows[0][1] if rows else []
    return header.index(name) if name in header else None


def _lookup(ref: dict, rows: list, tables: dict, shown_of: dict):
    """For a side of a rule: a function from a row of this table to (date text, where it was found)."""
    if "via" not in ref:
        at = _index(rows, ref["column"])
        return lambda row: (row[at], None)
    via = _index(rows, ref["via"])
    other = tables.get(ref["resource"], [])
    key, column = _index(other, ref["key"]), _index(other, ref["column"])
    if None in (via, key, column):
        return None
    found = {row[key]: (row[column], f"{shown_of[ref['resource']]}, line {line}") for line, row in other[1:]}
    return lambda row: found.get(row[via], ("", None))


def _side(ref: dict, row: list, rows: list, date: str, where: str | None) -> str:
    if "via" not in ref:
        return f"{ref['column']} {quoted(date)}"
    words = f"{ref['via']} {quoted(row[_index(rows, ref['via'])])}: {ref['resource']}.{ref['column']} {quoted(date)}"
    return words + (f" ({where})" if where else "")


def check_date_order(rows: list, shown: str, spec: dict, tables: dict, shown_of: dict) -> list[Problem]:
    """``kursk:dateOrder``: the earlier date on or before the later one, where both are given;
    with ``anyOf``, at least one row of each group so (the others may be earlier)."""
    problems = []
    for rule in spec.get("kursk:dateOrder", []):
        earlier, later = (_lookup(rule[k], rows, tables, shown_of) for k in ("earlier", "later"))
        if earlier is None or later is None:
            problems.append(Problem(shown, None, None, "kursk:dateOrder to name tables and columns that exist",
                                    "no such table or columns", "descriptor-error"))
            continue
        names = [r.get("via", r.get("column")) for r in (rule["earlier"], rule["later"])]
        column = ", ".join(dict.fromkeys(names))
        group_at = _index(rows, rule["anyOf"]) if "anyOf" in rule else None
        groups: dict[str, list] = {}
        for line, row in rows[1:]:
            (first, first_at), (second, second_at) = earlier(row), later(row)
            good = not first or not second or first <= second  # dates written YYYY-MM-DD sort as text
            sides = [_side(rule["earlier"], row, rows, first, first_at),
                     _side(rule["later"], row, rows, second, second_at)]
            if group_at is None:
                if not good:
                    problems.append(Problem(shown, line, column, rule["expected"], ", ".join(sides), "date-order"))
            else:
                groups.setdefault(row[group_at], []).append((line, good, sides))
        for group, members in groups.items():
            if not any(good for _, good, _ in members):
                # the side reached through the group's column is the same on every row: shown once
                same = 0 if rule["earlier"].get("via") == rule["anyOf"] else 1
                found = (f"{members[0][2][same]}, only with "
                         + "; ".join(sides[1 - same] for _, _, sides in members))
                problems.append(Problem(shown, members[0][0], column, rule["expected"], found, "date-order"))
    return problems


# --- the map layer ---------------------------------------------------------------------


def _frame(layer: dict) -> tuple[float, float, float, float] | None:
    """The layer's frame (west, south, east, north): its ``bbox``, else the extent of its lines."""
    box = layer.get("bbox")
    if isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) and math.isfinite(v)
                                                       for v in box) and box[0] < box[2] and box[1] < box[3]:
        return tuple(float(v) for v in box)
    points = list(_points(layer))
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys)) if min(xs) < max(xs) and min(ys) < max(ys) else None


def _lines(layer: dict):
    for feature in layer.get("features", []):
        geometry = feature.get("geometry", {}) if isinstance(feature, dict) else {}
        coordinates = geometry.get("coordinates", []) if isinstance(geometry, dict) else []
        lines = [coordinates] if geometry.get("type") == "LineString" else coordinates
        for line in lines if isinstance(lines, list) else []:
            if isinstance(line, list):
                yield [p[:2] for p in line if isinstance(p, list) and len(p) >= 2
                       and all(isinstance(v, (int, float)) and math.isfinite(v) for v in p[:2])]


def _points(layer: dict):
    for line in _lines(layer):
        yield from line


class RegionMap:
    """The map's frame cut into cells; ``label[cell]`` numbers the area of the map the
    cell lies in (0 for a cell a line passes through)."""

    def __init__(self, layer: dict, frame: tuple, cell: float):
        self.west, self.south, self.east, self.north = frame
        self.cell = cell
        self.nx = max(1, math.ceil((self.east - self.west) / cell))
        self.ny = max(1, math.ceil((self.north - self.south) / cell))
        wall = bytearray(self.nx * self.ny)
        for line in _lines(layer):
            for (x0, y0), (x1, y1) in zip(line, line[1:]):
                steps = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0)) / cell * 4))
                if steps > 4 * (self.nx + self.ny):
                    continue  # a segment far outside the frame crosses none of its cells
                for k in range(steps + 1):
                    at = self.at(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
                    if at is not None:
                        wall[at] = 1
        self.label = [0] * (self.nx * self.ny)
        count = 0
        for start in range(len(wall)):
            if wall[start] or self.label[start]:
                continue
            count += 1
            self.label[start] = count
            queue = deque([start])
            while queue:
                here = queue.popleft()
                i, j = here % self.nx, here // self.nx
                for a, b in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                    if 0 <= a < self.nx and 0 <= b < self.ny:
                        there = b * self.nx + a
                        if not wall[there] and not self.label[there]:
                            self.label[there] = count
                            queue.append(there)

    def at(self, lon: float, lat: float) -> int | None:
        """The cell of a point inside the frame (None outside it)."""
        if not (self.west <= lon <= self.east and self.south <= lat <= self.north):
            return None
        i = min(self.nx - 1, int((lon - self.west) / self.cell))
        j = min(self.ny - 1, int((lat - self.south) / self.cell))
        return j * self.nx + i

    def clamp(self, lon: float, lat: float) -> tuple[float, float]:
        """The point of the frame nearest to a point."""
        return min(max(lon, self.west), self.east), min(max(lat, self.south), self.north)

    def near(self, lon: float, lat: float, km: float) -> set[int]:
        """The areas of the map within ``km`` of a point inside the frame."""
        dy = km / KM_PER_DEGREE
        dx = dy / max(math.cos(math.radians(lat)), 0.01)
        labels = set()
        for j in range(int((lat - dy - self.south) / self.cell), int((lat + dy - self.south) / self.cell) + 1):
            for i in range(int((lon - dx - self.west) / self.cell), int((lon + dx - self.west) / self.cell) + 1):
                if 0 <= i < self.nx and 0 <= j < self.ny:
                    cx, cy = self.west + (i + 0.5) * self.cell, self.south + (j + 0.5) * self.cell
                    if _km(lon, lat, cx, cy) <= km + self.cell * KM_PER_DEGREE:
                        labels.add(self.label[j * self.nx + i])
        return labels - {0}


def _km(lon0: float, lat0: float, lon1: float, lat1: float) -> float:
    """Distance in km between two nearby points (equirectangular)."""
    x = (lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2))
    return math.hypot(x, lat1 - lat0) * KM_PER_DEGREE


_MAPS: dict[tuple[bytes, float], RegionMap | None] = {}


def region_map(raw: bytes, cell: float) -> RegionMap | None:
    """The cut map of a layer (cached by its bytes), or None when it has no frame to cut."""
    key = (raw, cell)
    if key not in _MAPS:
        layer = json.loads(raw.decode("utf-8"))
        frame = _frame(layer)
        if frame is None or (frame[2] - frame[0]) * (frame[3] - frame[1]) / cell ** 2 > MAX_CELLS:
            _MAPS[key] = None
        else:
            _MAPS[key] = RegionMap(layer, frame, cell)
    return _MAPS[key]


def frame_diagonal_km(raw: bytes) -> float | None:
    """The length of the diagonal of the layer's frame, in km."""
    frame = _frame(json.loads(raw.decode("utf-8")))
    return None if frame is None else _km(frame[0], frame[1], frame[2], frame[3])


def check_map_regions(rows: list, shown: str, spec: dict, layers: dict, shown_of: dict,
                      pointer: str, descriptor: str) -> list[Problem]:
    """``kursk:mapRegions``: each place inside the region it names, as the map draws it,
    or within the tolerance of it. A place beyond the map's frame is checked at the
    nearest point of the frame (its region must reach the frame there)."""
    rule = spec.get("kursk:mapRegions")
    if not rule:
        return []
    layer = shown_of[rule["layer"]]
    cut = region_map(layers[rule["layer"]], rule["cellDegrees"])
    if cut is None:
        return [Problem(layer, None, None, f"a map frame of at most {MAX_CELLS:,} cells of "
                        f"{rule['cellDegrees']}° (kursk:mapRegions)", "no frame, or a larger one", "map-region")]
    region_of: dict[int, str] = {}
    problems = []
    for region, point in rule["anchors"].items():
        lat, lon = point["lat"], point["lon"]
        at = cut.at(lon, lat)
        label = cut.label[at] if at is not None else 0
        if not label or label in region_of:
            problems.append(Problem(descriptor, None,
                                    f"{pointer}/kursk:mapRegions/anchors/{region}",
                                    "an anchor point inside the map's frame, off its lines, in an area of the map "
                                    "no other anchor lies in", f"lat {lat}, lon {lon}" + (
                                        f", in the same area as {region_of[label]}" if label else ""), "map-region"))
        region_of[label] = region
    if problems:
        return problems
    columns = {k: _index(rows, rule[k]) for k in ("lat", "lon", "region")}
    if None in columns.values():
        return [Problem(shown, None, None, "kursk:mapRegions to name columns of this table", "no such columns",
                        "descriptor-error")]
    tolerance = rule["toleranceKm"]
    for line, row in rows[1:]:
        try:
            lat, lon, region = float(row[columns["lat"]]), float(row[columns["lon"]]), row[columns["region"]]
        except ValueError:
            continue  # an empty or malformed cell is reported by step 4 or 5
        if region not in rule["anchors"]:
            continue  # a region the map does not name: the foreign key reports an unknown one
        x, y = cut.clamp(lon, lat)
        here = cut.label[cut.at(x, y)]
        wanted = next(label for label, name in region_of.items() if name == region)
        if here == wanted or wanted in cut.near(x, y, tolerance):
            continue
        lies = f"in {region_of[here]}" if here in region_of else (
            "in none of " + ", ".join(rule["anchors"]) if here else f"on a line, more than {tolerance:g} km from {region}")
        where = "which the map places" if (x, y) == (lon, lat) else (
            f"beyond the map's frame, whose nearest point (lat {y:g}, lon {x:g}) the map places")
        problems.append(Problem(
            shown, line, f"{rule['lat']}, {rule['lon']}",
            f"a place in {region} (column {rule['region']}) to lie inside {region} as the map ({layer}) draws it, "
            f"or within {tolerance:g} km of it",
            f"lat {quoted(row[columns['lat']])}, lon {quoted(row[columns['lon']])}, {where} {lies}",
            "map-region"))
    return problems


def check_map_reach(rows: list, shown: str, spec: dict, layers: dict, shown_of: dict) -> list[Problem]:
    """``kursk:mapReach``: no distance longer than the diagonal of the map's frame."""
    rule = spec.get("kursk:mapReach")
    if not rule:
        return []
    reach = frame_diagonal_km(layers[rule["layer"]])
    unit_at = _index(rows, rule["unit"])
    ats = {c: _index(rows, c) for c in rule["columns"]}
    if reach is None or unit_at is None or None in ats.values():
        return [Problem(shown, None, None, "kursk:mapReach to name columns of this table and a map with a frame",
                        "no such columns, or no frame", "descriptor-error")]
    problems = []
    for line, row in rows[1:]:
        factor = rule["units"].get(row[unit_at])
        if factor is None:
            continue
        for column, at in ats.items():
            if row[at] and float(row[at]) * factor > reach:
                problems.append(Problem(
                    shown, line, column,
                    f"a distance no longer than the map's reach (the diagonal of its frame, {reach:,.0f} km, "
                    f"{shown_of[rule['layer']]})", f"{quoted(row[at])} {row[unit_at]}", "map-reach"))
    return problems


def check_tables(resources: list, rows: dict, shown: dict, raw: dict, descriptor: str) -> list[Problem]:
    """Every cross-row rule of this module, for every table."""
    problems = []
    for index, spec in enumerate(resources):
        name = spec["name"]
        if name not in rows:
            continue
        problems += check_date_order(rows[name], shown[name], spec, rows, shown)
        problems += check_map_regions(rows[name], shown[name], spec, raw, shown, f"/resources/{index}", descriptor)
        problems += check_map_reach(rows[name], shown[name], spec, raw, shown)
    return problems
