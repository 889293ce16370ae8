"""Place names: story places (case/accent-insensitive), GeoNames cities, unknown names."""

from __future__ import annotations

import pytest

from coverage.errors import PlaceNotFoundError
from coverage.places import capitals, find_place, normalise, search_places, story_places


@pytest.mark.parametrize(
    "query, name, lat, lon",
    [
        ("izmir", "İzmir", 38.41, 27.14),
        ("İZMİR", "İzmir", 38.41, 27.14),
        ("IĞDIR", "Iğdır", 39.92, 44.05),
        ("igdir", "Iğdır", 39.92, 44.05),
        ("Murted", "Mürted Air Base", 40.08, 32.57),
        ("mürted air base", "Mürted Air Base", 40.08, 32.57),
        ("Akıncı Air Base", "Mürted Air Base", 40.08, 32.57),  # its name 1993-2016
        ("sinop", "Sinop", 42.03, 35.16),  # Turkey's, not the larger Sinop in Brazil
        ("  kars ", "Kars", 40.60, 43.09),
        ("SMYRNA", "İzmir", 38.41, 27.14),
    ],
)
def test_story_places_resolve(query, name, lat, lon):
    place = find_place(query)
    assert place.name == name
    assert place.lat_deg == pytest.approx(lat, abs=0.01)
    assert place.lon_deg == pytest.approx(lon, abs=0.01)


def test_geonames_city_resolves():
    tokyo = find_place("Tokyo")
    # Tokyo, GeoNames 1850147: 35.6895 N, 139.6917 E
    assert tokyo.lat_deg == pytest.approx(35.69, abs=0.1)
    assert tokyo.lon_deg == pytest.approx(139.69, abs=0.1)
    assert tokyo.country_iso_a3 == "JPN"
    assert tokyo.source.startswith("GeoNames")


def test_geonames_city_accent_insensitive():
    place = find_place("sao paulo")
    assert place.lat_deg == pytest.approx(-23.55, abs=0.1)
    assert place.country_iso_a3 == "BRA"


@pytest.mark.parametrize("name", ["Atlantis-upon-Nowhere", "xyzzy", "   ", ""])
def test_unknown_place_raises(name):
    with pytest.raises(PlaceNotFoundError):
        find_place(name)


def test_normalise_handles_turkish_i():
    assert normalise("İzmir") == normalise("izmir") == normalise("IZMIR")
    assert normalise("Iğdır") == "igdir"


def test_story_places_have_coordinates_and_kinds():
    places = story_places()
    assert len(places) >= 10
    for p in places:
        assert -90 <= p.lat_deg <= 90 and -180 <= p.lon_deg <= 180
        assert p.kind
    assert {"Ankara", "Kars", "Edirne", "İzmir"} <= {p.name for p in places}


def test_search_places_prefix():
    names = [p.name for p in search_places("ed")]
    assert "Edirne" in names
    assert search_places("") == []


def test_capitals_include_the_region():
    caps = capitals()
    assert caps["ARM"].name == "Yerevan"
    assert caps["TUR"].name == "Ankara"
    assert caps["ARM"].lat_deg == pytest.approx(40.18, abs=0.05)


def test_matches_are_named_in_full_the_biggest_first() -> None:
    from coverage.places import find_matches

    found = find_matches("Springfield")
    assert len(found) > 3
    assert found[0].full_name == "Springfield, Missouri, United States"
    assert "Springfield, Illinois, United States" in [m.full_name for m in found]
    people = [m.population for m in found]
    assert all(p for p in people) and people == sorted(people, reverse=True)  # type: ignore[type-var]


def test_a_story_place_comes_first_with_what_geonames_says_of_it() -> None:
    from coverage.places import find_matches

    (kars,) = find_matches("kars")
    assert kars.place.kind != "city" or kars.place.name == "Kars"
    assert kars.country == "Turkey" and kars.population and kars.population > 50_000
    assert kars.spelling is None  # typed as named


def test_another_spelling_is_said() -> None:
    from coverage.places import find_matches

    (chania,) = find_matches("Chania")
    assert chania.place.name == "Chaniá" and chania.spelling == "Chania"
    assert "found as 'Chania'" in chania.describe()
    smyrna = find_matches("Smyrna")
    assert smyrna[0].place.name == "İzmir" and "found as 'Smyrna'" in smyrna[0].describe()


def test_no_match_gives_nothing_and_close_spellings_are_hints_only() -> None:
    from coverage.places import find_matches, spelling_hints

    assert find_matches("Xyzzyq") == [] and spelling_hints("Xyzzyq") == []
    assert find_matches("Ankra") == []
    assert "Ankara" in spelling_hints("Ankra")


def test_atlantis_is_named_as_the_town_it_is() -> None:
    """GeoNames has a town of 80,000 called Atlantis: the search says where it is, never silently."""
    from coverage.places import find_matches

    (atlantis,) = find_matches("Atlantis")
    assert atlantis.full_name == "Atlantis, South Africa"
