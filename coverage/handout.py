"""A printable classroom activity for a map: predict, then reveal (two A4 pages, one PDF).

Page 1 asks students, before they see the map, which nearby capitals they think lie
within the published range of the first site, which countries the ring reaches, and
what could make the real reach smaller. Page 2 is the one-page handout that reveals
it: the print map, the capitals with their distances, the countries reached, what a
range figure means and does not mean, and the sources. Everything comes from the
analysis and the catalog; text stays text (TrueType in the PDF), so it can be searched
and read aloud. Every word, number, date and name comes in the translator's language.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from coverage.analysis import Result, distance_rows
from coverage.borders import CREDIT as BORDERS_CREDIT
from coverage.i18n import EN, N_, Translator
from coverage.scenario import Scenario
from coverage.units import Unit, from_metres

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_IN = (8.27, 11.69)
CANDIDATE_CAPITALS = 8
"""Capitals the students guess about: the nearest to the first site, listed alphabetically."""

KEY_POINTS: tuple[str, ...] = (
    N_(
        "A published range is a claim about the longest reach of a system's longest-range "
        "missile, usually against a large target flying high, as a maker, an official or a "
        "reporter put it. Sources disagree."
    ),
    N_(
        "The circle is drawn true on the Earth's surface around the site. It shows what the "
        "number in the story means on the ground, not what the system can actually do."
    ),
    N_(
        "The radar horizon: the Earth curves away, so low-flying aircraft and missiles are "
        "hidden until they are much closer."
    ),
    N_(
        "The target's altitude, size and speed, and the missile actually loaded, change the "
        "reach; so do terrain, where the radar is, and what else is around."
    ),
)
"""What a range figure means and does not mean (the app's explainer, in short)."""

NOT_OPERATIONAL = N_(
    "Educational and non-operational: published, cited figures drawn as circles, nothing more."
)


def handout(result: Result, scenario: Scenario, units: Unit | None = None, tr: Translator = EN) -> bytes:
    """The handout PDF of ``result``: its print map (:func:`coverage.render.render`, square,
    light, the story's highlights off) and :func:`handout_pdf`, in ``units`` (the scenario's
    if not given) and ``tr``'s language. The one road for the CLI and the app."""
    from coverage.render import RenderOptions, render

    chosen: Unit = units or scenario.units
    options = RenderOptions.for_scenario(scenario, size="square", units=chosen, lang=tr.lang)
    png = render(result, "png", options)
    return handout_pdf(result, scenario, chosen, png, tr)


def handout_pdf(
    result: Result, scenario: Scenario, units: Unit, map_png: bytes, tr: Translator = EN
) -> bytes:
    """The activity (page 1: predict) and the handout (page 2: reveal) as PDF bytes.

    ``map_png`` is the print map (:func:`coverage.render.render` of the same result as
    PNG). Words, numbers, dates and names in ``tr``'s language. Raises ValueError for a
    map without sites.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from PIL import Image

    from coverage.figures import _rc, drawable

    if not result.sites:
        raise ValueError("a handout needs at least one site")
    site = result.sites[0]
    candidates = _candidates(result)
    radius = tr.distance(site.radius_m, units)
    site_name = tr.place(site.name)
    title = tr.shipped(scenario.title) if scenario.title else tr.gettext("Range rings")
    heading = tr.gettext("Classroom activity: {title}").format(title=title)

    out = io.BytesIO()
    with _rc(), PdfPages(out, metadata={"Title": drawable(heading)}) as pdf:
        # Page 1: predict.
        fig = plt.figure(figsize=A4_IN)
        y = _text(fig, 0.93, drawable(heading), size=17, weight="bold")
        y = _para(
            fig,
            y - 0.01,
            tr.gettext(
                "A news story gave a range for an air-defence system: {site}, {figure}. "
                "Before you see the map, predict what that number means on the ground."
            ).format(site=site_name, figure=site.label(units, tr)),
        )
        y = _text(fig, y - 0.02, tr.gettext("1. Predict"), size=14, weight="bold")
        y = _para(
            fig,
            y,
            tr.gettext("Tick the capitals you think lie within {radius} of {site}:").format(
                radius=radius, site=site_name
            ),
        )
        for name in _sorted_names([tr.place(str(r["place"])) for r in candidates], tr):
            y = _text(fig, y - 0.005, drawable(f"\u2610  {name}"), size=12, x=0.12)
        y = _para(fig, y - 0.02, tr.gettext("2. Which countries do you think the circle reaches?"), 12)
        y = _lines(fig, y, 3)
        y = _para(
            fig,
            y - 0.01,
            tr.gettext("3. What could make the real reach smaller than the published number?"),
            12,
        )
        y = _lines(fig, y, 3)
        _footer(fig, tr.gettext("Turn over only when your predictions are written down."))
        pdf.savefig(fig)
        plt.close(fig)

        # Page 2: reveal.
        fig = plt.figure(figsize=A4_IN)
        y = _text(
            fig, 0.95, drawable(tr.gettext("Reveal: {title}").format(title=title)), size=16, weight="bold"
        )
        ax = fig.add_axes((0.08, 0.59, 0.84, 0.345))
        ax.imshow(Image.open(io.BytesIO(map_png)))
        ax.set_axis_off()
        y = 0.585
        y = _text(
            fig,
            y,
            drawable(tr.gettext("Capitals within {radius} of {site}?").format(radius=radius, site=site_name)),
            size=11,
            weight="bold",
        )
        for row in candidates:
            line = (
                tr.gettext("{place}: {distance}, inside")
                if row["inside"]
                else tr.gettext("{place}: {distance}, outside")
            )
            distance = (
                f"{tr.number(from_metres(float(row['distance_km']) * 1000.0, units))} {tr.unit_symbol(units)}"
            )
            if units != "km":
                distance += f" ({tr.number(float(row['distance_km']))} km)"
            y = _text(
                fig,
                y + 0.003,
                drawable(line.format(place=tr.place(str(row["place"])), distance=distance)),
                size=9,
                x=0.1,
            )
        reached = [
            f"{tr.country(str(r['country']))} ({tr.percent(float(r['covered_pct']), 1)})" for r in result.rows
        ]
        y = _para(
            fig,
            y - 0.005,
            tr.gettext("Countries reached (share within range): {countries}").format(
                countries=", ".join(reached) or tr.gettext("none")
            ),
            9,
        )
        y = _text(
            fig,
            y - 0.005,
            tr.gettext("What a range figure means, and what it does not"),
            size=11,
            weight="bold",
        )
        for point in KEY_POINTS:
            y = _para(fig, y + 0.003, "\u2022 " + tr.gettext(point), 9, x=0.1)
        y = _text(fig, y - 0.005, tr.gettext("Sources"), size=11, weight="bold")
        for line in _sources(result, tr):
            y = _para(fig, y + 0.003, line, 8, x=0.1)
        _footer(fig, tr.gettext(NOT_OPERATIONAL))
        pdf.savefig(fig)
        plt.close(fig)
    return out.getvalue()


def _sorted_names(names: list[str], tr: Translator) -> list[str]:
    """``names`` in this language's alphabetical order (ICU-free: Unicode collation keys are
    not shipped; casefolding puts Turkish "Ç" and Greek accented letters near their base)."""
    import unicodedata

    def key(name: str) -> str:
        base = unicodedata.normalize("NFD", name.casefold())
        return "".join(c for c in base if not unicodedata.combining(c))

    return sorted(names, key=key)


def _sources(result: Result, tr: Translator = EN) -> list[str]:
    seen: dict[str, str] = {}
    for s in result.sites:
        fig = s.figure
        if fig is None:
            seen.setdefault("custom", tr.gettext("Custom radius: chosen by the user; unsourced."))
            continue
        src = fig.source
        seen.setdefault(
            fig.id,
            f"{fig.system_name}, {fig.as_published(tr)} ({fig.kind_label_in(tr)}): {src.who_in(tr)}, "
            f"{src.headline_in(tr)}, {src.when_in(tr)}, {src.url}",
        )
    return [*seen.values(), tr.gettext(BORDERS_CREDIT) + "."]


def _text(
    fig: Figure, y: float, text: str, *, size: float = 11, weight: str = "normal", x: float = 0.08
) -> float:
    """One line at height ``y`` (figure fraction); returns the height for the next."""
    fig.text(x, y, text, fontsize=size, fontweight=weight, va="top")
    return y - size * 1.5 / 72.0 / A4_IN[1]


def _para(fig: Figure, y: float, text: str, size: float = 11, x: float = 0.08) -> float:
    """A paragraph wrapped to the page's width."""
    from coverage.figures import drawable

    width = int((0.92 - x) * A4_IN[0] * 72.0 / (size * 0.5))
    for line in textwrap.wrap(drawable(text), width) or [""]:
        y = _text(fig, y, line, size=size, x=x)
    return y


def _lines(fig: Figure, y: float, n: int) -> float:
    """``n`` ruled lines to write on."""
    from matplotlib.lines import Line2D

    for _ in range(n):
        y -= 0.035
        fig.add_artist(Line2D([0.08, 0.92], [y, y], color="#999999", linewidth=0.6))
    return y - 0.01


def _footer(fig: Figure, text: str) -> None:
    fig.text(0.08, 0.04, text, fontsize=8, color="#555555")


def _candidates(result: Result) -> list[dict[str, Any]]:
    """The capitals page 1 asks about: the nearest to the first site (not one it stands on)."""
    from coverage.places import capitals

    rows = sorted(distance_rows([result.sites[0]], list(capitals().values())), key=lambda r: r["distance_km"])
    return [r for r in rows if r["distance_km"] > 5.0][:CANDIDATE_CAPITALS]


def candidate_names(result: Result, tr: Translator = EN) -> Sequence[str]:
    """The capitals page 1 asks about, in ``tr``'s language, alphabetically (as listed)."""
    return _sorted_names([tr.place(str(r["place"])) for r in _candidates(result)], tr) if result.sites else []
