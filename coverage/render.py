"""One road from an analysis result to every output file.

The CLI and the app both call :func:`render` with a :class:`~coverage.analysis.Result`,
a format name and :class:`RenderOptions`, so a format added or changed here is
changed for both, and the two cannot drift. :data:`FORMATS` is the one list of
formats (names, labels for the app's buttons, MIME types, extensions).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

from coverage import export
from coverage.alttext import describe
from coverage.analysis import Result
from coverage.errors import ExportError
from coverage.i18n import LANGS, N_, translator
from coverage.scenario import Scenario
from coverage.style import THEMES
from coverage.tiles import BACKGROUNDS, PLAIN, tile_source
from coverage.units import UNITS, Unit


@dataclass(frozen=True)
class Format:
    """An output format: ``name`` is also the file extension (without the dot)."""

    name: str
    label: str
    mime: str
    image: bool = False

    @property
    def extension(self) -> str:
        return "." + self.name


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("png", N_("PNG image"), "image/png", image=True),
        Format("svg", N_("SVG (editable text)"), "image/svg+xml", image=True),
        Format("pdf", N_("PDF (vector)"), "application/pdf", image=True),
        Format("html", N_("Interactive HTML (self-contained)"), "text/html"),
        Format("geojson", "GeoJSON", "application/geo+json"),
        Format("kml", N_("KML (Google Earth)"), "application/vnd.google-earth.kml+xml"),
        Format("csv", N_("CSV table"), "text/csv"),
    )
}

SIZE_LABELS = {
    "16x9": N_("Slides 16:9 (1920×1080)"),
    "social": N_("Social, link card (1200×675)"),
    "square": N_("Social, square (1080×1080)"),
    "portrait": N_("Social, portrait 4:5 (1080×1350)"),
    "a4": N_("Print, A4 landscape (300 dpi)"),
    "letter": N_("Print, US letter landscape (300 dpi)"),
    "print": N_("Print, half A4 (2480×1754, 300 dpi)"),
}
"""The print sizes (:data:`coverage.figures.SIZES`) as the app offers them."""


@dataclass(frozen=True)
class RenderOptions:
    """How to draw: the words on the map, units, and the look (all but units for some formats only).

    ``size`` and ``theme`` apply to the images (png, svg, pdf); ``background``
    (a key of :data:`coverage.tiles.BACKGROUNDS`) to the HTML map only.
    ``highlight`` draws the story's highlighted borders and coast (story step 2) and
    ``horizon_m`` a dashed radar-horizon ring around each site on the images, as the
    app's map shows them; the caption then mentions the horizon.
    """

    title: str = ""
    subtitle: str = ""
    units: Unit = "km"
    size: str = "square"
    theme: str = "light"
    background: str = PLAIN
    highlight: bool = False
    horizon_m: float | None = None
    lang: str = "en"
    """The language of every word, number and name in the file (:data:`coverage.i18n.LANGS`)."""

    @classmethod
    def for_scenario(cls, scenario: Scenario, **changes: Any) -> RenderOptions:
        """The scenario's own title, subtitle and units, with ``changes`` (``None`` values ignored)."""
        tr = translator(changes.get("lang") or "en")  # shipped titles in the reader's language
        base = cls(
            title=tr.shipped(scenario.title), subtitle=tr.shipped(scenario.subtitle), units=scenario.units
        )
        return replace(base, **{k: v for k, v in changes.items() if v is not None})

    def check(self, fmt: Format) -> None:
        """Raise :class:`ExportError` for an option that ``fmt`` cannot honour or an unknown value."""
        if self.lang not in LANGS:
            raise ExportError(f"unknown language {self.lang!r}; use one of {', '.join(LANGS)}")
        if self.units not in UNITS:
            raise ExportError(f"unknown units {self.units!r}; use one of {', '.join(UNITS)}")
        if self.size not in SIZE_LABELS:
            raise ExportError(f"unknown size {self.size!r}; use one of {', '.join(SIZE_LABELS)}")
        if self.theme not in THEMES:
            raise ExportError(f"unknown theme {self.theme!r}; use one of {', '.join(THEMES)}")
        if self.background not in BACKGROUNDS:
            raise ExportError(f"unknown background {self.background!r}; use one of {', '.join(BACKGROUNDS)}")
        if self.background != PLAIN and fmt.name != "html":
            raise ExportError("a tile background applies to .html maps only")
        if self.horizon_m is not None and not (math.isfinite(self.horizon_m) and self.horizon_m > 0):
            raise ExportError(f"the radar horizon must be a positive distance, got {self.horizon_m!r} m")


def format_for(name: str) -> Format:
    """The format called ``name`` (with or without a leading dot, any case)."""
    found = FORMATS.get(name.lower().lstrip("."))
    if found is None:
        raise ExportError(f"unknown format {name or '(none)'!r}; use one of {', '.join(FORMATS)}")
    return found


def render(result: Result, fmt: str, options: RenderOptions | None = None) -> bytes:
    """The file in format ``fmt`` (a key of :data:`FORMATS`) for ``result``, as bytes."""
    spec = format_for(fmt)
    options = options or RenderOptions()
    options.check(spec)
    if spec.name == "csv":  # a plain table: its description is a sidecar (csv_metadata)
        return export.table_csv(result.table, result.sites).encode()
    tr = translator(options.lang)
    description = describe(result, options.title, options.units, tr)
    if spec.name == "geojson":
        document = export.geojson_document(result, description)
        return (json.dumps(document, ensure_ascii=False) + "\n").encode()
    if spec.name == "kml":
        return export.kml_bytes(result, description)
    if spec.name == "html":
        from coverage.maps import display_json

        page = export.map_html(
            result,
            display_json(result),
            title=options.title,
            subtitle=options.subtitle,
            units=options.units,
            tiles=tile_source(options.background),
            description=description,
            tr=tr,
        )
        return page.encode()
    from coverage.figures import figure_bytes, render_figure

    fig = render_figure(
        result,
        title=options.title,
        subtitle=options.subtitle,
        units=options.units,
        size=options.size,
        theme=options.theme,
        highlight=options.highlight,
        horizon_m=options.horizon_m,
        tr=tr,
    )
    return figure_bytes(fig, spec.name, description)


def csv_metadata(result: Result, options: RenderOptions, csv_name: str) -> bytes:
    """The CSV's description (CSVW JSON, :func:`coverage.export.csv_metadata`) for the file
    ``csv_name``, which :func:`render` writes for format ``csv``: save it as
    ``csv_name + "-metadata.json"`` beside it."""
    options.check(FORMATS["csv"])
    document = export.csv_metadata(
        list(result.table.columns),
        csv_name,
        describe(result, options.title, options.units, translator(options.lang)),
        result.sites,
    )
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()


def caption(result: Result, options: RenderOptions) -> str:
    """The caption paragraph for ``result``: figures, sources, caveats and credits."""
    return export.caption(
        result.sites, options.units, horizon_m=options.horizon_m, tr=translator(options.lang)
    )
