"""The command line, run as a user would: ``python -m coverage ...`` in a subprocess."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys

import pyogrio
import pytest
from conftest import KARS_COUNTRIES, ROOT

from coverage import cli

KARS = str(ROOT / "scenarios" / "story-kars.json")


def run(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coverage", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_clean_error(proc: subprocess.CompletedProcess, prefix: str = "error:") -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(prefix)
    assert proc.stdout == ""
    return lines[0]


def test_report_csv_lists_the_eight_countries():
    proc = run("report", KARS, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert {r["country"] for r in rows} == KARS_COUNTRIES
    assert len(rows) == 8
    armenia = next(r for r in rows if r["country"] == "Armenia")
    assert float(armenia["covered_pct"]) == pytest.approx(100.0, abs=0.05)
    assert "Bloomberg" in rows[0]["sources"]


def test_report_by_site_has_a_site_column():
    proc = run("report", KARS, "--format", "csv", "--by-site", "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert "site" in rows[0]
    assert {r["site"] for r in rows} == {"Kars"}
    assert "Armenia" in {r["country"] for r in rows}


def test_report_json_with_distances():
    proc = run("report", KARS, "--format", "json", "--distances", "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["title"].startswith("Turkey")
    assert doc["sites"][0]["radius_km"] == pytest.approx(402.336)
    yerevan = next(d for d in doc["distances"] if d["place"] == "Yerevan")
    assert yerevan["inside"] is True


def test_report_table_is_readable():
    proc = run("report", KARS, "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    assert "Armenia" in proc.stdout and "100.0 %" in proc.stdout
    assert "250 mi = 402 km" in proc.stdout


BAD_FILES = {
    "malformed.json": '{"version": 1, "sites": [',
    "lat95.json": '{"version": 1, "sites": [{"name": "X", "lat": 95, "lon": 0, "system": "s-400"}]}',
    "unknown-system.json": '{"version": 1, "sites": [{"name": "X", "lat": 1, "lon": 0, "system": "s-999"}]}',
    "not-utf8.json": b'{"version": 1, "title": "\xff", "sites": []}',
    "deep.json": "[" * 100_000,
}


@pytest.mark.parametrize(
    "command, name",
    [("report", name) for name in [*BAD_FILES, "missing.json"]]
    + [("render", "malformed.json"), ("render", "unknown-system.json"), ("render", "missing.json")],
)
def test_bad_files_exit_2_with_one_error_line(tmp_path, name, command):
    path = tmp_path / name
    if name in BAD_FILES:
        content = BAD_FILES[name]
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    args = [command, str(path)]
    out = tmp_path / "out.geojson"
    if command == "render":
        args += ["--out", str(out)]
    line = assert_clean_error(run(*args))
    if name == "unknown-system.json":
        assert "s-999" in line and "sites[0]" in line
    else:
        assert name in line
    assert not out.exists()


def test_render_geojson_reads_back(tmp_path):
    out = tmp_path / "x.geojson"
    proc = run("render", KARS, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # no --caption
    frame = pyogrio.read_dataframe(out)
    rings = frame[frame["kind"] == "ring"]
    assert list(rings["site"]) == ["Kars"]
    assert rings["radius_km"].iloc[0] == pytest.approx(402.336)
    assert rings.geometry.iloc[0].is_valid
    assert [p.name for p in tmp_path.iterdir()] == ["x.geojson"]


def test_render_caption_cites_bloomberg_and_natural_earth(tmp_path):
    out = tmp_path / "x.csv"
    proc = run("render", KARS, "--out", str(out), "--caption", "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    assert "Bloomberg" in proc.stdout and "Natural Earth" in proc.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["country"] for r in rows} >= {"Armenia", "Turkey"}


def test_render_html_is_offline(tmp_path):
    out = tmp_path / "map.html"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page.replace("'", '"')
    assert "Leaflet 1.9.4" in page and "Kars" in page


def test_render_embed_prints_a_snippet_for_the_hosted_file_and_refuses_images(tmp_path):
    out = tmp_path / "map.html"
    url = "https://example.org/maps/kars.html"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m", "--embed", url)
    assert proc.returncode == 0, proc.stderr
    snippet, note = proc.stdout.split("\n\n", 1)
    assert snippet.startswith(f'<iframe src="{url}" title="Interactive map: ')
    assert "rangeRingsHeight" in snippet and "<script src" not in snippet
    assert "static web host" in note and "sends nothing anywhere" in note
    assert 'class="rr-page"' in out.read_text(encoding="utf-8")
    default = run("render", KARS, "--out", str(out), "--resolution", "110m", "--embed")
    assert default.stdout.startswith('<iframe src="map.html"')
    png = tmp_path / "map.png"
    assert "--embed applies to .html maps only" in assert_clean_error(
        run("render", KARS, "--out", str(png), "--embed")
    )
    assert not png.exists()


def test_render_scenario_json_round_trips(tmp_path):
    out = tmp_path / "copy.json"
    assert run("render", KARS, "--out", str(out)).returncode == 0
    assert (
        json.loads(out.read_text())["sites"]
        == json.loads((ROOT / "scenarios" / "story-kars.json").read_text())["sites"]
    )


@pytest.mark.parametrize("filename", ["x.txt", "x", "x.GEOJSONX"])
def test_render_unknown_extension_exits_2_and_writes_nothing(tmp_path, filename):
    out = tmp_path / filename
    line = assert_clean_error(run("render", KARS, "--out", str(out)))
    assert "unknown format" in line
    assert list(tmp_path.iterdir()) == []


def test_render_into_missing_dir_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "no-such-dir" / "x.geojson"
    line = assert_clean_error(run("render", KARS, "--out", str(out)))
    assert str(out) in line
    assert list(tmp_path.iterdir()) == []


def test_render_into_a_file_as_dir_exits_2(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("keep me")
    assert_clean_error(run("render", KARS, "--out", str(blocker / "x.csv"), "--resolution", "110m"))
    assert [p.name for p in tmp_path.iterdir()] == ["blocker"]
    assert blocker.read_text() == "keep me"


def test_error_stays_on_one_line_with_a_newline_in_a_site_name(tmp_path):
    path = tmp_path / "nl.json"
    path.write_text(
        json.dumps({"version": 1, "sites": [{"name": "a\nb", "lat": 0, "lon": 0, "system": "nope"}]})
    )
    assert_clean_error(run("report", str(path)))


def test_report_as_a_program_writes_all_its_output_before_it_ends(tmp_path):
    """The report ends its process without the interpreter's teardown (cli._end_process):
    everything printed still arrives, through a pipe and into a file, with status 0."""
    piped = run("report", KARS, "--format", "csv")
    assert piped.returncode == 0, piped.stderr
    in_process = io.StringIO()
    with contextlib.redirect_stdout(in_process):
        assert cli.main(["report", KARS, "--format", "csv"]) == 0
    assert piped.stdout == in_process.getvalue()
    out = tmp_path / "report.csv"
    with out.open("w") as handle:
        proc = subprocess.run(
            [sys.executable, "-m", "coverage", "report", KARS, "--format", "csv"],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == piped.stdout


def test_report_into_a_closed_pipe_ends_without_a_traceback():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the report writes (as `| head` may)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "coverage", "report", KARS, "--format", "csv"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 120
    assert "Traceback" not in proc.stderr


def test_report_runs_without_pandas_or_geopandas():
    """The report path is kept light so the command starts quickly (see docs/benchmarks.md)."""
    code = (
        "import sys; from coverage.cli import main; "
        f"assert main(['report', {KARS!r}, '--distances']) == 0; "
        "heavy = sorted(m for m in ('pandas', 'geopandas', 'matplotlib', 'folium') if m in sys.modules); "
        "print('HEAVY', heavy)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Armenia" in proc.stdout
    assert "HEAVY []" in proc.stdout


def test_a_report_without_distances_imports_no_parser_or_projection_library(tmp_path):
    """Once the user's cache holds the catalog, a report needs neither PyYAML nor pyproj, nor
    numpy.ma or urllib.request (tens of milliseconds of every start; docs/benchmarks.md)."""
    code = (
        "import sys; from coverage.cli import main; "
        f"assert main(['report', {KARS!r}, '--format', 'csv']) == 0; "
        "avoided = ('yaml', 'pyproj', 'pandas', 'pyarrow', 'jsonschema', 'numpy.ma', 'urllib.request'); "
        "print('LOADED', sorted(m for m in avoided if m in sys.modules))"
    )
    env = {**os.environ, "RANGE_RINGS_CACHE_DIR": str(tmp_path)}
    for _ in ("fills the cache", "reads it"):
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
        )
        assert proc.returncode == 0, proc.stderr
        assert "Armenia" in proc.stdout
    assert "LOADED []" in proc.stdout


def test_report_table_aligns_columns():
    proc = run("report", KARS, "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("country"))
    table = lines[header : header + 1 + len(KARS_COUNTRIES)]
    # right-aligned figures end in the same column on every row
    assert len({line.rstrip().rfind("%") for line in table[1:]}) == 1
    assert len({len(line) for line in table[1:]}) == 1


def test_render_html_with_an_online_background_and_refused_elsewhere(tmp_path):
    out = tmp_path / "map.html"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m", "--background", "osm")
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert '"https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert "<script src=" not in page.replace("'", '"')
    line = assert_clean_error(run("render", KARS, "--out", str(tmp_path / "m.png"), "--background", "osm"))
    assert "--background" in line and not (tmp_path / "m.png").exists()


def test_text_table_aligns_only_the_figure_columns():
    from coverage.cli import text_table

    rows = [{"site": "2nd battery", "distance_km": "1,234"}, {"site": "Kars", "distance_km": "7"}]
    lines = text_table(rows, ["site", "distance_km"], right=("distance_km",))
    assert lines[1].startswith("2nd battery") and lines[2].startswith("Kars ")  # names stay left
    assert lines[1].endswith("1,234") and lines[2].endswith("    7")  # figures right
    assert text_table([], ["country"]) == ["(no countries reached)"]


@pytest.mark.parametrize(
    "argv, needle",
    [
        ([], "the following arguments are required: command"),
        (["frob"], "invalid choice: 'frob'"),
        (["report", "x.json", "--resolution", "5m"], "argument --resolution: invalid choice: '5m'"),
        (["report", "x.json", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (
            ["render", "x.json", "--out", "y.png", "--theme", "neon"],
            "argument --theme: invalid choice: 'neon'",
        ),
    ],
)
def test_bad_arguments_give_one_line_naming_the_argument(argv, needle, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err, err
    assert "usage:" not in err


def test_a_hostile_title_writes_well_formed_files_and_a_safe_terminal(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    title = "T\x0bitle\x1b[2J " + "x" * 131_000 + b"\xff".decode("utf-8", "surrogateescape")
    for ext in ("svg", "kml", "html"):
        out = tmp_path / f"map.{ext}"
        assert cli.main(["render", KARS, "--out", str(out), "--title", title,
                         "--resolution", "110m", "--caption"]) == 0  # fmt: skip
        if ext != "html":
            ET.fromstring(out.read_bytes())  # well-formed XML
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x0b" not in printed


def test_a_huge_place_name_gives_a_short_error(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps({"version": 1, "sites": [{"name": "X", "place": "a" * 100_000, "system": "s-400"}]})
    )
    assert cli.main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err) < 300 and "100,000 characters long; at most 100 allowed" in err, err


@pytest.mark.slow
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_render_killed_at_any_moment_leaves_no_partial_or_stray_file(tmp_path, signame):
    """Killed while importing, analysing, drawing or writing: the target is absent or whole, no
    temporary file stays (SIGKILL's is removed by the next write), and SIGTERM/SIGHUP exit 128+n."""
    import signal
    import time

    from PIL import Image

    sig = getattr(signal, signame)
    target = tmp_path / "map.png"
    for delay in (0.2, 0.8, 1.5, 2.5, 4.0):
        target.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "coverage", "render", KARS, "--out", str(target), "--size", "print"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        if proc.returncode not in (0, -sig):
            assert proc.returncode == 128 + sig, (delay, proc.returncode, err)
            assert f"interrupted ({signame})" in err
        if target.exists():
            with Image.open(target) as image:
                image.load()  # whole: a partial PNG fails here
        if signame == "SIGKILL":
            run("render", KARS, "--out", str(tmp_path / "next.csv"))  # the next write cleans up
        assert not list(tmp_path.glob(".range-rings-*")), (delay, list(tmp_path.iterdir()))


def test_report_in_greek_has_greek_headings_names_and_numbers():
    proc = run("report", str(ROOT / "scenarios" / "story.json"), "--resolution", "110m", "--lang", "el")
    assert proc.returncode == 0, proc.stderr
    title, *site_lines = proc.stdout.splitlines()[:5]
    assert title == "Πού φτάνει ένας κύκλος S-400 των 250 μιλίων από τέσσερα σημεία της Τουρκίας"
    assert site_lines[0].startswith("Άγκυρα: S-400 Triumf, 250 μίλια = 402 km")
    table = proc.stdout.split("\n\n", 1)[1]
    heading, *rows = table.splitlines()
    assert heading.split()[:3] == ["χώρα", "κωδικός", "ISO"]
    countries = [row.split("  ")[0] for row in rows]
    assert {"Τουρκία", "Ελλάδα", "Αρμενία", "Βουλγαρία"} <= set(countries)
    turkey = next(row for row in rows if row.startswith("Τουρκία"))
    assert re.search(r" \d{3}\.\d{3} +\d{2},\d%$", turkey)  # Greek separators, Babel's percent


def test_render_in_turkish_labels_the_svg_in_turkish(tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "kars.svg"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m", "--lang", "tr", "--caption")
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(out.read_bytes())
    texts = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text"))
    for name in ("Ermenistan", "Gürcistan", "Azerbaycan", "Türkiye'nin S-400'ü Ermenistan sınırında"):
        assert name in texts, name
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "tr"
    desc = next(e.text for e in root.iter() if e.tag.endswith("}desc"))
    assert desc.startswith("Harita: Kars (Türkiye) çevresinde 250 millik (402 km) bir daire")
    assert "Ermenistan (%100)" in desc
    assert "Halkalar: kamuya açık kaynaklarda geçen menziller" in proc.stdout  # the caption


def test_errors_and_unknown_languages_are_one_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "sites": [{"name": "X", "place": "Nowhereville", "system": "s-400"}]}')
    line = assert_clean_error(run("report", str(bad), "--lang", "tr"), "hata:")
    assert "bilinmeyen yer 'Nowhereville'" in line
    assert "argument --lang: invalid choice: 'de'" in assert_clean_error(run("report", KARS, "--lang", "de"))


def test_render_html_in_greek_names_its_language_and_says_it_in_greek(tmp_path):
    out = tmp_path / "kars.html"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m", "--lang", "el")
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert '<html lang="el">' in page
    assert "Οι χώρες χρωματίζονται ανάλογα με το ποσοστό εντός βεληνεκούς:" in page  # the legend
    assert '<th scope="row">Αρμενία</th>' in page and "Παράλειψη του χάρτη" in page  # table, skip link
    assert 'aria-label="Χάρτης: κύκλος 250 μιλίων (402 km) γύρω από: Kars, Τουρκία·' in page
    # The map's tooltips and labels are Greek too (English names remain only as the data's keys).
    assert '"Armenia":["Αρμενία: 100,0% εντός βεληνεκούς"' in page


def test_render_csv_writes_its_description_beside_it_as_csvw(tmp_path):
    import pandas as pd

    out = tmp_path / "kars.csv"
    proc = run("render", KARS, "--out", str(out), "--resolution", "110m")
    assert proc.returncode == 0, proc.stderr
    # The CSV stays a plain table: pandas and GDAL read it with no option, no comment lines.
    frame = pd.read_csv(out)
    assert set(frame["country"]) == KARS_COUNTRIES
    assert len(pyogrio.read_dataframe(out)) == len(frame)
    meta = json.loads((tmp_path / "kars.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["@context"] == "http://www.w3.org/ns/csvw" and meta["url"] == "kars.csv"
    assert meta["dc:description"].startswith("Map: a 250-mile (402 km) circle around Kars")
    assert all(country in meta["dc:description"] for country in KARS_COUNTRIES)
    assert any("Bloomberg" in source for source in meta["dc:source"])
    assert [c["name"] for c in meta["tableSchema"]["columns"]] == list(frame.columns)


def test_help_and_argparse_messages_follow_lang(capsys) -> None:
    import argparse
    import gettext

    with pytest.raises(SystemExit) as info:
        cli.main(["handout", "--help", "--lang", "tr"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("kullanım: range-rings handout")  # argparse's own word
    assert "seçenekler:" in out and "bu yardım iletisini gösterip çık" in out
    assert "etkinlikteki her sözcüğün, sayının ve adın dili" in out  # our help text
    with pytest.raises(SystemExit) as info:
        cli.main(["render", "x.json", "--out", "y.png", "--lang=el", "--theme", "neon"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err == "σφάλμα: όρισμα --theme: μη έγκυρη επιλογή: 'neon' (επιλέξτε από: 'light', 'dark')\n"
    # argparse is itself again afterwards: English for the next parser in this process.
    assert argparse.__dict__["_"] is gettext.gettext
    with pytest.raises(SystemExit):
        cli.main(["handout", "--help"])
    assert capsys.readouterr().out.startswith("usage: range-rings handout")


def test_argparse_messages_in_the_catalog_are_argparse_s_own() -> None:
    """If Python rewords one, the catalog's entry would never be asked for: fail instead."""
    import argparse
    import inspect

    source = inspect.getsource(argparse)
    for message in cli.ARGPARSE_MESSAGES:
        assert f"_({message!r})" in source or f'_("{message}")' in source, message
