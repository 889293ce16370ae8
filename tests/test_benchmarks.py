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
SECTIONS = {"accuracy", "coldstart", "app_rerun", "browser", "exports", "scaling"}
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
        assert section["status"] in ({"ok", "skipped"} if name == "browser" else {"ok"}), (name, section)
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
        "scaling.ratio_1000",
        "scaling.ratio_story",
        "scaling.agree",
    } <= ids

    acc = doc["sections"]["accuracy"]
    assert acc["grid"] and all({"ours", "leaflet", "turf"} <= set(case) for case in acc["grid"])
    assert doc["sections"]["scaling"]["by_sites"]
    assert set(doc["sections"]["scaling"]["by_resolution"]) == {"10m", "50m", "110m"}
