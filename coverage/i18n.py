"""Languages: the app's words from gettext catalogs, its numbers and dates from Babel.

English is the source language; Turkish (``tr``) and Greek (``el``) come from
``coverage/locale/<lang>/LC_MESSAGES/messages.po``, managed with Babel
(``pybabel extract/update/compile``, see CONTRIBUTING.md). Nothing here is global:
every caller passes a :class:`Translator` (or a language code) along, so two
Streamlit sessions in two languages never see each other's words.

Strings are marked for extraction where they are written: ``tr.gettext("…")`` where
a translator is at hand, :func:`N_` for text defined at import time (translated
later with ``tr.gettext(text)``). Country names come from ISO 3166 as pycountry
translates it, with the house style (``data/boundaries/names_i18n.csv``); the
names of the story's places, capitals and seas from ``data/places/names_i18n.csv``.
"""

from __future__ import annotations

import csv
import gettext
import io
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, Literal, get_args

from coverage import paths
from coverage.errors import CoverageError

Lang = Literal["en", "tr", "el"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"
"""``<lang>/LC_MESSAGES/messages.po`` (in git) and ``.mo`` (built by scripts/setup.sh)."""
COUNTRY_NAMES_CSV = paths.BOUNDARIES_DIR / "names_i18n.csv"
PLACE_NAMES_CSV = paths.PLACES_DIR / "names_i18n.csv"

# The house writes "12 %" in English (a space before the sign, as the maps always have);
# Turkish ("%12") and Greek ("12%") follow their locale's own pattern (CLDR via Babel).
_PERCENT_PATTERNS: dict[str, str] = {"en": "#,##0{decimals} %"}
_UNIT_SYMBOLS = {"km": "km", "mi": "mi", "nmi": "nmi"}


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (text defined at import time)."""
    return message


def check_lang(lang: str) -> Lang:
    """``lang`` as a :data:`Lang`, or a :class:`CoverageError` naming the choices."""
    for known in LANGS:
        if lang == known:
            return known
    raise CoverageError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")


def best_lang(preferred: str | None) -> Lang:
    """The supported language closest to a browser's ``preferred`` one ("tr-TR" → tr); else English."""
    if not preferred:
        return DEFAULT_LANG
    code = preferred.replace("_", "-").split("-")[0].strip().lower()
    return next((lang for lang in LANGS if lang == code), DEFAULT_LANG)


def language_name(lang: Lang) -> str:
    """The language's name in itself: "English", "Türkçe", "Ελληνικά" (CLDR, via Babel)."""
    from babel import Locale

    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


class Translator:
    """The words, numbers and dates of one language. Get one with :func:`translator`."""

    def __init__(self, lang: Lang, catalog: gettext.NullTranslations) -> None:
        self.lang: Lang = lang
        self._catalog = catalog

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English if the catalog lacks it)."""
        return self._catalog.gettext(message) if message else message

    def pgettext(self, context: str, message: str) -> str:
        """``message`` in this language where the same English word needs another translation
        in ``context`` (the "mile" of "a 250-mile circle" is not the "mile" of "250 miles")."""
        return self._catalog.pgettext(context, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n``, by this language's plural rule."""
        return self._catalog.ngettext(singular, plural, n)

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` with this language's separators: 1,234.5 (en), 1.234,5 (tr, el)."""
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def percent(self, value_pct: float, decimals: int = 0) -> str:
        """A share given in per cent: "12 %" (en), "%12" (tr), "12%" (el)."""
        from babel import Locale
        from babel.numbers import format_percent

        fraction = "." + "0" * decimals if decimals else ""
        pattern = _PERCENT_PATTERNS.get(self.lang)
        if pattern is not None:
            return format_percent(
                value_pct / 100.0, format=pattern.format(decimals=fraction), locale=self.lang
            )
        default = Locale.parse(self.lang).percent_formats[None].pattern
        return format_percent(
            value_pct / 100.0, format=default.replace("#,##0", "#,##0" + fraction), locale=self.lang
        )

    def area(self, value: float, unit: str = "km", decimals: int = 0) -> str:
        """An area: "1,234.5 km²" (en), "1.234,5 km²" (tr, el) with one decimal; square miles in words."""
        number = self.number(value, decimals)
        if unit == "km":
            return f"{number} km²"
        if unit == "mi":
            return self.gettext("{number} sq mi").format(number=number)
        return self.gettext("{number} sq nmi").format(number=number)

    def unit_word(self, unit: str, count: float = 2) -> str:
        """The unit as a word: "miles", "mil" (tr), "μίλια" (el); singular for a count of 1."""
        n = 1 if count == 1 else 2
        if unit == "km":
            return self.ngettext("kilometre", "kilometres", n)
        if unit == "mi":
            return self.ngettext("mile", "miles", n)
        if unit == "nmi":
            return self.ngettext("nautical mile", "nautical miles", n)
        raise CoverageError(f"unknown unit {unit!r}: use one of km, mi, nmi")

    def unit_symbol(self, unit: str) -> str:
        """The unit's short form as this language writes it on a map: km, mi, nmi (en), km, mil, dm."""
        symbols = {"km": "km", "mi": self.gettext("mi"), "nmi": self.gettext("nmi")}
        return symbols.get(unit, _UNIT_SYMBOLS.get(unit, unit))

    def distance(self, metres: float, unit: str = "km", *, both: bool = True) -> str:
        """ "400 km (249 mi)" as :func:`coverage.units.format_distance`, in this language's
        numbers and unit symbols ("400 km (249 mil)")."""
        from coverage.units import check_unit, from_metres

        main = f"{self.number(from_metres(metres, unit))} {self.unit_symbol(check_unit(unit))}"
        if not both:
            return main
        other = "km" if unit == "mi" else "mi"
        return f"{main} ({self.number(from_metres(metres, other))} {self.unit_symbol(other)})"

    def date(self, iso: str | None, *, month: str = "MMM") -> str:
        """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as this language writes it: "5 Jul 2017",
        "5 Tem 2017", "5 Ιουλ 2017"; "undated" for None."""
        from babel.dates import format_date as _babel_date

        if not iso:
            return self.gettext("undated")
        parts = [int(p) for p in iso.split("-")]
        if len(parts) == 1:
            return str(parts[0])
        when = date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
        if len(parts) == 2:
            # Greek needs the nominative month for a month alone ("Ιούλιος 2017"): Babel's
            # stand-alone form (L), not the genitive of a day's date (M).
            return _babel_date(when, format=month.replace("M", "L") + " y", locale=self.lang)
        return _babel_date(when, format=f"d {month} y", locale=self.lang)

    def country(self, name: str) -> str:
        """A country's house-style English name (as :mod:`coverage.borders` loads it) in this language."""
        return _country_names(self.lang).get(name, name)

    def place(self, name: str) -> str:
        """A place's or a sea's English name in this language (the curated table), or a shipped
        site's name from the catalog ("İzmir (Aegean coast)"); else the name as it is."""
        found = _place_names(self.lang).get(name)
        return found if found is not None else self.gettext(name)

    def shipped(self, text: str) -> str:
        """A shipped scenario's title or subtitle in this language; a user's own text as it is."""
        return self.gettext(text)


@lru_cache(maxsize=len(LANGS))
def translator(lang: str = DEFAULT_LANG) -> Translator:
    """The :class:`Translator` of ``lang`` (one per language, shared: it holds no state)."""
    code = check_lang(lang)
    if code == "en":
        return EN
    return Translator(code, _load_catalog(code))


EN = Translator("en", gettext.NullTranslations())
"""English, the source language: the default wherever no language is passed."""


def _load_catalog(lang: Lang) -> gettext.NullTranslations:
    """The compiled catalog; compiled from the ``.po`` in memory when no fresh ``.mo`` was built
    (a checkout without scripts/setup.sh, a wheel), so the words never lag behind the ``.po``."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.is_file():
        raise CoverageError(f"{po}: the {lang} catalog is missing")
    return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_bytes(), lang)))


def compile_po(po_bytes: bytes, lang: str) -> bytes:
    """A ``.po`` file's bytes compiled to ``.mo`` bytes (what ``pybabel compile`` writes; fuzzy skipped)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes), locale=lang)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def catalog_problems(template: Path) -> list[str]:
    """What the ``.po`` files lack against ``template`` (a freshly extracted ``.pot``): strings
    missing, empty or fuzzy, one line each; empty when every language says every string."""
    from babel.messages.pofile import read_po

    def key(message: object) -> tuple[str | None, str]:
        msgid = getattr(message, "id", "")
        return getattr(message, "context", None), msgid if isinstance(msgid, str) else msgid[0]

    with template.open("rb") as handle:
        wanted = {key(m) for m in read_po(handle) if m.id}
    problems = []
    for lang in LANGS[1:]:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as handle:
            found = {key(m): m for m in read_po(handle, locale=lang) if m.id}
        problems += [f"{po}: missing {msgid!r}" for _, msgid in sorted(wanted - found.keys(), key=str)]
        for (_, msgid), message in found.items():
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                problems.append(f"{po}: {'fuzzy' if message.fuzzy else 'empty'} {msgid!r}")
    return problems


def _read_names(path: Path) -> dict[str, dict[str, str]]:
    """``name,lang,translated,source`` rows as {lang: {name: translated}}."""
    from coverage.integrity import verified_text

    table: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(verified_text(path))):
        table.setdefault(row["lang"], {})[row["name"]] = row["translated"]
    return table


@lru_cache(maxsize=1)
def _all_country_names() -> dict[str, dict[str, str]]:
    return _read_names(COUNTRY_NAMES_CSV)


@lru_cache(maxsize=1)
def _all_place_names() -> dict[str, dict[str, str]]:
    return _read_names(PLACE_NAMES_CSV)


def _country_names(lang: Lang) -> dict[str, str]:
    return {} if lang == "en" else _all_country_names().get(lang, {})


def _place_names(lang: Lang) -> dict[str, str]:
    return {} if lang == "en" else _all_place_names().get(lang, {})


def extract_scenario(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor (``babel.cfg``) for the shipped ``scenarios/*.json``: the title, the
    subtitle and the sites' names, which the maps and tables show (the files stay in English)."""
    import json

    data = json.loads(fileobj.read().decode("utf-8"))
    for key in ("title", "subtitle"):
        if data.get(key):
            yield 1, "", data[key], [f"scenario: {key}"]
    for site in data.get("sites", []):
        yield 1, "", site["name"], ["scenario: site name"]


def extract_timeline(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor (``babel.cfg``) for ``data/story/timeline.yaml``: each event's title and
    text and its site's name are words a reader sees; sources and quotes stay as published."""
    import yaml

    node = yaml.compose(fileobj.read().decode("utf-8"))
    if not isinstance(node, yaml.SequenceNode):
        return
    for event in node.value:
        for key, value in event.value:
            if key.value in ("title", "text") and isinstance(value, yaml.ScalarNode):
                yield value.start_mark.line + 1, "", value.value, [f"timeline: {key.value}"]
            if key.value == "site" and isinstance(value, yaml.MappingNode):
                for sub_key, sub_value in value.value:
                    if sub_key.value == "name":
                        yield sub_value.start_mark.line + 1, "", sub_value.value, ["timeline: site name"]


if __name__ == "__main__":  # python -m coverage.i18n TEMPLATE.pot (scripts/messages.sh check)
    import sys

    found = catalog_problems(Path(sys.argv[1]))
    print("\n".join(found) or "catalogs complete", file=sys.stderr)
    raise SystemExit(1 if found else 0)
