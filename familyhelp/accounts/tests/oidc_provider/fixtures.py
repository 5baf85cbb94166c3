"""pytest fixtures: the test provider for this test session, and settings that point at it.

Import them into a test module: `from …oidc_provider.fixtures import sso_fixture` and the
others it uses, then ask for `sso`, `oidc_provider` or `seeded_roles` as usual.
Each pytest-xdist worker is its own session, so each gets its own provider, port and folder.
"""

import importlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.apps import apps
from django.urls import reverse

from familyhelp.accounts.sso.providers import forget_discovery
from familyhelp.accounts.tests.oidc_provider.process import start_provider

SLUG = "wessex-test"
PROVIDER_NAME = "Wessex Vale Council (Test identity provider)"
AGENCY_NAME = "Wessex Vale Council"
CLIENT_ID = "family-help-tests"
PASSWORD = "provider passphrase 1"

# People with an account at the provider. Each test decides who has an account in Family Help.
PROVIDER_PEOPLE = {
    "alice": {"email": "alice.adams@wessexvale.example", "email_verified": True},
    "uma": {"email": "uma.unverified@wessexvale.example", "email_verified": False},
    "nobody": {"email": "no.account@wessexvale.example", "email_verified": True},
    "dee": {"email": "dee.deactivated@wessexvale.example", "email_verified": True},
    "sam": {"email": "sam.shared@wessexvale.example", "email_verified": True},
    "jo": {"email": "jo.journey@wessexvale.example", "email_verified": True},
}


@pytest.fixture(scope="session", name="oidc_provider")
def oidc_provider_fixture(live_server, tmp_path_factory):
    running = start_provider(
        data_dir=tmp_path_factory.mktemp("oidc-provider"),
        redirect_uris=[live_server.url + reverse("accounts:sso-callback")],
        users=[
            {"username": username, "password": PASSWORD, "name": username.title(), **person}
            for username, person in PROVIDER_PEOPLE.items()
        ],
        client_id=CLIENT_ID,
        client_secret="test-client-secret-" + tmp_path_factory.getbasetemp().name,
    )
    yield running
    running.stop()


def provider_settings(running, **overrides):
    return {
        SLUG: {
            "name": PROVIDER_NAME,
            "agency": AGENCY_NAME,
            "issuer": running.issuer,
            "client_id": running.client_id,
            "client_secret": running.client_secret,
            "scopes": "openid email profile",
            "mfa_at_provider": True,
            **overrides,
        }
    }


@pytest.fixture(name="seeded_roles")
def seeded_roles_fixture(db):
    """The roles migration 0002 seeds: a transactional test's flush removed them."""
    importlib.import_module("familyhelp.accounts.migrations.0002_seed_roles").seed_roles(apps, None)


@pytest.fixture(name="sso")
def sso_fixture(oidc_provider, settings):
    """Family Help configured to use the test provider, and a way to sign in through it."""
    settings.OIDC_PROVIDERS = provider_settings(oidc_provider)
    forget_discovery()
    yield oidc_provider
    forget_discovery()


@dataclass
class Journey:
    browser: requests.Session
    callback_url: str
    response: requests.Response | None = None

    @property
    def location(self):
        return self.response.headers.get("Location", "")


def start_at_family_help(live_server, *, next_url=None, slug=SLUG):
    """A fresh browser asks Family Help to sign in with the provider; returns it and the reply."""
    browser = requests.Session()
    url = live_server.url + reverse("accounts:sso-start", args=[slug])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return browser, browser.get(url, allow_redirects=False, timeout=30)


def sign_in_at_provider(browser, authorize_url, username, password=PASSWORD):
    """At the provider: its login page, then the authorisation; returns the redirect back."""
    login_page = browser.get(authorize_url, timeout=30)
    assert login_page.status_code == 200, login_page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    next_url = re.search(r'name="next" value="([^"]*)"', login_page.text).group(1)
    signed_in = browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": next_url.replace("&amp;", "&"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text
    authorised = browser.get(
        requests.compat.urljoin(login_page.url, signed_in.headers["Location"]),
        allow_redirects=False,
        timeout=30,
    )
    assert authorised.status_code == 302, authorised.text
    return authorised.headers["Location"]


def sign_in_with_sso(live_server, username, *, next_url="/", tamper_state=False):
    """The whole round trip; the Journey's response is Family Help's answer to the callback."""
    browser, started = start_at_family_help(live_server, next_url=next_url)
    assert started.status_code == 302, started.text
    callback_url = sign_in_at_provider(browser, started.headers["Location"], username)
    if tamper_state:
        callback_url = with_query(callback_url, state="not-the-state-we-sent")
    journey = Journey(browser=browser, callback_url=callback_url)
    journey.response = browser.get(callback_url, allow_redirects=False, timeout=30)
    return journey


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))
