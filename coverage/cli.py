"""Command line: ``range-rings report|render SCENARIO.json`` (or ``python -m coverage``).

Bad input exits with status 2 and one line on stderr; never a traceback and
never a partial output file.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from coverage import blas  # noqa: F401 - first of ours: before NumPy loads (see the module)
from coverage.borders import RESOLUTIONS
from coverage.errors import CoverageError, ExportError
from coverage.i18n import EN, LANGS, N_, Translator, translator
from coverage.render import FORMATS, SIZE_LABELS
from coverage.style import THEME_NAMES
from coverage.text import clean_title, shorten, terminal_safe
from coverage.tiles import BACKGROUNDS, PLAIN

if TYPE_CHECKING:
    from coverage.analysis import Result, Row
    from coverage.scenario import Scenario

# The scenario file itself, beside the rendered formats of coverage.render.FORMATS.
SCENARIO_EXTENSION = ".json"
RENDER_FORMATS = (*(f.extension for f in FORMATS.values()), SCENARIO_EXTENSION)
MAX_TITLE_CHARS = 200  # as the scenario schema and the app's title box allow
MAX_SUBTITLE_CHARS = 300


ERROR_PREFIX = N_("error:")
"""What starts a command-line error (in the chosen language, with argparse's own words)."""

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
)
"""argparse's own words that a user of this command line meets, in our catalogs (argparse
asks gettext's global "messages" domain, which Python ships no translation for)."""


@contextmanager
def _argparse_in(tr: Translator) -> Iterator[None]:
    """argparse says its own words (:data:`ARGPARSE_MESSAGES`) in ``tr``'s language meanwhile.

    argparse looks its ``_`` up as a module global at each call; it is swapped for the time
    of one parse and put back, so the app (which has no argparse) is untouched.
    """
    saved = argparse.__dict__["_"], argparse.__dict__["ngettext"]
    # In English, the words as written: what gettext's lookup of the "messages" domain comes
    # to, without it (it imports locale and searches the disk: ≈6 ms of every start).
    english = tr.lang == "en"
    setattr(argparse, "_", str if english else tr.gettext)  # noqa: B010 - argparse's private gettext hook
    setattr(argparse, "ngettext", _english_ngettext if english else tr.ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


def _english_ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _lang_of(argv: Sequence[str]) -> str:
    """The ``--lang`` given in ``argv`` (looked up before parsing, for the help and its errors)."""
    for i, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGS:
            return value
    return "en"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: "error: argument --theme: invalid choice: 'neon' (choose
    from light, dark)", exit status 2, instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        # "error:" through argparse's gettext hook, as argparse's own words (see _argparse_in)
        prefix = argparse.__dict__["_"](ERROR_PREFIX)
        self.exit(2, f"{prefix} {terminal_safe(shorten(' '.join(message.split())))}\n")


def _parser(tr: Translator = EN) -> argparse.ArgumentParser:
    """The command line, its help in ``tr``'s language (argparse's own words: :func:`_argparse_in`)."""
    parser = _Parser(
        prog="range-rings",  # also: python -m coverage
        description=tr.gettext(
            "Publicly cited air-defense ranges over country borders (educational, non-operational)."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    report = sub.add_parser("report", help=tr.gettext("print which countries the rings reach, and how much"))
    report.add_argument("scenario", type=Path, help=tr.gettext("scenario JSON file (see docs/scenario.md)"))
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    report.add_argument("--resolution", choices=RESOLUTIONS, default="10m")
    report.add_argument("--by-site", action="store_true", help=tr.gettext("one block of rows per site"))
    report.add_argument(
        "--distances", action="store_true", help=tr.gettext("also distances to reference places")
    )
    report.add_argument(
        "--lang",
        choices=LANGS,
        default="en",
        help=tr.gettext(
            "language of the table's headings, names and numbers (csv and json stay language-neutral)"
        ),
    )
    render = sub.add_parser(
        "render", help=tr.gettext("write a map or data file; format from --out's extension")
    )
    render.add_argument("scenario", type=Path)
    render.add_argument(
        "--out",
        type=Path,
        required=True,
        help=tr.gettext(
            "output file: {formats} (a .csv gets its description beside it, as NAME.csv-metadata.json: CSVW)"
        ).format(formats=", ".join(RENDER_FORMATS)),
    )
    render.add_argument("--resolution", choices=RESOLUTIONS, default="10m")
    render.add_argument("--caption", action="store_true", help=tr.gettext("also print the caption to stdout"))
    render.add_argument(
        "--alt-text",
        action="store_true",
        help=tr.gettext("also print the map's alt text and long description (they are in the file too)"),
    )
    render.add_argument(
        "--embed",
        nargs="?",
        const="",
        metavar="URL",
        help=tr.gettext(
            "html: also print an iframe snippet to paste into a web page, for the file hosted at URL "
            "(default: the file's name), and a note on hosting it"
        ),
    )
    render.add_argument(
        "--size", default="square", choices=list(SIZE_LABELS), help=tr.gettext("png/svg/pdf size")
    )
    render.add_argument(
        "--theme", default="light", choices=THEME_NAMES, help=tr.gettext("png/svg/pdf colours")
    )
    render.add_argument("--title", help=tr.gettext("title (default: the scenario's)"))
    render.add_argument("--subtitle", help=tr.gettext("subtitle (default: the scenario's)"))
    render.add_argument(
        "--background",
        choices=list(BACKGROUNDS),
        default=PLAIN,
        help=tr.gettext(
            "html: plain (default; opens offline) or online map tiles loaded when the page is opened"
        ),
    )
    render.add_argument(
        "--highlight",
        action="store_true",
        help=tr.gettext(
            "png/svg/pdf: draw the story's Armenian border, Aegean coast and Greek border (story step 2)"
        ),
    )
    render.add_argument(
        "--horizon",
        action="store_true",
        help=tr.gettext(
            "png/svg/pdf: draw the radar horizon as a dashed ring, as the app's explainer does "
            "(also named in the caption)"
        ),
    )
    render.add_argument(
        "--mast",
        type=float,
        default=20.0,
        metavar="M",
        help=tr.gettext("radar mast height for --horizon (default 20 m)"),
    )
    render.add_argument(
        "--target-altitude",
        type=float,
        default=300.0,
        metavar="M",
        help=tr.gettext("target altitude for --horizon (default 300 m)"),
    )
    render.add_argument(
        "--lang",
        choices=LANGS,
        default="en",
        help=tr.gettext("language of every word, number and name in the file"),
    )
    handout = sub.add_parser(
        "handout",
        help=tr.gettext("write a printable classroom activity (PDF): predict, then reveal, with the sources"),
    )
    handout.add_argument("scenario", type=Path)
    handout.add_argument("--out", type=Path, required=True, help=tr.gettext("output file (.pdf)"))
    handout.add_argument("--resolution", choices=RESOLUTIONS, default="10m")
    handout.add_argument(
        "--lang",
        choices=LANGS,
        default="en",
        help=tr.gettext("language of every word, number and name in the handout"),
    )
    return parser


class Interrupted(BaseException):
    """SIGTERM or SIGHUP during a command: raised so that open files are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: Sequence[str] | None = None) -> int:
    program = argv is None  # run as the program (not called by a test or a notebook): one short process
    if program:
        from coverage.allocator import keep_freed_memory

        keep_freed_memory()
    code, command = _main(argv)
    if program and command == "report":
        _end_process(code)
    return code


def _end_process(code: int) -> NoReturn:
    """End the process now, its output flushed, without tearing the interpreter down.

    Teardown frees every ring, geometry, array and module one by one (≈40 ms after a
    1,000-site report), memory the system takes back at once anyway. Only for a report,
    which writes nothing but its output: the files of ``render`` and ``handout`` are
    closed and renamed before they return, but their libraries (GDAL, matplotlib) may
    keep exit handlers, so those end as usual.
    """
    import os

    try:
        sys.stdout.flush()
    except OSError:  # the reader has gone (a closed pipe): what Python's own exit reports
        code = 120
    sys.stderr.flush()
    os._exit(code)


def _main(argv: Sequence[str] | None) -> tuple[int, str]:
    """Parse and run the command: its exit status, and which command it was."""
    tr = translator(_lang_of(sys.argv[1:] if argv is None else argv))
    with _argparse_in(tr):
        args = _parser(tr).parse_args(argv)
    # A terminal closed (SIGHUP) or a job killed politely (SIGTERM) unwinds like Ctrl-C, so
    # write_atomic removes its temporary file; exit 128 + the signal's number, as shells do.
    in_main_thread = threading.current_thread() is threading.main_thread()  # where signals work
    signals = (signal.SIGTERM, signal.SIGHUP) if in_main_thread else ()
    previous = {s: signal.signal(s, _on_signal) for s in signals}
    try:
        return _run(args), args.command
    except Interrupted as exc:
        said = tr.gettext(N_("interrupted ({signal})")).format(signal=signal.Signals(exc.signum).name)
        print(f"{tr.gettext(ERROR_PREFIX)} {said}", file=sys.stderr)
        return 128 + exc.signum, args.command
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "report":
            text = report(
                args.scenario, args.format, args.resolution, args.by_site, args.distances, lang=args.lang
            )
            print(terminal_safe(text), end="")
        elif args.command == "handout":
            write_handout(args.scenario, args.out, args.resolution, args.lang)
        else:
            if args.embed is not None and args.out.suffix.lower() != ".html":
                raise ExportError(f"{args.out}: --embed applies to .html maps only")
            text = render(
                args.scenario,
                args.out,
                args.resolution,
                size=args.size,
                theme=args.theme,
                title=None if args.title is None else clean_title(args.title, MAX_TITLE_CHARS),
                subtitle=None if args.subtitle is None else clean_title(args.subtitle, MAX_SUBTITLE_CHARS),
                background=args.background,
                highlight=args.highlight,
                horizon_m=_horizon_m(args.mast, args.target_altitude) if args.horizon else None,
                lang=args.lang,
            )
            if args.caption:
                print(terminal_safe(text))
            if args.alt_text:
                print(terminal_safe(alt_texts(args.scenario, args.resolution, args.title, args.lang)))
            if args.embed is not None:
                print(terminal_safe(embed_text(args.out, args.embed, args.title, args.scenario, args.lang)))
    except CoverageError as exc:
        tr = translator(getattr(args, "lang", "en"))
        message = shorten(" ".join(exc.translated(tr).split()))  # always one short line
        print(f"{tr.gettext(ERROR_PREFIX)} {terminal_safe(message)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        tr = translator(getattr(args, "lang", "en"))
        said = tr.gettext(N_("interrupted"))
        print(f"{tr.gettext(ERROR_PREFIX)} {said}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # whoever read the output has gone (`| head`): no one to tell
        return 120  # the status Python gives when it cannot flush its output at exit
    return 0


def alt_texts(path: Path, resolution: str, title: str | None = None, lang: str = "en") -> str:
    """The alt text and the long description of ``path``'s map, as ``render`` embeds them."""
    from coverage.alttext import describe

    tr = translator(lang)
    scenario, result = _load(path, resolution)
    shown = clean_title(title, MAX_TITLE_CHARS) if title is not None else scenario.title
    description = describe(result, shown, scenario.units, tr)
    return tr.gettext("Alt text: {alt}\n\nLong description:\n{long}").format(
        alt=description.alt, long=description.long
    )


def write_handout(path: Path, out: Path, resolution: str, lang: str = "en") -> None:
    """Write the classroom handout of ``path``'s map to ``out`` (a .pdf), in ``lang``."""
    from coverage.export import write_atomic
    from coverage.handout import handout

    if out.suffix.lower() != ".pdf":
        raise ExportError(f"the handout is a PDF: give --out a .pdf name, not {out.name!r}")
    scenario, result = _load(path, resolution)
    if not result.sites:
        raise ExportError(f"{path}: the scenario has no site, so there is nothing to ask about")
    write_atomic(out, handout(result, scenario, tr=translator(lang)))


def embed_text(out: Path, url: str, title: str | None, scenario_path: Path, lang: str = "en") -> str:
    """The iframe snippet for ``out`` (an .html map) hosted at ``url`` (default: its file
    name), then the note on hosting it."""
    from coverage.scenario import load_scenario
    from coverage.webpage import HOSTING_NOTE, embed_snippet

    shown = clean_title(title, MAX_TITLE_CHARS) if title is not None else load_scenario(scenario_path).title
    tr = translator(lang)
    return f"{embed_snippet(url or out.name, tr.shipped(shown), tr)}\n\n{tr.gettext(HOSTING_NOTE)}"


def _horizon_m(mast_m: float, altitude_m: float) -> float:
    """The radar horizon for ``--horizon`` (the app's explainer computes it the same way)."""
    from coverage.horizon import radar_horizon_m

    if not (math.isfinite(mast_m) and math.isfinite(altitude_m)) or mast_m < 0 or altitude_m < 0:
        raise ExportError("--mast and --target-altitude must be zero or positive heights in metres")
    if mast_m == 0 and altitude_m == 0:
        raise ExportError("--mast and --target-altitude cannot both be 0: the horizon would be 0 m")
    return float(radar_horizon_m(mast_m, altitude_m))


def _load(path: Path, resolution: str) -> tuple[Scenario, Result]:
    from coverage.analysis import analyse_shipped
    from coverage.catalog import load_catalog
    from coverage.scenario import load_scenario, resolve_sites

    scenario = load_scenario(path)
    return scenario, analyse_shipped(resolve_sites(scenario, load_catalog(), str(path)), resolution)


def report(path: Path, fmt: str, resolution: str, by_site: bool, distances: bool, *, lang: str = "en") -> str:
    """The coverage report as text in ``fmt`` (table, csv or json).

    Built from plain rows, without pandas or geopandas, so the command starts quickly.
    The table is in ``lang`` (headings, names, numbers); csv and json are data, keyed and
    named as the files are, whatever the language.
    """
    from coverage.analysis import COVERAGE_COLUMNS
    from coverage.export import rows_csv

    scenario, result = _load(path, resolution)
    sites = result.sites
    rows = list(result.by_site_rows if by_site else result.rows)
    columns = ["site", *COVERAGE_COLUMNS] if by_site else COVERAGE_COLUMNS
    dist = list(result.distance_rows) if distances else None
    if fmt == "csv":
        return rows_csv(rows, sites, columns)
    if fmt == "json":
        doc: dict[str, Any] = {
            "title": scenario.title,
            "coverage": rows,
            "sites": [
                {"name": s.name, "lat": s.lat_deg, "lon": s.lon_deg, "radius_km": s.radius_km} for s in sites
            ],
        }
        if dist is not None:
            doc["distances"] = dist
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return _report_text(scenario, result, rows, columns, dist, translator(lang))


HEADINGS: dict[str, str] = {
    # The table's headings: in English the column keys themselves (as csv and json name them).
    "site": N_("site"),
    "country": N_("country"),
    "iso_a3": N_("iso_a3"),
    "covered_km2": N_("covered_km2"),
    "country_km2": N_("country_km2"),
    "covered_pct": N_("covered_pct"),
    "place": N_("place"),
    "distance_km": N_("distance_km"),
    "inside": N_("inside"),
}


def _report_text(
    scenario: Scenario,
    result: Result,
    rows: list[Row],
    columns: Sequence[str],
    dist: list[Row] | None,
    tr: Translator = EN,
) -> str:
    lines = [tr.shipped(scenario.title)] if scenario.title else []
    lines += [f"{tr.place(s.name)}: {s.label(scenario.units, tr)}" for s in result.sites]
    shown = [
        {
            **row,
            **({"site": tr.place(row["site"])} if "site" in row else {}),
            "country": tr.country(row["country"]),
            "iso_a3": row["iso_a3"] or "",
            "covered_km2": tr.number(row["covered_km2"]),
            "country_km2": tr.number(row["country_km2"]),
            "covered_pct": tr.percent(row["covered_pct"], 1),
        }
        for row in rows
    ]
    lines += ["", *text_table(shown, columns, right=("covered_km2", "country_km2", "covered_pct"), tr=tr)]
    if dist is not None:
        yes_no = {True: tr.gettext("yes"), False: tr.gettext("no")} if tr.lang != "en" else {}
        shown = [
            {
                **d,
                "site": tr.place(d["site"]),
                "place": tr.place(d["place"]),
                "distance_km": tr.number(d["distance_km"]),
                "inside": yes_no.get(d["inside"], str(d["inside"])),
            }
            for d in dist
        ]
        columns = ["site", "place", "distance_km", "inside"]
        lines += ["", *text_table(shown, columns, right=("distance_km",), tr=tr)]
    return "\n".join(lines) + "\n"


def text_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], right: Sequence[str] = (), tr: Translator = EN
) -> list[str]:
    """Lines of a plain-text table; the ``right`` columns (figures) are right-aligned."""
    if not rows:
        return [
            tr.gettext("(no countries reached)") if "country" in columns else tr.gettext("(nothing to list)")
        ]
    headings = [tr.gettext(HEADINGS.get(key, key)) for key in columns]
    cells = [[str(row[key]) for key in columns] for row in rows]
    widths = [max(len(head), *(len(line[i]) for line in cells)) for i, head in enumerate(headings)]
    out = []
    for line in [headings, *cells]:
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
    highlight: bool = False,
    horizon_m: float | None = None,
    lang: str = "en",
) -> str:
    """Write ``out`` (format from its extension); return the caption.

    Every format but the scenario file goes through :func:`coverage.render.render`,
    exactly as the app's downloads do.
    """
    from coverage import export
    from coverage.render import RenderOptions, caption, csv_metadata, format_for
    from coverage.render import render as render_bytes

    suffix = out.suffix.lower()
    if suffix not in RENDER_FORMATS:
        raise ExportError(
            f"{out}: unknown format {suffix or '(none)'!r}; use one of {', '.join(RENDER_FORMATS)}"
        )
    if background != PLAIN and suffix != ".html":
        raise ExportError(f"{out}: --background applies to .html maps only")
    scenario, result = _load(path, resolution)
    options = RenderOptions.for_scenario(
        scenario,
        title=title,
        subtitle=subtitle,
        size=size,
        theme=theme,
        background=background,
        highlight=highlight,
        horizon_m=horizon_m,
        lang=lang,
    )
    if suffix == SCENARIO_EXTENSION:
        export.write_atomic(out, scenario.to_json())
    else:
        export.write_atomic(out, render_bytes(result, format_for(suffix).name, options))
    if suffix == ".csv":  # the table's description, where CSVW tools look for it
        sidecar = out.with_name(out.name + export.CSV_METADATA_SUFFIX)
        export.write_atomic(sidecar, csv_metadata(result, options, out.name))
    return caption(result, options)
