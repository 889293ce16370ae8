"""5. Exports: static figures in process, and the self-contained HTML via the CLI.

PNG/SVG/PDF: ``render_figure`` of the analysed story (four sites) at 1600×1600 px (a size
added to ``coverage.figures.SIZES`` at run time) then ``figure_bytes``; warm
medians (one untimed warm-up: fonts, rings and borders cached, as in the app).
HTML: ``python -m coverage render scenarios/story.json --out story.html`` (whole
command), file size and wall time. GeoJSON/KML: in process, for reference.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import PY, ROOT, time_call, wall_summary

SCENARIO = ROOT / "scenarios" / "story.json"


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    from coverage import export, figures
    from coverage.analysis import analyse_shipped
    from coverage.catalog import load_catalog
    from coverage.scenario import load_scenario, resolve_sites

    side = cfg["figure_px"]
    figures.SIZES["bench"] = figures.Size(side, side)
    scenario = load_scenario(SCENARIO)
    sites = resolve_sites(scenario, load_catalog())
    result = analyse_shipped(sites, "10m")
    repeats, warmup = cfg["repeats"], cfg["warmup"]

    def render():
        return figures.render_figure(
            result,
            title=scenario.title,
            subtitle=scenario.subtitle,
            units=scenario.units,
            size="bench",
        )

    out: dict[str, Any] = {"figure_px": [side, side], "formats": {}}
    for fmt in figures.FORMATS:
        total, data = time_call(lambda fmt=fmt: figures.figure_bytes(render(), fmt), repeats, warmup)
        out["formats"][fmt] = {"total_s": total, "bytes": len(data)}
    if not cfg["quick"]:
        # Where the PNG time goes: building the figure vs rasterising and encoding it.
        out["png_render_figure_s"], fig = time_call(render, repeats, warmup)

        def save_only():
            return figures.figure_bytes(fig, "png")

        out["png_savefig_only_s"], _ = time_call(save_only, repeats, warmup)

    out["geojson_s"], doc = time_call(lambda: json.dumps(export.geojson_document(result)), repeats, warmup)
    out["geojson_bytes"] = len(doc.encode())
    out["kml_s"], kml = time_call(lambda: export.kml_bytes(result), repeats, warmup)
    out["kml_bytes"] = len(kml)

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "story.html"
        cmd = [PY, "-m", "coverage", "render", str(SCENARIO), "--out", str(html)]
        out["html_cli_wall_s"] = wall_summary(cmd, cfg["cmd_repeats"], warmup=0)
        out["html_bytes"] = html.stat().st_size
    out["metrics"] = {
        "png_s": out["formats"]["png"]["total_s"]["median"],
        "svg_s": out["formats"]["svg"]["total_s"]["median"],
        "pdf_s": out["formats"]["pdf"]["total_s"]["median"],
        "html_bytes": out["html_bytes"],
        "html_cli_s": out["html_cli_wall_s"]["median"],
    }
    return out
