"""The app as several replicas behind nginx: sticky sessions, static files served by nginx.

For a story that brings more visitors than one Streamlit process can serve. nginx (Debian's
package) listens on one port and:

- sends each browser to one replica for its whole visit (Streamlit keeps a session's state,
  uploads and media files in the process that opened its websocket): a cookie set on the
  first response, hashed consistently over the replicas, so if one dies its visitors move to
  the others and everyone else stays put (``proxy_next_upstream``);
- upgrades ``/_stcore/stream`` to a websocket, with long timeouts;
- serves what never changes itself, with immutable caching: Streamlit's hashed front-end
  bundles (``/static/``) and our content-addressed borders (``/app/static/borders/``); Leaflet
  (``/app/static/leaflet/``) with a day's caching. The replicas then spend their CPU on
  sessions only (docs/reliability.md has the measured difference).

``python -m tools.replicas --replicas 2 --port 8080`` runs it until Ctrl-C; tests and
benchmarks use :func:`replicated_app`. Loopback only, like every dev tool here.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import streamlit

from tools.app_server import ROOT, Server, ServerStartError, free_port, healthy, streamlit_server

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STREAMLIT_STATIC = Path(streamlit.__file__).parent / "static" / "static"
APP_STATIC = ROOT / "static"
STICKY_COOKIE = "rr_replica"

CONFIG = """
# Workers run as whoever started nginx (as root, nginx would otherwise drop them to a user
# that cannot read a checkout in a private folder); without root the line is ignored.
user {user} {group};
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    sendfile on;
    gzip on;
    gzip_types application/javascript text/css application/json;

    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # The replica a browser sticks to: its cookie, or this first request's id.
    map $cookie_{cookie} $sticky {{ "" $request_id; default $cookie_{cookie}; }}

    upstream replicas {{
        hash $sticky consistent;
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 2m;

        location /static/ {{
            alias {streamlit_static}/;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }}
        location /app/static/borders/ {{
            alias {app_static}/borders/;
            add_header Cache-Control "public, max-age=31536000, immutable";
            try_files $uri @replica;
        }}
        location /app/static/leaflet/ {{
            alias {app_static}/leaflet/;
            add_header Cache-Control "public, max-age=86400";
            try_files $uri @replica;
        }}
        location /_stcore/stream {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_next_upstream error timeout;
        }}
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_next_upstream error timeout http_502 http_503;
            add_header Set-Cookie "{cookie}=$sticky; Path=/; HttpOnly; SameSite=Lax" always;
        }}
        location @replica {{
            proxy_pass http://replicas;
        }}
    }}
}}
"""


@dataclass
class Replicated:
    """nginx's base URL, the replicas behind it (in upstream order) and nginx's process."""

    url: str
    replicas: list[Server]
    nginx: subprocess.Popen[bytes]

    def kill(self, index: int) -> None:
        """Kill replica ``index`` at once (a crash, not a clean stop)."""
        proc = self.replicas[index].proc
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=10)


def nginx_config(tmp: Path, port: int, replica_ports: list[int]) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replica_ports)
    return CONFIG.format(
        user=pwd.getpwuid(os.getuid()).pw_name,
        group=grp.getgrgid(os.getgid()).gr_name,
        tmp=tmp,
        port=port,
        servers=servers,
        cookie=STICKY_COOKIE,
        streamlit_static=STREAMLIT_STATIC,
        app_static=APP_STATIC,
    )


@contextlib.contextmanager
def replicated_app(replicas: int = 2, port: int | None = None) -> Iterator[Replicated]:
    """Start ``replicas`` app servers and nginx in front of them; stop all on leaving."""
    if not Path(NGINX).exists():
        raise ServerStartError(f"{NGINX} not found: scripts/setup.sh dev installs Debian's nginx")
    port = port or free_port()
    # One cookie secret for all: a browser moved to another replica keeps a valid XSRF token.
    shared = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(streamlit_server(env=shared)) for _ in range(replicas)]
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rr-nginx-")))
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_config(tmp, port, [int(s.url.rsplit(":", 1)[1]) for s in servers]))
        proc = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        stack.callback(_stop_nginx, proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while not healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise ServerStartError(f"nginx exited with {proc.returncode}: {err[-2000:]}")
            if time.monotonic() > deadline:
                raise ServerStartError("nginx did not answer in 20 s")
            time.sleep(0.1)  # polling the health check, not waiting for the app
        yield Replicated(base, servers, proc)


def _stop_nginx(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc.stderr is not None:
        proc.stderr.close()  # left open, it is a ResourceWarning wherever it is collected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    with replicated_app(args.replicas, args.port) as app:
        print(f"serving {app.url} with {args.replicas} replicas; Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            app.nginx.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
