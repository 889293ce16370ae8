"""Smoke test of the benchmark suite: ``python -m benchmarks --quick`` runs and writes its JSON.

No timing is asserted here (or anywhere in the tests): only that every section
ran and the result file has the documented shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {"accuracy", "coldstart", "app_rerun", "browser", "exports", "export_browser", "scaling"}
CHECK_KEYS = {"id", "label", "target", "measured", "shown", "pass", "has_target"}


@pytest.mark.slow
def test_quick_run_writes_valid_json(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out-dir", str(tmp_path), "--no-plot"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard, not a timing check (the quick run takes ~40 s)
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "| Check | Target | Measured | Result |" in proc.stdout

    latest = tmp_path / "latest.json"
    stamped = [p for p in tmp_path.glob("*.json") if p.name != "latest.json"]
    assert latest.exists() and len(stamped) == 1
    doc = json.loads(latest.read_text(encoding="utf-8"))
    assert doc == json.loads(stamped[0].read_text(encoding="utf-8"))

    assert doc["schema"] == 1 and doc["mode"] == "quick"
    assert {"python", "cpus", "packages"} <= set(doc["machine"])
    assert set(doc["sections"]) == SECTIONS
    for name, section in doc["sections"].items():
        # The browser section may be skipped on a machine without Chromium; nothing may fail.
        browser = name in ("browser", "export_browser")
        assert section["status"] in ({"ok", "skipped"} if browser else {"ok"}), (name, section)
        assert isinstance(section["metrics"], dict)

    summary = doc["summary"]
    assert summary and all(set(row) >= CHECK_KEYS for row in summary)
    ids = {row["id"] for row in summary}
    assert {
        "accuracy.ours_edge",
        "coldstart.report",
        "app.rerun",
        "app.payload",
        "browser.first_ring",
        "exports.png",
        "exports.html",
        "export_browser.first_ring_4x",
        "scaling.ratio_1000",
        "scaling.ratio_story",
        "scaling.agree",
    } <= ids

    acc = doc["sections"]["accuracy"]
    assert acc["grid"] and all({"ours", "leaflet", "turf"} <= set(case) for case in acc["grid"])
    assert doc["sections"]["scaling"]["by_sites"]
    assert set(doc["sections"]["scaling"]["by_resolution"]) == {"10m", "50m", "110m"}


def test_agreement_accepts_the_peers_accuracy_and_no_more() -> None:
    from benchmarks.scaling import PEER_RING_SHORTFALL, agreement

    ours = {("", "Turkey"): 676_710.5, ("", "Armenia"): 29_591.9, ("", "Syria"): 849.2}
    assert agreement(ours, dict(ours))["within_accuracy"]
    # The peer's 360-gons cover a little less of each ring: within its accuracy.
    short = {k: v * (1 - PEER_RING_SHORTFALL) for k, v in ours.items()}
    assert agreement(ours, short)["within_accuracy"]
    # 1 % off is not.
    off = {**ours, ("", "Turkey"): 676_710.5 * 1.01}
    verdict = agreement(ours, off)
    assert not verdict["within_accuracy"] and verdict["worst"] == ["", "Turkey"]
    # A country one side misses is a disagreement, unless it is a sliver.
    assert not agreement(ours, {k: v for k, v in ours.items() if k[1] != "Syria"})["within_accuracy"]
    assert agreement({**ours, ("", "Sliver"): 0.3}, ours)["within_accuracy"]


def test_the_peer_script_agrees_with_our_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/peer.py (the union-first geopandas script) against ours, on the story."""
    from benchmarks import peer
    from benchmarks.scaling import STORY, _read_csv, agreement, peer_sites
    from coverage.cli import report

    sites = tmp_path / "sites.json"
    sites.write_text(json.dumps(peer_sites(str(STORY))), encoding="utf-8")
    for by_site in (False, True):
        args = [str(sites), "--resolution", "50m", *(["--by-site"] if by_site else [])]
        assert peer.main(args) == 0
        theirs = _read_csv(capsys.readouterr().out)
        ours = _read_csv(report(STORY, "csv", "50m", by_site, False))
        verdict = agreement(ours, theirs, "50m")
        assert verdict["within_accuracy"], verdict
        assert len(ours) >= 10


def test_many_prints_what_the_report_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/many.py (past the 1,000-site cap) runs the report's own path."""
    from benchmarks import many
    from benchmarks.scaling import random_peer_sites, scenario_dict
    from coverage.cli import report

    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_dict(12)), encoding="utf-8")
    sites = tmp_path / "sites.json"
    sites.write_text(json.dumps(random_peer_sites(12)), encoding="utf-8")
    for by_site in (False, True):
        assert many.main([str(sites), "--resolution", "110m", *(["--by-site"] if by_site else [])]) == 0
        assert capsys.readouterr().out == report(scenario, "csv", "110m", by_site, False)
