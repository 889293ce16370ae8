"""The app's own CSS: the phone layout (:data:`PHONE_CSS`) and readable small print
(:data:`CONTRAST_CSS`), put on the page once by :func:`page_css`.

The phone layout puts the map in the first screen of a phone, for narrow screens only.

At 390×844 the page used to show the title, the subtitle, the story's steps and the step's
text before any map (the map's top at 700 px). Under :data:`PHONE_MAX_WIDTH_PX` the title
and subtitle are smaller, the steps are compact touch-sized chips, the step's text moves
below the map (visually; it stays first in reading order, which still makes sense: the
text, then the map it describes), tables are set tighter (on the narrowest phones in smaller
type) and one still too wide scrolls inside itself: nothing is wider than the screen. Every
rule sits in a media query of a width up to :data:`PHONE_MAX_WIDTH_PX`, so wider screens
(a desktop, a projector in presentation mode) are untouched.

The parts moved are found by Streamlit's ``st-key-<key>`` classes: the story text is in the
container keyed :data:`STORY_KEY`, the tabs are keyed ``tab``.

The app follows the reader's light or dark setting (Streamlit's own themes, chosen by
``prefers-color-scheme``; ``.streamlit/config.toml`` pins none): the few colours set here
have a dark counterpart in :data:`DARK_CSS`, under the same media feature.
"""

from __future__ import annotations

from coverage.style import THEMES

PHONE_MAX_WIDTH_PX = 640
"""Up to this width (CSS px) the phone layout applies; Streamlit stacks columns below 640 px too."""

STORY_KEY = "rr-story"
"""The key of the container holding the story step's text (and the timeline's slider)."""

CLICKER_KEY = "rr-clicker"
"""The key of the container of presentation mode's Page Up / Page Down buttons: a clicker's
keys, not shown (Previous and Next are on the page), but mounted, so their shortcuts work."""

NARROW_MAX_WIDTH_PX = 400
"""Up to this width tables are set tighter (12 px type, 2 px between columns): the English
distances table (372 px wide at 13 px) fits a 375 or 390 px phone."""

NARROWEST_MAX_WIDTH_PX = 340
"""Up to this width (a 320 px phone) tables are set in 11 px type, so that they fit its 296 px
column (measured: tests/e2e/test_a11y.py); longer words (Turkish, Greek) may still need the
table to scroll inside itself."""

TOUCH_TARGET_PX = 44
"""Height of a touch control (the steps' chips): WCAG 2.5.5's 44 px."""

PHONE_CSS = f"""<style>
@media (max-width: {PHONE_MAX_WIDTH_PX}px) {{
  /* Less empty space above the title: Streamlit's header bar is 3.75rem high. */
  [data-testid="stMainBlockContainer"] {{padding: 3.75rem 0.75rem 4rem}}
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{gap: 0.5rem}}
  /* Streamlit pulls the next element up under a heading by 1rem: not with the smaller gap. */
  [data-testid="stMainBlockContainer"] .stHeading [data-testid="stMarkdownContainer"] {{margin: 0}}
  [data-testid="stMainBlockContainer"] h1 {{font-size: 1.5rem; line-height: 1.2; padding: 0}}
  [data-testid="stMainBlockContainer"] h3 {{font-size: 1rem; line-height: 1.3; padding: 0;
    font-weight: 600}}
  /* The story's steps: one row of chips per line, each a touch-sized target. */
  .st-key-step [data-testid="stWidgetLabel"] {{display: none}}
  .st-key-step [role="radiogroup"] {{flex-flow: row wrap; gap: 0.375rem}}
  .st-key-step [role="radiogroup"] > div {{margin: 0}}
  .st-key-step [data-testid="stRadioOption"] {{min-height: {TOUCH_TARGET_PX}px; margin: 0;
    padding: 0 0.625rem; border: 1px solid rgba(49, 51, 63, 0.35); border-radius: 22px;
    display: flex; align-items: center}}
  .st-key-step [data-testid="stRadioOption"] p {{font-size: 0.875rem; white-space: nowrap}}
  /* The chip itself shows the choice (a thicker border and bold text, not colour alone): the
     radio's dot would take a quarter of each chip's width. */
  .st-key-step [data-testid="stRadioOption"] > div > div:not([data-testid]) {{display: none}}
  .st-key-step [data-testid="stRadioOption"][data-selected="true"] {{border: 2px solid currentColor;
    padding: 0 calc(0.625rem - 1px); font-weight: 700}}
  .st-key-step [data-testid="stRadioOption"]:has(input:focus-visible) {{outline: 2px solid currentColor;
    outline-offset: 2px}}
  /* The step's text (and the timeline) under the map, the tabs after it. Every box between
     the page's column and the story's container gives way (display: contents), so that the
     story is an item of the page's column wherever it is nested (say, in a container with
     the title): then order moves it. */
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] :has(.st-key-{STORY_KEY}) {{
    display: contents}}
  .st-key-{STORY_KEY} {{order: 2}}
  .st-key-tab {{order: 3}}
  /* Tables fit the screen: smaller type, cells wrap between words (a scrolling box would
     need keyboard access of its own); one still too wide scrolls inside itself. */
  [data-testid="stMarkdownContainer"] table {{display: block; max-width: 100%; overflow-x: auto;
    font-size: 0.8125rem}}
  [data-testid="stMarkdownContainer"] :is(th, td) {{padding: 0.25rem 0.375rem;
    overflow-wrap: normal; word-break: normal}}
  [data-testid="stMarkdownContainer"] :is(p, li) {{overflow-wrap: anywhere}}
  [data-testid="stTabs"] [role="tablist"] {{overflow-x: auto}}
  [data-testid="stTabs"] [role="tab"] {{min-height: {TOUCH_TARGET_PX}px}}
  [data-testid="stCode"] pre {{white-space: pre-wrap}}
}}
/* The widest tables (distances: six columns; site by site: a column per site) fit a narrow
   phone too: cells closer together, then smaller type; each step only where it is needed. */
@media (max-width: {NARROW_MAX_WIDTH_PX}px) {{
  [data-testid="stMarkdownContainer"] table {{font-size: 0.75rem}}
  [data-testid="stMarkdownContainer"] :is(th, td) {{padding: 0.25rem 0.125rem}}
}}
@media (max-width: {NARROWEST_MAX_WIDTH_PX}px) {{
  [data-testid="stMarkdownContainer"] table {{font-size: 0.6875rem}}
}}
</style>"""
"""The phone layout (see the module's docstring)."""

CAPTION_COLOUR = "#55575f"
"""Small print (``st.caption``): Streamlit draws it in the text colour at 60 % opacity
(#7f7e7d on the sidebar's #f8f8f7: 3.8:1, under WCAG's 4.5:1 for text; axe-core flags it);
this colour, opaque, is 6.8:1 there."""

CONTRAST_CSS = f"""<style>
[data-testid="stCaptionContainer"] {{color: {CAPTION_COLOUR}; opacity: 1}}
.st-key-{CLICKER_KEY} {{display: none}}
</style>"""
"""Readable small print on every screen (and the clicker's buttons out of sight)."""

DARK_BACKGROUNDS = ("#171614", "#21201d", "#2d2b27")
"""Streamlit's dark theme: the page, the sidebar and the widgets' background (its defaults in
``streamlit/config.py``, measured in Chromium: tests/e2e/test_a11y.py)."""

CAPTION_COLOUR_DARK = "#aaa7a1"
"""Small print in the dark theme: 6.8:1 on the dark sidebar, as :data:`CAPTION_COLOUR` on the light one."""

CHIP_BORDER_DARK = "#7d7a75"
"""The story's chips on a phone in the dark theme (the light one's dark grey would vanish):
4.2:1 on the page, over WCAG's 3:1 for a control's edge."""


def _rgb(colour: str) -> str:
    """``#rrggbb`` as the browser writes it in a ``style`` attribute: ``rgb(r, g, b)``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _dark_swatches() -> str:
    """The legend's share swatches (:func:`coverage.app.views.share_legend_markdown`: Markdown
    coloured text, its light fill in a ``style`` attribute) in the dark map's fills."""
    light, dark = THEMES["light"], THEMES["dark"]
    return "".join(
        f'  .stMarkdownColoredText[style*="{_rgb(a)}"] {{color: {b} !important}}\n'
        for a, b in zip(light.shares, dark.shares, strict=True)
    )


DARK_CSS = f"""<style>
@media (prefers-color-scheme: dark) {{
  [data-testid="stCaptionContainer"] {{color: {CAPTION_COLOUR_DARK}}}
  /* Only chips have a border (the phone layout); the chosen one keeps its own (currentColor). */
  .st-key-step [data-testid="stRadioOption"] {{border-color: {CHIP_BORDER_DARK}}}
  /* The map's share classes are shaded in dark colours there (coverage.webpage.map_dark_css). */
{_dark_swatches()}}}
</style>"""
"""The app's own colours in Streamlit's dark theme, which the same media feature chooses."""


def page_css() -> str:
    """All of the app's CSS, for one ``st.html`` call (a body of only ``<style>`` goes to
    Streamlit's event container: it takes no space on the page). The dark colours come last:
    the chips' border there overrides the phone layout's with a selector as specific."""
    return CONTRAST_CSS + PHONE_CSS + DARK_CSS
