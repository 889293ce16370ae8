"""The catalog of publicly cited range figures (``data/catalog/*.yaml``).

One record per published figure: the value and unit exactly as printed, what
it refers to, and who printed it where and when. Files are validated against
``data/catalog/schema.json``; errors name the file, the entry and the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from coverage import diskcache, paths
from coverage.errors import CatalogError
from coverage.i18n import EN, N_, Translator
from coverage.schemas import Schema
from coverage.units import Unit, to_metres

CATALOG_DIR = paths.CATALOG_DIR
SCHEMA_PATH = CATALOG_DIR / "schema.json"


SourceType = Literal["official", "reference", "news-agency", "newspaper", "broadcaster", "specialist", "blog"]
SOURCE_TYPES: dict[SourceType, str] = {
    "official": N_("official or manufacturer"),
    "reference": N_("reference work"),
    "news-agency": N_("news agency"),
    "newspaper": N_("newspaper"),
    "broadcaster": N_("broadcaster"),
    "specialist": N_("specialist site"),
    "blog": N_("blog or aggregator"),
}
"""Kinds of publisher, most authoritative first: the order that chooses a system's default."""

FigureKind = Literal["maximum", "aircraft", "ballistic", "coverage-claim", "detection"]
FIGURE_KINDS: dict[FigureKind, str] = {
    "maximum": N_("maximum, target type not stated"),
    "aircraft": N_("against aircraft"),
    "ballistic": N_("against ballistic missiles"),
    "coverage-claim": N_("claimed coverage area, not a missile range"),
    "detection": N_("radar detection range, not an engagement range"),
}
"""What a figure measures, as the app and the captions say it."""

ENGAGEMENT_KINDS: frozenset[FigureKind] = frozenset({"maximum", "aircraft", "ballistic"})
"""Kinds that are a missile's reach; the others are never a system's default circle."""


@dataclass(frozen=True)
class Source:
    """The page a figure was read on.

    ``publisher`` published that page; ``via`` is the original it relays, if any
    (not seen by us unless the figure's note says so). ``title`` is the real
    headline, ``None`` when it was not seen.
    """

    publisher: str
    type: SourceType
    url: str
    quote: str
    title: str | None = None
    date: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD; None if undated
    date_of: Literal["page", "event"] = "page"
    via: str | None = None
    lang: str | None = None  # ISO 639-1 where the page is not in English

    @property
    def who(self) -> str:
        """ "ZeroHedge citing Bloomberg" or "TASS"."""
        return self.who_in(EN)

    def who_in(self, tr: Translator) -> str:
        """:attr:`who` in ``tr``'s language (publishers' names stay as they are)."""
        if not self.via:
            return self.publisher
        return tr.gettext("{publisher} citing {original}").format(publisher=self.publisher, original=self.via)

    @property
    def type_label(self) -> str:
        return SOURCE_TYPES[self.type]

    def type_label_in(self, tr: Translator) -> str:
        """The kind of publisher in ``tr``'s language."""
        return tr.gettext(SOURCE_TYPES[self.type])

    @property
    def headline(self) -> str:
        """The headline in quotation marks, or says that it was not seen."""
        return self.headline_in(EN)

    def headline_in(self, tr: Translator) -> str:
        """:attr:`headline`; the headline itself stays as published."""
        return f"“{self.title}”" if self.title else tr.gettext("headline not seen")

    @property
    def when(self) -> str:
        """ "13 Jul 2017", "undated", or "13 Jul 2017 (date of the original report)"."""
        return self.when_in(EN)

    def when_in(self, tr: Translator) -> str:
        """:attr:`when` in ``tr``'s language."""
        shown = tr.date(self.date)
        if not self.date or self.date_of == "page":
            return shown
        if self.via:
            return tr.gettext("{date} (date of the original report)").format(date=shown)
        return tr.gettext("{date} (date of the event)").format(date=shown)

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else "undated"

    def year_in(self, tr: Translator) -> str:
        return self.date[:4] if self.date else tr.gettext("undated")

    def quote_language(self, tr: Translator) -> str:
        """The language the quote was published in, named in ``tr``'s language (CLDR via Babel)."""
        from babel import Locale

        code = self.lang or "en"
        name = str(Locale.parse(tr.lang).languages.get(code, code))
        # Greek writes language names in lower case in running text ("στα αγγλικά"); CLDR
        # gives them as a heading would ("Αγγλικά").
        return name.lower() if tr.lang == "el" else name

    def credit(self, tr: Translator | None = None) -> str:
        """ "ZeroHedge citing Bloomberg (2017)": for a short credit line a desk can paste."""
        tr = tr or EN
        return f"{self.who_in(tr)} ({self.year_in(tr)})"

    def cite(self, tr: Translator | None = None) -> str:
        """ "ZeroHedge citing Bloomberg, 2017": inside a caption's brackets."""
        tr = tr or EN
        return f"{self.who_in(tr)}, {self.year_in(tr)}"

    def short(self, tr: Translator | None = None) -> str:
        """ "ZeroHedge citing Bloomberg, Jul 2017": for legends and labels."""
        tr = tr or EN
        return f"{self.who_in(tr)}, {tr.date(self.date)}"

    def full(self, tr: Translator | None = None) -> str:
        """Publisher (citing the original), headline, date, URL: for data exports."""
        tr = tr or EN
        return f"{self.who_in(tr)}, {self.headline_in(tr)}, {self.when_in(tr)}, {self.url}"


@dataclass(frozen=True)
class Figure:
    """One published range figure of one system."""

    id: str
    system_id: str
    system_name: str
    value: float
    unit: Unit
    kind: FigureKind
    refers_to: str
    source: Source
    missile: str | None = None
    note: str = ""

    @property
    def radius_m(self) -> float:
        return to_metres(self.value, self.unit)

    @property
    def kind_label(self) -> str:
        """ "against aircraft", "maximum, target type not stated, 40N6 missile"…"""
        return self.kind_label_in(EN)

    def kind_label_in(self, tr: Translator) -> str:
        """:attr:`kind_label` in ``tr``'s language."""
        label = tr.gettext(FIGURE_KINDS[self.kind])
        if not self.missile:
            return label
        return tr.gettext("{kind}, {missile} missile").format(kind=label, missile=self.missile)

    def as_published(self, tr: Translator | None = None) -> str:
        """The figure as printed, e.g. "250 mi" ("250 mil" in Turkish)."""
        tr = tr or EN
        value = tr.number(self.value, 0 if self.value == round(self.value) else 1)
        return f"{value} {tr.unit_symbol(self.unit)}"


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
        raise CatalogError.of(
            N_("system {system} has no figure {figure}; its figures: {figures}"),
            system=repr(self.id),
            figure=repr(wanted),
            figures=ids,
        )

    def engagement_figures(self) -> tuple[Figure, ...]:
        """The figures that are a missile's reach (no coverage claims or detection ranges),
        shortest first."""
        return tuple(
            sorted((f for f in self.figures if f.kind in ENGAGEMENT_KINDS), key=lambda f: f.radius_m)
        )

    def spread(self) -> tuple[Figure, Figure]:
        """The shortest and the longest published engagement figure."""
        figures = self.engagement_figures()
        return figures[0], figures[-1]


def source_rank(fig: Figure) -> int:
    """0 for an official or manufacturer source, then down :data:`SOURCE_TYPES`."""
    return list(SOURCE_TYPES).index(fig.source.type)


@dataclass(frozen=True)
class Catalog:
    systems: Mapping[str, System]

    def system(self, system_id: str) -> System:
        try:
            return self.systems[system_id]
        except KeyError:
            known = ", ".join(sorted(self.systems))
            raise CatalogError.of(
                N_("unknown system {system}; known systems: {known}"), system=repr(system_id), known=known
            ) from None

    def figure(self, system_id: str, figure_id: str | None = None) -> Figure:
        return self.system(system_id).figure(figure_id)


def human_date(iso: str | None, tr: Translator | None = None) -> str:
    """ "2017-07-13" -> "13 Jul 2017" ("13 Tem 2017" in Turkish); partial dates stay partial."""
    return (tr or EN).date(iso)


@lru_cache(maxsize=1)
def text_date_loader() -> Any:
    """PyYAML's safe loader (libyaml's when present: ~10x faster), keeping dates as the
    strings written in the file. Imports PyYAML, which a report reading the catalog from
    the user's cache never needs."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Made with type(), not a class statement: yaml has no types, and strict mypy refuses a
    # class derived from Any.
    return type(
        "TextDateLoader",
        (base,),
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


def _yaml(text: str, filename: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=text_date_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CatalogError(f"{filename}: not valid YAML ({exc})") from exc


_PARSED_CACHE_FORMAT = 1  # bump when what is kept changes


def _yaml_kept(text: str, filename: str) -> Any:
    """:func:`_yaml`, kept in the user's cache (:mod:`coverage.diskcache`) as JSON under the
    text's SHA-256: a start with the catalog unchanged skips PyYAML. Only data that JSON
    gives back equal is kept; it is validated on every load all the same."""
    name = f"catalog-v{_PARSED_CACHE_FORMAT}-{hashlib.sha256(text.encode('utf-8')).hexdigest()}.bin"
    kept = diskcache.read_arrays(name)
    if kept is not None and "json" in kept:
        try:
            return json.loads(kept["json"].tobytes().decode("utf-8"))
        except ValueError:
            pass  # damaged in a way its checksum missed: parse the YAML again
    data = _yaml(text, filename)
    try:
        as_json = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return data  # not plain JSON data (the schema will say what is wrong)
    if json.loads(as_json) == data:
        diskcache.write_arrays(name, {"json": np.frombuffer(as_json.encode("utf-8"), dtype=np.uint8)})
    return data


def parse_catalog(text: str, filename: str, *, kept: bool = False) -> list[System]:
    """Parse and validate one catalog file's text (YAML).

    ``kept``: the parsed YAML may come from, and go to, the user's cache (the shipped catalog).
    """
    data = _yaml_kept(text, filename) if kept else _yaml(text, filename)
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
                kind=f["kind"],
                refers_to=f["refers_to"],
                missile=f.get("missile"),
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
        default = system.figure()
        if default.kind not in ENGAGEMENT_KINDS:
            raise CatalogError(
                f'{filename}: system "{system.id}", field default_figure: {default.id!r} is a '
                f"{FIGURE_KINDS[default.kind]}; the default must be a missile's range "
                f"({', '.join(sorted(ENGAGEMENT_KINDS))})"
            )
        systems.append(system)
    return systems


def load_catalog_files(paths: Iterable[Path], *, kept: bool = False) -> Catalog:
    """Load and merge catalog files; a system id may appear in only one (``kept``: see
    :func:`parse_catalog`)."""
    systems: dict[str, System] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}: cannot read catalog file ({exc})") from exc
        for system in parse_catalog(text, str(path), kept=kept):
            if system.id in systems:
                raise CatalogError(f'{path}: system "{system.id}" is defined twice')
            systems[system.id] = system
    if not systems:
        raise CatalogError(f"{CATALOG_DIR}: no catalog files (*.yaml)")
    return Catalog(systems)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The shipped catalog (cached; treat as read-only)."""
    return load_catalog_files(sorted(CATALOG_DIR.glob("*.yaml")), kept=True)
