"""Where the shipped data is: one place, so no module works out paths of its own.

In a source checkout the data sits at the top of the repository (``data/``,
``scenarios/``: the layout the project was asked for); a built wheel carries the
same folders inside the package (``pyproject.toml``, ``force-include``). Both
are found from this file's own place, so the CLI works from any folder.
"""

from __future__ import annotations

from pathlib import Path


def _root() -> Path:
    # The package is always a folder on disk here (no zip imports): the data files
    # are read by GDAL, Arrow and PROJ, which need real paths. (importlib.resources
    # would say the same, at the cost of importing it on every start.)
    package = Path(__file__).parent
    return package if (package / "data").is_dir() else package.parent


ROOT = _root()
"""The folder holding ``data/`` and ``scenarios/``."""
DATA_DIR = ROOT / "data"
BOUNDARIES_DIR = DATA_DIR / "boundaries"
CATALOG_DIR = DATA_DIR / "catalog"
PLACES_DIR = DATA_DIR / "places"
SCHEMAS_DIR = DATA_DIR / "schemas"
STORY_DIR = DATA_DIR / "story"
SCENARIOS_DIR = ROOT / "scenarios"
