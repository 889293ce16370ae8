"""The app's cached results and downloads (coverage/app/data.py)."""

from __future__ import annotations

import pytest

from coverage.app import data, views
from coverage.render import FORMATS
from coverage.scenario import Scenario
from coverage.story import scenario_file

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_comparison_has_a_column_per_site_and_shares_in_percent(story: Scenario) -> None:
    result = data.analysed(story)
    table = views.comparison(result)
    assert list(table.columns) == [s.name for s in result.sites]
    assert ((table >= 0) & (table <= 100)).all().all()
    assert table.loc["Turkey"].min() > 0  # every ring reaches Turkey


@pytest.mark.parametrize(
    "fmt, magic",
    [
        ("png", b"\x89PNG"),
        ("svg", b"<?xml"),
        ("pdf", b"%PDF"),
        ("html", b"<!DOCTYPE html>"),
        ("geojson", b'{"type": "FeatureCollection"'),
        ("kml", b"<?xml"),
        ("csv", b"country,iso_a3,covered_km2"),
    ],
)
def test_every_download_is_the_file_it_claims(story: Scenario, fmt: str, magic: bytes) -> None:
    payload = data.export_bytes(story.to_json(), fmt, "square", "light", "km")
    assert payload.startswith(magic)
    assert fmt in FORMATS
    if fmt in {"html", "geojson", "kml", "csv", "svg"}:
        assert b"Bloomberg" in payload or b"Natural Earth" in payload  # credited


def test_borders_files_are_content_addressed_and_bounded(tmp_path, monkeypatch) -> None:
    import json
    import os

    monkeypatch.setattr(data, "MAX_BORDER_FILES", 3)
    folder = tmp_path / "borders"
    folder.mkdir()
    for i in range(5):  # views written long ago
        old = folder / f"old{i}.json"
        old.write_text("{}")
        os.utime(old, (1_000_000 + i, 1_000_000 + i))
    url = data.borders_url(data.analysed(scenario_file("story-kars.json")), tmp_path)
    name = url.rsplit("/", 1)[1]
    assert url == f"{data.STATIC_URL}/borders/{name}"
    kept = sorted(p.name for p in folder.glob("*.json"))
    assert name in kept and len(kept) == 3  # the new view and the two newest old ones
    assert {"old3.json", "old4.json"} <= set(kept)
    assert json.loads((folder / name).read_text())["type"] == "FeatureCollection"


def test_a_pruned_borders_file_comes_back_on_its_next_use(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(data, "MAX_BORDER_FILES", 1)
    kars, ankara = (
        data.analysed(scenario_file("story-kars.json")),
        data.analysed(scenario_file("story-ankara.json")),
    )
    first = data.borders_url(kars, tmp_path).rsplit("/", 1)[1]
    second = data.borders_url(ankara, tmp_path).rsplit("/", 1)[1]  # prunes Kars's file
    folder = tmp_path / "borders"
    assert [p.name for p in folder.glob("*.json")] == [second]
    assert data.borders_url(kars, tmp_path).rsplit("/", 1)[1] == first  # cached name, file rewritten
    assert (folder / first).is_file()


def test_world_base_is_one_content_addressed_file_never_pruned(tmp_path, monkeypatch) -> None:
    import hashlib

    monkeypatch.setattr(data, "MAX_BORDER_FILES", 1)
    url = data.world_url(tmp_path)
    name = url.rsplit("/", 1)[1]
    path = tmp_path / "borders" / name
    body = path.read_bytes()
    assert name == "world-" + hashlib.sha256(body).hexdigest()[:20] + ".json"
    assert data.world_url(tmp_path) == url  # the same file for every map
    data.borders_url(data.analysed(scenario_file("story-kars.json")), tmp_path)
    data.borders_url(data.analysed(scenario_file("story-ankara.json")), tmp_path)  # prunes Kars's view
    assert path.is_file()  # the world stays


def test_app_map_fetches_the_world_and_the_view_from_static_files(tmp_path) -> None:
    m, stage = data.build_map(
        data.analysed(scenario_file("story-kars.json")),
        static_dir=tmp_path,
        units="km",
        presentation=False,
        highlights=None,
    )
    page = m.get_root().render() + stage.layers_js
    assert f'fetch("{data.world_url(tmp_path)}")' in page
    assert page.count("fetch(") == 2  # the world and the view, nothing inline but rings and names


def test_run_slots_bound_the_page_runs_in_progress(monkeypatch) -> None:
    import threading

    inside, peak, lock = 0, 0, threading.Lock()
    gate = threading.Event()

    def run() -> None:
        nonlocal inside, peak
        with data.run_slot():
            with lock:
                inside += 1
                peak = max(peak, inside)
            gate.wait(0.2)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=run) for _ in range(3 * data.RUN_SLOTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert peak == data.RUN_SLOTS
    assert inside == 0


def test_a_run_slot_waits_the_backoff_first(monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(data.time, "sleep", slept.append)
    with data.run_slot(wait_s=1.0):
        pass
    with data.run_slot():
        pass
    assert slept == [1.0]


def test_the_handout_download_is_in_the_pages_language(story: Scenario) -> None:
    import io

    from pypdf import PdfReader

    pdf = data.handout_bytes(story.to_json(), "km", "el")
    reveal = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert "Απαντήσεις:" in reveal and "Πηγές" in reveal and "Sources" not in reveal
