"""The app's CSS: the phone layout stays inside its media query; small print is readable."""

from __future__ import annotations

import re

from coverage.app import styles
from coverage.style import contrast_ratio


def _outside_media_queries(css: str) -> str:
    """``css`` without its ``@media`` blocks (braces counted)."""
    out, depth, i = [], 0, 0
    while i < len(css):
        if depth == 0 and css.startswith("@media", i):
            depth, i = 1, css.index("{", i) + 1
            while depth:
                depth += {"{": 1, "}": -1}.get(css[i], 0)
                i += 1
            continue
        out.append(css[i])
        i += 1
    return "".join(out)


def test_the_phone_layout_applies_to_narrow_screens_only():
    css = styles.PHONE_CSS.removeprefix("<style>").removesuffix("</style>")
    widths = [int(w) for w in re.findall(r"@media \(max-width: (\d+)px\)", css)]
    assert css.count("@media") == len(widths) == 3  # the phone, then narrower ones
    assert widths[0] == styles.PHONE_MAX_WIDTH_PX and widths == sorted(widths, reverse=True)
    uncommented = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert _outside_media_queries(uncommented).strip() == ""  # no rule for wider screens
    assert f".st-key-{styles.STORY_KEY}" in css and ".st-key-tab" in css


def test_touch_targets_are_44_px_and_the_chosen_step_is_not_told_by_colour_alone():
    css = styles.PHONE_CSS
    assert f"min-height: {styles.TOUCH_TARGET_PX}px" in css and styles.TOUCH_TARGET_PX >= 44
    chosen = re.search(r'\[data-selected="true"\] \{\{?([^}]*)\}', css)
    assert chosen is not None and "font-weight: 700" in chosen.group(1) and "2px solid" in chosen.group(1)


def test_small_print_passes_wcag_contrast_on_the_pages_backgrounds():
    for background in ("#ffffff", "#f8f8f7", "#f0f2f6"):  # main, sidebar, Streamlit's secondary
        assert contrast_ratio(styles.CAPTION_COLOUR, background) >= 4.5
    assert "opacity: 1" in styles.CONTRAST_CSS
    assert styles.page_css() == styles.CONTRAST_CSS + styles.PHONE_CSS + styles.DARK_CSS


def test_the_dark_colours_apply_in_dark_mode_only_and_pass_wcag_contrast():
    css = styles.DARK_CSS.removeprefix("<style>").removesuffix("</style>")
    assert css.count("@media") == 1 and "@media (prefers-color-scheme: dark)" in css
    assert _outside_media_queries(css).strip() == ""  # the light theme is left as it is
    assert f"color: {styles.CAPTION_COLOUR_DARK}" in css
    assert f"border-color: {styles.CHIP_BORDER_DARK}" in css
    for background in styles.DARK_BACKGROUNDS:  # page, sidebar, widgets
        assert contrast_ratio(styles.CAPTION_COLOUR_DARK, background) >= 4.5
    page = styles.DARK_BACKGROUNDS[0]
    assert contrast_ratio(styles.CHIP_BORDER_DARK, page) >= 3.0  # WCAG 1.4.11: a control's edge
    # After the phone layout, whose chip border has a selector just as specific.
    assert styles.page_css().index(styles.DARK_CSS) > styles.page_css().index(styles.PHONE_CSS)


def test_the_legends_share_swatches_take_the_dark_maps_fills_in_dark_mode():
    from coverage.app.views import share_legend_markdown
    from coverage.style import THEMES

    legend = share_legend_markdown()
    for light, dark in zip(THEMES["light"].shares, THEMES["dark"].shares, strict=True):
        assert f'foreground="{light}"' in legend  # the Markdown writes the light fill…
        r, g, b = (int(light[i : i + 2], 16) for i in (1, 3, 5))
        # …which the browser puts in the span's style as rgb(); dark mode overrides it.
        assert f'[style*="rgb({r}, {g}, {b})"] {{color: {dark} !important}}' in styles.DARK_CSS
