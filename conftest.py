"""Suite-wide fixtures: the browser (Debian's Chromium, never a downloaded one) and axe checks."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls the tests make
# to arrange data (and the test database teardown) are still synchronous and safe. Only the test
# run sets this; the deployment check test makes sure production never does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second-factor step (as if they had entered a code)."""
    from familyhelp.accounts.testing import sign_in

    return sign_in(client, admin_user)


@pytest.fixture(autouse=True)
def _starting_data_after_a_flush(request):
    """Put back the data migrations seed (roles, threshold levels, drift rules) before each
    transactional test. Each app's post_migrate receiver does this after every flush, except the
    flush that follows a test with `available_apps` (test_import_oruk), which Django runs without
    post_migrate: the next transactional test in that worker would otherwise find no roles."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from familyhelp.accounts.seed import roles_seed_if_empty
    from familyhelp.casework.seed import drift_rules_seed_if_empty
    from familyhelp.frontdoor.seed import levels_seed_if_empty

    for seed in (roles_seed_if_empty, levels_seed_if_empty, drift_rules_seed_if_empty):
        seed()
