"""Run the test provider as a subprocess for the length of a test session."""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[4]
START_TIMEOUT_SECONDS = 60


class ProviderDidNotStart(RuntimeError):
    pass


@dataclass
class RunningProvider:
    url: str
    issuer: str
    client_id: str
    client_secret: str
    subjects: dict
    process: subprocess.Popen

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_provider(*, data_dir: Path, redirect_uris, users, client_id, client_secret):
    """Start it, wait until its discovery document answers, and return how to reach it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config_path = data_dir / "config.json"
    config_path.write_text(
        json.dumps(
            {
                "data_dir": str(data_dir),
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": list(redirect_uris),
                "users": list(users),
            }
        )
    )
    # Its own settings only: nothing of Family Help's environment (DATABASE_URL…) leaks in.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    environment["PYTHONPATH"] = str(PROJECT_ROOT)
    log = (data_dir / "provider.log").open("w")
    # Our own interpreter running our own module: no outside input reaches the command line.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "familyhelp.accounts.tests.oidc_provider.serve", str(config_path)],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        raise ProviderDidNotStart((data_dir / "provider.log").read_text())
    ready = json.loads(line.removeprefix("READY "))
    running = RunningProvider(
        url=ready["url"],
        issuer=ready["issuer"],
        client_id=client_id,
        client_secret=client_secret,
        subjects=ready["subjects"],
        process=process,
    )
    _wait_for_discovery(running)
    return running


def _wait_for_discovery(running):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    url = running.issuer + "/.well-known/openid-configuration"
    while True:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or running.process.poll() is not None:
            running.stop()
            raise ProviderDidNotStart(f"No answer from {url}")
        time.sleep(0.1)
