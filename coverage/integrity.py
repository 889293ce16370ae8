"""Shipped data files checked before use: ``data/SHA256SUMS`` (the boundaries have their own).

A damaged or hand-edited file (the places tables, the JSON schemas) fails where it is
read, with its own name, instead of being used silently or breaking deep inside a parser.
Files meant to be edited (the catalog, the story's timeline) are checked by their schemas
instead. After an intended edit, rebuild the list: ``.venv/bin/python -m coverage.integrity``.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from coverage import paths
from coverage.errors import DataFileError

SUMS_PATH = paths.DATA_DIR / "SHA256SUMS"
CHECKED = (
    "places/story_places.csv",
    "places/capitals.csv",
    "places/names_i18n.csv",
    "boundaries/names_i18n.csv",
    "schemas/scenario.schema.json",
    "catalog/schema.json",
    "story/timeline.schema.json",
)
"""The files under ``data/`` listed in ``SHA256SUMS`` (paths relative to ``data/``)."""


def read_sums(path: Path) -> dict[str, str]:
    """A ``sha256sum``-style list (``<sha256>  <name>`` per line; blank lines skipped) as
    {name: digest}; a line of another shape is a :class:`DataFileError` naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read the checksums ({exc})") from exc
    sums = {}
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise DataFileError(f"{path}, line {number}: expected '<sha256>  <name>'")
        sums[fields[1]] = fields[0]
    return sums


@lru_cache(maxsize=1)
def _sums() -> dict[str, str]:
    return read_sums(SUMS_PATH)


def verified_bytes(path: Path) -> bytes:
    """The bytes of a shipped data file, checked against ``data/SHA256SUMS``."""
    name = path.relative_to(paths.DATA_DIR).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from exc
    if hashlib.sha256(data).hexdigest() != _sums().get(name):
        raise DataFileError(
            f"{path}: checksum does not match data/SHA256SUMS; the file is damaged or was edited. "
            "Restore it from git, or after an intended edit run python -m coverage.integrity"
        )
    return data


def verified_text(path: Path) -> str:
    """:func:`verified_bytes` as UTF-8 text."""
    try:
        return verified_bytes(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc})") from exc


def clear_cache() -> None:
    """Forget the checksums read (tests that edit them use this)."""
    _sums.cache_clear()


def write_sums() -> str:
    """Rewrite ``data/SHA256SUMS`` from the files as they are; returns its text."""
    text = "".join(
        f"{hashlib.sha256((paths.DATA_DIR / name).read_bytes()).hexdigest()}  {name}\n" for name in CHECKED
    )
    SUMS_PATH.write_text(text, encoding="utf-8")
    clear_cache()
    return text


if __name__ == "__main__":
    sys.stdout.write(write_sums())
