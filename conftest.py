"""Suite-wide fixtures: the browser (Debian's Chromium, never a downloaded one) and axe checks."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _allow_async_unsafe_for_live_server(request):
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
    # the test itself (to arrange data) are still synchronous and safe.
    if "page" in request.fixturenames:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
