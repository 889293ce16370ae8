"""Rebuild data/boundaries/names.csv: the house-style English name of every border feature.

Natural Earth 4.1 (2018) abbreviates and dates its names ("Macedonia", "eSwatini",
"Bosnia and Herz."). We take the current name from ISO 3166 as ``pycountry`` ships it
(its ``common_name`` where it has one: "Iran", "Syria"), then apply the house style
below, where ISO's formal or inverted form is not what a newsroom prints. Features with
no ISO code (Northern Cyprus, Kosovo, Somaliland…) keep Natural Earth's name, spelled
out. The loader reads the CSV (no pycountry import on the report's path).
It also writes ``data/boundaries/names_i18n.csv``: each name in Turkish and Greek
(:data:`coverage.i18n.LANGS`), from pycountry's gettext translations of ISO 3166
(the iso-codes project), with the same house style applied per language: where the
English house name overrides ISO, where ISO's translation is missing or formal/inverted,
the language's common name from CLDR (Babel's territory names) is taken instead.
Run: ``.venv/bin/python scripts/build_names.py`` (then ``python -m coverage.integrity``).
"""

from __future__ import annotations

import csv
import gettext
import hashlib
import sys
from importlib.metadata import version

import pyarrow.parquet as pq
import pycountry
from babel import Locale

from coverage.borders import NAMES_CSV, RESOLUTIONS, boundary_path
from coverage.i18n import COUNTRY_NAMES_CSV, LANGS

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


NO_CODE_READ: dict[tuple[str, str], tuple[str, str]] = {
    # (house name, language) of a feature without an ISO code -> (name, page it was read on)
    ("Northern Cyprus", "tr"): ("Kuzey Kıbrıs", "https://is.wikipedia.org/wiki/Nor%C3%B0ur-K%C3%BDpur"),
    ("Northern Cyprus", "el"): (
        "Βόρεια Κύπρος",
        "el.wikipedia (redirect title Βόρεια Κύπρος, article Τουρκική Δημοκρατία της Βόρειας Κύπρου)",
    ),
}

# CLDR's names that disambiguate rather than name ("Kongo - Brazavil", "Çin Hong Kong ÖİB").
_CLDR_DISAMBIGUATION = (" - ", "ÖİB", "ΕΔΠ")


def translated_name(house: str, iso_a3: str | None, lang: str) -> tuple[str, str]:
    """(name in ``lang``, where it comes from) for the feature whose house English name is ``house``."""
    country = pycountry.countries.get(alpha_3=iso_a3) if iso_a3 else None
    cldr_source = f"CLDR via Babel {version('babel')}"
    if country is None:
        if (house, lang) in NO_CODE_READ:
            name, page = NO_CODE_READ[house, lang]
            return name, f"read in {page}"
        if house == "Kosovo":  # no ISO 3166 code, but CLDR has the user-assigned XK
            return Locale(lang).territories["XK"], f"{cldr_source} (XK)"
        return house, "not translated: no ISO 3166 code and no name read in this language"
    iso = getattr(country, "common_name", None) or country.name
    catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    found = catalog.gettext(iso)
    pycountry_source = f"ISO 3166 via pycountry {version('pycountry')}"
    formal = found == iso or iso in HOUSE_STYLE or ", " in found or "(" in found
    cldr = Locale(lang).territories.get(country.alpha_2)
    if formal and cldr and not any(mark in cldr for mark in _CLDR_DISAMBIGUATION):
        return cldr, f"house style: common name, {cldr_source} ({country.alpha_2})"
    return found, pycountry_source


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
    with COUNTRY_NAMES_CSV.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "lang", "translated", "source"])
        seen: set[str] = set()
        for ne, house, _ in rows:
            if house in seen:
                continue
            seen.add(house)
            for lang in LANGS[1:]:
                writer.writerow([house, lang, *translated_name(house, features[ne], lang)])
    digest = hashlib.sha256(NAMES_CSV.read_bytes()).hexdigest()
    print(f"wrote {len(rows)} names to {NAMES_CSV} (sha256 {digest}); update SHA256SUMS", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
