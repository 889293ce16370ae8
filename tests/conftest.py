"""Shared fixtures for the core-engine tests (no network, no browser)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "dev" (default: Hypothesis's own 100
# examples) and "ci" (.ci/run: three times the examples, no deadline, since a loaded CI
# machine must not fail a test for being slow, and the failing example printed for replay).
# Tests that set their own max_examples keep them in both.
settings.register_profile("dev", max_examples=100)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

SCENARIOS = ROOT / "scenarios"
KARS_COUNTRIES = {"Turkey", "Russia", "Georgia", "Azerbaijan", "Iran", "Armenia", "Iraq", "Syria"}


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def boundaries_copy(tmp_path, monkeypatch):
    """A private copy of data/boundaries that coverage.borders reads, to edit or break."""
    import coverage.borders as borders_mod

    data = tmp_path / "boundaries"
    shutil.copytree(borders_mod.BOUNDARIES_DIR, data)
    monkeypatch.setattr(borders_mod, "BOUNDARIES_DIR", data)
    borders_mod.clear_caches()
    yield data
    borders_mod.clear_caches()


@pytest.fixture
def story():
    """The story's scenario with all four sites (scenarios/story.json)."""
    from coverage.story import scenario_file

    return scenario_file("story.json")


@pytest.fixture(scope="session")
def catalog():
    from coverage.catalog import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def borders_10m():
    from coverage.borders import load_borders

    return load_borders("10m")


@pytest.fixture(scope="session")
def borders_110m():
    from coverage.borders import load_borders

    return load_borders("110m")


@pytest.fixture(scope="session")
def kars_sites(catalog):
    from coverage.scenario import load_scenario, resolve_sites

    return resolve_sites(load_scenario(SCENARIOS / "story-kars.json"), catalog)


@pytest.fixture(scope="session")
def kars_table(kars_sites, borders_10m):
    from coverage.analysis import coverage_table

    return coverage_table(kars_sites, borders_10m)
