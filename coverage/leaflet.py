"""Getting Leaflet and the page to the browser, with no network.

Leaflet comes from the ``django-js-lib-leaflet`` wheel: served by Streamlit in
the app (:func:`use_local_leaflet`), inlined in exported HTML
(:func:`inline_leaflet`). folium's defaults would pull Leaflet, jQuery,
Bootstrap and fonts from CDNs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium


def leaflet_dir() -> Path:
    """Folder of Leaflet 1.9.4 inside the installed ``django-js-lib-leaflet`` wheel."""
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).parent / "static" / "js_lib_leaflet"


class RawHtml(folium.Element):
    """Literal HTML for a page's header or body.

    ``folium.Element(text)`` compiles ``text`` as a Jinja template, so user text
    such as ``{{ ... }}`` would be *evaluated* on the server. Here the text is a
    value passed to a fixed template, never compiled. Escape user parts first.
    """

    def __init__(self, markup: str) -> None:
        super().__init__("{{ this.markup }}")
        self.markup = markup


def use_local_leaflet(m: folium.Map, base_url: str) -> folium.Map:
    """Load Leaflet from ``base_url`` (e.g. Streamlit's ``/app/static/leaflet``) and nothing else.

    folium's defaults pull Leaflet, jQuery, Bootstrap and fonts from CDNs; a map
    needs only Leaflet's JS and CSS.
    """
    for element in _walk(m):
        if hasattr(element, "default_js"):
            element.default_js = []
            element.default_css = []
    m.default_js = [("leaflet", f"{base_url}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{base_url}/leaflet.css")]
    return m


def inline_leaflet(m: folium.Map) -> folium.Map:
    """Embed Leaflet's JS and CSS in the page so it renders from ``file://`` offline."""
    for element in _walk(m):
        if hasattr(element, "default_js"):
            element.default_js = []
            element.default_css = []
    folder = leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    header = page_root(m).header
    header.add_child(RawHtml(f"<style>{css}</style>"), name="leaflet_css", index=0)
    header.add_child(RawHtml(f"<script>{js}</script>"), name="leaflet_js", index=1)
    return m


def stable_ids(m: folium.Map) -> folium.Map:
    """Number the page's elements in order instead of folium's random ids.

    The same map then gives the same HTML, byte for byte (diffable, cacheable).
    """
    for i, element in enumerate(_walk(page_root(m))):
        element._id = f"{i:08d}"
    return m


def page_root(m: folium.Map) -> Any:
    """The map's page (a branca Figure, typed as a plain Element by branca)."""
    return m.get_root()


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
