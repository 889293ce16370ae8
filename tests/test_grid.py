"""Countries cut into cells: the pieces tile each country exactly, and the cache keeps them."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from coverage import diskcache, grid
from coverage.borders import RESOLUTIONS, load_countries
from coverage.geodesy import areas_km2


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_pieces_tile_each_country(resolution):
    countries = load_countries(resolution)
    pieces = countries.pieces
    assert shapely.is_valid(pieces.geometry).all()
    assert set(shapely.get_type_id(pieces.geometry).tolist()) <= {3, 6}  # Polygon, MultiPolygon
    assert pieces.owner.min() >= 0 and pieces.owner.max() < len(countries)
    whole = areas_km2(countries.geometry)
    summed = np.bincount(pieces.owner, weights=pieces.area_km2, minlength=len(countries))
    # Cell edges add vertices on the border, none off it: only the 0.1° densification
    # of slanted edges starts at other points (a few 1e-6 of a country).
    assert summed == pytest.approx(whole, rel=1e-5, abs=0.01)
    # Each piece lies in its country and in one cell.
    b = shapely.bounds(pieces.geometry)
    assert (np.floor(b[:, 0] / grid.CELL_DEG) >= np.floor(b[:, 2] / grid.CELL_DEG) - 1).all()
    assert pieces.area_km2 == pytest.approx(areas_km2(pieces.geometry), rel=1e-12)


def test_a_country_smaller_than_a_cell_is_one_piece():
    countries = load_countries("110m")
    i = int(np.flatnonzero(countries.iso_a3 == "CYP")[0])
    (mine,) = np.flatnonzero(countries.pieces.owner == i)
    assert countries.pieces.geometry[mine].equals(countries.geometry[i])


def test_cut_pieces_are_kept_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    geometry = load_countries("110m").geometry
    first = grid.cut(lambda: geometry, len(geometry), "abc")
    assert len(list(tmp_path.glob("grid-*-abc.bin"))) == 1
    again = grid.cut(lambda: geometry, len(geometry), "abc")
    assert np.array_equal(first.owner, again.owner)
    assert shapely.equals_exact(first.geometry, again.geometry, 0.0).all()
    assert np.array_equal(first.area_km2, again.area_km2)


def test_a_damaged_cut_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    geometry = load_countries("110m").geometry
    first = grid.cut(lambda: geometry, len(geometry), "abc")
    (path,) = tmp_path.glob("grid-*-abc.bin")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    again = grid.cut(lambda: geometry, len(geometry), "abc")
    assert shapely.equals_exact(first.geometry, again.geometry, 0.0).all()


def test_no_digest_means_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    few = load_countries("110m").geometry[:5]
    grid.cut(lambda: few, len(few))
    assert not list(tmp_path.iterdir())


def test_pieces_are_decoded_only_when_taken(tmp_path, monkeypatch):
    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    geometry = load_countries("110m").geometry
    built = grid.cut(lambda: geometry, len(geometry), "abc")
    asked = []
    kept = grid.cut(lambda: asked.append(1) or geometry, len(geometry), "abc")
    assert not asked  # read from the cache: the countries' geometry was not needed
    assert shapely.is_missing(kept._geometry).all()
    some = np.array([3, 1, 3], dtype=np.intp)
    assert shapely.equals_exact(kept.take(some), built.geometry[some], 0.0).all()
    assert (~shapely.is_missing(kept._geometry)).sum() == 2
