"""Start the Streamlit app on a free loopback port: the one launcher of every dev tool.

Used by the browser tests (``tests/e2e/conftest.py``), the browser benchmark
(``benchmarks/browser.py``), the load test (``tools/loadtest.py``) and the screenshots
(``tools/screenshots.py``). No network: the server listens on 127.0.0.1 and the
browser is the system Chromium.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(url: str) -> bool:
    """Whether ``url`` (a Streamlit health endpoint, direct or proxied) answers "ok"."""
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen, *, kill: bool = False) -> None:
    if proc.poll() is not None:
        return
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    if not kill:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait(timeout=10)


def server_command(port: int, extra_args: Sequence[str] = ()) -> list[str]:
    """The command that runs the app on 127.0.0.1:``port`` (headless, no telemetry)."""
    return [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        *extra_args,
    ]  # fmt: skip


class ServerStartError(RuntimeError):
    """The server exited, or was not healthy in time, before it served anything."""


@dataclass(frozen=True)
class Server:
    """A running ``streamlit run app.py``: its base URL and its process (a group leader)."""

    url: str
    proc: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def streamlit_server(
    port: int | None = None,
    *,
    log_path: Path | None = None,
    timeout_s: float = START_TIMEOUT_S,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Run ``streamlit run app.py`` and yield it once /_stcore/health says "ok".

    ``port``: a free one if not given. The server's output goes to ``log_path`` if given
    (removed after a clean stop, kept if the server fails to start or the body raises),
    else to a temporary file. A server that exits or is not healthy within ``timeout_s``
    raises :class:`ServerStartError` with the log's tail. The health endpoint is polled
    (no fixed sleep). On leaving, the server's process group gets SIGTERM and is waited
    for (SIGKILL if it lingers); if the body raised, it is killed at once.
    """
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = server_command(port, extra_args)
    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **env} if env else None,
        )
        ok = False
        try:
            where = f" (log: {log_path})" if log_path else ""
            deadline = time.monotonic() + timeout_s
            while not healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None:
                    raise ServerStartError(f"streamlit exited with {proc.returncode}{where}:\n{_tail(log)}")
                if time.monotonic() > deadline:
                    raise ServerStartError(
                        f"streamlit not healthy after {timeout_s:.0f} s{where}:\n{_tail(log)}"
                    )
                time.sleep(0.2)  # the health check's polling interval, not a wait for the app
            yield Server(base, proc)
            ok = True
        finally:
            # A clean end: SIGTERM and wait; a failure (or a stuck server): kill the whole group.
            _stop(proc, kill=not ok)
    if ok and log_path:
        log_path.unlink(missing_ok=True)


def _tail(log, n: int = 4000) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-n:]


def is_loopback(url: str) -> bool:
    """True for the URLs the app may use offline: loopback http/ws, data:, blob:, about:."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    if parts.scheme in {"http", "https", "ws", "wss"}:
        return parts.hostname in {"127.0.0.1", "localhost", "::1"}
    return False


def block_non_loopback(context, blocked: list[str]) -> None:
    """Abort every request of a (sync Playwright) browser context that is not loopback.

    The aborted URLs are appended to ``blocked``: the app must work with none of them.
    """

    def route(route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
