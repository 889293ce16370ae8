"""coverage.i18n: the catalogs (Babel), numbers and dates per language, names per language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coverage import i18n
from coverage.errors import CoverageError, PlaceNotFoundError
from coverage.i18n import LANGS, LOCALE_DIR, best_lang, translator
from coverage.places import find_place
from coverage.style import missing_glyphs

ROOT = Path(__file__).resolve().parents[1]
PYBABEL = Path(sys.executable).with_name("pybabel")


def _catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory):
    """Every user-facing string in the code and data, extracted now as CI does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [str(PYBABEL), "extract", "-F", "babel.cfg", "--no-wrap", "-o", str(pot), "."],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the extractors in babel.cfg are ours
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def test_catalog_problems_are_none_and_a_new_string_is_one(extracted, tmp_path):
    from babel.messages.pofile import write_po

    pot = tmp_path / "messages.pot"
    with pot.open("wb") as handle:
        write_po(handle, extracted)
    assert i18n.catalog_problems(pot) == []
    with pot.open("rb") as handle:
        grown = read_po(handle)  # a copy: the fixture is shared
    grown.add("A sentence added to the app today")
    with pot.open("wb") as handle:
        write_po(handle, grown)
    problems = i18n.catalog_problems(pot)
    assert len(problems) == 2 and all("missing 'A sentence added to the app today'" in p for p in problems)


@pytest.mark.parametrize("lang", LANGS[1:])
def test_every_extracted_string_is_translated_in_the_catalog(extracted, lang):
    catalog = _catalog(lang)
    translated = {_key(m): m for m in catalog if m.id}
    missing = [_key(m) for m in extracted if m.id and _key(m) not in translated]
    assert not missing, f"{lang}: not in the catalog (run scripts/messages.sh extract, update): {missing[:5]}"
    for message in translated.values():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: empty translation of {message.id!r}"
        assert not message.fuzzy, f"{lang}: fuzzy translation of {message.id!r}"


def test_the_committed_template_is_up_to_date(extracted):
    with (LOCALE_DIR / "messages.pot").open("rb") as handle:
        committed = {_key(m) for m in read_po(handle) if m.id}
    assert committed == {_key(m) for m in extracted if m.id}


@pytest.mark.parametrize("lang", LANGS[1:])
def test_placeholders_survive_translation(lang):
    """A translation that drops or renames a {placeholder} would fail at .format() time."""
    import string

    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {f for _, f, _, _ in string.Formatter().parse(ids[-1]) if f}
        for text in strings:
            got = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert got == wanted or (len(ids) > 1 and got <= wanted), (lang, message.id, text)


@pytest.mark.parametrize("lang", LANGS[1:])
def test_every_translation_has_glyphs_in_the_print_font(lang):
    """Source Sans Pro carries every character the catalogs and the name tables use."""
    texts = []
    for message in _catalog(lang):
        texts += list(message.string) if isinstance(message.string, tuple) else [message.string]
    texts += list(i18n._country_names(lang).values()) + list(i18n._place_names(lang).values())
    assert missing_glyphs("".join(texts)) == ""


@pytest.mark.parametrize(
    ("lang", "number", "area", "percent"),
    [
        ("en", "1,234.5", "1,234.5 km²", "12.5 %"),
        ("tr", "1.234,5", "1.234,5 km²", "%12,5"),
        ("el", "1.234,5", "1.234,5 km²", "12,5%"),
    ],
)
def test_numbers_areas_and_percentages_follow_the_language(lang, number, area, percent):
    tr = translator(lang)
    assert tr.number(1234.5, 1) == number
    assert tr.area(1234.5, "km", 1) == area
    assert tr.percent(12.5, 1) == percent


def test_dates_and_unit_words_follow_the_language():
    assert translator("en").date("2017-07-13") == "13 Jul 2017"
    assert translator("tr").date("2017-07-13") == "13 Tem 2017"
    assert translator("el").date("2017-07", month="MMMM") == "Ιούλιος 2017"  # nominative month alone
    assert translator("tr").unit_word("mi") == "mil"
    assert translator("tr").unit_word("nmi") == "deniz mili"
    assert translator("el").unit_word("mi") == "μίλια"
    assert translator("el").unit_word("mi", 1) == "μίλι"
    assert translator("tr").distance(402_336.0, "mi") == "250 mil (402 km)"


def test_country_names_come_from_iso_3166_with_the_house_style():
    tr, el = translator("tr"), translator("el")
    assert (tr.country("Greece"), tr.country("Armenia")) == ("Yunanistan", "Ermenistan")
    assert (el.country("Greece"), el.country("Turkey")) == ("Ελλάδα", "Τουρκία")
    # ISO's formal names give way to the common ones, as in English ("Russia", not "Russian Federation").
    assert (tr.country("Russia"), el.country("Russia"), el.country("Syria")) == ("Rusya", "Ρωσία", "Συρία")
    assert translator("en").country("Greece") == "Greece"


def test_place_and_sea_names_have_their_source_and_fall_back_to_the_name():
    tr, el = translator("tr"), translator("el")
    assert (tr.place("Athens"), el.place("Athens"), tr.place("Yerevan")) == ("Atina", "Αθήνα", "Erivan")
    assert (tr.place("Aegean Sea"), el.place("Aegean Sea")) == ("Ege Denizi", "Αιγαίο Πέλαγος")
    assert el.place("Kars") == "Kars"  # no Greek name read: kept as it is
    assert tr.place("Somewhere typed by a user") == "Somewhere typed by a user"
    for path in (i18n.PLACE_NAMES_CSV, i18n.COUNTRY_NAMES_CSV):
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        assert header == "name,lang,translated,source" and rows
        assert all(row.rsplit(",", 1)[-1].strip('"') for row in rows)  # every row says its source


def test_translators_hold_no_shared_state():
    """Two sessions in two languages at once never see each other's words."""
    tr, el = translator("tr"), translator("el")
    assert tr.gettext("Start empty") == "Boş başla"
    assert el.gettext("Start empty") == "Κενός χάρτης"
    assert translator("en").gettext("Start empty") == "Start empty"
    assert tr.gettext("Start empty") == "Boş başla"


def test_unknown_languages_are_refused_and_browsers_map_to_a_supported_one():
    with pytest.raises(CoverageError, match="unknown language 'de'"):
        translator("de")
    assert (best_lang("tr-TR"), best_lang("el_GR"), best_lang("de-DE"), best_lang(None)) == (
        "tr",
        "el",
        "en",
        "en",
    )


def test_a_catalog_without_a_compiled_file_is_compiled_from_the_po(tmp_path, monkeypatch):
    folder = tmp_path / "tr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes((LOCALE_DIR / "tr" / "LC_MESSAGES" / "messages.po").read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n._load_catalog("tr").gettext("Start empty") == "Boş başla"


def test_errors_are_said_in_the_readers_language():
    with pytest.raises(PlaceNotFoundError) as caught:
        find_place("Nowhereville")
    assert str(caught.value).startswith("unknown place 'Nowhereville'")
    assert caught.value.translated(translator("tr")).startswith("bilinmeyen yer 'Nowhereville'")
    assert caught.value.translated(translator("el")).startswith("άγνωστος τόπος 'Nowhereville'")


def test_no_literal_is_translated_inside_an_f_string():
    """pybabel does not look inside f-strings: a literal translated there would never reach
    the catalogs (and so never be translated). Translate it before the f-string."""
    import re

    inside = re.compile(r"""\bf(["'])(?:(?!\1).)*?\{[^{}]*(gettext|ngettext|pgettext|N_)\((["'])""")
    assert inside.search("f\"[{tr.gettext('link')}]({url})\"")  # what it finds
    assert not inside.search("""inside = {True: tr.gettext("inside")}""")
    assert inside.search("""f'<p aria-label="{html.escape(tr.gettext("Data"))}">'""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*sorted((ROOT / "coverage").rglob("*.py")), ROOT / "app.py"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inside.search(line)
    ]
    assert found == []
