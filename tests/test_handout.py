"""The classroom handout (coverage/handout.py), read back with pypdf and pdftotext."""

from __future__ import annotations

import dataclasses
import io
import subprocess

import pytest
from pypdf import PdfReader

from coverage.analysis import analyse_shipped
from coverage.catalog import load_catalog
from coverage.cli import main
from coverage.handout import KEY_POINTS, candidate_names, handout
from coverage.paths import SCENARIOS_DIR
from coverage.scenario import resolve_sites
from coverage.story import scenario_file


@pytest.fixture(scope="module")
def ankara_pdf() -> tuple[bytes, list[str]]:
    scenario = dataclasses.replace(scenario_file("story-ankara.json"), units="mi")
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "50m")
    return handout(result, scenario), list(candidate_names(result))


def test_the_handout_asks_first_and_reveals_on_page_two(ankara_pdf) -> None:
    data, names = ankara_pdf
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 2
    ask, reveal = pages
    assert "Classroom activity: Turkey's S-400 at Ankara" in ask
    assert "within 250 mi (402 km) of Ankara" in ask
    assert len(names) == 8 and "Ankara" not in names  # the capital it stands on is no question
    for name in names:
        assert name in ask and name in reveal
    assert "inside" not in ask and "outside" not in ask  # no answers before the reveal
    assert "Athens: 509 mi (819 km), outside" in reveal
    assert "Nicosia: 329 mi (529 km), outside" in reveal
    assert "Turkey (49.4 %)" in " ".join(reveal.split())
    assert "Defense Mirror citing Bloomberg" in reveal and "Natural Earth" in reveal
    flat = " ".join(reveal.split())
    assert " ".join(KEY_POINTS[2].split()[:6]) in flat  # the radar horizon, in plain words


def test_the_handout_text_is_real_text_to_pdftotext(ankara_pdf, tmp_path) -> None:
    data, _ = ankara_pdf
    path = tmp_path / "h.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Reveal: Turkey's S-400 at Ankara" in text and "Sources" in text


def test_the_cli_writes_the_handout_and_refuses_other_extensions(tmp_path, capsys) -> None:
    out = tmp_path / "kars.pdf"
    assert (
        main(["handout", str(SCENARIOS_DIR / "story-kars.json"), "--out", str(out), "--resolution", "110m"])
        == 0
    )
    text = PdfReader(out).pages[1].extract_text()
    assert "Kars" in text and "Armenia" in text  # its ring reaches Armenia
    assert main(["handout", str(SCENARIOS_DIR / "story-kars.json"), "--out", str(tmp_path / "x.png")]) == 2
    assert "the handout is a PDF" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("lang", "heading", "reveal_heading", "armenia", "sources"),
    [
        (
            "tr",
            "Sınıf etkinliği: Türkiye'nin S-400'ü Ermenistan sınırında",
            "Cevaplar:",
            "Ermenistan",
            "Kaynaklar",
        ),
        (
            "el",
            "Δραστηριότητα για την τάξη: Οι τουρκικοί S-400 στα σύνορα με την Αρμενία",
            "Απαντήσεις:",
            "Αρμενία",
            "Πηγές",
        ),
    ],
)
def test_the_cli_handout_follows_the_language(
    tmp_path, lang, heading, reveal_heading, armenia, sources
) -> None:
    out = tmp_path / f"kars-{lang}.pdf"
    args = ["handout", str(SCENARIOS_DIR / "story-kars.json"), "--out", str(out), "--resolution", "110m"]
    assert main([*args, "--lang", lang]) == 0
    ask, reveal = (" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert heading in ask and "Classroom activity" not in ask
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert reveal_heading in flat and sources in flat and armenia in flat  # the country, in the language
    assert "Armenia (" not in flat and "inside" not in flat and "outside" not in flat
    assert "Natural Earth" in reveal  # the credit keeps the names of the data


def test_a_turkish_handout_writes_numbers_and_capitals_in_turkish() -> None:
    from coverage.i18n import translator

    scenario = dataclasses.replace(scenario_file("story-ankara.json"), units="mi")
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "50m")
    tr = translator("tr")
    names = list(candidate_names(result, tr))
    data = handout(result, scenario, tr=tr)
    ask, reveal = (" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Atina" in names and "Athens" not in names  # a capital in Turkish (the curated table)
    for name in names:
        assert name in ask and name in reveal
    assert "Atina: 509 mil (819 km), dışında" in reveal
    assert "Türkiye (%49,4)" in reveal  # Babel's Turkish percent and decimal comma
