"""The file formats: GeoJSON, KML, CSV and self-contained HTML, and atomic writes.

Every data export carries each figure's citation. A failed or interrupted
write never leaves a partial file at the target path: we write a temporary
file in the same folder and rename it over the target.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely

from coverage.alttext import Description
from coverage.analysis import Result
from coverage.borders import SHORT_CREDIT as BORDERS_CREDIT_SHORT
from coverage.catalog import ENGAGEMENT_KINDS, Catalog, System, load_catalog
from coverage.errors import ExportError
from coverage.i18n import EN, N_, Translator
from coverage.scenario import Site
from coverage.tiles import TileSource
from coverage.units import Unit, format_distance, from_metres

if TYPE_CHECKING:
    import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


TEMP_PREFIX = ".range-rings-"
"""Our temporary files: ``.range-rings-<pid>-<random>.tmp`` beside the target. Short (a
255-character target name still fits), and with the writer's process id, so that one left
by a killed run is recognised and removed by the next write to that folder."""


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename.

    Raises :class:`ExportError` (with the path) if the folder is missing or
    not writable, or if ``path`` is something other than a regular file (a
    folder, a FIFO, a device); the target is then untouched. An existing
    target keeps its permissions. Interrupted (an exception, or a signal the
    CLI turns into one), the temporary file is removed; killed outright, the
    next write to the folder removes it (:func:`remove_stale_temp_files`).
    """
    import tempfile  # here: a report writes no file, and tempfile imports shutil and random

    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    mode = _target_mode(path)
    remove_stale_temp_files(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"{path}: cannot write ({exc.strerror})") from None
        raise
    return path


def _target_mode(path: Path) -> int:
    """The permissions to give the new file: the existing target's, or rw-r--r--."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return 0o644
    except OSError as exc:
        raise ExportError(f"{path}: cannot write ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, socket or device)"
        raise ExportError(f"{path}: is {kind}; refusing to replace it")
    return stat.S_IMODE(info.st_mode)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove our temporary files in ``folder`` whose writing process has ended (a run killed
    mid-write); return them. Files of running processes and anything not ours are left."""
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(f"{TEMP_PREFIX}*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        pid_text = candidate.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or not a pid): leave its file alone
    return True


def citation_properties(site: Site) -> dict[str, Any]:
    """Flat citation fields for a site's figure (empty strings for a custom radius)."""
    fig = site.figure
    if fig is None:
        return {
            "system": "",
            "figure": "custom radius",
            "value_as_published": "",
            "figure_kind": "",
            "refers_to": "",
            "source_publisher": "",
            "source_via": "",
            "source_type": "",
            "source_title": "",
            "source_date": "",
            "source_url": "",
            "citation": "custom radius chosen by the user (unsourced)",
        }
    return {
        "system": fig.system_name,
        "figure": fig.id,
        "value_as_published": fig.as_published(),
        "figure_kind": fig.kind_label,
        "refers_to": fig.refers_to,
        "source_publisher": fig.source.publisher,
        "source_via": fig.source.via or "",
        "source_type": fig.source.type_label,
        "source_title": fig.source.title or "",
        "source_date": fig.source.date or "",
        "source_url": fig.source.url,
        "citation": fig.source.full(),
    }


def geojson_document(result: Result, description: Description | None = None) -> dict[str, Any]:
    """RFC 7946 FeatureCollection: one ring Feature and one site Point per site.

    Rings are split at ±180° and have counter-clockwise exteriors. ``description`` adds
    ``title`` and ``description`` members (RFC 7946 allows such foreign members).
    """
    sites = result.sites
    features: list[dict[str, Any]] = []
    for site, ring in zip(sites, result.rings, strict=True):
        ring = shapely.orient_polygons(ring)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(ring)),
                "properties": {
                    "kind": "ring",
                    "site": site.name,
                    "radius_km": round(site.radius_km, 6),
                    **citation_properties(site),
                },
            }
        )
    for site in sites:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.lon_deg, site.lat_deg]},
                "properties": {"kind": "site", "site": site.name, "radius_km": round(site.radius_km, 6)},
            }
        )
    document: dict[str, Any] = {"type": "FeatureCollection"}
    if description is not None:
        document["title"] = description.title
        document["description"] = description.long
    document["features"] = features
    return document


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: pd.DataFrame, sites: Sequence[Site] = ()) -> str:
    """CSV of a coverage table (a DataFrame); see :func:`rows_csv`."""
    return rows_csv(table.to_dict("records"), sites, columns=list(table.columns))


def rows_csv(
    rows: Sequence[Mapping[str, Any]], sites: Sequence[Site] = (), columns: Sequence[str] = ()
) -> str:
    """CSV of coverage rows; with ``sites``, the figures' citations as columns.

    Rows with a ``site`` key get that site's citation fields; otherwise one
    ``sources`` column lists every figure's citation. Missing values are empty
    cells, areas are rounded to 0.1 km² and shares to 0.01 %.
    """
    columns = list(columns or (rows[0].keys() if rows else ()))
    cites = {s.name: citation_properties(s) for s in sites}
    extra: list[str] = []
    if sites and "site" in columns:
        extra = [
            "system",
            "value_as_published",
            "figure_kind",
            "source_publisher",
            "source_via",
            "source_type",
            "source_date",
            "source_url",
        ]
    elif sites:
        extra = ["sources"]
        sources = "; ".join(dict.fromkeys(c["citation"] for c in cites.values()))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*columns, *extra])
    for row in rows:
        cells = [_csv_value(key, row.get(key)) for key in columns]
        if extra == ["sources"]:
            cells.append(sources)
        elif extra:
            cite = cites.get(row.get("site", ""), {})
            cells += [cite.get(key, "") for key in extra]
        writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def _csv_value(column: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column in ("covered_km2", "country_km2"):
        return round(float(value), 1)
    if column == "covered_pct":
        return round(float(value), 2)
    return value


CSV_METADATA_SUFFIX = "-metadata.json"
"""A CSV's description sits beside it as ``<name>.csv-metadata.json``: the file name W3C's
CSV on the Web (CSVW) looks for next to ``<name>.csv``."""

_CSV_DATATYPES = {"covered_km2": "number", "country_km2": "number", "covered_pct": "number"}


def csv_metadata(
    table_columns: Sequence[str], csv_name: str, description: Description, sites: Sequence[Site]
) -> dict[str, Any]:
    """The CSVW description (W3C "Metadata Vocabulary for Tabular Data") of a CSV written by
    :func:`table_csv`: title, long description, sources, licence note and its columns.

    Why a sidecar and not ``#`` lines in the CSV: spreadsheet programs show such lines as
    data rows, GDAL's CSV driver reads them as data and pandas only skips them when told
    (``comment="#"``, which would then also cut any cell holding a ``#``). The CSV stays a
    plain table every reader opens as it is; the description travels in the file that
    CSVW tools look for beside it, which the others ignore.
    """
    cites = [citation_properties(s) for s in sites]
    columns = [*table_columns, "sources"] if sites else list(table_columns)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_name,
        "dc:title": description.title,
        "dc:description": description.long,
        "dc:source": list(dict.fromkeys(c["citation"] for c in cites)),
        "dc:rights": description.copyright,
        "tableSchema": {
            "columns": [
                {"name": c, "titles": c, "datatype": _CSV_DATATYPES.get(c, "string")} for c in columns
            ]
        },
    }


STOCK_SENTENCES: dict[str, str] = {
    "engagement": N_(
        "A cited maximum is a best case; radar horizon, altitude and terrain shorten real coverage."
    ),
    "ballistic": N_(
        "A range against ballistic missiles is its own, different figure from the range against aircraft."
    ),
    "coverage-claim": N_("A coverage claim is an area someone said was watched, not a missile's reach."),
    "detection": N_("A detection range is how far a radar sees, not how far a missile reaches."),
    "custom": N_("Custom radii are unsourced."),
}
"""The caveat for each kind of figure on a map, said once per caption."""


def caption(
    sites: Sequence[Site],
    units: Unit = "km",
    catalog: Catalog | None = None,
    *,
    horizon_m: float | None = None,
    tr: Translator = EN,
) -> str:
    """The caption under a map: what each ring is and who published it, the spread of
    published figures for each system, the caveats for the kinds of figure shown, credits.

    No URLs and no internal notes: the Sources tab and the data files carry those.
    ``catalog`` (the shipped one by default) supplies each system's other figures.
    ``horizon_m``: the map also draws that radar horizon (dashed); one sentence says so.
    Words, numbers and place names in ``tr``'s language.
    """
    known = catalog if catalog is not None else load_catalog()
    groups: dict[str, list[Site]] = {}
    for site in sites:
        groups.setdefault(site.figure.id if site.figure else f"custom:{site.radius_m}", []).append(site)
    parts, caveats, spreads = [], [], []
    for members in groups.values():
        names = _and([tr.place(s.name) for s in members], tr)
        fig = members[0].figure
        if fig is None:
            parts.append(
                tr.gettext("{sites}: a custom radius of {radius}").format(
                    sites=names, radius=tr.distance(members[0].radius_m, units)
                )
            )
            caveats.append("custom")
            continue
        other: Unit = units if units != fig.unit else ("mi" if fig.unit == "km" else "km")
        parts.append(
            f"{names}: {fig.system_name}, {fig.as_published(tr)} "
            f"({tr.distance(fig.radius_m, other, both=False)}), {fig.kind_label_in(tr)} "
            f"({fig.source.cite(tr)})"
        )
        caveats.append("engagement" if fig.kind in ENGAGEMENT_KINDS else fig.kind)
        if fig.kind == "ballistic":
            caveats.append("ballistic")
        system = known.systems.get(fig.system_id)
        if system is not None:
            spreads.append(spread_sentence(system, units, tr))
    drawn = tr.gettext("Rings: publicly cited ranges, drawn as true circles")
    sentences = [
        f"{'. '.join(parts)}. {drawn}.",
        *dict.fromkeys(s for s in spreads if s),
        *(tr.gettext(STOCK_SENTENCES[c]) for c in dict.fromkeys(caveats)),
        *([horizon_sentence(horizon_m, units, tr)] if horizon_m is not None else []),
        f"{tr.gettext(BORDERS_CREDIT_SHORT)}.",
    ]
    return " ".join(sentences)


def horizon_sentence(horizon_m: float, units: Unit, tr: Translator = EN) -> str:
    """The caption's sentence for the dashed radar-horizon ring."""
    return tr.gettext(
        "Dashed: the radar horizon, {distance} from each site "
        "(textbook smooth-earth approximation; terrain ignored)."
    ).format(distance=tr.distance(horizon_m, units))


def spread_sentence(system: System, units: Unit, tr: Translator = EN) -> str:
    """ "Published S-400 Triumf figures: 121 to 402 km." ("" with one figure)."""
    figures = system.engagement_figures()
    if len({round(f.radius_m) for f in figures}) < 2:
        return ""
    low, high = system.spread()
    return tr.gettext("Published {system} figures: {low} to {high}.").format(
        system=system.name,
        low=tr.number(from_metres(low.radius_m, units)),
        high=tr.distance(high.radius_m, units, both=False),
    )


def _and(names: Sequence[str], tr: Translator = EN) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) == 1:
        return names[0]
    return tr.gettext("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def map_html(
    result: Result,
    borders_geojson: str,
    *,
    title: str = "",
    subtitle: str = "",
    units: Unit = "km",
    tiles: TileSource | None = None,
    description: Description | None = None,
    tr: Translator = EN,
) -> str:
    """One self-contained web page (Leaflet inlined): title, map, legend, credit and the table.

    The page (:mod:`coverage.webpage`) fills any width from 320 px up without scrolling
    sideways, follows the reader's light or dark setting, and in an iframe reports its
    height to the host page (:func:`coverage.webpage.embed_snippet`). The countries within
    range are a real table under the map, and a link skips the map to it; a "get the data"
    link carries the table's CSV. With ``description`` (:func:`coverage.alttext.describe`)
    the map container is labelled with the alt text and the long description is in the
    page for screen readers (visually hidden, before the map), and in a
    ``<meta name="description">``.
    By default it opens offline. ``tiles`` (see :mod:`coverage.tiles`) adds an
    online background that the browser loads from its provider when the page
    is opened; everything else is still in the page.
    """
    import html

    from coverage import webpage
    from coverage.leaflet import RawHtml, inline_leaflet, stable_ids
    from coverage.maps import coverage_map
    from coverage.style import credit_text

    m = coverage_map(result, borders_geojson, units=units, tiles=tiles, tr=tr)
    inline_leaflet(m)
    root: Any = m.get_root()  # a branca Figure (typed as a plain Element)
    shown_title = title or tr.gettext("Coverage map")
    root.header.add_child(RawHtml(f"<title>{html.escape(shown_title)}</title>"))
    root.header.add_child(RawHtml(webpage.EMBEDDED_SCRIPT + webpage.page_css() + webpage.legend_dark_css()))
    summary = ""
    if description is not None:
        root.header.add_child(
            RawHtml(
                f'<meta name="description" content="{html.escape(description.alt)}">'
                "<style>.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
                "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}</style>"
            )
        )
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in description.long.splitlines())
        summary = f'<div class="sr-only" id="map-summary">{lines}</div>'
    stable_ids(m)
    page = str(root.render())
    subtitle_html = f"<p>{html.escape(subtitle)}</p>" if subtitle else ""
    skip = tr.gettext("Skip the map: go to the table of countries within range")
    data_label = tr.gettext("Data")
    before = (
        '<main class="rr-page">'
        f'<a class="rr-skip" href="#rr-table">{html.escape(skip)}</a>'
        f'<header class="rr-head"><h1>{html.escape(shown_title)}</h1>{subtitle_html}</header>'
        f'{summary}<div class="rr-map">'
    )
    data_link = (
        webpage.data_link_html(table_csv(result.table, result.sites), "range-rings-data", tr)
        if result.rows
        else ""
    )
    after = (
        "</div>"
        + webpage.legend_html(result, units, tr)
        + f'<p class="rr-credit">{html.escape(credit_text(result.sites, tiles, tr))}</p>'
        + f'<section class="rr-data" aria-label="{html.escape(data_label)}">'
        + webpage.results_table_html(result, units, tr)
        + data_link
        + "</section></main>"
    )
    map_div = f'<div class="folium-map" id="{m.get_name()}" ></div>'
    if map_div not in page:
        raise ExportError("internal: the map's container was not found in the page")
    labelled = map_div
    if description is not None:
        label = html.escape(description.alt)
        labelled = map_div.replace(
            " ></div>", f' role="region" aria-label="{label}" aria-describedby="map-summary"></div>'
        )
    page = page.replace(map_div, before + labelled + after, 1)
    page = page.replace("<body>", f'<body class="{"rr-tiles" if tiles else "rr-no-tiles"}">', 1)
    page = page.replace("<html>", f'<html lang="{tr.lang}">', 1)
    # folium forbids zooming the page (a WCAG failure: readers must be able to enlarge text).
    return page.replace("initial-scale=1.0, maximum-scale=1.0, user-scalable=no", "initial-scale=1.0", 1)


def kml_bytes(result: Result, description: Description | None = None) -> bytes:
    """KML for Google Earth, written by GDAL (names and descriptions escaped by it).

    Each ring is a Placemark named after its site, with the figure's citation as
    its description; sites are Placemark points.
    """
    import html

    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    sites = result.sites
    rows = []
    for site, ring in zip(sites, result.rings, strict=True):
        cite = citation_properties(site)
        rows.append(
            {
                "name": f"{site.name}: {format_distance(site.radius_m, 'km')}",
                "description": f"{site.what()}. Source: {cite['citation']}",
                "kind": "ring",
                "site": site.name,
                "radius_km": round(site.radius_km, 6),
                **{
                    k: cite[k]
                    for k in (
                        "system",
                        "value_as_published",
                        "figure_kind",
                        "source_publisher",
                        "source_via",
                        "source_date",
                        "source_url",
                    )
                },
                "geometry": shapely.orient_polygons(ring),
            }
        )
    for site in sites:
        rows.append(
            {
                "name": site.name,
                "description": site.what(),
                "kind": "site",
                "site": site.name,
                "radius_km": round(site.radius_km, 6),
                "geometry": Point(site.lon_deg, site.lat_deg),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    buffer = io.BytesIO()  # GDAL writes to memory: no temporary folder for a kill to leave
    pyogrio.write_dataframe(
        frame,
        buffer,
        driver="KML",
        layer="rings",
        dataset_options={"NameField": "name", "DescriptionField": "description"},
    )
    data = buffer.getvalue()
    if description is None:
        return data
    # GDAL's KML driver writes no document name or description: add them to <Document>.
    opening = b'<Document id="root_doc">'
    about = (
        f"<name>{html.escape(description.title, quote=False)}</name>"
        f"<description>{html.escape(description.long, quote=False)}</description>"
    ).encode()
    return data.replace(opening, opening + about, 1)
