"""Rebuild data/places/names_i18n.csv: the story's places, capitals and seas in Turkish and Greek.

Two sources, each row saying which:
- capitals (``capitals.csv``) and the story's capitals: the exemplar city of CLDR's time
  zone of the same English name, as Babel ships it (Europe/Athens: "Atina", "Αθήνα");
- :data:`READ`: names read in a stored public page, with its address.
A place with neither keeps its own name in that language (the list below says which).
Run: ``.venv/bin/python scripts/build_place_names.py`` (then ``python -m coverage.integrity``).
"""

from __future__ import annotations

import csv
import sys
from importlib.metadata import version

from babel import Locale

from coverage.i18n import LANGS, PLACE_NAMES_CSV
from coverage.paths import PLACES_DIR

_NATURAL_EARTH = (
    "https://github.com/nvkelso/natural-earth-vector/blob/117488dc884bad03366ff727eca013e434615127/"
    "geojson/ne_110m_geography_marine_polys.geojson (Natural Earth, name_tr and name_el)"
)
READ: dict[tuple[str, str], tuple[str, str]] = {
    # (English name, language) -> (name, page it was read on)
    ("Aegean Sea", "tr"): ("Ege Denizi", "http://allaboutturkey.com/sea.htm"),
    ("Black Sea", "tr"): ("Karadeniz", "http://allaboutturkey.com/sea.htm"),
    ("Sea of Marmara", "tr"): ("Marmara Denizi", "http://allaboutturkey.com/sea.htm"),
    ("Mediterranean Sea", "tr"): ("Akdeniz", "http://www.lastura.com.tr/turkiye/denizler.xhtml"),
    ("Sea of Azov", "tr"): ("Azak Denizi", "https://ipfs.io/ipns/tr.wikipedia-on-ipfs.org/wiki/Azak_Denizi"),
    ("Caspian Sea", "tr"): (
        "Hazar Denizi",
        "https://portal.yandex.com.tr/yaozet/t/hazar-denizi?lang-filter=tr",
    ),
    ("Caspian Sea", "el"): ("Κασπία Θάλασσα", "https://el.ynyoo.com/10131/101311/1013096587.html"),
    ("Red Sea", "el"): ("Ερυθρά Θάλασσα", "https://el.ynyoo.com/10131/101311/1013096587.html"),
    ("Persian Gulf", "el"): ("Περσικός Κόλπος", "https://el.ynyoo.com/10131/101311/1013096587.html"),
    ("Arctic Ocean", "tr"): ("Arktik Okyanusu", _NATURAL_EARTH),
    ("Arctic Ocean", "el"): ("Αρκτικός Ωκεανός", _NATURAL_EARTH),
    ("Thessaloniki", "tr"): (
        "Selanik",
        "https://ensonhaber.com/galeri/yunanistanin-ikinci-buyuk-kenti-selanik",
    ),
    ("Aegean Sea", "el"): ("Αιγαίο Πέλαγος", "https://en.metapedia.org/wiki/Aegean_Sea"),
    ("Black Sea", "el"): ("Μαύρη Θάλασσα", "http://sainia.gr (Εύξεινος Πόντος ή Μαύρη Θάλασσα)"),
    ("Mediterranean Sea", "el"): ("Μεσόγειος Θάλασσα", "http://sainia.gr (Εύξεινος Πόντος ή Μαύρη Θάλασσα)"),
    ("Ankara", "el"): (
        "Άγκυρα",
        "https://tomanifesto.gr/i-rosia-paradidei-kai-to-deytero-meros-ton-s-400-stin-toyrkia/",
    ),
    ("Sinop", "el"): (
        "Σινώπη",
        "https://europost.gr/oi-toyrkoi-energopoioyn-toys-s-400-meteferan-systoichies-sti-sinopi/amp",
    ),
    ("İzmir", "el"): ("Σμύρνη", "https://filmov.tv/video/g4Mr2Zp6tGt/-.html (Αιγαίο πέλαγος)"),
    ("Thessaloniki", "el"): ("Θεσσαλονίκη", "https://www.rainercorfu.de/hellas/thessaloniki/"),
    ("Adana", "el"): ("Άδανα", "http://greeksurnames.blogspot.com/2015/10/blog-post_15.html"),
}


def _cldr_cities() -> dict[str, dict[str, str]]:
    """{English exemplar city: {lang: city}} over CLDR's time zones."""
    english = Locale("en")
    out: dict[str, dict[str, str]] = {}
    for zone in Locale("tr").time_zones.keys() | Locale("el").time_zones.keys():
        name = english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        for lang in LANGS[1:]:
            city = Locale(lang).time_zones.get(zone, {}).get("city")
            if city:
                out.setdefault(name, {})[lang] = f"{city}\t{zone}"
    return out


def main() -> int:
    names: list[str] = []
    for table in ("story_places.csv", "capitals.csv", "seas.csv"):
        with (PLACES_DIR / table).open(encoding="utf-8") as handle:
            names += [row["name"] for row in csv.DictReader(handle)]
    names += [name for name, _ in READ if name not in names]
    cities = _cldr_cities()
    rows, missing = [], []
    for name in dict.fromkeys(names):
        for lang in LANGS[1:]:
            if (name, lang) in READ:
                translated, page = READ[name, lang]
                rows.append([name, lang, translated, f"read in {page}"])
            elif lang in cities.get(name, {}):
                city, zone = cities[name][lang].split("\t")
                rows.append([name, lang, city, f"CLDR exemplar city of {zone}, Babel {version('babel')}"])
            else:
                missing.append(f"{name} ({lang})")
    with PLACE_NAMES_CSV.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "lang", "translated", "source"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} names to {PLACE_NAMES_CSV}; kept as they are: {len(missing)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
