"""Where a point lies: inside the authority's boundary or not, in which kelurahan, near which neighbour."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# Property names that carry an area's name: plain ones first, then the geoportal's (BIG/RBI) fields.
KELURAHAN_KEYS = ("kelurahan", "desa", "village", "WADMKD", "NAMOBJ", "name", "nama")
KECAMATAN_KEYS = ("kecamatan", "district", "WADMKC")
NAME_KEYS = ("name", "nama", "NAMOBJ", "WADMKK")
CHANNEL_KEYS = ("channel", "link", "url", "contact", "kontak", "whatsapp", "telegram", "phone")


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A neighbouring area and where its residents report (a link or a number), when known."""

    name: str
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """What the map says about a point."""

    inside: bool
    kelurahan: str | None = None
    kecamatan: str | None = None
    neighbour: Neighbour | None = None


class GeoJSONError(ValueError):
    """A GeoJSON file that cannot be used, with the reason."""


def _features(path: Path) -> list[tuple[BaseGeometry, Mapping[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoJSONError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    items: Iterable[Mapping[str, Any]]
    if data.get("type") == "FeatureCollection":
        items = data.get("features") or []
    elif data.get("type") == "Feature":
        items = [data]
    else:
        items = [{"type": "Feature", "geometry": data, "properties": {}}]
    found = []
    for item in items:
        geometry = item.get("geometry")
        if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
            continue
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, AttributeError) as exc:
            raise GeoJSONError(f"{path}: a feature's geometry is broken ({exc})") from exc
        found.append((geom if geom.is_valid else geom.buffer(0), item.get("properties") or {}))
    if not found:
        raise GeoJSONError(f"{path}: no Polygon or MultiPolygon in it")
    return found


def _first(properties: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for key in keys:
        value = lowered.get(key.lower())
        if value not in (None, ""):
            return str(value).strip()
    return None


class Geography:
    """The boundary, the named neighbours and the kelurahan polygons, prepared once for fast lookups."""

    def __init__(self, *, boundary: BaseGeometry | None = None,
                 neighbours: list[tuple[BaseGeometry, Neighbour]] | None = None,
                 areas: list[tuple[BaseGeometry, str | None, str | None]] | None = None) -> None:
        self.boundary = boundary
        if boundary is not None:
            shapely.prepare(boundary)
        self._neighbours = neighbours or []
        self._areas = areas or []
        self._neighbour_tree = shapely.STRtree([g for g, _n in self._neighbours])
        self._area_tree = shapely.STRtree([g for g, _k, _c in self._areas])

    @classmethod
    def from_files(cls, *, jurisdiction: Path | None, neighbours: Path | None = None,
                   kelurahan: Path | None = None) -> Geography | None:
        """The geography of the configured files; None when no file is configured."""
        if jurisdiction is None and kelurahan is None:
            return None
        boundary = (shapely.union_all([g for g, _p in _features(jurisdiction)])
                    if jurisdiction is not None else None)
        named = [(g, Neighbour(_first(p, NAME_KEYS) or "?", _first(p, CHANNEL_KEYS)))
                 for g, p in (_features(neighbours) if neighbours is not None else [])]
        areas = [(g, _first(p, KELURAHAN_KEYS), _first(p, KECAMATAN_KEYS))
                 for g, p in (_features(kelurahan) if kelurahan is not None else [])]
        return cls(boundary=boundary, neighbours=named, areas=areas)

    def locate(self, latitude: float, longitude: float) -> Place:
        """Inside or outside the boundary, with the kelurahan inside and the neighbour outside."""
        point = shapely.Point(longitude, latitude)  # GeoJSON order: x is the longitude
        inside = self.boundary is None or bool(shapely.contains_xy(self.boundary, longitude, latitude))
        if not inside:
            hits = self._neighbour_tree.query(point, predicate="intersects")
            neighbour = self._neighbours[int(hits[0])][1] if len(hits) else None
            return Place(inside=False, neighbour=neighbour)
        hits = self._area_tree.query(point, predicate="intersects")
        if not len(hits):
            return Place(inside=True)
        _geom, kelurahan, kecamatan = self._areas[int(min(hits))]
        return Place(inside=True, kelurahan=kelurahan, kecamatan=kecamatan)
