"""Small, dependency-free load tools: a gunicorn server, timed requests, percentiles."""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("make bench measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 4, **settings: str):
    """Serve the app under gunicorn on 127.0.0.1 for the duration of the block; `settings` are
    extra environment variables (e.g. ORUK_RESPONSE_CACHE_SECONDS="0")."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            "--keep-alive=30",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench", **settings},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


class Client:
    """One keep-alive HTTP/1.1 connection, as a partner's poller would hold."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> float:
        """GET `path`; return the seconds taken. Raises on any non-200 answer."""
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        return elapsed


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


def latencies(port: int, paths: list[str], rounds: int = 4) -> list[float]:
    """Single client: the first round warms caches, the later rounds are measured (seconds);
    several measured rounds keep one slow moment on a shared machine from deciding the p95."""
    client = Client(port)
    for path in paths:
        client.get(path)
    return [client.get(path) for _ in range(rounds - 1) for path in paths]


def warm_up(port: int, path: str, workers: int, rounds: int = 3) -> None:
    """Have every worker answer `path` before anything is measured: a gunicorn worker loads the
    URL configuration and opens its database connection on its first request, which takes
    seconds on a busy machine and would otherwise land inside a 10-second throughput window.
    `path` should be outside the measured mix, so that no measured answer is cached by it."""
    for _ in range(rounds):
        threads = [
            threading.Thread(target=lambda: Client(port).get(path)) for _ in range(2 * workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def throughput(port: int, paths: list[str], clients: int = 32, seconds: float = 10.0) -> float:
    """Requests per second with `clients` concurrent keep-alive clients, for a bounded time."""
    counts = [0] * clients
    errors: list[BaseException] = []
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        client = Client(port)
        i = index
        try:
            while time.monotonic() < stop:
                client.get(paths[i % len(paths)])
                counts[index] += 1
                i += 1
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clients failed, first: {errors[0]!r}")
    return sum(counts) / (time.monotonic() - started)
