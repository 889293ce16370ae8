"""Place names: collision-free by zoom, the story's and reached countries never dropped."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage import labels as lb
from coverage.analysis import analyse_shipped
from coverage.catalog import load_catalog
from coverage.maps import MAP_SIZE_PX
from coverage.scenario import resolve_sites
from coverage.story import STEPS, scenario_file


def _shown(labels, codes, zoom):
    i = zoom - lb.MIN_ZOOM
    return [(label, int(code[i])) for label, code in zip(labels, codes, strict=True) if code[i] != "-"]


def _assert_no_overlap(labels, codes):
    for zoom in range(lb.MIN_ZOOM, lb.MAX_ZOOM + 1):
        shown = _shown(labels, codes, zoom)
        boxes = [(label.text, lb.label_box(label, zoom, anchor)) for label, anchor in shown]
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                assert not lb.overlaps(box_a, box_b, margin=0.0), (zoom, a, b)


@pytest.mark.parametrize(
    ("lon", "lat", "zoom", "expected"),
    [(0.0, 0.0, 0, (128.0, 128.0)), (-180.0, 0.0, 1, (0.0, 256.0)), (180.0, 85.0511287798, 2, (1024.0, 0.0))],
)
def test_world_px_matches_web_mercator(lon, lat, zoom, expected):
    x, y = lb.world_px(lon, lat, zoom)
    assert x == pytest.approx(expected[0]) and y == pytest.approx(expected[1], abs=1e-6)


def test_lon_lat_inverts_world_px():
    for lon, lat in [(0.0, 0.0), (-170.0, 60.0), (43.1, 40.6)]:
        assert lb.lon_lat(*lb.world_px(lon, lat, 5), 5) == pytest.approx((lon, lat))


def test_screen_view_takes_the_map_s_proportions():
    west, south, east, north = lb.screen_view((40.0, 38.0, 46.0, 43.0), 1100, 540)
    assert west < 40.0 and east > 46.0 and south == pytest.approx(38.0) and north == pytest.approx(43.0)
    x0, y0 = lb.world_px(west, north, 0)
    x1, y1 = lb.world_px(east, south, 0)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(1100 / 540)


def test_fit_zoom_is_leaflets_whole_zoom():
    # 360° of longitude is 256 px at zoom 0: a 1,024 px wide map fits the world at zoom 2.
    assert lb.fit_zoom((-180.0, -60.0, 180.0, 60.0), 1024, 2000) == 2
    assert lb.fit_zoom((38.0, 37.0, 48.0, 44.0), 1100, 540) == 6


label_strategy = st.builds(
    lb.Label,
    text=st.text(alphabet="ABCDEFGHIJ abc", min_size=1, max_size=18),
    lon_deg=st.floats(20.0, 40.0),
    lat_deg=st.floats(30.0, 45.0),
    kind=st.sampled_from(["country", "sea", "capital", "site"]),
    priority=st.floats(0.0, 10.0),
    min_zoom=st.integers(1, 6),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(label_strategy, max_size=40))
def test_no_two_labels_overlap_at_any_zoom(labels):
    codes = lb.place(labels)
    assert all(len(c) == lb.MAX_ZOOM - lb.MIN_ZOOM + 1 for c in codes)
    non_sites = [(label, code) for label, code in zip(labels, codes, strict=True) if label.kind != "site"]
    sites = [(label, code) for label, code in zip(labels, codes, strict=True) if label.kind == "site"]
    # Sites are obstacles (always there, may overlap each other); names overlap neither sites nor names.
    _assert_no_overlap([x for x, _ in non_sites], [c for _, c in non_sites])
    for zoom in range(lb.MIN_ZOOM, lb.MAX_ZOOM + 1):
        for label, anchor in _shown([x for x, _ in non_sites], [c for _, c in non_sites], zoom):
            for site, _ in sites:
                assert not lb.overlaps(lb.label_box(label, zoom, anchor), lb.label_box(site, zoom, 0), 0.0)


def test_higher_priority_wins_a_collision():
    first = lb.Label("TURKEY", 35.0, 39.0, "country", 0.0)
    crowd = [lb.Label(f"SOMEWHERE {i}", 35.0, 39.0, "country", 1.0) for i in range(12)]
    codes = lb.place([*crowd, first])
    assert set(codes[-1]) == {"0"}  # always shown, in its best place
    assert sum(code[0] != "-" for code in codes[:-1]) < len(crowd)  # zoomed out, no room for all


def test_one_label_of_a_group_at_a_time():
    spots = [lb.Label("TURKEY", lon, 39.0, "country", 0.0, group="TUR") for lon in (30.0, 35.0, 40.0)]
    codes = lb.place(spots)
    for i in range(lb.MAX_ZOOM - lb.MIN_ZOOM + 1):
        assert sum(code[i] != "-" for code in codes) == 1


def test_labels_thin_out_as_the_reader_zooms_out():
    labels = lb.map_labels({}, (15.0, 30.0, 50.0, 48.0))
    codes = lb.place(labels)
    counts = [len(_shown(labels, codes, z)) for z in range(lb.MIN_ZOOM, lb.MAX_ZOOM + 1)]
    assert counts[0] < counts[3] < counts[-1]


def _story_results():
    catalog = load_catalog()
    names = dict.fromkeys(step.scenario_file for step in STEPS if step.scenario_file)
    names.update(dict.fromkeys(["story-kars.json", "story.json"]))
    for name in names:
        yield name, analyse_shipped(resolve_sites(scenario_file(name), catalog))


@pytest.mark.parametrize(
    ("name", "result"), list(_story_results()), ids=lambda v: v if isinstance(v, str) else "r"
)
def test_story_and_reached_countries_are_named_at_the_story_zoom(name, result):
    from coverage.display import display_rings, display_view

    view = display_view(display_rings(result.rings, [s.lon_deg for s in result.sites]))
    zoom = max(lb.MIN_ZOOM, lb.fit_zoom(view, *MAP_SIZE_PX))
    shares = {row["iso_a3"]: row["covered_pct"] for row in result.rows if row["iso_a3"]}
    sites = [(s.name, s.lon_deg, s.lat_deg) for s in result.sites]
    labels = lb.map_labels(shares, lb.screen_view(view, *MAP_SIZE_PX), sites)
    codes = lb.place(labels)
    shown = {label.text for label, _ in _shown(labels, codes, zoom)}
    names = {p.iso_a3: p.name for p in lb.country_points()}
    must = {iso for iso, pct in shares.items() if pct >= lb.MUST_SHOW_PCT} | set(lb.STORY_COUNTRIES_ISO_A3)
    missing = {names[iso] for iso in must if iso in names} - shown
    assert not missing, (name, zoom, missing)
    names_only = [(x, c) for x, c in zip(labels, codes, strict=True) if x.kind != "site"]
    _assert_no_overlap([x for x, _ in names_only], [c for _, c in names_only])


def test_kars_names_its_neighbours():
    result = analyse_shipped(resolve_sites(scenario_file("story-kars.json"), load_catalog()))
    from coverage.maps import label_rows

    names = {row[2] for row in label_rows(result, result.view)}
    expected = {"Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey", "Black Sea", "Caspian Sea", "Tbilisi"}
    assert expected <= names


def test_seas_file_is_read_with_a_rank_and_a_point_at_sea():
    from coverage.borders import load_countries

    seas = lb.seas()
    assert {"Black Sea", "Aegean Sea", "Mediterranean Sea", "Caspian Sea"} <= {s.name for s in seas}
    with lb.SEAS_CSV.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(seas)
    land = load_countries("50m")
    import shapely

    for sea in seas:
        assert 0 <= sea.rank <= 4
        point = shapely.Point(sea.lon_deg, sea.lat_deg)
        assert not land.tree.query(point, predicate="intersects").size, sea.name  # placed on water


def test_a_country_off_the_view_is_named_on_its_part_inside():
    # Kaliningrad: Russia's usual label point is in Siberia.
    labels = lb.map_labels({"RUS": 2.0}, (17.0, 52.0, 25.0, 57.0))
    russia = [x for x in labels if x.kind == "country" and x.text == "Russia"]
    assert russia and {x.group for x in russia} == {"RUS"}
    for spot in russia:
        assert 17.0 <= spot.lon_deg <= 25.0 and 52.0 <= spot.lat_deg <= 57.0


def test_presentation_site_labels_take_more_room():
    small = lb.Label("Ankara", 32.85, 39.92, "site", -1.0)
    large = lb.Label("Ankara", 32.85, 39.92, "site", -1.0, font_px=20.0)
    (small_w, small_h), (large_w, large_h) = lb.text_size(small), lb.text_size(large)
    assert large_w > small_w and large_h > small_h
    labels = lb.map_labels(
        {"TUR": 10.0}, (30.0, 37.0, 36.0, 42.0), [("Ankara", 32.85, 39.92)], site_font_px=20.0
    )
    assert [x.font_px for x in labels if x.kind == "site"] == [20.0]


def test_site_names_go_towards_the_middle_and_stay_in_view() -> None:
    view = (25.0, 35.0, 46.0, 43.0)
    sites = [("Edirne (Greek border)", 26.56, 41.68), ("Kars (Armenian border)", 43.1, 40.6)]
    sides = lb.site_anchors(sites, view, font_px=17.0)
    assert sides[0] == 0  # west of the centre: right of the marker
    assert lb.SITE_DIRECTIONS[sides[1]] != "right"  # east: never towards the edge
    zoom = lb.fit_zoom(view, *lb.FIT_PX)
    frame = lb.view_px(view, zoom)
    for (name, lon, lat), side in zip(sites, sides, strict=True):
        box = lb.label_box(lb.Label(name, lon, lat, "site", -1.0, font_px=17.0), zoom, side)
        assert lb.inside(box, frame), name


def test_a_site_name_keeps_off_a_highlighted_line() -> None:
    view = (26.0, 35.0, 46.0, 43.0)
    # A line running east from just right of the site: its name must not go right.
    line = ("Border", [(43.2 + 0.05 * i, 40.6) for i in range(40)])
    (side,) = lb.site_anchors([("Kars", 43.1, 40.6)], view, [line], font_px=13.0)
    assert lb.SITE_DIRECTIONS[side] != "right"


def test_highlight_names_sit_beside_their_lines_inside_the_view() -> None:
    view = (26.0, 35.0, 46.0, 43.0)
    lines = [("Greek border", [(26.3, 40.6 + 0.02 * i) for i in range(60)])]
    found = lb.highlight_labels(lines, view)
    names = [x for x in found if x.kind == "highlight"]
    obstacles = [x for x in found if x.kind == "line"]
    assert len(obstacles) > 50 and names
    assert {x.group for x in names} == {"highlight 0"}  # alternatives: one shows
    codes = lb.place(found)
    zoom = lb.fit_zoom(view, *lb.FIT_PX)
    shown = [
        (x, int(code[zoom - lb.MIN_ZOOM]))
        for x, code in zip(found, codes, strict=True)
        if x.kind == "highlight" and code[zoom - lb.MIN_ZOOM] != "-"
    ]
    assert len(shown) == 1
    label, anchor = shown[0]
    assert lb.ANCHORS["highlight"][anchor][0] > 0  # a line west of the centre: named on its east
    box = lb.label_box(label, zoom, anchor)
    assert lb.inside(box, lb.view_px(view, zoom))
    for o in obstacles:
        assert not lb.overlaps(box, lb.label_box(o, zoom, 0)), "the name covers its line"


def test_sites_sharing_a_place_get_one_label():
    """Several figures around one city (the spread step): one label, the names' common start."""
    from coverage.scenario import Site

    sites = [
        Site("Ankara (9M96 missile)", 39.9, 32.9, 121_000.0),
        Site("Kars", 40.6, 43.1, 100_000.0),
        Site("Ankara (TASS, 2018)", 39.9, 32.9, 250_000.0),
    ]
    assert lb.site_labels(sites) == ["Ankara", "Kars", None]
    assert lb.site_labels([Site("A", 0.0, 0.0, 1e3), Site("B", 0.0, 0.0, 2e3)]) == ["A", None]


@pytest.mark.parametrize(
    ("first", "second", "shared", "rings"),
    [
        ("Incirlik (S-400)", "Incirlik (S-300)", "Incirlik", ["S-400", "S-300"]),
        ("Ankara (TASS, 2018)", "Ankara (TASS, 2019)", "Ankara", ["TASS, 2018", "TASS, 2019"]),
        ("Ankara North", "Ankara Nord", "Ankara", ["North", "Nord"]),
        ("Ankara (9M96 missile)", "Ankara (TASS, 2018)", "Ankara", ["9M96 missile", "TASS, 2018"]),
        ("Ankara", "Ankara (x)", "Ankara", [None, "x"]),
    ],
)
def test_a_shared_name_is_cut_between_words(first, second, shared, rings):
    """The name that sites sharing a place share, and what tells their rings apart, are whole
    words, never "Incirlik (S" and "400"."""
    from coverage.scenario import Site

    sites = [Site(first, 39.0, 35.0, 1e5), Site(second, 39.0, 35.0, 2e5)]
    assert lb.site_labels(sites) == [shared, None]
    assert lb.ring_names(sites) == rings


def _seas_file(tmp_path, monkeypatch, text: str):
    path = tmp_path / "seas.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(lb, "SEAS_CSV", path)
    lb.seas.cache_clear()
    return path


@pytest.fixture
def restore_seas():
    yield
    lb.seas.cache_clear()


def test_the_one_seas_table_is_read_with_what_both_maps_need(tmp_path, monkeypatch, restore_seas):
    table = "name,lat,lon,rank\nBering Sea,58.5,-178.0,2\nPacific Ocean,20,-150,0\n"
    _seas_file(tmp_path, monkeypatch, table)
    assert lb.seas() == (lb.Sea("Bering Sea", 58.5, -178.0, 2), lb.Sea("Pacific Ocean", 20.0, -150.0, 0))


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("Black Sea,43.4,34.0\n", r"line 2: 3 values where 4"),
        ("Black Sea,north,34.0,1\n", r"line 2: lat 'north' of Black Sea is not a number"),
        ("Black Sea,43.4,200,1\n", r"line 2: lon 200 of Black Sea is outside \[-180, 180\]"),
        ("Black Sea,nan,34.0,1\n", r"line 2: lat nan of Black Sea is outside"),
        ("Black Sea,43.4,34.0,5\n", r"line 2: rank '5' of Black Sea is not a whole number from 0 to 4"),
        ("Black Sea,43.4,34.0,-1\n", r"line 2: rank '-1'"),
        (" ,43.4,34.0,1\n", r"line 2: the name ' ' is blank"),
        ("Black Sea,43.4,34.0,1\nBlack Sea,43.0,34.0,1\n", r"line 3: 'Black Sea' is listed twice"),
    ],
)
def test_a_broken_seas_row_is_a_clear_error_naming_its_line(
    tmp_path, monkeypatch, restore_seas, rows, problem
):
    from coverage.errors import DataFileError

    path = _seas_file(tmp_path, monkeypatch, "name,lat,lon,rank\n" + rows)
    with pytest.raises(DataFileError, match=problem) as caught:
        lb.seas()
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_seas_with_other_columns_are_refused(tmp_path, monkeypatch, restore_seas):
    from coverage.errors import DataFileError

    _seas_file(tmp_path, monkeypatch, "name,lon,lat,rank\nBlack Sea,34.0,43.4,1\n")
    with pytest.raises(DataFileError, match="the columns must be name,lat,lon,rank, not name,lon,lat,rank"):
        lb.seas()


@pytest.fixture(scope="module")
def land_110m():
    import numpy as np
    import shapely

    from coverage.borders import load_countries

    tree = shapely.STRtree(shapely.get_parts(load_countries("110m").geometry))

    def land(lons, lats):
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        hit = np.zeros(len(points), dtype=bool)
        hit[tree.query(points, predicate="intersects")[0]] = True
        return hit

    return land


@pytest.mark.parametrize(
    ("lon", "lat", "name"),
    [
        (-150.0, 0.0, "Pacific Ocean"),  # mid-Pacific, no land for 2,000 km
        (-178.5, 63.5, "Bering Sea"),  # the Gulf of Anadyr: the Chukchi Sea's point is beyond Chukotka
        (-80.0, 6.0, "Pacific Ocean"),  # off Panama's Pacific coast: the Caribbean is across the isthmus
        (-20.0, -10.0, "Atlantic Ocean"),
        (-30.0, 45.0, "Atlantic Ocean"),
        (75.0, -30.0, "Indian Ocean"),
        (20.0, 88.0, "Arctic Ocean"),
        (33.5, 42.5, "Black Sea"),
    ],
)
def test_open_water_is_named_by_the_nearest_label_point_over_water(land_110m, lon, lat, name):
    assert not land_110m([lon], [lat])[0]
    sea = lb.sea_for_water(lon, lat, land_110m)
    assert sea is not None and sea.name == name


def test_water_no_label_point_is_seen_from_stays_unnamed_rather_than_misnamed(land_110m):
    # The Gulf of Guinea: the Red Sea's and the Mediterranean's points lie across Africa (and
    # beyond their reach), and West Africa's bulge hides the Atlantic Ocean's point. A known
    # limit of a rule on points (data/places/README.md): no name, never a wrong one.
    assert lb.sea_for_water(3.0, 2.0, land_110m) is None


def test_a_sea_names_no_water_beyond_its_reach(land_110m):
    # Mid-South-Pacific: the Tasman Sea's point is nearer than the Pacific Ocean's, but 5,000 km off.
    sea = lb.sea_for_water(-140.0, -40.0, land_110m)
    assert sea is not None and sea.name == "Pacific Ocean"
    import numpy as np

    assert lb.sea_for_water(-140.0, -40.0, lambda lons, lats: np.ones(len(lons), dtype=bool)) is None
