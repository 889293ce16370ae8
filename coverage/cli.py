"""Command line: ``python -m coverage report|render SCENARIO.json``.

Bad input exits with status 2 and one line on stderr; never a traceback and
never a partial output file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coverage.errors import CoverageError, ExportError
from coverage.tiles import BACKGROUNDS, PLAIN

RENDER_FORMATS = (".png", ".svg", ".pdf", ".html", ".geojson", ".kml", ".csv", ".json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m coverage",
        description="Publicly cited air-defense ranges over country borders (educational, non-operational).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="print which countries the rings reach, and how much")
    report.add_argument("scenario", type=Path, help="scenario JSON file (see docs/scenario.md)")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--resolution", choices=("10m", "50m", "110m"), default="10m")
    report.add_argument("--by-site", action="store_true", help="one block of rows per site")
    report.add_argument("--distances", action="store_true", help="also distances to reference places")
    render = sub.add_parser("render", help="write a map or data file; format from --out's extension")
    render.add_argument("scenario", type=Path)
    render.add_argument("--out", type=Path, required=True, help=f"output file: {', '.join(RENDER_FORMATS)}")
    render.add_argument("--resolution", choices=("10m", "50m", "110m"), default="10m")
    render.add_argument("--caption", action="store_true", help="also print the caption to stdout")
    render.add_argument("--size", default="square", help="png/svg/pdf: 16x9, square, portrait or print")
    render.add_argument("--theme", default="light", choices=("light", "dark"), help="png/svg/pdf colours")
    render.add_argument("--title", help="title (default: the scenario's)")
    render.add_argument("--subtitle", help="subtitle (default: the scenario's)")
    render.add_argument(
        "--background",
        choices=list(BACKGROUNDS),
        default=PLAIN,
        help="html: plain (default; opens offline) or online map tiles loaded when the page is opened",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            print(report(args.scenario, args.format, args.resolution, args.by_site, args.distances), end="")
        else:
            text = render(
                args.scenario,
                args.out,
                args.resolution,
                size=args.size,
                theme=args.theme,
                title=args.title,
                subtitle=args.subtitle,
                background=args.background,
            )
            if args.caption:
                print(text)
    except CoverageError as exc:
        message = " ".join(str(exc).split())  # always one line
        print(f"error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


def _load(path: Path):  # type: ignore[no-untyped-def]
    from coverage.catalog import load_catalog
    from coverage.scenario import load_scenario, resolve_sites

    scenario = load_scenario(path)
    return scenario, resolve_sites(scenario, load_catalog(), str(path))


def report(path: Path, fmt: str, resolution: str, by_site: bool, distances: bool) -> str:
    """The coverage report as text in ``fmt`` (table, csv or json).

    Built from plain rows, without pandas or geopandas, so the command starts quickly.
    """
    from coverage.analysis import (
        COVERAGE_COLUMNS,
        coverage_rows,
        coverage_rows_by_site,
        covered_union,
        distance_rows,
        reference_places,
    )
    from coverage.borders import load_countries
    from coverage.export import rows_csv

    scenario, sites = _load(path)
    countries = load_countries(resolution)
    if by_site:
        rows = coverage_rows_by_site(sites, countries)
        columns = ["site", *COVERAGE_COLUMNS]
    else:
        rows = coverage_rows(covered_union(sites), countries)
        columns = COVERAGE_COLUMNS
    dist = None
    if distances:
        dist = distance_rows(sites, reference_places(list(dict.fromkeys(r["iso_a3"] for r in rows))))
    if fmt == "csv":
        return rows_csv(rows, sites, columns)
    if fmt == "json":
        doc = {
            "title": scenario.title,
            "coverage": rows,
            "sites": [
                {"name": s.name, "lat": s.lat_deg, "lon": s.lon_deg, "radius_km": s.radius_km} for s in sites
            ],
        }
        if dist is not None:
            doc["distances"] = dist
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    lines = [scenario.title] if scenario.title else []
    lines += [f"{s.name}: {s.label(scenario.units)}" for s in sites]
    shown = [
        {
            **row,
            "iso_a3": row["iso_a3"] or "",
            "covered_km2": f"{row['covered_km2']:,.0f}",
            "country_km2": f"{row['country_km2']:,.0f}",
            "covered_pct": f"{row['covered_pct']:.1f} %",
        }
        for row in rows
    ]
    lines += ["", *text_table(shown, columns, right=("covered_km2", "country_km2", "covered_pct"))]
    if dist is not None:
        shown = [{**d, "distance_km": f"{d['distance_km']:,.0f}", "inside": str(d["inside"])} for d in dist]
        lines += ["", *text_table(shown, ["site", "place", "distance_km", "inside"], right=("distance_km",))]
    return "\n".join(lines) + "\n"


def text_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], right: Sequence[str] = ()
) -> list[str]:
    """Lines of a plain-text table; the ``right`` columns (figures) are right-aligned."""
    if not rows:
        return ["(no countries reached)" if "country" in columns else "(nothing to list)"]
    cells = [[str(row[key]) for key in columns] for row in rows]
    widths = [max(len(key), *(len(line[i]) for line in cells)) for i, key in enumerate(columns)]
    out = []
    for line in [list(columns), *cells]:
        padded = [
            text.rjust(width) if key in right else text.ljust(width)
            for text, width, key in zip(line, widths, columns, strict=True)
        ]
        out.append("  ".join(padded).rstrip())
    return out


def render(
    path: Path,
    out: Path,
    resolution: str,
    *,
    size: str = "square",
    theme: str = "light",
    title: str | None = None,
    subtitle: str | None = None,
    background: str = PLAIN,
) -> str:
    """Write ``out`` (format from its extension); return the caption.

    ``background`` (a key of ``tiles.BACKGROUNDS``) applies to ``.html`` only.
    """
    suffix = out.suffix.lower()
    if suffix not in RENDER_FORMATS:
        raise ExportError(
            f"{out}: unknown format {suffix or '(none)'!r}; use one of {', '.join(RENDER_FORMATS)}"
        )
    if background != PLAIN and suffix != ".html":
        raise ExportError(f"{out}: --background applies to .html maps only")
    from coverage import export

    scenario, sites = _load(path)
    title = scenario.title if title is None else title
    subtitle = scenario.subtitle if subtitle is None else subtitle
    if suffix == ".json":
        export.write_atomic(out, scenario.to_json())
    elif suffix == ".geojson":
        doc = export.geojson_document(sites)
        export.write_atomic(out, json.dumps(doc, ensure_ascii=False) + "\n")
    elif suffix == ".kml":
        export.write_atomic(out, export.kml_bytes(sites))
    else:
        from coverage.analysis import coverage_table
        from coverage.borders import load_countries

        countries = load_countries(resolution)
        table = coverage_table(sites, countries)
        if suffix == ".csv":
            export.write_atomic(out, export.table_csv(table, sites))
        elif suffix == ".html":
            from coverage.maps import borders_for_view, borders_json, display_bounds, view_bounds
            from coverage.tiles import tile_source

            view = display_bounds(view_bounds(sites))
            display = borders_json(borders_for_view(countries.frame, view))
            page = export.map_html(
                sites,
                table,
                display,
                title=title,
                subtitle=subtitle,
                units=scenario.units,
                tiles=tile_source(background),
            )
            export.write_atomic(out, page)
        else:
            from coverage.figures import figure_bytes, render_figure

            fig = render_figure(
                sites,
                table,
                countries.frame,
                title=title,
                subtitle=subtitle,
                units=scenario.units,
                size=size,
                theme=theme,  # type: ignore[arg-type]
            )
            export.write_atomic(out, figure_bytes(fig, suffix[1:]))
    return export.caption(sites, title, scenario.units)
