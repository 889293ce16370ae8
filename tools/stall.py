"""Clients that ask for a heavy page and never read it, or leave mid-run (issue 17, item 10).

Each stalled client opens ``/_stcore/stream`` as Streamlit's front end does (the XSRF
cookie and subprotocol), sends one ``rerun_script`` for the heaviest map the app accepts
(a shared link with ``--sites`` sites of ``--radius-km``), and then stops reading: its
websocket library stops taking frames after one (``max_queue=1``) and its socket's
receive buffer is 4 KiB, so the server's writes back up as a real stalled reader's would.
A "leaver" sends the same rerun and closes its socket at once, as a visitor who opens a
heavy link and closes the tab.

The run samples the server's memory (RSS of its process tree) and CPU through three
phases: while the stalled clients hold their sockets (``--hold-s``), after they close
(``--after-s``), and, separately, after ``--leavers`` clients left mid-run. It prints
one JSON document; ``--out`` writes it too. Run from the repository root:
``.venv/bin/python -m tools.stall --clients 6``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tools import app_server
from tools.loadtest import rss_kb, server_cpu, tree_pids
from tools.protocol_client import HttpPool

ROOT = Path(__file__).resolve().parents[1]


def heavy_link(n_sites: int, radius_km: float) -> str:
    """The ``s=`` value of a map with ``n_sites`` sites spread over the world."""
    from coverage.scenario import Scenario, SiteSpec, encode_for_url

    sites = tuple(
        SiteSpec(
            name=f"S{i}", lat=-60.0 + (i * 37) % 130, lon=-180.0 + (i * 53) % 360, radius=radius_km, unit="km"
        )
        for i in range(n_sites)
    )
    return encode_for_url(Scenario(sites=sites, title="stall"))


def rerun_message(base: str, link: str) -> bytes:
    """The first ``rerun_script`` BackMsg of a page opened at ``/?s=<link>``."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    rs = msg.rerun_script
    rs.widget_states.SetInParent()
    rs.query_string = f"s={link}"
    ci = rs.context_info
    ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
    ci.url, ci.is_embedded, ci.color_scheme = base + "/", False, "light"
    return msg.SerializeToString()


async def open_stream(base: str, *, stall: bool) -> Any:
    """A websocket to ``/_stcore/stream``; with ``stall``, one that reads as little as it can."""
    import websockets.asyncio.client as wsc

    http = HttpPool(base, {})
    await http.get("/")
    await http.close()
    host, port = base.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if stall:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    xsrf = http.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
    return await wsc.connect(
        base.replace("http://", "ws://") + "/_stcore/stream",
        sock=sock,
        origin=base,
        subprotocols=["streamlit", xsrf],  # type: ignore[list-item]
        additional_headers={"Cookie": http.cookie_header()},
        max_size=None,
        max_queue=1 if stall else 16,
        compression=None,
    )


async def _until_link(ws: Any) -> None:
    """Read until the page has set its link (``page_info_changed``) or finished its run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with asyncio.timeout(120):
        async for raw in ws:
            msg = ForwardMsg()
            msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            if msg.WhichOneof("type") in ("page_info_changed", "script_finished"):
                return


def server_mb(pid: int) -> float:
    return sum(rss_kb(p) for p in tree_pids(pid)) / 1024


def established_from(port: int, client_ports: set[int]) -> int:
    """How many of ``client_ports``' connections to the server's ``port`` are still open."""
    out = subprocess.run(
        ["ss", "-tnH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    peers = {int(line.split()[-1].rsplit(":", 1)[1]) for line in out.splitlines() if line.strip()}
    return len(peers & client_ports)


async def stalled_wave(base: str, pid: int, args: argparse.Namespace, link: str) -> dict:
    """``--clients`` clients each send ``--reruns`` reruns, never read, and hold on."""
    port = int(base.rsplit(":", 1)[1])
    out: dict[str, Any] = {"rss_mb_before": round(server_mb(pid), 1)}
    sockets = []
    for _ in range(args.clients):
        sockets.append(await open_stream(base, stall=True))
    client_ports = {ws.transport.get_extra_info("sockname")[1] for ws in sockets}
    start = time.monotonic()
    for _ in range(args.reruns):
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.send(rerun_message(base, link))
        await asyncio.sleep(0.25)
    samples, dropped_at = [], None
    while time.monotonic() - start < args.hold_s:
        await asyncio.sleep(1.0)
        samples.append(round(server_mb(pid), 1))
        if dropped_at is None and established_from(port, client_ports) == 0:
            dropped_at = round(time.monotonic() - start, 1)
    out["rss_mb_while_stalled"] = samples
    out["rss_mb_peak"] = max(samples, default=0.0)
    out["all_dropped_by_server_after_s"] = dropped_at
    out["still_open_at_end"] = established_from(port, client_ports)
    for ws in sockets:
        with contextlib.suppress(Exception):
            ws.transport.abort()
    samples = []
    start = time.monotonic()
    while time.monotonic() - start < args.after_s:
        await asyncio.sleep(1.0)
        samples.append(round(server_mb(pid), 1))
    out["rss_mb_after_close"] = samples[-1] if samples else None
    return out


async def leaver_phase(base: str, pid: int, links: list[str], watch_s: float) -> dict:
    """CPU the server spends after clients asked for ``links`` (one each) and left at once."""
    idle_start = server_cpu(pid)
    await asyncio.sleep(2.0)
    idle_rate = (server_cpu(pid) - idle_start) / 2.0
    cpu0 = server_cpu(pid)
    for link in links:
        ws = await open_stream(base, stall=False)
        await ws.send(rerun_message(base, link))
        # Leave once the page's link has been set (after the analysis): the run is then
        # into the map's work, its longest stretch without an element.
        await _until_link(ws)
        ws.transport.abort()
    left_at = time.monotonic()
    cpu_left = server_cpu(pid)
    await asyncio.sleep(watch_s)
    after = server_cpu(pid) - cpu_left - idle_rate * (time.monotonic() - left_at)
    return {
        "leavers": len(links),
        "server_cpu_s_before_they_left": round(cpu_left - cpu0, 2),
        "server_cpu_s_after_they_left": round(max(after, 0.0), 2),
        "watched_s": watch_s,
    }


async def run(args: argparse.Namespace, base: str, pid: int) -> dict:
    link = heavy_link(args.sites, args.radius_km)
    result: dict[str, Any] = {
        "command": "python -m tools.stall " + " ".join(sys.argv[1:]),
        "link_chars": len(link),
        "sites": args.sites,
        "radius_km": args.radius_km,
        "rss_mb_idle": round(server_mb(pid), 1),
    }
    # Warm the server (imports, borders, caches) with one visit that reads everything,
    # so the stalled clients' cost is theirs, not the first visit's.
    ws = await open_stream(base, stall=False)
    await ws.send(rerun_message(base, link))
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(120):
            async for raw in ws:
                from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

                msg = ForwardMsg()
                msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
                if msg.WhichOneof("type") == "script_finished":
                    break
    await ws.close()
    result["rss_mb_warm"] = round(server_mb(pid), 1)
    result["waves"] = [await stalled_wave(base, pid, args, link) for _ in range(args.waves)]
    # Links no one has opened yet (1 km apart), so the server has their work to do.
    fresh = [heavy_link(args.sites, args.radius_km + 1 + i) for i in range(args.leavers)]
    result["left"] = await leaver_phase(base, pid, fresh, args.watch_s)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.stall", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=6, help="stalled clients (default 6)")
    parser.add_argument("--reruns", type=int, default=1, help="reruns each stalled client sends (default 1)")
    parser.add_argument("--waves", type=int, default=1, help="waves of stalled clients, one after another")
    parser.add_argument("--leavers", type=int, default=2, help="clients that leave mid-run (default 2)")
    parser.add_argument("--sites", type=int, default=200, help="sites in the heavy link (default 200)")
    parser.add_argument("--radius-km", type=float, default=2000.0, help="their radius (default 2000)")
    parser.add_argument("--hold-s", type=float, default=40.0, help="how long the stalled clients stay")
    parser.add_argument("--after-s", type=float, default=20.0, help="memory watched after they close")
    parser.add_argument("--watch-s", type=float, default=25.0, help="CPU watched after the leavers left")
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="an extra `streamlit run` option, repeatable",
    )
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    with app_server.streamlit_server(extra_args=args.server_arg) as server:
        result = asyncio.run(run(args, server.url, server.pid))
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
