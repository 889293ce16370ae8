"""coverage.integrity: shipped data files that no schema covers are checked by their SHA-256."""

from __future__ import annotations

import pytest

from coverage import integrity, paths
from coverage.errors import DataFileError


def test_every_listed_file_matches_its_checksum():
    for name in integrity.CHECKED:
        assert integrity.verified_bytes(paths.DATA_DIR / name)
    listed = [line.split()[1] for line in integrity.SUMS_PATH.read_text(encoding="utf-8").splitlines()]
    assert listed == list(integrity.CHECKED)


def _damage(name: str):
    """Each damage a file could suffer silently: a changed value, a dropped row, a cut."""
    return [
        lambda t: t.replace("4", "5", 1) if "4" in t else t.replace("a", "b", 1),
        lambda t: "\n".join(t.splitlines()[:-1]) + "\n",
        lambda t: t[: len(t) // 2],
    ]


def _readers():
    from coverage import catalog as cat
    from coverage import i18n, places, scenario, timeline

    return {
        "places/story_places.csv": (places.story_places, [places.story_places]),
        "places/capitals.csv": (places.capitals, [places.capitals]),
        "places/names_i18n.csv": (i18n._all_place_names, [i18n._all_place_names]),
        "boundaries/names_i18n.csv": (i18n._all_country_names, [i18n._all_country_names]),
        "schemas/scenario.schema.json": (lambda: scenario._schema().document, [scenario._schema]),
        "catalog/schema.json": (lambda: cat._schema().document, [cat._schema]),
        "story/timeline.schema.json": (lambda: timeline._schema().document, [timeline._schema]),
    }


@pytest.mark.parametrize("name", integrity.CHECKED)
@pytest.mark.parametrize("damage", range(3))
def test_a_damaged_file_names_itself_where_it_is_read(name, damage):
    read, caches = _readers()[name]
    path = paths.DATA_DIR / name
    original = path.read_bytes()

    def forget() -> None:
        integrity.clear_cache()
        for cached in caches:
            cached.cache_clear()

    try:
        path.write_text(_damage(name)[damage](original.decode("utf-8")), encoding="utf-8")
        assert path.read_bytes() != original
        forget()
        with pytest.raises(DataFileError, match=rf"{path.name}: checksum does not match"):
            read()
    finally:
        path.write_bytes(original)
        forget()
    assert read()  # restored
