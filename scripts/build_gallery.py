"""Render the story's exports into docs/gallery/ and write docs/gallery.md.

Usage: python scripts/build_gallery.py   (runs `python -m coverage render` for each file)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "gallery"
STORY = ROOT / "scenarios" / "story.json"
KARS = ROOT / "scenarios" / "story-kars.json"

RENDERS = [
    ("story-16x9.png", STORY, ["--size", "16x9"], "16:9 (1920×1080), light"),
    ("story-square-dark.png", STORY, ["--size", "square", "--theme", "dark"], "Square (1080×1080), dark"),
    ("kars-portrait.png", KARS, ["--size", "portrait"], "Portrait (1080×1350): the ring at Kars"),
    ("story.svg", STORY, ["--size", "16x9"], "SVG, text kept as text"),
    ("story.pdf", STORY, ["--size", "print"], "PDF, vector, print size"),
    ("story.html", STORY, [], "Self-contained interactive HTML (opens offline)"),
    ("story.geojson", STORY, [], "GeoJSON (RFC 7946) with citations"),
    ("story.kml", STORY, [], "KML for Google Earth"),
    ("story.csv", STORY, [], "CSV coverage table with sources"),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Gallery: the story's exports",
        "",
        "Made by `python scripts/build_gallery.py` (each file with `python -m coverage render`).",
        "",
    ]
    caption = ""
    for name, scenario, extra, what in RENDERS:
        cmd = [
            sys.executable,
            "-m",
            "coverage",
            "render",
            str(scenario),
            "--out",
            str(OUT / name),
            "--caption",
        ]
        done = subprocess.run([*cmd, *extra], cwd=ROOT, check=True, capture_output=True, text=True)
        caption = caption or done.stdout.strip()
        args = " ".join([str(scenario.relative_to(ROOT)), "--out", name, *extra])
        shown = f"`python -m coverage render {args}`"
        lines.append(f"## {what}\n\n{shown}\n")
        if name.endswith(".png"):
            lines.append(f"![{what}](gallery/{name})\n")
        else:
            size = (OUT / name).stat().st_size
            lines.append(f"[gallery/{name}](gallery/{name}) ({size / 1000:,.0f} kB)\n")
    lines += ["## Caption (printed with `--caption`)", "", f"> {caption}", ""]
    (ROOT / "docs" / "gallery.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {len(RENDERS)} files to {OUT.relative_to(ROOT)} and docs/gallery.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
