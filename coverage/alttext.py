"""Alt text and a long description of a map, written from its numbers (not typed by hand).

A screen reader gets nothing from the pixels of a PNG; these say what the map shows:
which rings are drawn around which places, which countries they reach and how much of
each, and who published each figure. The same texts go into every export
(:mod:`coverage.render`), the app's Caption tab and ``render --alt-text``.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from coverage.analysis import Result, Row
from coverage.scenario import Site
from coverage.style import short_credit
from coverage.units import Unit, format_distance, from_metres

ALT_COUNTRIES = 8
"""Countries named in the one-sentence alt text (the long description names them all)."""
NEAREST_CAPITALS = 3
"""Capitals per site in the long description, nearest first."""
_AREA_UNITS = {"km": "km²", "mi": "sq mi", "nmi": "sq nmi"}
_UNIT_WORDS = {"km": "kilometre", "mi": "mile", "nmi": "nautical-mile"}


def alt_text(result: Result, units: Unit = "km") -> str:
    """One sentence: "Map: a 250-mile (402 km) circle around Kars, Turkey, reaches Armenia
    (100 %), Georgia (100 %)…" and the short credit. Distances in ``units``."""
    if not result.sites:
        return "Map: no site placed yet."
    circles = " and ".join(_circles(result, members, units) for members in _by_figure(result.sites))
    reached = _reached(_by_share(result.rows), ALT_COUNTRIES)
    verb = "reaches" if len(result.sites) == 1 else "together reach"
    what = f"{verb} {reached}" if reached else f"{verb} no country, only sea"
    return f"Map: {circles} {what}. {short_credit(result.sites)}."


def long_description(result: Result, units: Unit = "km") -> str:
    """The alt text, then every country reached with its area and share, each site's nearest
    capitals, each figure with its full source and quote, and what a range does not mean."""
    lines = [alt_text(result, units)]
    per_area = from_metres(1000.0, units) ** 2
    if result.rows:
        lines.append("Countries within range, with the area within range and its share of the country:")
        lines += [
            f"- {row['country']}: {row['covered_km2'] * per_area:,.0f} {_AREA_UNITS[units]} "
            f"({_pct(row['covered_pct'])} of its area)"
            for row in _by_share(result.rows)
        ]
    capitals = [r for r in result.distance_rows if r["kind"] == "capital"]
    for site in result.sites:
        near = sorted((r for r in capitals if r["site"] == site.name), key=lambda r: r["distance_km"])
        if near:
            listed = ", ".join(
                f"{r['place']} {format_distance(r['distance_km'] * 1000.0, units, both=False)}"
                + (" (inside the ring)" if r["inside"] else "")
                for r in near[:NEAREST_CAPITALS]
            )
            lines.append(f"Nearest capitals to {site.name}: {listed}.")
    for members in _by_figure(result.sites):
        site, fig = members[0], members[0].figure
        if fig is None:
            radius = format_distance(site.radius_m, units)
            lines.append(f"{site.name}: a custom radius of {radius}, unsourced.")
        else:
            lines.append(
                f"{fig.system_name}, {fig.as_published()} ({fig.kind_label}): {fig.source.full()}; "
                f"quoted: “{fig.source.quote}”"
            )
    lines.append(
        "Circles are publicly cited ranges drawn as true circles on the Earth's surface; real "
        "coverage also depends on the radar horizon, the target's altitude and the terrain."
    )
    return "\n".join(lines)


def _by_figure(sites: tuple[Site, ...]) -> list[list[Site]]:
    groups: dict[object, list[Site]] = {}
    for site in sites:
        groups.setdefault(site.figure.id if site.figure else ("custom", site.radius_m), []).append(site)
    return list(groups.values())


def _by_share(rows: tuple[Row, ...]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r["covered_pct"], r["country"]))


def _circles(result: Result, members: list[Site], units: Unit) -> str:
    """ "a 250-mile (402 km) circle around Kars, Turkey" for the sites of one figure."""
    site, fig = members[0], members[0].figure
    if fig is not None and fig.unit != units:
        size = f"{fig.value:g}-{_UNIT_WORDS[fig.unit]} ({format_distance(site.radius_m, units, both=False)})"
    else:
        size = f"{from_metres(site.radius_m, units):,.0f}-{_UNIT_WORDS[units]}"
    countries = {_country(result, s) for s in members}
    if len(countries) == 1:  # "around Ankara, İzmir and Kars, Turkey,"
        (country,) = countries
        names = _and([s.name for s in members])
        places = f"{names}, {country}," if country and country not in names else names
    else:
        places = _and(
            [f"{s.name} ({c})" if c else s.name for s, c in ((s, _country(result, s)) for s in members)]
        )
    return f"a {size} circle around {places}" if len(members) == 1 else f"{size} circles around {places}"


def _country(result: Result, site: Site) -> str:
    """The country a site stands in ("" at sea)."""
    hits = result.countries.tree.query(shapely.Point(site.lon_deg, site.lat_deg), predicate="intersects")
    return str(result.countries.name[hits[0]]) if len(hits) else ""


def _reached(rows: list[Row], limit: int) -> str:
    shown = [f"{row['country']} ({_pct(row['covered_pct'])})" for row in rows[:limit]]
    if len(rows) > limit:
        shown.append(f"{len(rows) - limit} more countries")
    return _and(shown) if shown else ""


def _pct(value: float) -> str:
    if 0 < value < 0.1:
        return "under 0.1 %"
    return f"{value:.0f} %" if value >= 1 else f"{value:.1f} %"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


COPYRIGHT = (
    "Borders: Natural Earth (public domain). Range figures quoted from their publishers, as "
    "cited. Map made with range-rings (MIT licence)."
)


@dataclass(frozen=True)
class Description:
    """What an export says about itself: the fields PNG names (Title, Description, Source,
    Copyright) and the same in SVG, PDF, HTML, GeoJSON and KML."""

    title: str
    alt: str
    long: str
    source: str
    copyright: str = COPYRIGHT


def describe(result: Result, title: str = "", units: Unit = "km") -> Description:
    """The :class:`Description` of ``result``'s map (``title`` as printed on it, if any)."""
    alt = alt_text(result, units)
    return Description(
        title=title or "Range rings map",
        alt=alt,
        long=long_description(result, units),
        source=short_credit(result.sites),
    )
