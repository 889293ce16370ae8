"""The package installs and runs from anywhere, with its data (pyproject.toml, coverage/paths.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return out


def test_project_dependencies_match_requirements_txt() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert _pins(project["dependencies"]) == _pins(requirements)


def test_the_entry_point_is_the_cli() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"range-rings": "coverage.cli:main"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("coverage_maps-*.whl")
    return built


def test_the_wheel_carries_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "coverage/py.typed",
        "coverage/data/boundaries/countries-10m.parquet",
        "coverage/data/boundaries/SHA256SUMS",
        "coverage/data/catalog/systems.yaml",
        "coverage/data/places/capitals.csv",
        "coverage/data/schemas/scenario.schema.json",
        "coverage/scenarios/story.json",
        "coverage/app/tabs.py",
        "coverage/locale/tr/LC_MESSAGES/messages.po",
        "coverage/locale/el/LC_MESSAGES/messages.po",
        "coverage/data/places/names_i18n.csv",
        "coverage/data/boundaries/names_i18n.csv",
    ):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "benchmarks/", "tools/")) for n in names)


def test_the_installed_wheel_reports_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    """Unpacked alone (ahead of the checkout on the path), run from a folder far from the repository."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    scenario = tmp_path / "kars.json"
    scenario.write_bytes((ROOT / "scenarios" / "story-kars.json").read_bytes())
    code = (
        "import sys, coverage, coverage.paths as p; from coverage.cli import main;"
        "print(coverage.__file__); print(p.DATA_DIR);"
        "sys.exit(main(['report', 'kars.json', '--resolution', '110m', '--format', 'csv']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    package_file, data_dir, header, *rows = proc.stdout.splitlines()
    assert package_file.startswith(str(target)) and data_dir == str(target / "coverage" / "data")
    assert header.startswith("country,iso_a3,covered_km2")
    assert any(row.startswith("Armenia,ARM,") for row in rows)
    # The catalogs travel as .po files and are compiled on first use (no .mo in a wheel needed).
    code = (
        "from coverage.cli import main; main(['report', 'kars.json', '--resolution', '110m', '--lang', 'tr'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Ermenistan" in proc.stdout and "ülke" in proc.stdout
