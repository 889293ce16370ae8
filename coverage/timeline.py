"""The story's dated events (``data/story/timeline.yaml``) and the map at any of them.

Published, dated, city-level history: where NATO's Patriots and Italy's SAMP/T
stood in south-eastern Turkey from 2013, and where the S-400 was delivered and
test-fired. Each event carries the page it was read on. An event may start a
reported deployment (a site, drawn with its system's default cited figure) and
end earlier ones; :func:`scenario_at` draws every deployment standing at an event.
Nothing here suggests a place: it only replays what was reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from coverage import paths
from coverage.catalog import Source, human_date, text_date_loader
from coverage.errors import DataFileError
from coverage.i18n import EN, Translator
from coverage.scenario import Scenario, SiteSpec
from coverage.schemas import Schema

TIMELINE_PATH = paths.STORY_DIR / "timeline.yaml"
SCHEMA_PATH = paths.STORY_DIR / "timeline.schema.json"


@dataclass(frozen=True)
class Event:
    """One dated event; ``site`` is the deployment it starts, ``ends`` the ones it ends."""

    id: str
    date: str  # ISO 8601, partial allowed
    title: str
    text: str
    source: Source
    site: SiteSpec | None = None
    ends: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "26 Jan 2013 · NATO Patriots at Adana (Netherlands)": for the story's slider."""
        return self.label_in(EN)

    def label_in(self, tr: Translator) -> str:
        """:attr:`label` in ``tr``'s language."""
        return f"{human_date(self.date, tr)} · {tr.gettext(self.title)}"


@lru_cache(maxsize=1)
def _schema() -> Schema:
    return Schema(SCHEMA_PATH)


def parse_timeline(text: str, filename: str) -> tuple[Event, ...]:
    """Parse and check a timeline file: schema, unique ids, date order, and ``ends`` naming
    earlier events that started a deployment."""
    try:
        data = yaml.load(text, Loader=text_date_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise DataFileError(f"{filename}: not valid YAML ({exc})") from exc
    errors = _schema().errors(data)
    if errors:
        err = min(errors, key=lambda e: list(map(str, e.absolute_path)))
        where = "/".join(str(p) for p in err.absolute_path) or "top level"
        raise DataFileError(f"{filename}: {where}: {err.message[:200]}")
    events: list[Event] = []
    started: set[str] = set()
    for raw in data:
        where = f'{filename}: event "{raw["id"]}"'
        if any(e.id == raw["id"] for e in events):
            raise DataFileError(f"{where}: the id is used twice")
        if events and raw["date"] < events[-1].date:
            order = "keep the events in date order"
            raise DataFileError(f"{where}: dated {raw['date']}, before the event above it; {order}")
        unknown = [e for e in raw.get("ends", ()) if e not in started]
        if unknown:
            raise DataFileError(f"{where}: ends {', '.join(unknown)}, which is not an earlier deployment")
        site = SiteSpec(**raw["site"]) if "site" in raw else None
        if site is not None:
            started.add(raw["id"])
        events.append(
            Event(
                id=raw["id"],
                date=raw["date"],
                title=raw["title"],
                text=raw["text"],
                source=Source(**raw["source"]),
                site=site,
                ends=tuple(raw.get("ends", ())),
            )
        )
    return tuple(events)


def load_timeline_file(path: Path) -> tuple[Event, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read the timeline ({exc})") from exc
    return parse_timeline(text, str(path))


@lru_cache(maxsize=1)
def load_timeline() -> tuple[Event, ...]:
    """The shipped timeline (cached; treat as read-only)."""
    return load_timeline_file(TIMELINE_PATH)


def standing_at(events: Sequence[Event], event_id: str) -> tuple[Event, ...]:
    """The events whose deployments stand once ``event_id`` has happened (in start order)."""
    standing: dict[str, Event] = {}
    for event in events:
        for ended in event.ends:
            standing.pop(ended, None)
        if event.site is not None:
            standing[event.id] = event
        if event.id == event_id:
            return tuple(standing.values())
    known = ", ".join(e.id for e in events)
    raise DataFileError(f"no timeline event {event_id!r}; the events: {known}")


def scenario_at(events: Sequence[Event], event_id: str, tr: Translator = EN) -> Scenario:
    """The map at ``event_id``: every reported deployment standing then, labelled with its dates
    (site names, title and subtitle in ``tr``'s language)."""
    event = next((e for e in events if e.id == event_id), None)
    standing = standing_at(events, event_id)
    assert event is not None  # standing_at has raised otherwise
    return Scenario(
        sites=tuple(replace(e.site, name=tr.gettext(e.site.name)) for e in standing if e.site is not None),
        title=tr.gettext("Reported air-defence deployments in Turkey, {date}").format(
            date=human_date(event.date, tr)
        ),
        subtitle=tr.gettext(
            "Published history at city level; each ring is its system's default cited figure"
        ),
    )
