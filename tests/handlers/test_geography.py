"""The authority's area: inside or outside the boundary, which kelurahan, which neighbour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geo_fixtures import EAST, NEIGHBOUR, NEIGHBOUR_CHANNEL, NEIGHBOUR_NAME, NOWHERE, WEST, city, write_city

from bot.settings import Settings
from bot.wiring import flow_config
from handlers.geography import Geography, GeoJSONError, Neighbour, Place


@pytest.mark.parametrize(("point", "place"), [
    (WEST, Place(inside=True, kelurahan="Sukamaju", kecamatan="Kota Barat")),
    (EAST, Place(inside=True, kelurahan="Sukasari", kecamatan="Kota Timur")),
    (NEIGHBOUR, Place(inside=False, neighbour=Neighbour(NEIGHBOUR_NAME, NEIGHBOUR_CHANNEL))),
    (NOWHERE, Place(inside=False)),
])
def test_a_point_is_placed(tmp_path: Path, point: tuple[float, float], place: Place) -> None:
    assert city(tmp_path).locate(*point) == place


def test_without_files_there_is_no_geography() -> None:
    assert Geography.from_files(jurisdiction=None) is None


def test_the_settings_load_the_files_once_at_start(tmp_path: Path) -> None:
    paths = write_city(tmp_path)
    settings = Settings(_env_file=None, jurisdiction_geojson=paths["jurisdiction"],  # type: ignore[call-arg]
                        neighbours_geojson=paths["neighbours"], kelurahan_geojson=paths["kelurahan"],
                        duplicate_radius_m=200, duplicate_days=14)
    config = flow_config(settings)
    assert config.geography is not None and config.geography.locate(*WEST).kelurahan == "Sukamaju"
    assert (config.duplicate_radius_m, config.duplicate_days) == (200, 14)
    assert flow_config(Settings(_env_file=None, jurisdiction_geojson="")).geography is None  # type: ignore[call-arg]


def test_a_bare_multipolygon_is_a_boundary(tmp_path: Path) -> None:
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]]]}))
    geography = Geography.from_files(jurisdiction=path)
    assert geography is not None
    assert [geography.locate(lat, lon).inside for lat, lon in [(0.5, 0.5), (5.5, 5.5), (3, 3)]] == [
        True, True, False]


@pytest.mark.parametrize(("content", "problem"), [
    ("not json", "not a readable GeoJSON"),
    (json.dumps({"type": "Point", "coordinates": [1, 2]}), "no Polygon or MultiPolygon"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "no Polygon or MultiPolygon"),
])
def test_an_unusable_file_is_refused_with_the_reason(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(GeoJSONError, match=problem):
        Geography.from_files(jurisdiction=path)
