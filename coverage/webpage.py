"""The HTML export as a web page: accessible, responsive, light or dark, embeddable.

:func:`coverage.export.map_html` puts the folium map in a page built from these parts:

- a title and subtitle as real headings, and a link that skips the map to the table;
- the map in a box whose height follows the screen (from 320 to 1920 px wide, no
  horizontal scroll), then the legend (each ring's site, figure and source; the share
  classes *named*, not only shaded), the credit line and the countries' table as a real
  ``<table>`` with ``<caption>`` and ``<th scope>``, readable without the map;
- colours for both ``prefers-color-scheme`` themes (:data:`PAGE_COLOURS`, the map's own
  colours swapped for :data:`coverage.style.THEMES` ``dark`` by CSS, :func:`map_dark_css`,
  which the app's map uses too), keyboard focus visible on every control;
- in an iframe, a height that follows the width only, and a message with the page's
  height to the parent, which :func:`embed_snippet`'s few lines of script read: no
  third-party code anywhere.
"""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import fields

from coverage.analysis import Result
from coverage.i18n import EN, N_, Translator
from coverage.style import HORIZON_COLOUR, SHARE_CLASSES, THEMES, Theme, share_label, site_colour
from coverage.units import Unit, from_metres

AREA_UNITS = {"km": "km²", "mi": "sq mi", "nmi": "sq nmi"}

PAGE_COLOURS: dict[str, dict[str, str]] = {
    # Every pair a reader must tell apart is checked in tests/test_webpage.py (WCAG 2):
    # text and links on the page ≥ 4.5:1; rules, table borders and the focus ring ≥ 3:1.
    "light": {
        "page": "#ffffff",
        "text": "#1a1a1a",
        "muted": "#4d4d4d",
        "link": "#0b5cad",
        "rule": "#767676",
        "focus": "#0b5cad",
        "control": "#ffffff",
        "control_text": "#1a1a1a",
    },
    "dark": {
        "page": "#11161d",
        "text": "#f0f0f0",
        "muted": "#c2c8d0",
        "link": "#9cc3e0",
        "rule": "#8a94a3",
        "focus": "#9cc3e0",
        "control": "#1d2430",
        "control_text": "#f0f0f0",
    },
}
"""The page around the map, per theme (the map's own colours come from :data:`THEMES`)."""

EMBED_MESSAGE_KEY = "rangeRingsHeight"
"""The page posts ``{rangeRingsHeight: <px>}`` to its parent when it is in an iframe."""

EMBED_ASPECT = "4 / 5"
"""The iframe's shape when the host page strips scripts (then the page scrolls inside)."""
EMBED_MIN_HEIGHT_PX = 480
EMBED_MAX_HEIGHT_PX = 20000
"""A height message above this is ignored (a page can be long, not endless)."""

SMALL_SCREEN_PX = 480
"""Below this width the capitals' names are hidden on the map (labels thin out) and the table
is set tighter, so that it fits the screen."""


def page_css() -> str:
    """The page's CSS: layout, both themes, focus (the map's dark colours: :func:`map_dark_css`)."""
    return (
        "<style>" + _vars("light") + "html,body{height:auto!important;min-height:0}"
        "body{margin:0;background:var(--page);color:var(--text);"
        "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',Arial,sans-serif;"
        "overflow-x:hidden}"
        ".rr-page{max-width:1920px;margin:0 auto;padding:0 12px 16px;box-sizing:border-box}"
        ".rr-head{padding:10px 0 8px}"
        ".rr-head h1{font-size:clamp(1.05rem,0.9rem + 0.8vw,1.6rem);line-height:1.25;margin:0}"
        ".rr-head p{margin:2px 0 0;color:var(--muted)}"
        ".rr-map{position:relative;height:max(240px,min(100vw,calc(100vh - 12rem)));"
        "border:1px solid var(--rule)}"
        ".rr-embedded .rr-map{height:clamp(240px,min(100vw,56.25vw + 160px),720px)}"
        ".rr-map .folium-map{position:absolute!important;inset:0;width:100%!important;height:100%!important}"
        ".rr-legend{display:flex;flex-wrap:wrap;gap:4px 24px;margin:8px 0 0;padding:0}"
        ".rr-legend ul{list-style:none;margin:0;padding:0}"
        ".rr-legend li{margin:2px 0}"
        ".rr-site{white-space:nowrap}"
        ".rr-ring{display:inline-block;width:14px;height:14px;border-radius:50%;border:3px solid;"
        "box-sizing:border-box;margin-right:4px;vertical-align:-2px}"
        ".rr-shares ul{display:flex;flex-wrap:wrap;gap:2px 12px}"
        # (square: the map's ring names use .rr-swatch too, as round dots)
        ".rr-legend .rr-swatch{display:inline-block;width:14px;height:11px;margin-right:4px;"
        "vertical-align:-1px;border:1px solid var(--swatch-border);border-radius:0}"
        ".rr-credit{font-size:13px;color:var(--muted);margin:8px 0}"
        ".rr-data{margin-top:12px}"
        ".rr-table-wrap{overflow-x:auto;max-width:100%}"
        ".rr-data table{border-collapse:collapse;font-size:14px;min-width:min(100%,480px)}"
        ".rr-data caption{text-align:left;font-weight:600;padding:4px 0}"
        ".rr-data th,.rr-data td{padding:3px 10px 3px 0;border-bottom:1px solid var(--rule);text-align:right;"
        "white-space:nowrap}"
        ".rr-data th[scope=col]{white-space:normal;vertical-align:bottom}"
        ".rr-data th[scope=row],.rr-data th[scope=col]:first-child{text-align:left}"
        ".rr-links{font-size:14px}"
        "a{color:var(--link)}"
        ".rr-skip{position:absolute;left:8px;top:-60px;z-index:2000;background:var(--page);padding:6px 10px}"
        ".rr-skip:focus{top:8px}"
        ":focus-visible{outline:3px solid var(--focus);outline-offset:2px}"
        ".leaflet-container:focus-visible{outline-offset:-3px}"
        ".leaflet-bar a:focus-visible{outline:3px solid var(--focus);outline-offset:1px;position:relative;"
        "z-index:1}"
        # No credit inside the map: it is under the legend (the tiles' own credit stays, by rule).
        ".rr-no-tiles .leaflet-control-attribution{display:none}"
        f"@media (max-width:{SMALL_SCREEN_PX}px){{.rr-capital,.rr-dot{{display:none}}"
        ".rr-page{padding:0 8px 12px}body{font-size:14px}"
        # The table fits a phone (down to 320 px): country names wrap, columns closer together.
        ".rr-data table{font-size:13px}.rr-data th[scope=row]{white-space:normal}"
        ".rr-data th,.rr-data td{padding:3px 6px 3px 0}}"
        # (the map's own dark colours are in its page style: coverage.maps, map_dark_css)
        "@media (prefers-color-scheme:dark){" + _vars("dark") + "}"
        "</style>"
    )


def _vars(theme: str) -> str:
    """The page's colours of ``theme`` as CSS custom properties on ``:root``."""
    values = {**PAGE_COLOURS[theme], "swatch-border": THEMES[theme].reached_border}
    return ":root{" + "".join(f"--{k.replace('_', '-')}:{v};" for k, v in values.items()) + "}"


def colour_swaps(light: Theme, dark: Theme) -> dict[str, str]:
    """Each colour of the light map and its dark counterpart (fields of :class:`Theme`)."""
    swaps: dict[str, str] = {}
    for field in fields(Theme):
        a, b = getattr(light, field.name), getattr(dark, field.name)
        if isinstance(a, tuple):
            swaps.update(zip(a, b, strict=True))
        elif a and b:
            swaps[a] = b
    return swaps


def map_dark_css() -> str:
    """The interactive map in dark colours when the reader's setting is dark, for every map page
    (the HTML export and the app's map frame, :func:`coverage.maps.coverage_map`'s page style).

    Leaflet writes each colour as an SVG attribute, which CSS overrides: so the map's style
    functions stay as they are (the app's, swapped in place, too) and the swap follows the
    setting live. Labels, tooltips and controls get the dark theme's text, halo and panels.
    """
    light, dark = THEMES["light"], THEMES["dark"]
    page = PAGE_COLOURS["dark"]
    rules = []
    for a, b in colour_swaps(light, dark).items():
        rules.append(f'.leaflet-container path[fill="{a}"]{{fill:{b}}}')
        rules.append(f'.leaflet-container path[stroke="{a}"]{{stroke:{b}}}')
    halo = dark.halo
    shadow = f"0 0 2px {halo},0 0 2px {halo},0 0 3px {halo},0 0 4px {halo}"
    return (
        "@media (prefers-color-scheme:dark){"
        + "".join(rules)
        + f'.leaflet-container path[stroke="#ffffff"]{{stroke:{halo}}}'
        # The radar horizon in the text colour, as the print map draws it in either theme.
        + f'.leaflet-container path[stroke="{HORIZON_COLOUR}"]{{stroke:{dark.text}}}'
        + f".leaflet-container{{background:{dark.sea}!important}}"
        + f".rr-label span{{text-shadow:{shadow}!important}}"
        + f".rr-country,.rr-capital{{color:{dark.text}!important}}"
        + f".rr-sea{{color:{dark.sea_text}!important}}"
        # The story's highlighted borders and coasts are named in their lines' colour (the app).
        + f".rr-highlight,.highlight-label{{color:{dark.highlight}!important}}"
        + f".rr-dot{{background:{dark.text}!important;border-color:{halo}!important}}"
        + f".leaflet-tooltip{{background:{page['control']};color:{page['control_text']};"
        f"border-color:{page['rule']}}}"
        + f".leaflet-tooltip-right:before{{border-right-color:{page['control']}}}"
        + f".leaflet-tooltip-left:before{{border-left-color:{page['control']}}}"
        + f".leaflet-bar a{{background:{page['control']};color:{page['control_text']};"
        f"border-bottom-color:{page['rule']}}}"
        + f".leaflet-bar a:hover{{background:#2b3442}}.leaflet-bar{{border-color:{page['rule']}!important}}"
        # (Leaflet's own white text shadow would double the light text)
        + f".leaflet-control-scale-line{{background:rgba(17,22,29,.8);color:{page['text']};"
        f"border-color:{page['text']};text-shadow:1px 1px {halo}}}"
        + f".leaflet-container .leaflet-control-attribution{{background:rgba(17,22,29,.85);"
        f"color:{page['text']}}}.leaflet-control-attribution a{{color:{page['link']}}}"
        + f".leaflet-bar a:focus-visible{{outline-color:{page['focus']}}}"
        + "}"
    )


EMBEDDED_SCRIPT = (
    "<script>(function(){if(window.self===window.top){return;}"
    "document.documentElement.classList.add('rr-embedded');"
    "function post(){var h=Math.ceil(document.documentElement.getBoundingClientRect().height);"
    f"window.parent.postMessage({{{EMBED_MESSAGE_KEY}:h}},'*');}}"
    "window.addEventListener('load',post);"
    "if(window.ResizeObserver){new ResizeObserver(post).observe(document.documentElement);}"
    "})();</script>"
)
"""In the page's head: in an iframe, the map's height follows the width only (no loop with
the parent), and the page tells the parent its height (a number, nothing else)."""


EN_SPACE = "\u2002"
"""Between sites in the legend: wider than a space, and a line may break at it."""


def legend_html(result: Result, units: Unit, tr: Translator = EN) -> str:
    """The rings by colour with their sites' names (sites sharing a figure on one line, with
    the figure and its source), and the share classes by name, not only by shade."""
    groups: dict[str, list[str]] = {}
    for i, s in enumerate(result.sites):
        ring = (
            f'<span class="rr-site"><span class="rr-ring" style="border-color:{site_colour(i)}" '
            f'aria-hidden="true"></span><strong>{html.escape(tr.place(s.name))}</strong></span>'
        )
        groups.setdefault(s.label(units, tr), []).append(ring)
    rings = "".join(
        f'<li><span class="rr-sites">{EN_SPACE.join(names)}</span>: {html.escape(label)}</li>'
        for label, names in groups.items()
    )
    rings_label = html.escape(tr.gettext("Rings"))
    parts = [f'<ul class="rr-rings" aria-label="{rings_label}">{rings}</ul>']
    if result.rows:
        from coverage.maps import STYLE

        swatches = "".join(
            f'<li class="share-class"><span class="rr-swatch" style="background:{STYLE.share_fill(lower)}"'
            f' data-light="{STYLE.share_fill(lower)}" aria-hidden="true"></span>'
            f"{html.escape(share_label(index, tr))}</li>"
            for index, (lower, _) in enumerate(SHARE_CLASSES)
        )
        heading = html.escape(tr.gettext("Countries shaded by the share within range:"))
        parts.append(
            f'<div class="rr-shares share-legend"><span id="rr-shares-label">{heading}</span>'
            f'<ul aria-labelledby="rr-shares-label">{swatches}</ul></div>'
        )
    return f'<div class="rr-legend">{"".join(parts)}</div>'


def legend_dark_css() -> str:
    """The legend's share swatches in dark mode (inline styles need ``!important``)."""
    light, dark = THEMES["light"], THEMES["dark"]
    return (
        "<style>@media (prefers-color-scheme:dark){"
        + "".join(
            f'.rr-swatch[data-light="{a}"]{{background:{b}!important}}'
            for a, b in zip(light.shares, dark.shares, strict=True)
        )
        + "}</style>"
    )


def results_table_html(result: Result, units: Unit, tr: Translator = EN) -> str:
    """The countries within range as a table (caption, column and row headers), largest share
    first, in ``tr``'s language."""
    area = tr.area(0, units).split(" ", 1)[1] if tr.lang != "en" else AREA_UNITS[units]
    factor = from_metres(1000.0, units) ** 2
    if not result.rows:
        no_country = tr.gettext("No country within range: every ring lies over the sea.")
        return f'<p id="rr-table">{html.escape(no_country)}</p>'
    rows = sorted(result.rows, key=lambda r: (-float(r["covered_pct"]), str(r["country"])))
    body = "".join(
        f'<tr><th scope="row">{html.escape(tr.country(str(r["country"])))}</th>'
        f"<td>{tr.number(float(r['covered_km2']) * factor)}</td>"
        f"<td>{tr.number(float(r['country_km2']) * factor)}</td>"
        f"<td>{tr.percent(float(r['covered_pct']), 1)}</td></tr>"
        for r in rows
    )
    headings = (
        tr.gettext("Country"),
        tr.gettext("Within range ({unit})").format(unit=area),
        tr.gettext("Whole country ({unit})").format(unit=area),
        tr.gettext("Share within range"),
    )
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headings)
    if len(result.sites) == 1:
        caption = tr.gettext(
            "Countries within range of the ring: area within range and share of each country"
        )
    else:
        caption = tr.gettext(
            "Countries within range of the rings (overlaps counted once): area within range and share "
            "of each country"
        )
    return (
        # A box that may scroll sideways on a narrow screen: focusable and named, so a keyboard
        # can scroll it too (WCAG 2.1.1; axe-core's scrollable-region-focusable).
        '<div class="rr-table-wrap" tabindex="0" role="region" aria-labelledby="rr-caption">'
        '<table id="rr-table">'
        f'<caption id="rr-caption">{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def data_link_html(csv_text: str, file_stem: str, tr: Translator = EN) -> str:
    """A reader's "get the data" link: the table's CSV inside the page (a ``data:`` address)."""
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
    name = html.escape(f"{file_stem}.csv")
    words = html.escape(tr.gettext("Get the data (CSV, with sources)"))
    return f'<p class="rr-links"><a href="{href}" download="{name}">{words}</a></p>'


def embed_snippet(url: str, title: str, tr: Translator = EN) -> str:
    """A paste-ready iframe for ``url`` (where the HTML file is hosted), titled for screen readers.

    The iframe starts at :data:`EMBED_ASPECT` (what stays if a site strips scripts; the page
    then scrolls inside it); the few lines of script after it set its height to the height
    the page reports (:data:`EMBEDDED_SCRIPT`), only for messages from that iframe.
    """
    named = (
        tr.gettext("Interactive map: {title}").format(title=title) if title else tr.gettext("Interactive map")
    )
    frame_title = html.escape(named)
    return (
        f'<iframe src="{html.escape(url)}" title="{frame_title}" data-range-rings loading="lazy" '
        f'style="display:block;width:100%;border:0;aspect-ratio:{EMBED_ASPECT};'
        f'min-height:{EMBED_MIN_HEIGHT_PX}px"></iframe>\n'
        "<script>window.addEventListener('message',function(e){"
        f"var h=e.data&&e.data.{EMBED_MESSAGE_KEY};"
        f"if(typeof h!=='number'||!(h>0)||h>{EMBED_MAX_HEIGHT_PX}){{return;}}"
        "document.querySelectorAll('iframe[data-range-rings]').forEach(function(f){"
        "if(f.contentWindow===e.source){f.style.aspectRatio='auto';f.style.minHeight='0';"
        "f.style.height=Math.ceil(h)+'px';}});});</script>"
    )


HOSTING_NOTE = N_(
    "Host the HTML file on any static web host (your site's file store or any plain web "
    "server) and paste the snippet where the map should appear, with the file's address in "
    "src. The file is self-contained: it loads nothing from the internet (unless you chose an "
    "online background) and sends nothing anywhere. If your site strips scripts, the map keeps "
    "a 4:5 frame and scrolls inside it."
)
