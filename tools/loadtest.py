"""Bounded classroom load test: one Streamlit server, N concurrent sessions, loopback only.

    .venv/bin/python -m tools.loadtest                       # 25 protocol clients + 2 real pages
    .venv/bin/python -m tools.loadtest --clients browser     # 25 headless Chromium pages (old mode)

Run from the repository root. Starts ``streamlit run app.py`` on a free 127.0.0.1 port
(``tools.app_server.streamlit_server``) and waits for /_stcore/health. Two kinds of clients:

``--clients protocol`` (default; the server's view of a classroom). One real
Chromium page first loads the app, waits for the first ring, clicks story step
"3 · Ankara compared" and waits for the fourth ring; the DevTools protocol records
every request it made to the server (that page is also the warm-up, not counted).
Then ``--sessions`` protocol clients (``tools/protocol_client.py``) start at the
same moment: each replays that first visit's HTTP requests over ≤ 6 keep-alive
connections, opens /_stcore/stream as the front end does, runs the script, waits
for the st_folium delta with the first ring and the assets the map needs
(time to map), then changes the story step through a rerun BackMsg with all
widget states and waits for the fourth ring (time to step). Each costs the server
what a browser tab costs it, without running Streamlit's front end and Leaflet on
the server's cores. Alongside, ``--browsers`` real Chromium pages (default 2) do
the same visit, to show that real pages render under that load; their times are
reported separately. Results: docs/reliability-load-protocol.json.

``--clients browser``: ``--sessions`` headless Chromium contexts on this machine
after one warm-up session. This measures 25 front ends plus the server on the same
cores, not the server alone. Results: docs/reliability-load.json (as before).

Records sessions served/failed, time to map and to step (p50/p95), the server's
peak RSS (VmRSS of its process tree, sampled every 0.2 s), the server's CPU
seconds, the harness's own CPU seconds, and the 1-minute load average before and
after. Bounded: at most 60 sessions, each with a timeout, a hard deadline for the
run, every non-loopback request aborted, and the server stopped at the end
whatever happens. Exit status 1 if any session or page failed or a target was
missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

from tools import protocol_client as pc
from tools.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, ServerStartError, is_loopback, streamlit_server

MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
FIRST_RING = 'path.leaflet-interactive[stroke="#0072B2"]'
FOURTH_RING = 'path.leaflet-interactive[stroke="#CC79A7"]'
STEP = "3 · Ankara compared"
TARGET_P95_S = 5.0
TARGET_RSS_MB = 1536.0
MAX_SESSIONS = 60
# The server's output; removed after a clean run, kept (and named) if the server fails.
LOG_PATH = ROOT / ".loadtest-server.log"
COMMAND = "python -m tools.loadtest "


# ------------------------------------------------------------------ server memory and CPU
def tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval_s = pid, interval_s
        self.peak_kb = 0
        self.samples = 0
        self.idle_kb = 0
        self.cpu_by_pid: dict[int, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = tree_pids(self.pid)
            total = sum(rss_kb(p) for p in pids)
            for p in pids:
                self.cpu_by_pid[p] = max(self.cpu_by_pid.get(p, 0.0), cpu_s(p))
            self.peak_kb = max(self.peak_kb, total)
            self.samples += 1
            self._halt.wait(self.interval_s)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


# ------------------------------------------------------------------ sessions
async def one_session(browser, base: str, index: int, timeout_ms: int, blocked: list[str]) -> dict:
    result: dict = {"session": index, "ok": False}
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    ctx.set_default_timeout(timeout_ms)

    async def route(r) -> None:
        if is_loopback(r.request.url):
            await r.continue_()
        else:
            blocked.append(r.request.url)
            await r.abort("blockedbyclient")

    await ctx.route("**/*", route)
    try:
        page = await ctx.new_page()
        frame = page.frame_locator(MAP_IFRAME)
        t0 = time.perf_counter()
        result["stage"] = "goto"
        await page.goto(base, wait_until="commit")
        result["stage"] = "title"
        await page.locator("h1").first.wait_for(state="visible")
        result["title_s"] = round(time.perf_counter() - t0, 3)
        result["stage"] = "map iframe"
        await page.locator(MAP_IFRAME).wait_for(state="attached")
        result["stage"] = "first ring"
        await frame.locator(FIRST_RING).first.wait_for(state="visible")
        result["first_map_s"] = round(time.perf_counter() - t0, 3)

        story = page.get_by_test_id("stRadio").filter(has_text="Story")
        step = story.get_by_text(STEP, exact=True)
        result["stage"] = "step"
        await step.wait_for(state="visible")
        t1 = time.perf_counter()
        await step.click()
        result["stage"] = "fourth ring"
        await frame.locator(FOURTH_RING).first.wait_for(state="visible")
        result["step_s"] = round(time.perf_counter() - t1, 3)
        exceptions = await page.get_by_test_id("stException").count()
        if exceptions:
            raise RuntimeError(f"{exceptions} exception box(es) on the page")
        result["ok"] = True
        del result["stage"]
    except Exception as exc:  # noqa: BLE001 - recorded per session, reported, and fails the run
        first_line = (str(exc).splitlines() or [""])[0]
        result["error"] = f"{type(exc).__name__}: {first_line[:200]}"
        with contextlib.suppress(Exception):
            result["script_state"] = await page.get_by_test_id("stApp").get_attribute(
                "data-test-script-state", timeout=2000
            )
    finally:
        await ctx.close()
    return result


async def run_sessions(
    base: str, n: int, timeout_ms: int, warmup: bool, deadline_at: float
) -> tuple[list[dict], dict | None, list[str]]:
    from playwright.async_api import async_playwright

    blocked: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm = await one_session(browser, base, -1, timeout_ms, blocked) if warmup else None
            tasks = [
                asyncio.create_task(one_session(browser, base, i, timeout_ms, blocked)) for i in range(n)
            ]
            remaining = deadline_at - time.monotonic()
            _, pending = await asyncio.wait(tasks, timeout=max(1.0, remaining))
            for task in pending:  # the run's deadline passed: these sessions count as failed
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            results = []
            for i, task in enumerate(tasks):
                if task in pending or task.cancelled():
                    results.append({"session": i, "ok": False, "error": "not finished by the run's deadline"})
                elif task.exception() is not None:
                    results.append({"session": i, "ok": False, "error": repr(task.exception())[:200]})
                else:
                    results.append(task.result())
        finally:
            await browser.close()
    return list(results), warm, blocked


async def run_protocol(
    base: str, n: int, n_browsers: int, timeout_s: float, deadline_at: float, marks: dict, ramp_s: float = 0.0
) -> tuple[list[dict], list[dict], pc.Visit, list[str]]:
    """Record one real visit, then N protocol clients and ``n_browsers`` real pages at once."""
    from playwright.async_api import async_playwright

    blocked: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visit = await pc.record_visit(
                browser, base, int(timeout_s * 1000), FIRST_RING, FOURTH_RING, MAP_IFRAME
            )
            marks["load_started"] = time.perf_counter()
            marks["server_cpu_before"] = server_cpu(marks["server_pid"])
            marks["cpu_before"] = _harness_cpu()
            clients = [pc.ProtocolSession(base, visit, timeout_s) for _ in range(n)]

            async def start_later(c: pc.ProtocolSession, delay: float) -> dict:
                await asyncio.sleep(delay)
                return {"start_s": round(delay, 2), **(await c.run())}

            tasks = [
                asyncio.create_task(start_later(c, ramp_s * i / max(1, n - 1) if n > 1 else 0.0))
                for i, c in enumerate(clients)
            ]
            pages = [
                asyncio.create_task(one_session(browser, base, i, int(timeout_s * 1000), blocked))
                for i in range(n_browsers)
            ]
            remaining = deadline_at - time.monotonic()
            _, pending = await asyncio.wait(tasks + pages, timeout=max(1.0, remaining))
            marks["load_ended"] = time.perf_counter()
            marks["server_cpu_after"] = server_cpu(marks["server_pid"])
            marks["cpu_after"] = _harness_cpu()
            for task in pending:  # the run's deadline passed: these count as failed
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

            def outcome(i: int, task: asyncio.Task) -> dict:
                if task in pending or task.cancelled():
                    return {"session": i, "ok": False, "error": "not finished by the run's deadline"}
                if task.exception() is not None:
                    return {"session": i, "ok": False, "error": repr(task.exception())[:200]}
                return {"session": i, **task.result()}

            results = [outcome(i, t) for i, t in enumerate(tasks)]
            for r, c in zip(results, clients, strict=True):
                if r["ok"]:
                    r["widget_states_as_browser"] = c.step_widget_ids == visit.step_widget_ids
            page_results = [outcome(i, t) for i, t in enumerate(pages)]
        finally:
            await browser.close()
    return results, page_results, visit, blocked


async def run_cost(base: str, repeats: int, timeout_s: float, server_pid: int) -> dict:
    """Server CPU seconds per phase of one visit: ``repeats`` visits one after another, each
    phase awaited before the next, on a server warmed by the recorded visit."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visit = await pc.record_visit(
                browser, base, int(timeout_s * 1000), FIRST_RING, FOURTH_RING, MAP_IFRAME
            )
        finally:
            await browser.close()
    await asyncio.sleep(2.0)
    t, c = time.perf_counter(), server_cpu(server_pid)
    await asyncio.sleep(3.0)
    idle_per_s = (server_cpu(server_pid) - c) / (time.perf_counter() - t)
    phases: dict[str, list[float]] = {}
    walls: dict[str, list[float]] = {}
    for _ in range(repeats):
        last = {"cpu": server_cpu(server_pid), "t": time.perf_counter()}

        async def mark(name: str, last: dict = last) -> None:
            await asyncio.sleep(0.3)  # let the server finish the phase's work (e.g. closing sockets)
            now, cpu = time.perf_counter(), server_cpu(server_pid)
            phases.setdefault(name, []).append(cpu - last["cpu"] - idle_per_s * (now - last["t"]))
            walls.setdefault(name, []).append(now - last["t"] - 0.3)
            last.update(cpu=cpu, t=now)

        await pc.ProtocolSession(base, visit, timeout_s).run_phased(mark)
    per_phase = {
        name: {
            "server_cpu_s_median": round(statistics.median(v), 3),
            "server_cpu_s_min": round(min(v), 3),
            "wall_s_median": round(statistics.median(walls[name]), 3),
        }
        for name, v in phases.items()
    }
    total = sum(statistics.median(v) for v in phases.values())
    return {
        "repeats": repeats,
        "idle_server_cpu_s_per_s": round(idle_per_s, 4),
        "per_phase": per_phase,
        "server_cpu_s_per_visit": round(total, 3),
        "clock_ticks_per_s": os.sysconf("SC_CLK_TCK"),
        "recorded_visit": visit.to_json(),
    }


async def run_sequential(base: str, n: int, timeout_s: float, server_pid: int) -> dict:
    """``n`` protocol visits one after another on a server warmed by the recorded visit, the
    server's memory (RSS of its process tree) sampled after each: does it grow with visits?"""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visit = await pc.record_visit(
                browser, base, int(timeout_s * 1000), FIRST_RING, FOURTH_RING, MAP_IFRAME
            )
        finally:
            await browser.close()
    rss_mb: list[float] = []
    results: list[dict] = []
    started = time.perf_counter()
    for i in range(n):
        result = await pc.ProtocolSession(base, visit, timeout_s).run()
        results.append({"session": i, **result})
        rss_mb.append(round(sum(rss_kb(p) for p in tree_pids(server_pid)) / 1024, 1))
    ok = [r for r in results if r["ok"]]
    tenth = max(1, n // 10)
    return {
        "visits": n,
        "served": len(ok),
        "failed": n - len(ok),
        "wall_s": round(time.perf_counter() - started, 1),
        "time_to_first_map_s": spread([r["first_map_s"] for r in ok]),
        "time_to_step_s": spread([r["step_s"] for r in ok]),
        "rss_mb_after_visit": rss_mb,
        "rss_mb_first_tenth_median": statistics.median(rss_mb[:tenth]),
        "rss_mb_last_tenth_median": statistics.median(rss_mb[-tenth:]),
        "rss_mb_peak": max(rss_mb, default=0.0),
        "per_session": results,
    }


def server_cpu(pid: int) -> float:
    return sum(cpu_s(p) for p in tree_pids(pid))


def _harness_cpu() -> dict[str, float]:
    """CPU seconds so far of this process, and of its other children (Playwright's driver and
    Chromium; their reaped subprocesses count through cutime/cstime), the server excluded."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    others = 0.0
    for pid in tree_pids(os.getpid())[1:]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"streamlit" in fh.read():
                    continue
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            others += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return {"python": own.ru_utime + own.ru_stime, "chromium": others}


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def spread(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.loadtest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--clients",
        choices=["protocol", "browser"],
        default="protocol",
        help="protocol: lightweight clients that cost the server what a browser tab does (default); "
        "browser: headless Chromium pages on this machine",
    )
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument(
        "--browsers", type=int, default=2, help="protocol mode: real Chromium pages alongside (default 2)"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        metavar="S",
        help="protocol mode: spread the sessions' starts evenly over S seconds (default 0: all at once)",
    )
    parser.add_argument("--session-timeout", type=float, default=None, help="seconds per session")
    parser.add_argument("--deadline", type=float, default=None, help="seconds for the whole run")
    parser.add_argument("--no-warmup", action="store_true", help="browser mode: measure from a cold server")
    parser.add_argument(
        "--server-cost",
        type=int,
        default=0,
        metavar="N",
        help="instead of the load test: N protocol visits one after another, one phase at a time, "
        "and the server CPU seconds of each phase (writes docs/reliability-load-cost.json)",
    )
    parser.add_argument(
        "--sequential",
        type=int,
        default=0,
        metavar="N",
        help="instead of the load test: N protocol visits one after another, the server's memory "
        "sampled after each (writes docs/reliability-load-sequential.json)",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        if args.sequential:
            return main_sequential(args, argv)
        return main_cost(args, argv) if args.server_cost else main_load(args, argv)
    except ServerStartError:
        raise SystemExit(f"server did not become healthy; see {LOG_PATH}") from None


def main_load(args: argparse.Namespace, argv: list[str] | None) -> int:
    protocol = args.clients == "protocol"
    n = max(1, min(args.sessions, MAX_SESSIONS))
    n_browsers = max(0, min(args.browsers, 5)) if protocol else 0
    timeout_s = args.session_timeout or (60.0 if protocol else 120.0)
    run_deadline = args.deadline or (180.0 if protocol else 280.0)
    out = args.out or ROOT / "docs" / (
        "reliability-load-protocol.json" if protocol else "reliability-load.json"
    )

    started = time.perf_counter()
    load_before = os.getloadavg()
    marks: dict = {}
    warm: dict | None = None
    visit: pc.Visit | None = None
    pages: list[dict] = []
    with streamlit_server(log_path=LOG_PATH) as server:
        base, pid = server.url, server.pid
        healthy_s = time.perf_counter() - started
        sampler = RssSampler(pid)
        sampler.start()
        try:
            sampler.idle_kb = sum(rss_kb(p) for p in tree_pids(pid))
            remaining = run_deadline - (time.perf_counter() - started)
            marks["server_pid"] = pid
            if protocol:
                results, pages, visit, blocked = asyncio.run(
                    run_protocol(
                        base,
                        n,
                        n_browsers,
                        timeout_s,
                        time.monotonic() + max(10.0, remaining),
                        marks,
                        max(0.0, min(args.ramp, 120.0)),
                    )
                )
            else:
                marks["server_cpu_before"] = server_cpu(pid)
                marks["load_started"] = time.perf_counter()
                results, warm, blocked = asyncio.run(
                    run_sessions(
                        base,
                        n,
                        int(timeout_s * 1000),
                        not args.no_warmup,
                        time.monotonic() + max(10.0, remaining),
                    )
                )
                marks["load_ended"] = time.perf_counter()
                marks["server_cpu_after"] = server_cpu(pid)
        finally:
            sampler.stop()

    ok = [r for r in results if r["ok"]]
    wall = marks["load_ended"] - marks["load_started"]
    server_cpu_s = marks["server_cpu_after"] - marks["server_cpu_before"]
    summary: dict = {
        "clients": args.clients,
        "sessions": n,
        "ramp_s": max(0.0, min(args.ramp, 120.0)) if protocol else 0.0,  # as used
        "served": len(ok),
        "failed": n - len(ok),
        "time_to_first_map_s": spread([r["first_map_s"] for r in ok]),
        "time_to_step_s": spread([r["step_s"] for r in ok]),
        "server_rss_mb": {
            "idle_after_start": round(sampler.idle_kb / 1024, 1),
            "peak": round(sampler.peak_kb / 1024, 1),
            "samples": sampler.samples,
        },
        "server_cpu_s_during_sessions": round(server_cpu_s, 1),
        "sessions_wall_s": round(wall, 1),
        "blocked_non_loopback_requests": sorted(set(blocked)),
        "targets": {"p95_s": TARGET_P95_S, "rss_mb": TARGET_RSS_MB},
        "server_healthy_after_s": round(healthy_s, 1),
    }
    if protocol:
        assert visit is not None
        pages_ok = [r for r in pages if r["ok"]]
        harness = {k: round(marks["cpu_after"][k] - marks["cpu_before"][k], 1) for k in marks["cpu_after"]}
        summary.update(
            {
                "server_cpu_s_per_session": round(server_cpu_s / max(1, n + n_browsers), 2),
                "harness_cpu_s_during_sessions": harness,
                "real_pages_alongside": {
                    "pages": len(pages),
                    "served": len(pages_ok),
                    "failed": len(pages) - len(pages_ok),
                    "first_map_s": [r.get("first_map_s") for r in pages],
                    "step_s": [r.get("step_s") for r in pages],
                    "per_page": pages,
                },
                "recorded_visit": visit.to_json(),
                "widget_states_as_browser": all(r.get("widget_states_as_browser") for r in ok)
                if ok
                else None,
            }
        )
    else:
        summary["warmup_session"] = warm
    summary.update(
        {
            "total_run_s": round(time.perf_counter() - started, 1),
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
                "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "command": COMMAND + " ".join(argv if argv is not None else sys.argv[1:]),
            "per_session": results,
        }
    )
    p95s = [summary["time_to_first_map_s"]["p95"], summary["time_to_step_s"]["p95"]]
    summary["targets_met"] = {
        "p95": all(p is not None and p <= TARGET_P95_S for p in p95s),
        "rss": sampler.peak_kb / 1024 <= TARGET_RSS_MB,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"{args.clients} clients {n}: served {len(ok)}, failed {n - len(ok)}")
    print(
        f"time to first map  p50 {summary['time_to_first_map_s']['p50']} s   p95 {p95s[0]} s   "
        f"(target p95 <= {TARGET_P95_S} s)"
    )
    print(f"time to story step p50 {summary['time_to_step_s']['p50']} s   p95 {p95s[1]} s")
    print(
        f"server RSS idle {summary['server_rss_mb']['idle_after_start']} MB, peak "
        f"{summary['server_rss_mb']['peak']} MB (target <= {TARGET_RSS_MB:.0f} MB)"
    )
    print(
        f"server CPU during the sessions {summary['server_cpu_s_during_sessions']} s of "
        f"{summary['sessions_wall_s']} s wall x {os.cpu_count()} cores"
    )
    if protocol:
        print(f"harness CPU during the sessions: {summary['harness_cpu_s_during_sessions']} s")
        ra = summary["real_pages_alongside"]
        print(
            f"real Chromium pages alongside: served {ra['served']}/{ra['pages']}, "
            f"first map {ra['first_map_s']} s, step {ra['step_s']} s"
        )
        rv = summary["recorded_visit"]
        print(
            f"recorded visit (warm-up, not counted): {rv['requests_first_visit']} requests, "
            f"first map {rv['browser_first_map_s']} s, step {rv['browser_step_s']} s"
        )
        for r in pages:
            if not r["ok"]:
                print(f"  page {r['session']} FAILED: {r.get('error')}")
    elif warm:
        print(f"warm-up session (not counted): {warm}")
    print(f"load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    if blocked:
        print(f"blocked non-loopback requests: {sorted(set(blocked))}")
    for r in results:
        if not r["ok"]:
            print(f"  session {r['session']} FAILED: {r.get('error')}")
    print(f"total {summary['total_run_s']} s; results in {out}")
    if n - len(ok) or any(not r["ok"] for r in pages):
        return 1
    return 0 if all(summary["targets_met"].values()) else 1


def main_cost(args: argparse.Namespace, argv: list[str] | None) -> int:
    repeats = max(1, min(args.server_cost, 20))
    out = args.out or ROOT / "docs" / "reliability-load-cost.json"
    load_before = os.getloadavg()
    with streamlit_server(log_path=LOG_PATH) as server:
        cost = asyncio.run(asyncio.wait_for(run_cost(server.url, repeats, 60.0, server.pid), 300))
    cost["machine"] = {
        "cpus": os.cpu_count(),
        "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
        "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
    }
    cost["command"] = COMMAND + " ".join(argv if argv is not None else sys.argv[1:])
    out.write_text(json.dumps(cost, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"server CPU per phase of one visit (median of {repeats}, idle server subtracted):")
    for name, v in cost["per_phase"].items():
        print(f"  {v['server_cpu_s_median']:7.3f} s  (wall {v['wall_s_median']:.3f} s)  {name}")
    print(f"  {cost['server_cpu_s_per_visit']:7.3f} s  in all")
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; results in {out}"
    )
    return 0


def main_sequential(args: argparse.Namespace, argv: list[str] | None) -> int:
    n = max(1, min(args.sequential, 1000))
    out = args.out or ROOT / "docs" / "reliability-load-sequential.json"
    load_before = os.getloadavg()
    with streamlit_server(log_path=LOG_PATH) as server:
        idle_mb = round(sum(rss_kb(p) for p in tree_pids(server.pid)) / 1024, 1)
        seq = asyncio.run(run_sequential(server.url, n, args.session_timeout or 60.0, server.pid))
    seq["rss_mb_idle_after_start"] = idle_mb
    seq["target_rss_mb"] = TARGET_RSS_MB
    seq["machine"] = {
        "cpus": os.cpu_count(),
        "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
        "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
    }
    seq["command"] = COMMAND + " ".join(argv if argv is not None else sys.argv[1:])
    out.write_text(json.dumps(seq, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    first_map = seq["time_to_first_map_s"]
    print(
        f"{n} visits one after another: served {seq['served']}, failed {seq['failed']} in {seq['wall_s']} s"
    )
    print(f"time to first map p50 {first_map['p50']} s  p95 {first_map['p95']} s")
    print(
        f"server RSS idle {idle_mb} MB; after the first tenth {seq['rss_mb_first_tenth_median']} MB, "
        f"the last tenth {seq['rss_mb_last_tenth_median']} MB, peak {seq['rss_mb_peak']} MB"
    )
    print(f"results in {out}")
    return 0 if not seq["failed"] and seq["rss_mb_peak"] <= TARGET_RSS_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
