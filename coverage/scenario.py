"""Scenario files: the JSON format shared by the app, the CLI and users.

See ``docs/scenario.md`` and ``data/schemas/scenario.schema.json``. A scenario
lists sites; each site has a position (``lat``/``lon`` or a ``place`` name)
and either a catalog ``system`` (with an optional ``figure``) or a ``radius``
with its ``unit``. :func:`parse_scenario` checks the shape; :func:`resolve_sites`
turns sites into positions and radii in metres with their citations.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from coverage import paths
from coverage.catalog import Catalog, Figure
from coverage.errors import CoverageError, ScenarioError
from coverage.i18n import EN, N_, Translator
from coverage.places import find_place
from coverage.rings import MAX_RADIUS_M, MIN_RADIUS_M
from coverage.schemas import Schema
from coverage.text import quoted, shorten, xml_invalid
from coverage.units import Unit, to_metres

SCHEMA_PATH = paths.SCHEMAS_DIR / "scenario.schema.json"
MAX_BYTES = 1_000_000
MAX_SITES = 1000
_SITE_KEYS = ("name", "lat", "lon", "place", "system", "figure", "radius", "unit")


@dataclass(frozen=True)
class SiteSpec:
    """A site as written in a scenario file (before resolution)."""

    name: str
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    system: str | None = None
    figure: str | None = None
    radius: float | None = None
    unit: Unit | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file."""

    sites: tuple[SiteSpec, ...]
    title: str = ""
    subtitle: str = ""
    units: Unit = "km"
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": self.version}
        if self.title:
            out["title"] = self.title
        if self.subtitle:
            out["subtitle"] = self.subtitle
        out["units"] = self.units
        out["sites"] = [s.to_dict() for s in self.sites]
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Site:
    """A resolved site: a position, a radius in metres, and where it comes from."""

    name: str
    lat_deg: float
    lon_deg: float
    radius_m: float
    figure: Figure | None = field(default=None, compare=False)

    @property
    def radius_km(self) -> float:
        return self.radius_m / 1000.0

    def label(self, units: Unit = "km", tr: Translator = EN) -> str:
        """ "S-400 Triumf, 250 mi = 402 km (Bloomberg, Jul 2017)" or "custom radius, 400 km (249 mi)".

        A cited figure is shown as published, then in ``units`` (or, if it was
        published in ``units``, in the other common unit); words in ``tr``'s language.
        """
        fig = self.figure
        if fig is None:
            return tr.gettext("custom radius, {distance}").format(distance=tr.distance(self.radius_m, units))
        other: Unit = units if units != fig.unit else ("mi" if fig.unit == "km" else "km")
        converted = tr.distance(self.radius_m, other, both=False)
        return (
            f"{fig.system_name}, {fig.as_published(tr)} = {converted}{_what_of(fig, tr)} "
            f"({fig.source.short(tr)})"
        )

    def what(self, tr: Translator = EN) -> str:
        if self.figure is None:
            return tr.gettext("custom radius")
        fig = self.figure
        return f"{fig.system_name} ({fig.as_published(tr)}, {fig.source.short(tr)})"


def _what_of(fig: Figure, tr: Translator = EN) -> str:
    """ ", against aircraft" or ", 9M96 missile": what the figure measures, for labels.

    Nothing for a figure whose source names neither target nor missile (the caption and
    the Sources tab say "target type not stated"), keeping the common label short.
    """
    if fig.kind != "maximum":
        return f", {fig.kind_label_in(tr)}"
    return ", " + tr.gettext("{missile} missile").format(missile=fig.missile) if fig.missile else ""


@lru_cache(maxsize=1)
def _schema() -> Schema:
    return Schema(SCHEMA_PATH)


class _NonFinite(float):
    """Marks a NaN/Infinity literal so the error can name its field."""

    literal: str

    def __new__(cls, literal: str) -> _NonFinite:
        obj = super().__new__(cls, "nan")
        obj.literal = literal
        return obj


MAX_DEPTH = 16  # a scenario is 4 levels deep; anything far deeper is refused early


def _check_plain(raw: Any, source: str) -> None:
    """Refuse non-finite numbers, unencodable text and deep nesting, naming the place.

    Walks iteratively, so hostile nesting cannot exhaust the stack. A first walk
    (:func:`_is_plain`) only says whether anything is wrong; the place is worked out
    only then (a scenario of a thousand sites is some 6,000 values).
    """
    if _is_plain(raw):
        return
    stack: list[tuple[Any, tuple[Any, ...]]] = [(raw, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise ScenarioError.of(
                N_("{where}: JSON is nested too deeply"), where=f"{source}: {_json_path(path[:3])}"
            )
        if isinstance(node, float) and not math.isfinite(node):
            literal = getattr(node, "literal", repr(node))
            raise ScenarioError.of(
                N_("{where}: {literal} is not allowed, numbers must be finite"),
                where=f"{source}: {_json_path(path)}",
                literal=literal,
            )
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise ScenarioError.of(
                    N_("{where}: text is not valid Unicode"), where=f"{source}: {_json_path(path)}"
                ) from None
            bad = xml_invalid(node)
            if bad is not None:
                raise ScenarioError.of(
                    N_(
                        "{where}: text holds the control character {char}, which "
                        "map and data files cannot carry; remove it"
                    ),
                    where=f"{source}: {_json_path(path)}",
                    char=bad,
                )
        elif isinstance(node, dict):
            for key, value in node.items():
                stack.append((key, path))
                stack.append((value, (*path, key)))
        elif isinstance(node, list):
            stack.extend((value, (*path, i)) for i, value in enumerate(node))


def _is_plain(raw: Any) -> bool:
    """Whether :func:`_check_plain` would find nothing wrong: the same checks, without
    paths, and all text checked at once."""
    texts: list[str] = []
    stack: list[tuple[Any, int]] = [(raw, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, float):
            if not math.isfinite(node):
                return False
        elif isinstance(node, dict):
            texts.extend(key for key in node if isinstance(key, str))
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)
    text = " ".join(texts)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return xml_invalid(text) is None


def _json_path(path: Any) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "top level"


def parse_scenario(data: str | bytes, source: str = "scenario") -> Scenario:
    """Parse and validate scenario JSON; errors start with ``source``.

    Raises :class:`ScenarioError` naming the field and what is wrong.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ScenarioError.of(
            N_("{where}: file is larger than {size} kB"), where=source, size=f"{MAX_BYTES // 1000:,}"
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError.of(
                N_("{where}: not UTF-8 text (byte {byte})"), where=source, byte=exc.start
            ) from None
    try:
        raw = json.loads(data, parse_constant=_NonFinite)
    except json.JSONDecodeError as exc:
        raise ScenarioError.of(
            N_("{where}: not valid JSON ({problem} at line {line}, column {column})"),
            where=source,
            problem=exc.msg,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise ScenarioError.of(N_("{where}: JSON is nested too deeply"), where=source) from None
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        raise ScenarioError.of(
            N_("{where}: not usable JSON ({problem})"), where=source, problem=str(exc)[:80]
        ) from None
    return scenario_from_dict(raw, source)


def scenario_from_dict(raw: Any, source: str = "scenario") -> Scenario:
    """Validate an already-decoded scenario object."""
    _check_plain(raw, source)
    errors = sorted(
        _schema().errors(raw), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)))
    )
    if errors:
        err = errors[0]
        raise ScenarioError(f"{source}: {_json_path(err.absolute_path)}: {_message(err)}")
    sites = []
    for i, site in enumerate(raw["sites"]):
        where = f"{source}: sites[{i}]"
        has_pos = "lat" in site or "lon" in site
        if has_pos and not ("lat" in site and "lon" in site):
            raise ScenarioError.of(N_("{where}: give both lat and lon"), where=where)
        if has_pos == ("place" in site):
            raise ScenarioError.of(N_("{where}: give either lat and lon, or place (not both)"), where=where)
        if ("system" in site) == ("radius" in site):
            raise ScenarioError.of(
                N_("{where}: give either system (and optionally figure) or radius and unit"), where=where
            )
        if "figure" in site and "system" not in site:
            raise ScenarioError.of(N_("{where}: figure needs a system"), where=where)
        if "radius" in site and "unit" not in site:
            raise ScenarioError.of(N_("{where}: radius needs a unit (km, mi or nmi)"), where=where)
        if "unit" in site and "radius" not in site:
            raise ScenarioError.of(N_("{where}: unit is only used with radius"), where=where)
        if "radius" in site:
            try:
                metres = to_metres(site["radius"], site["unit"])
            except OverflowError:
                metres = math.inf
            if not MIN_RADIUS_M <= metres <= MAX_RADIUS_M:
                raise ScenarioError.of(
                    N_("{where}.radius: {value} {unit} is outside {low}–{high} km"),
                    where=where,
                    value=f"{float(min(site['radius'], 1e300)):g}",
                    unit=site["unit"],
                    low=f"{MIN_RADIUS_M / 1000:g}",
                    high=f"{MAX_RADIUS_M / 1000:,.0f}",
                )
        values = {k: site[k] for k in _SITE_KEYS if k in site}
        values["name"] = values["name"].strip()
        for key in ("lat", "lon", "radius"):
            if key in values:
                values[key] = float(values[key])
        sites.append(SiteSpec(**values))
    return Scenario(
        sites=tuple(sites),
        title=raw.get("title", "").strip(),
        subtitle=raw.get("subtitle", "").strip(),
        units=raw.get("units", "km"),
    )


def _message(err: Any) -> str:
    """jsonschema's message, made plainer for the common cases."""
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))}"
    if err.validator == "maxItems" and err.absolute_path and err.absolute_path[-1] == "sites":
        return f"too many sites ({len(err.instance)}); at most {MAX_SITES}"
    if err.validator == "pattern" and isinstance(err.instance, str) and xml_invalid(err.instance):
        return (
            f"text holds the control character {xml_invalid(err.instance)}, which map and data "
            "files cannot carry; remove it"
        )
    if err.validator == "pattern" and err.absolute_path and err.absolute_path[-1] == "name":
        return "name must not be blank or contain control characters (such as line breaks)"
    if err.validator == "const" and list(err.absolute_path) == ["version"]:
        return f"unsupported version {err.instance!r}; this program reads version 1"
    if err.validator == "type":
        return f"{err.instance!r:.60} is not a {err.validator_value}"
    if err.validator in ("maxLength", "minLength") and isinstance(err.instance, str):
        limit = "at most" if err.validator == "maxLength" else "at least"
        return (
            f"{quoted(err.instance, 40)} is {len(err.instance):,} characters long; "
            f"{limit} {err.validator_value} allowed"
        )
    return shorten(str(err.message), 200)


def load_scenario(path: str | Path) -> Scenario:
    """Read and parse a scenario file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_scenario(data, str(path))


def resolve_sites(scenario: Scenario, catalog: Catalog, source: str = "") -> tuple[Site, ...]:
    """Positions and radii of every site, with their figures.

    Place names go through the gazetteer; systems through the catalog.
    Repeated names get " (2)", " (3)"… so tables and legends stay unambiguous.
    """
    out: list[Site] = []
    seen: dict[str, int] = {}
    sep = ": " if source else ""
    for i, spec in enumerate(scenario.sites):
        try:
            if spec.place is not None:
                place = find_place(spec.place)
                lat, lon = place.lat_deg, place.lon_deg
            elif spec.lat is not None and spec.lon is not None:
                lat, lon = spec.lat, spec.lon
            else:
                raise ScenarioError.of(N_("give lat and lon, or place"))
            figure = None
            if spec.system is not None:
                figure = catalog.figure(spec.system, spec.figure)
                radius_m = figure.radius_m
            elif spec.radius is not None and spec.unit is not None:
                radius_m = to_metres(spec.radius, spec.unit)
            else:
                raise ScenarioError.of(N_("give a system, or a radius and its unit"))
        except CoverageError as exc:
            raise ScenarioError.within(f"{source}{sep}sites[{i}] ({spec.name!r})", exc) from None
        seen[spec.name] = seen.get(spec.name, 0) + 1
        name = spec.name if seen[spec.name] == 1 else f"{spec.name} ({seen[spec.name]})"
        out.append(Site(name, lat, lon, radius_m, figure))
    return tuple(out)


MAX_LINK_CHARS = 32_000
"""Longest ``?s=`` text we make or read: web servers refuse request lines much longer (the
app's server answers HTTP 400 past about 65,500 characters). A longer map travels as a file."""


def encode_for_url(scenario: Scenario) -> str:
    """Compact, URL-safe text for ``?s=``: base64url of deflated JSON (see :func:`link_fits`)."""
    raw = json.dumps(scenario.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def link_fits(encoded: str) -> bool:
    """Whether ``encoded`` (from :func:`encode_for_url`) is short enough to share as a link."""
    return len(encoded) <= MAX_LINK_CHARS


def decode_from_url(text: str) -> Scenario:
    """Inverse of :func:`encode_for_url`; any damage gives a :class:`ScenarioError`."""
    if len(text) > MAX_LINK_CHARS:
        raise ScenarioError.of(
            N_(
                "link: the scenario is {chars} characters long, more than a link can carry "
                "({limit}); ask for the scenario file instead"
            ),
            chars=f"{len(text):,}",
            limit=f"{MAX_LINK_CHARS:,}",
        )
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_BYTES + 1)
        complete = inflater.eof and len(raw) <= MAX_BYTES
    except (binascii.Error, ValueError, zlib.error):
        complete = False
    if not complete:
        raise ScenarioError.of(N_("link: the scenario in this link is damaged (was it cut short?)"))
    return parse_scenario(raw, "link")
