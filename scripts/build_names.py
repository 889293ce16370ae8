"""Rebuild data/boundaries/names.csv: the house-style English name of every border feature.

Natural Earth 4.1 (2018) abbreviates and dates its names ("Macedonia", "eSwatini",
"Bosnia and Herz."). We take the current name from ISO 3166 as ``pycountry`` ships it
(its ``common_name`` where it has one: "Iran", "Syria"), then apply the house style
below, where ISO's formal or inverted form is not what a newsroom prints. Features with
no ISO code (Northern Cyprus, Kosovo, Somaliland…) keep Natural Earth's name, spelled
out. The loader reads the CSV (no pycountry import on the report's path).
Run: ``.venv/bin/python scripts/build_names.py``.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from importlib.metadata import version

import pyarrow.parquet as pq
import pycountry

from coverage.borders import NAMES_CSV, RESOLUTIONS, boundary_path

HOUSE_STYLE: dict[str, tuple[str, str]] = {
    # ISO name -> (house name, why)
    "Türkiye": ("Turkey", "the name the story and most English-language newsrooms print"),
    "Russian Federation": ("Russia", "common English name"),
    "Brunei Darussalam": ("Brunei", "common English name"),
    "Virgin Islands, British": ("British Virgin Islands", "uninverted"),
    "Virgin Islands, U.S.": ("US Virgin Islands", "uninverted"),
    "Congo, The Democratic Republic of the": ("DR Congo", "common English name"),
    "Falkland Islands (Malvinas)": ("Falkland Islands", "common English name"),
    "Micronesia, Federated States of": ("Micronesia", "common English name"),
    "Palestine, State of": ("Palestine", "common English name"),
    "Saint Helena, Ascension and Tristan da Cunha": ("Saint Helena", "the feature is Saint Helena"),
    "Sint Maarten (Dutch part)": ("Sint Maarten", "common English name"),
    "Saint Martin (French part)": ("Saint Martin", "common English name"),
    "Holy See (Vatican City State)": ("Vatican City", "common English name"),
}

NO_CODE: dict[str, str] = {
    # Natural Earth name of a feature without an ISO code -> spelled out
    "N. Cyprus": "Northern Cyprus",
    "Cyprus U.N. Buffer Zone": "UN buffer zone in Cyprus",
    "Indian Ocean Ter.": "Indian Ocean Territories",
    "Ashmore and Cartier Is.": "Ashmore and Cartier Islands",
    "Clipperton I.": "Clipperton Island",
    "Coral Sea Is.": "Coral Sea Islands",
    "Spratly Is.": "Spratly Islands",
}


def house_name(ne_name: str, iso_a3: str | None) -> tuple[str, str]:
    """(name, where it comes from) for one Natural Earth feature."""
    country = pycountry.countries.get(alpha_3=iso_a3) if iso_a3 else None
    if country is None:
        return NO_CODE.get(ne_name, ne_name), "Natural Earth (no ISO 3166 code)"
    iso = getattr(country, "common_name", None) or country.name
    if iso in HOUSE_STYLE:
        return HOUSE_STYLE[iso][0], f"house style: {HOUSE_STYLE[iso][1]} (ISO 3166: {iso})"
    return iso, f"ISO 3166 via pycountry {version('pycountry')}"


def main() -> int:
    features: dict[str, str | None] = {}
    for resolution in RESOLUTIONS:
        table = pq.read_table(boundary_path(resolution), columns=["name", "iso_a3"]).to_pydict()
        for name, iso in zip(table["name"], table["iso_a3"], strict=True):
            features.setdefault(str(name), iso)
    rows = [(ne, *house_name(ne, iso)) for ne, iso in sorted(features.items())]
    with NAMES_CSV.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["natural_earth_name", "name", "source"])
        writer.writerows(rows)
    digest = hashlib.sha256(NAMES_CSV.read_bytes()).hexdigest()
    print(f"wrote {len(rows)} names to {NAMES_CSV} (sha256 {digest}); update SHA256SUMS", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
