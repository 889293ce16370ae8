"""The catalog of publicly cited range figures (``data/catalog/*.yaml``).

One record per published figure: the value and unit exactly as printed, what
it refers to, and who printed it where and when. Files are validated against
``data/catalog/schema.json``; errors name the file, the entry and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from coverage import paths
from coverage.errors import CatalogError
from coverage.schemas import Schema
from coverage.units import Unit, to_metres

CATALOG_DIR = paths.CATALOG_DIR
SCHEMA_PATH = CATALOG_DIR / "schema.json"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Source:
    """Where a figure was published."""

    publisher: str
    title: str
    url: str
    date: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD; None if undated
    quote: str | None = None
    via: str | None = None

    def short(self) -> str:
        """ "Bloomberg, 13 Jul 2017" — for legends and credit lines."""
        return f"{self.publisher}, {human_date(self.date)}"

    def full(self) -> str:
        """Publisher, “title”, date, URL — for captions and data exports."""
        via = f" (via {self.via})" if self.via else ""
        return f"{self.publisher}, “{self.title}”, {human_date(self.date)}{via}, {self.url}"


@dataclass(frozen=True)
class Figure:
    """One published range figure of one system."""

    id: str
    system_id: str
    system_name: str
    value: float
    unit: Unit
    refers_to: str
    source: Source
    note: str = ""

    @property
    def radius_m(self) -> float:
        return to_metres(self.value, self.unit)

    def as_published(self) -> str:
        """The figure as printed, e.g. "250 mi"."""
        return f"{self.value:g} {self.unit}"


@dataclass(frozen=True)
class System:
    id: str
    name: str
    aka: tuple[str, ...]
    note: str
    default_figure: str
    figures: tuple[Figure, ...]

    def figure(self, figure_id: str | None = None) -> Figure:
        """The figure with ``figure_id``, or the system's default."""
        wanted = figure_id or self.default_figure
        for fig in self.figures:
            if fig.id == wanted:
                return fig
        ids = ", ".join(f.id for f in self.figures)
        raise CatalogError(f"system {self.id!r} has no figure {wanted!r}; its figures: {ids}")


@dataclass(frozen=True)
class Catalog:
    systems: Mapping[str, System]

    def system(self, system_id: str) -> System:
        try:
            return self.systems[system_id]
        except KeyError:
            known = ", ".join(sorted(self.systems))
            raise CatalogError(f"unknown system {system_id!r}; known systems: {known}") from None

    def figure(self, system_id: str, figure_id: str | None = None) -> Figure:
        return self.system(system_id).figure(figure_id)


def human_date(iso: str | None) -> str:
    """ "2017-07-13" -> "13 Jul 2017"; partial dates stay partial."""
    if not iso:
        return "undated"
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return iso


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster

# Safe loader that keeps dates as the strings written in the file. Made with type(), not
# a class statement: yaml has no types, and strict mypy refuses a class derived from Any.
_Loader = type(
    "_Loader",
    (_SafeBase,),
    {
        "__doc__": "Safe loader that keeps dates as the strings written in the file.",
        "yaml_implicit_resolvers": {
            key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        },
    },
)


@lru_cache(maxsize=1)
def _schema() -> Schema:
    return Schema(SCHEMA_PATH)


def _where(data: Any, path: Iterable[Any]) -> str:
    """Describe a JSON path as 'system "s-400", figure "x", field source.url'."""
    parts: list[str] = []
    node = data
    fields: list[str] = []
    for step in path:
        child = node[step] if isinstance(node, list | dict) else None
        if isinstance(step, int) and isinstance(child, dict):
            kind = "figure" if fields and fields[-1] == "figures" else "system"
            if fields and fields[-1] == "figures":
                fields.pop()
            label = child.get("id", f"#{step + 1}")
            parts.append(f'{kind} "{label}"')
        else:
            fields.append(str(step))
        node = child
    if fields:
        parts.append(f"field {'.'.join(fields)}")
    return ", ".join(parts) or "top level"


def parse_catalog(text: str, filename: str) -> list[System]:
    """Parse and validate one catalog file's text (YAML)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CatalogError(f"{filename}: not valid YAML ({exc})") from exc
    errors = sorted(_schema().errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        message = err.message if len(err.message) <= 200 else f"{err.message[:200]}…"
        if not err.absolute_path and err.validator == "type":
            message = "the file must be a list of systems"
        raise CatalogError(f"{filename}: {_where(data, err.absolute_path)}: {message}")
    systems = []
    for entry in data:
        figures = tuple(
            Figure(
                id=f["id"],
                system_id=entry["id"],
                system_name=entry["name"],
                value=float(f["value"]),
                unit=f["unit"],
                refers_to=f["refers_to"],
                source=Source(**f["source"]),
                note=f.get("note", ""),
            )
            for f in entry["figures"]
        )
        system = System(
            id=entry["id"],
            name=entry["name"],
            aka=tuple(entry.get("aka", ())),
            note=entry.get("note", ""),
            default_figure=entry["default_figure"],
            figures=figures,
        )
        ids = [f.id for f in figures]
        if len(set(ids)) != len(ids):
            raise CatalogError(f'{filename}: system "{system.id}": duplicate figure ids')
        if system.default_figure not in ids:
            raise CatalogError(
                f'{filename}: system "{system.id}", field default_figure: '
                f"{system.default_figure!r} is not one of its figures ({', '.join(ids)})"
            )
        systems.append(system)
    return systems


def load_catalog_files(paths: Iterable[Path]) -> Catalog:
    """Load and merge catalog files; a system id may appear in only one."""
    systems: dict[str, System] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}: cannot read catalog file ({exc})") from exc
        for system in parse_catalog(text, str(path)):
            if system.id in systems:
                raise CatalogError(f'{path}: system "{system.id}" is defined twice')
            systems[system.id] = system
    if not systems:
        raise CatalogError(f"{CATALOG_DIR}: no catalog files (*.yaml)")
    return Catalog(systems)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The shipped catalog (cached; treat as read-only)."""
    return load_catalog_files(sorted(CATALOG_DIR.glob("*.yaml")))
