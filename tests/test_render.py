"""One road to every output (coverage/render.py): the CLI and the app give the same files."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from coverage import cli
from coverage.analysis import analyse_shipped
from coverage.app import data
from coverage.catalog import load_catalog
from coverage.errors import ExportError
from coverage.render import FORMATS, RenderOptions, format_for, render
from coverage.scenario import load_scenario, resolve_sites

ROOT = Path(__file__).resolve().parents[1]
KARS = ROOT / "scenarios" / "story-kars.json"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_cli_and_app_write_the_same_file(fmt: str, tmp_path: Path) -> None:
    """The CLI's render and the app's download button, same scenario and options: same bytes."""
    out = tmp_path / f"kars.{fmt}"
    assert cli.main(["render", str(KARS), "--out", str(out), "--theme", "dark", "--size", "16x9"]) == 0
    scenario = load_scenario(KARS)
    from_app = data.export_bytes(scenario.to_json(), fmt, "16x9", "dark", scenario.units)
    from_cli = out.read_bytes()
    if fmt == "png":
        a, b = (np.asarray(Image.open(io.BytesIO(x)).convert("RGBA")) for x in (from_cli, from_app))
        assert a.shape == b.shape and np.array_equal(a, b)
    else:
        assert from_cli == from_app


def test_the_same_result_renders_the_same_bytes_twice() -> None:
    result = analyse_shipped(resolve_sites(load_scenario(KARS), load_catalog()), "110m")
    for fmt in ("svg", "pdf", "html", "geojson", "kml", "csv"):
        assert render(result, fmt) == render(result, fmt), fmt


def test_formats_and_options_are_checked_with_clear_errors() -> None:
    result = analyse_shipped(resolve_sites(load_scenario(KARS), load_catalog()), "110m")
    with pytest.raises(ExportError, match="unknown format 'gif'"):
        render(result, "gif")
    with pytest.raises(ExportError, match="html maps only"):
        render(result, "png", RenderOptions(background="osm"))
    with pytest.raises(ExportError, match="unknown size"):
        render(result, "png", RenderOptions(size="a0"))
    with pytest.raises(ExportError, match="unknown units"):
        render(result, "csv", RenderOptions(units="furlong"))
    assert format_for(".PNG").name == "png"


def test_for_scenario_keeps_its_words_unless_told() -> None:
    scenario = load_scenario(KARS)
    options = RenderOptions.for_scenario(scenario, title=None, subtitle="Sub", theme="dark")
    assert options.title == scenario.title and options.subtitle == "Sub" and options.theme == "dark"


def test_figures_leave_a_notebook_users_matplotlib_alone() -> None:
    """No backend switch, no global rcParams, no closing of the user's figures."""
    code = """
import matplotlib
import matplotlib.pyplot as plt
matplotlib.use("svg")  # the user's own choice, not Agg
fig = plt.figure()
before = dict(matplotlib.rcParams)
from coverage.analysis import analyse_shipped
from coverage.catalog import load_catalog
from coverage.render import render
from coverage.scenario import load_scenario, resolve_sites
import sys
result = analyse_shipped(resolve_sites(load_scenario(sys.argv[1]), load_catalog()), "110m")
png = render(result, "png")
svg = render(result, "svg")
assert png.startswith(b"\\x89PNG") and b"<svg" in svg
assert matplotlib.get_backend().lower() == "svg", matplotlib.get_backend()
assert plt.fignum_exists(fig.number), "the user's figure was closed"
changed = {k for k in before if before[k] != matplotlib.rcParams[k]}
assert not changed, changed
print("ok")
"""
    proc = subprocess.run(
        [sys.executable, "-c", code, str(KARS)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_importing_figures_does_not_load_folium() -> None:
    code = (
        "import sys, coverage.figures, coverage.render;"
        "print('folium' in sys.modules, 'jinja2' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "False"]


def test_rc_settings_apply_while_drawing() -> None:
    result = analyse_shipped(resolve_sites(load_scenario(KARS), load_catalog()), "110m")
    with matplotlib.rc_context({"svg.fonttype": "path"}):  # a user's setting...
        svg = render(result, "svg")
    assert b"<text" in svg  # ...does not turn our labels into outlines


def test_images_drawn_on_many_threads_all_keep_text_as_text() -> None:
    """The app renders downloads on worker threads: RC must hold for each of them."""
    import threading

    result = analyse_shipped(resolve_sites(load_scenario(KARS), load_catalog()), "110m")
    expected = render(result, "svg", RenderOptions(title="Fund $5 and $6"))
    outputs: list[bytes] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            outputs.append(render(result, "svg", RenderOptions(title="Fund $5 and $6")))
            outputs.append(render(result, "png"))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    svgs = [o for o in outputs if o.lstrip().startswith(b"<?xml")]
    assert len(svgs) == 4 and all(svg == expected for svg in svgs)
    assert b"<text" in expected and b"Fund $5 and $6" in expected
    assert matplotlib.rcParams["svg.fonttype"] == "path"  # the global default, untouched


def test_highlights_and_horizon_reach_the_cli_and_the_app_alike(tmp_path: Path) -> None:
    """Story step 2's highlights and the app's dashed horizon: the same SVG from both roads."""
    out = tmp_path / "kars.svg"
    args = ["render", str(KARS), "--out", str(out), "--highlight", "--horizon", "--mast", "20"]
    assert cli.main([*args, "--target-altitude", "300"]) == 0
    scenario = load_scenario(KARS)
    horizon_m = cli._horizon_m(20.0, 300.0)
    from_app = data.export_bytes(
        scenario.to_json(), "svg", "square", "light", scenario.units, True, horizon_m
    )
    assert out.read_bytes() == from_app
    assert b"Radar horizon" in from_app and b"Armenian border" in from_app
    plain = data.export_bytes(scenario.to_json(), "svg", "square", "light", scenario.units)
    assert b"Radar horizon" not in plain


def test_the_caption_mentions_the_horizon_only_when_it_is_drawn() -> None:
    from coverage.render import caption

    result = analyse_shipped(resolve_sites(load_scenario(KARS), load_catalog()), "110m")
    assert "Dashed" not in caption(result, RenderOptions())
    text = caption(result, RenderOptions(horizon_m=80_000.0))
    assert "Dashed: the radar horizon, 80 km" in text
    with pytest.raises(ExportError, match="positive distance"):
        render(result, "png", RenderOptions(horizon_m=0.0))


def test_every_size_is_offered_and_drawn() -> None:
    from coverage.figures import SIZES
    from coverage.render import SIZE_LABELS

    assert set(SIZE_LABELS) == set(SIZES)
    assert {"16x9", "square", "portrait", "print", "social", "a4", "letter"} <= set(SIZES)


# Any name a scenario may hold: every character an XML file can carry (the schema refuses
# the others), from every plane, as hypothesis draws them.
_NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@example(sites=[(0.0, 0.0, 1.0, "ſ"), (35.7, 139.7, 300.0, "東京 ß ğ İ Ω")])  # glyphs beyond our font
@given(
    st.lists(
        st.tuples(
            st.floats(-90.0, 90.0),
            st.floats(-180.0, 180.0),
            st.floats(1.0, 10_000.0),
            st.text(_NAME_CHARS, min_size=1, max_size=100).filter(lambda s: s.strip()),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_valid_scenario_renders_in_every_format_or_is_refused_clearly(sites) -> None:
    """Issue 17, item 1: every valid scenario the schema accepts draws in every format, or
    fails with one clear ExportError; each file reads back with a real reader."""
    import csv
    import json
    import xml.etree.ElementTree as ET

    from coverage.scenario import Scenario, SiteSpec

    specs = tuple(
        SiteSpec(name=name.strip(), lat=lat, lon=lon, radius=radius, unit="km")
        for lat, lon, radius, name in sites
    )
    scenario = Scenario(sites=specs, title="Fuzz")
    result = analyse_shipped(resolve_sites(scenario, load_catalog()), "110m")
    for fmt in FORMATS:
        try:
            data_bytes = render(result, fmt, RenderOptions(title="Fuzz"))
        except ExportError as exc:
            assert fmt in ("png", "svg", "pdf") and "\n" not in str(exc) and str(exc).strip()
            continue
        assert data_bytes, fmt
        if fmt in ("svg", "kml"):
            ET.fromstring(data_bytes)
        elif fmt == "geojson":
            assert len(json.loads(data_bytes)["features"]) >= len(specs)
        elif fmt == "csv":
            list(csv.reader(io.StringIO(data_bytes.decode("utf-8"))))
        elif fmt == "png":
            with Image.open(io.BytesIO(data_bytes)) as image:
                image.load()
        elif fmt == "pdf":
            assert data_bytes.startswith(b"%PDF") and data_bytes.rstrip().endswith(b"%%EOF")
        else:
            assert b"</html>" in data_bytes
