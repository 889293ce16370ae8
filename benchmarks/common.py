"""Timing helpers shared by the benchmark sections."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CHROMIUM = "/usr/bin/chromium"


def summary(samples: Sequence[float]) -> dict[str, Any]:
    """Median (the figure we report), min, max and the raw samples, in seconds."""
    xs = [float(x) for x in samples]
    return {
        "median": statistics.median(xs),
        "min": min(xs),
        "max": max(xs),
        "n": len(xs),
        "samples": [round(x, 6) for x in xs],
    }


def time_call(fn: Callable[[], Any], repeats: int, warmup: int = 1, before: Callable[[], None] | None = None):
    """Median timing of ``fn()``; ``before()`` runs untimed before each call.

    Returns (summary, last result).
    """
    result = None
    for _ in range(warmup):
        if before:
            before()
        result = fn()
    samples = []
    for _ in range(max(1, repeats)):
        if before:
            before()
        t0 = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t0)
    return summary(samples), result


def run_wall(cmd: Sequence[str], *, timeout: float = 300.0, env: dict[str, str] | None = None) -> float:
    """Wall time of one command run to completion (raises on a non-zero exit)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        list(cmd), cwd=ROOT, capture_output=True, timeout=timeout, env=env or child_env(), check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited with {proc.returncode}:\n"
            + proc.stderr.decode("utf-8", "replace")[-2000:]
        )
    return wall


def wall_summary(cmd: Sequence[str], repeats: int, warmup: int = 1, timeout: float = 300.0) -> dict[str, Any]:
    """Median wall time of a command; ``warmup`` untimed runs first (warm OS file cache, .pyc)."""
    for _ in range(warmup):
        run_wall(cmd, timeout=timeout)
    return summary([run_wall(cmd, timeout=timeout) for _ in range(max(1, repeats))])


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONUNBUFFERED"] = "1"
    # Children run as a user's Python does, keeping compiled modules in __pycache__ (pip
    # compiles a package's modules as it installs them; a checkout's are written on its
    # first run). With PYTHONDONTWRITEBYTECODE set, as in some sandboxes, every command
    # would compile our forty modules again (about 50 ms a run here) while the peer's
    # libraries, installed, come compiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Run the repo's code, whatever the caller's PYTHONPATH says.
    env["PYTHONPATH"] = str(ROOT)
    return env


def clear_ring_caches() -> None:
    """Forget cached rings, so that a repetition times building them."""
    from coverage.analysis import clear_ring_cache

    clear_ring_cache()


class ChildTimeout(Exception):
    """A child benchmark ran past its time budget."""


def run_child(module: str, func: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """``benchmarks.<module>.<func>(args)`` in a fresh interpreter; its JSON result.

    Raises :class:`ChildTimeout` past ``timeout`` seconds (the child's process group is killed)
    and RuntimeError if it fails.
    """
    import json
    import signal
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        args_path, out_path = Path(tmp) / "args.json", Path(tmp) / "out.json"
        args_path.write_text(json.dumps(args))
        cmd = [PY, "-m", "benchmarks._child", module, func, str(args_path), str(out_path)]
        with open(Path(tmp) / "log.txt", "w+b") as log:
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise ChildTimeout(f"{module}.{func} still running after {timeout:.0f} s") from None
            if rc != 0 or not out_path.exists():
                log.seek(0)
                tail = log.read().decode("utf-8", "replace")[-3000:]
                raise RuntimeError(f"{module}.{func} exited with {rc}:\n{tail}")
        return json.loads(out_path.read_text())
