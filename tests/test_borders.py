"""The shipped Natural Earth borders: load, validity, areas, checksums."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

from coverage.borders import RESOLUTIONS, Countries, boundary_path, house_names, load_borders, load_countries
from coverage.errors import DataFileError
from coverage.geodesy import area_km2

RUSSIA_KM2 = 17.0e6  # published ~17.1 M km²
WORLD_LAND_KM2 = 147.0e6  # land incl. Antarctica ~ 147-149 M km²


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_each_resolution_loads_valid_and_in_range(resolution):
    gdf = load_borders(resolution)
    assert {"name", "iso_a3", "iso_n3", "area_km2", "geometry"} <= set(gdf.columns)
    assert len(gdf) > 150
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert bool(gdf.geometry.is_valid.all())
    # Only Vatican (0.44 km²) may collapse to an empty geometry at 1:10m (world-atlas
    # quantisation); it must then carry area 0 rather than a stale area.
    empty = gdf[gdf.geometry.is_empty]
    assert set(empty["name"]) <= {"Vatican City"}
    assert (empty["area_km2"] == 0.0).all()
    min_lon, min_lat, max_lon, max_lat = gdf.total_bounds
    assert min_lon >= -180.0 and max_lon <= 180.0
    assert min_lat >= -90.0 and max_lat <= 90.0
    assert set(gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert gdf["name"].is_unique


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_russia_area(resolution):
    gdf = load_borders(resolution)
    russia = gdf[gdf["iso_a3"] == "RUS"]
    assert len(russia) == 1
    assert float(russia["area_km2"].iloc[0]) == pytest.approx(RUSSIA_KM2, rel=0.015)


def test_russia_area_column_matches_its_geometry(borders_10m):
    russia = borders_10m[borders_10m["iso_a3"] == "RUS"].iloc[0]
    assert area_km2(russia.geometry) == pytest.approx(float(russia["area_km2"]), rel=1e-3)
    assert area_km2(russia.geometry) == pytest.approx(RUSSIA_KM2, rel=0.015)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_world_total_area(resolution):
    assert float(load_borders(resolution)["area_km2"].sum()) == pytest.approx(WORLD_LAND_KM2, rel=0.02)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_antarctica_contains_a_point_near_the_south_pole(resolution):
    gdf = load_borders(resolution)
    antarctica = gdf[gdf["name"] == "Antarctica"].geometry.iloc[0]
    assert antarctica.contains(Point(0.0, -89.5))
    assert antarctica.contains(Point(-150.0, -89.9))


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_fiji_is_split_not_spanning_the_globe(resolution):
    gdf = load_borders(resolution)
    fiji = gdf[gdf["iso_a3"] == "FJI"].geometry.iloc[0]
    assert fiji.is_valid
    parts = shapely.get_parts(fiji)
    spans = np.array([p.bounds[2] - p.bounds[0] for p in parts])
    assert spans.max() < 10.0, "a Fiji piece is drawn across the whole map"
    # Fiji lies on both sides of the date line: pieces east of 177°E and west of 178°W.
    assert any(p.bounds[0] > 170.0 for p in parts) and any(p.bounds[2] < -170.0 for p in parts)
    # Its land area is ~18,300 km² (published); all of it within a few per cent.
    assert area_km2(fiji) == pytest.approx(18_300.0, rel=0.08)


def test_known_countries_present(borders_10m):
    for iso in ("TUR", "ARM", "GEO", "GRC", "USA", "CHN", "AUS"):
        assert iso in set(borders_10m["iso_a3"])


def test_unknown_resolution_raises():
    with pytest.raises(DataFileError, match="unknown resolution"):
        boundary_path("5m")


def test_tampered_file_raises_naming_the_file(boundaries_copy):
    target = boundaries_copy / "countries-110m.parquet"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(DataFileError) as info:
        load_borders("110m")
    assert "countries-110m.parquet" in str(info.value)
    assert "checksum" in str(info.value)
    # the untouched files in the copy still load
    assert len(load_borders("50m")) > 150


def test_truncated_file_raises(boundaries_copy):
    target = boundaries_copy / "countries-50m.parquet"
    target.write_bytes(target.read_bytes()[:1000])
    with pytest.raises(DataFileError, match="countries-50m.parquet"):
        load_borders("50m")


@pytest.mark.parametrize(
    "name, resolution, match",
    [("countries-10m.parquet", "10m", "countries-10m.parquet"), ("SHA256SUMS", "110m", "SHA256SUMS")],
)
def test_missing_file_raises_naming_it(boundaries_copy, name, resolution, match):
    (boundaries_copy / name).unlink()
    with pytest.raises(DataFileError, match=match):
        load_borders(resolution)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_plain_arrays_and_geodataframe_are_the_same_countries(resolution):
    import geopandas as gpd

    countries = load_countries(resolution)
    frame = load_borders(resolution)
    on_disk = gpd.read_parquet(boundary_path(resolution))  # geopandas' own reader, independent of ours
    assert len(countries) == len(frame) == len(on_disk)
    assert list(countries.name) == list(frame["name"])
    assert list(countries.name) == [house_names()[n] for n in on_disk["name"]]  # names.csv applied
    assert [c or None for c in countries.iso_a3] == [None if pd_isna(c) else c for c in on_disk["iso_a3"]]
    assert np.array_equal(countries.area_km2, on_disk["area_km2"].to_numpy())
    assert bool(on_disk.geometry.geom_equals_exact(frame.geometry, tolerance=0.0).all())
    assert frame.geometry.values[0] is countries.geometry[0], "the frame shares the loaded geometries"


def test_countries_spatial_index_finds_turkey():
    countries = load_countries("110m")
    hits = countries.tree.query(Point(32.85, 39.93), predicate="intersects")  # Ankara
    assert [countries.name[i] for i in hits] == ["Turkey"]


def test_countries_from_a_filtered_frame():
    frame = load_borders("110m")
    subset = frame[frame["iso_a3"].isin(["TUR", "GRC"])]
    countries = Countries.from_frame(subset)
    assert sorted(countries.name) == ["Greece", "Turkey"]
    assert len(countries.tree.query(Point(23.7, 37.98), predicate="intersects")) == 1  # Athens


def pd_isna(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def test_maps_print_current_house_style_names():
    """Natural Earth 4.1's 2018 and abbreviated names are replaced (names.csv, checked)."""
    from coverage.borders import house_names, load_countries

    names = set(load_countries("10m").name)
    for current in ("North Macedonia", "Eswatini", "Bosnia and Herzegovina", "Turkey", "Russia",
                    "Iran", "Syria", "Northern Cyprus", "Czechia"):  # fmt: skip
        assert current in names, current
    for old in ("Macedonia", "eSwatini", "Bosnia and Herz.", "Türkiye", "Russian Federation", "N. Cyprus"):
        assert old not in names, old
    assert all("," not in n for n in names)  # no inverted ISO forms ("Korea, Republic of")
    # Every feature of every resolution has an entry, so none keeps a stale name by omission.
    import pyarrow.parquet as pq

    from coverage.borders import RESOLUTIONS, boundary_path

    for resolution in RESOLUTIONS:
        raw = pq.read_table(boundary_path(resolution), columns=["name"]).column("name").to_pylist()
        assert set(raw) <= set(house_names()), resolution


def test_an_edited_names_file_names_itself(tmp_path, monkeypatch):
    import coverage.borders as borders

    edited = tmp_path / "names.csv"
    edited.write_text(borders.NAMES_CSV.read_text(encoding="utf-8").replace("Turkey,Turkey", "Turkey,Oops"))
    monkeypatch.setattr(borders, "NAMES_CSV", edited)
    borders.clear_caches()
    try:
        with pytest.raises(DataFileError, match="names.csv: checksum does not match"):
            borders.house_names()
    finally:
        monkeypatch.undo()
        borders.clear_caches()


def test_decoded_borders_are_kept_in_the_user_cache(tmp_path, monkeypatch):
    from coverage import borders, diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path))
    borders.clear_caches()
    try:
        first = borders.load_countries("110m")
        (entry,) = tmp_path.glob("borders-*.bin")
        assert first.digest is not None and first.digest in entry.name
        borders.clear_caches()
        again = borders.load_countries("110m")  # from the cache
        assert again is not first
        assert list(again.name) == list(first.name) and list(again.iso_a3) == list(first.iso_a3)
        assert list(again.iso_n3) == list(first.iso_n3)
        assert np.array_equal(again.area_km2, first.area_km2)
        assert shapely.equals_exact(again.geometry, first.geometry, 0.0).all()
        # A damaged entry is rebuilt from the shipped file, not trusted.
        raw = bytearray(entry.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        entry.write_bytes(bytes(raw))
        borders.clear_caches()
        rebuilt = borders.load_countries("110m")
        assert shapely.equals_exact(rebuilt.geometry, first.geometry, 0.0).all()
        # The geometry is kept apart, read only when asked for, and rebuilt as well if damaged.
        (shapes,) = tmp_path.glob("shapes-*.bin")
        raw = bytearray(shapes.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        shapes.write_bytes(bytes(raw))
        borders.clear_caches()
        lazy = borders.load_countries("110m")
        assert callable(lazy.shapes)
        assert shapely.equals_exact(lazy.geometry, first.geometry, 0.0).all()
    finally:
        borders.clear_caches()


def test_the_file_is_hashed_once_per_version(boundaries_copy, tmp_path, monkeypatch):
    """Checked once, the file is trusted while its size, inode and times stay; any write hashes it again."""
    import hashlib

    from coverage import borders, diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path / "cache"))
    target = boundaries_copy / "countries-110m.parquet"
    hashed: list[int] = []
    real = hashlib.sha256

    def counting(data: bytes = b"", **kwargs):
        hashed.append(len(data))
        return real(data, **kwargs)

    load_borders("110m")
    borders.clear_caches()
    monkeypatch.setattr(borders.hashlib, "sha256", counting)
    load_borders("110m")
    assert target.stat().st_size not in hashed  # trusted: not read again
    borders.clear_caches()
    target.write_bytes(target.read_bytes())  # the same bytes, written again
    load_borders("110m")
    assert target.stat().st_size in hashed


def test_a_tampered_file_fails_even_with_its_old_version_cached(boundaries_copy, tmp_path, monkeypatch):
    from coverage import borders, diskcache

    monkeypatch.setenv(diskcache.CACHE_ENV, str(tmp_path / "cache"))
    load_borders("110m")  # the untouched file's columns are now in the cache
    borders.clear_caches()
    target = boundaries_copy / "countries-110m.parquet"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match="checksum"):
        load_borders("110m")


def test_the_shipped_frame_maps_back_to_its_countries():
    from coverage.analysis import as_countries
    from coverage.borders import shipped_countries

    countries = load_countries("110m")
    frame = load_borders("110m")
    assert shipped_countries(frame) is countries
    assert as_countries(frame) is countries
    filtered = frame[frame["iso_a3"] == "TUR"]
    assert shipped_countries(filtered) is None
    assert len(as_countries(filtered)) == 1
