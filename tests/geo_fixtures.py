"""A small synthetic city for the area tests: a square boundary, two kelurahan, one named neighbour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from handlers.geography import Geography

WEST = (-2.2096, 113.85)  # inside, kelurahan Sukamaju
EAST = (-2.2096, 113.95)  # inside, kelurahan Sukasari
NEIGHBOUR = (-2.2, 114.1)  # outside, in the neighbour
NOWHERE = (-6.2884, 106.7179)  # outside, no neighbour known
NEIGHBOUR_NAME = "Kabupaten Tetangga"
NEIGHBOUR_CHANNEL = "https://wa.me/6281100000001"


def _square(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _collection(*features: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": properties}
        for geometry, properties in features]}


def write_city(folder: Path) -> dict[str, Path]:
    """The three GeoJSON files of the synthetic city, written under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "jurisdiction": _collection((_square(113.80, -2.30, 114.00, -2.10), {"name": "Kota Uji"})),
        "neighbours": _collection((_square(114.00, -2.30, 114.30, -2.10),
                                   {"name": NEIGHBOUR_NAME, "channel": NEIGHBOUR_CHANNEL})),
        "kelurahan": _collection(
            (_square(113.80, -2.30, 113.90, -2.10), {"WADMKD": "Sukamaju", "WADMKC": "Kota Barat"}),
            (_square(113.90, -2.30, 114.00, -2.10), {"kelurahan": "Sukasari", "kecamatan": "Kota Timur"})),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.geojson"
        paths[name].write_text(json.dumps(data), encoding="utf-8")
    return paths


def city(folder: Path) -> Geography:
    """The synthetic city's geography, loaded the way the bot loads it from the settings."""
    paths = write_city(folder)
    geography = Geography.from_files(jurisdiction=paths["jurisdiction"], neighbours=paths["neighbours"],
                                     kelurahan=paths["kelurahan"])
    assert geography is not None
    return geography
