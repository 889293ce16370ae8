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
from coverage.i18n import EN, N_, Translator
from coverage.scenario import Site
from coverage.style import short_credit
from coverage.units import Unit, from_metres

ALT_COUNTRIES = 8
"""Countries named in the one-sentence alt text (the long description names them all)."""
NEAREST_CAPITALS = 3
"""Capitals per site in the long description, nearest first."""


def alt_text(result: Result, units: Unit = "km", tr: Translator = EN) -> str:
    """One sentence: "Map: a 250-mile (402 km) circle around Kars, Turkey, reaches Armenia
    (100 %), Georgia (100 %)…" and the short credit. Distances in ``units``, words in ``tr``'s language."""
    if not result.sites:
        return tr.gettext("Map: no site placed yet.")
    parts = [_circles(result, members, units, tr) for members in _by_figure(result.sites)]
    # "around Kars, Turkey," closes its aside with a comma before the verb; in a list the
    # list's comma does that ("…, Turkey, a 250-kilometre circle…", not "Turkey,, a").
    circles = _and([part.removesuffix(",") for part in parts[:-1]] + parts[-1:], tr)
    reached = _reached(_by_share(result.rows), ALT_COUNTRIES, tr)
    credit = short_credit(result.sites, tr)
    if len(result.sites) == 1:
        if reached:
            return tr.gettext("Map: {circles} reaches {countries}. {credit}.").format(
                circles=circles, countries=reached, credit=credit
            )
        return tr.gettext("Map: {circles} reaches no country, only sea. {credit}.").format(
            circles=circles, credit=credit
        )
    if reached:
        return tr.gettext("Map: {circles} together reach {countries}. {credit}.").format(
            circles=circles, countries=reached, credit=credit
        )
    return tr.gettext("Map: {circles} together reach no country, only sea. {credit}.").format(
        circles=circles, credit=credit
    )


def long_description(result: Result, units: Unit = "km", tr: Translator = EN) -> str:
    """The alt text, then every country reached with its area and share, each site's nearest
    capitals, each figure with its full source and quote, and what a range does not mean."""
    lines = [alt_text(result, units, tr)]
    per_area = from_metres(1000.0, units) ** 2
    if result.rows:
        lines.append(
            tr.gettext("Countries within range, with the area within range and its share of the country:")
        )
        lines += [
            tr.gettext("- {country}: {area} ({share} of its area)").format(
                country=tr.country(row["country"]),
                area=tr.area(row["covered_km2"] * per_area, units),
                share=_pct(row["covered_pct"], tr),
            )
            for row in _by_share(result.rows)
        ]
    capitals = [r for r in result.distance_rows if r["kind"] == "capital"]
    for site in result.sites:
        near = sorted((r for r in capitals if r["site"] == site.name), key=lambda r: r["distance_km"])
        if near:
            listed = ", ".join(
                f"{tr.place(r['place'])} {_distance(r['distance_km'] * 1000.0, units, tr)}"
                + (tr.gettext(" (inside the ring)") if r["inside"] else "")
                for r in near[:NEAREST_CAPITALS]
            )
            lines.append(
                tr.gettext("Nearest capitals to {site}: {capitals}.").format(
                    site=tr.place(site.name), capitals=listed
                )
            )
    for members in _by_figure(result.sites):
        site, fig = members[0], members[0].figure
        if fig is None:
            lines.append(
                tr.gettext("{site}: a custom radius of {radius}, unsourced.").format(
                    site=tr.place(site.name), radius=_distance(site.radius_m, units, tr, both=True)
                )
            )
        else:
            lines.append(
                tr.gettext("{system}, {figure} ({kind}): {source}; quoted ({language}): “{quote}”").format(
                    system=fig.system_name,
                    figure=fig.as_published(tr),
                    kind=fig.kind_label_in(tr),
                    source=fig.source.full(tr),
                    language=fig.source.quote_language(tr),
                    quote=fig.source.quote,
                )
            )
    lines.append(
        tr.gettext(
            "Circles are publicly cited ranges drawn as true circles on the Earth's surface; real "
            "coverage also depends on the radar horizon, the target's altitude and the terrain."
        )
    )
    return "\n".join(lines)


def _distance(metres: float, units: Unit, tr: Translator, *, both: bool = False) -> str:
    """ "402 km", or with ``both`` "402 km (250 mi)", in ``tr``'s numbers and unit symbols."""
    main = f"{tr.number(from_metres(metres, units))} {tr.unit_symbol(units)}"
    if not both:
        return main
    other: Unit = "km" if units == "mi" else "mi"
    return f"{main} ({tr.number(from_metres(metres, other))} {tr.unit_symbol(other)})"


def _by_figure(sites: tuple[Site, ...]) -> list[list[Site]]:
    groups: dict[object, list[Site]] = {}
    for site in sites:
        groups.setdefault(site.figure.id if site.figure else ("custom", site.radius_m), []).append(site)
    return list(groups.values())


def _by_share(rows: tuple[Row, ...]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r["covered_pct"], r["country"]))


def _circles(result: Result, members: list[Site], units: Unit, tr: Translator) -> str:
    """ "a 250-mile (402 km) circle around Kars, Turkey" for the sites of one figure."""
    site, fig = members[0], members[0].figure
    if fig is not None and fig.unit != units:
        size = tr.gettext("{value}-{unit} ({distance})").format(
            value=tr.number(fig.value, 0 if fig.value == round(fig.value) else 1),
            unit=_unit_adjective(fig.unit, tr),
            distance=_distance(site.radius_m, units, tr),
        )
    else:
        size = tr.gettext("{value}-{unit}").format(
            value=tr.number(from_metres(site.radius_m, units)), unit=_unit_adjective(units, tr)
        )
    countries = {_country(result, s) for s in members}
    if len(countries) == 1:  # "around Ankara, İzmir and Kars, Turkey,"
        (country,) = countries
        names = _and([tr.place(s.name) for s in members], tr)
        shown = tr.country(country)
        in_country = tr.gettext("{places}, {country},")
        places = in_country.format(places=names, country=shown) if country and shown not in names else names
    else:
        places = _and(
            [
                f"{tr.place(s.name)} ({tr.country(c)})" if c else tr.place(s.name)
                for s, c in ((s, _country(result, s)) for s in members)
            ],
            tr,
        )
    if len(members) == 1:
        return tr.gettext("a {size} circle around {places}").format(size=size, places=places)
    return tr.gettext("{size} circles around {places}").format(size=size, places=places)


def _unit_adjective(unit: Unit, tr: Translator) -> str:
    """The unit as in "a 250-mile circle": "mile", "mil", "μιλίων"."""
    words = {
        "km": tr.pgettext("size", "kilometre"),
        "mi": tr.pgettext("size", "mile"),
        "nmi": tr.pgettext("size", "nautical-mile"),
    }
    return words[unit]


def _country(result: Result, site: Site) -> str:
    """The country a site stands in ("" at sea), by its house-style English name."""
    hits = result.countries.tree.query(shapely.Point(site.lon_deg, site.lat_deg), predicate="intersects")
    return str(result.countries.name[hits[0]]) if len(hits) else ""


def _reached(rows: list[Row], limit: int, tr: Translator) -> str:
    shown = [f"{tr.country(row['country'])} ({_pct(row['covered_pct'], tr)})" for row in rows[:limit]]
    if len(rows) > limit:
        more = len(rows) - limit
        shown.append(tr.ngettext("{n} more country", "{n} more countries", more).format(n=more))
    return _and(shown, tr) if shown else ""


def _pct(value: float, tr: Translator = EN) -> str:
    if 0 < value < 0.1:
        return tr.gettext("under {share}").format(share=tr.percent(0.1, 1))
    return tr.percent(value) if value >= 1 else tr.percent(value, 1)


def _and(items: list[str], tr: Translator = EN) -> str:
    if len(items) == 1:
        return items[0]
    return tr.gettext("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


COPYRIGHT = N_(
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
    lang: str = "en"
    """The language the texts are in (the file's ``xml:lang`` / ``lang``)."""


def describe(result: Result, title: str = "", units: Unit = "km", tr: Translator = EN) -> Description:
    """The :class:`Description` of ``result``'s map (``title`` as printed on it, if any), in
    ``tr``'s language."""
    alt = alt_text(result, units, tr)
    return Description(
        title=title or tr.gettext("Range rings map"),
        alt=alt,
        long=long_description(result, units, tr),
        source=short_credit(result.sites, tr),
        copyright=tr.gettext(COPYRIGHT),
        lang=tr.lang,
    )
