"""Bounded classroom load test: one Streamlit server, N concurrent browser sessions, loopback only.

    .venv/bin/python scripts/loadtest.py            # 25 sessions, writes docs/reliability-load.json

Starts ``streamlit run app.py`` on a free 127.0.0.1 port, waits for
/_stcore/health, optionally opens one warm-up session (not counted), then opens
``--sessions`` browser contexts in one headless Chromium at the same moment.
Each session loads the app (the story), waits for the first ring in the
st_folium map, clicks story step "3 · Ankara compared" and waits for the fourth
ring (stroke #CC79A7). Every request that is not loopback is aborted.

Records per-session time-to-first-map and time-to-step (p50/p95), sessions
served/failed, and the server's peak RSS (VmRSS of the server's process tree,
sampled every 0.2 s). Bounded: at most ``--sessions`` sessions (≤ 60), each with
a timeout, and a hard deadline for the whole run; the server is stopped at the
end whatever happens. Exit status 1 if any session failed or a target was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from app_server import CHROMIUM, CHROMIUM_ARGS, _healthy, free_port, is_loopback, server_command  # noqa: E402

MAP_IFRAME = (
    '[data-testid="stElementContainer"][data-stale="false"] iframe[title="streamlit_folium.st_folium"]'
)
FIRST_RING = 'path.leaflet-interactive[stroke="#0072B2"]'
FOURTH_RING = 'path.leaflet-interactive[stroke="#CC79A7"]'
STEP = "3 · Ankara compared"
TARGET_P95_S = 5.0
TARGET_RSS_MB = 1536.0
MAX_SESSIONS = 60


# ------------------------------------------------------------------ server and memory
def start_server(port: int, log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        server_command(port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM our own process group, then SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    pgid = os.getpgid(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)


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
async def one_session(browser, base: str, index: int, timeout_ms: int, blocked: list[str]) -> dict:  # type: ignore[no-untyped-def]
    result: dict = {"session": index, "ok": False}
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    ctx.set_default_timeout(timeout_ms)

    async def route(r) -> None:  # type: ignore[no-untyped-def]
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


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--session-timeout", type=float, default=120.0, help="seconds per wait")
    parser.add_argument("--deadline", type=float, default=280.0, help="seconds for the whole run")
    parser.add_argument("--no-warmup", action="store_true", help="measure from a cold server")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability-load.json")
    args = parser.parse_args(argv)
    n = max(1, min(args.sessions, MAX_SESSIONS))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    load_before = os.getloadavg()
    log_path = ROOT / ".loadtest-server.log"
    with open(log_path, "wb") as log:
        proc = start_server(port, log)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            deadline = time.monotonic() + 60
            while not _healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not become healthy; see {log_path}")
                time.sleep(0.2)
            healthy_s = time.perf_counter() - started
            sampler.idle_kb = sum(rss_kb(p) for p in tree_pids(proc.pid))
            cpu_at_start = sum(sampler.cpu_by_pid.values())
            sessions_started = time.perf_counter()
            remaining = args.deadline - (time.perf_counter() - started)
            results, warm, blocked = asyncio.run(
                run_sessions(
                    base,
                    n,
                    int(args.session_timeout * 1000),
                    not args.no_warmup,
                    time.monotonic() + max(10.0, remaining),
                )
            )
            sessions_wall_s = time.perf_counter() - sessions_started
        finally:
            sampler.stop()
            stop_server(proc)
    log_path.unlink(missing_ok=True)

    ok = [r for r in results if r["ok"]]
    first = sorted(r["first_map_s"] for r in ok)
    step = sorted(r["step_s"] for r in ok)
    summary = {
        "sessions": n,
        "served": len(ok),
        "failed": n - len(ok),
        "time_to_first_map_s": {
            "p50": percentile(first, 50),
            "p95": percentile(first, 95),
            "max": max(first) if first else None,
        },
        "time_to_step_s": {
            "p50": percentile(step, 50),
            "p95": percentile(step, 95),
            "max": max(step) if step else None,
        },
        "server_rss_mb": {
            "idle_after_start": round(sampler.idle_kb / 1024, 1),
            "peak": round(sampler.peak_kb / 1024, 1),
            "samples": sampler.samples,
        },
        "warmup_session": warm,
        "server_cpu_s_during_sessions": round(sum(sampler.cpu_by_pid.values()) - cpu_at_start, 1),
        "sessions_wall_s": round(sessions_wall_s, 1),
        "blocked_non_loopback_requests": sorted(set(blocked)),
        "targets": {"p95_s": TARGET_P95_S, "rss_mb": TARGET_RSS_MB},
        "server_healthy_after_s": round(healthy_s, 1),
        "total_run_s": round(time.perf_counter() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
            "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "command": "python scripts/loadtest.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "per_session": results,
    }
    p95s = [summary["time_to_first_map_s"]["p95"], summary["time_to_step_s"]["p95"]]
    summary["targets_met"] = {
        "p95": all(p is not None and p <= TARGET_P95_S for p in p95s),
        "rss": sampler.peak_kb / 1024 <= TARGET_RSS_MB,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"sessions {n}: served {len(ok)}, failed {n - len(ok)}")
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
        f"{summary['sessions_wall_s']} s wall x {os.cpu_count()} cores (the rest: Chromium and others)"
    )
    if warm:
        print(f"warm-up session (not counted): {warm}")
    if blocked:
        print(f"blocked non-loopback requests: {sorted(set(blocked))}")
    for r in results:
        if not r["ok"]:
            print(f"  session {r['session']} FAILED: {r.get('error')}")
    print(f"total {summary['total_run_s']} s; results in {args.out}")
    if n - len(ok):
        return 1
    return 0 if all(summary["targets_met"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
