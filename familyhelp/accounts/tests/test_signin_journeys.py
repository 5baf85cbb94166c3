"""Browser journeys: sign in and out, the lockout page, and the timeout warning dialog."""

import importlib
import re
import time

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts import signin
from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "long enough passphrase"


def _sign_in(page, live_server, email, password=PASSWORD):
    page.goto(live_server.url + reverse("accounts:sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture(autouse=True)
def seeded_roles(db):
    """The roles and their flags as migrations 0002 and 0004 leave them (a flush removed them)."""
    migrations = "familyhelp.accounts.migrations"
    importlib.import_module(f"{migrations}.0002_seed_roles").seed_roles(apps, None)
    importlib.import_module(f"{migrations}.0004_role_flags").set_flags(apps, None)


def _sign_in_by_cookie(page, live_server, user):
    """A signed-in, second-factor-verified session, as the sign-in pages would leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["accounts.mfa_satisfied_by"] = "test"
    session[signin.LAST_ACTIVITY] = int(time.time())
    session.create()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def analyst(db):
    team = TeamFactory(name="Insight team")
    person = UserFactory(
        email="ada.analyst@wessexvale.example",
        full_name="Ada Analyst",
        agency=team.agency,
        roles=["data-analyst"],
    )
    person.team_memberships.create(team=team)
    return person


def test_sign_in_see_your_account_and_sign_out(live_server, page, analyst):
    # Given a person on the sign-in page
    page.goto(live_server.url + reverse("accounts:sign-in"))
    expect(page.get_by_role("heading", level=1, name="Sign in to Family Help")).to_be_visible()
    assert_accessible(page)
    # When they get their password wrong
    _sign_in(page, live_server, analyst.email, "not my password at all")
    # Then the error summary says what to do, and the page still passes axe
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    # When they sign in with the right password
    _sign_in(page, live_server, analyst.email)
    # Then they see their account, with their team, role and navigation
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(page.get_by_text("Insight team")).to_be_visible()
    expect(page.get_by_text("Data analyst")).to_be_visible()
    header = page.locator("header")
    expect(header.get_by_role("link", name="Your account")).to_be_visible()
    assert_accessible(page)
    # When they use "Sign out" in the header
    header.get_by_role("button", name="Sign out").click()
    # Then they are signed out, and it was recorded
    expect(page.get_by_role("heading", level=1, name="You have signed out")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["sign_in_failed", "sign_in", "sign_out"]


def test_the_signed_in_header_works_on_a_phone(live_server, page, analyst):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, analyst.email)
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("header").get_by_role("button", name="Sign out")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_too_many_failures_show_the_locked_page(live_server, page, analyst):
    # Given a person who keeps getting their password wrong
    for _ in range(5):
        _sign_in(page, live_server, analyst.email, "not my password at all")
    # Then the fifth time, the page says the account is locked, until when, and what to do
    expect(page.get_by_role("heading", level=1, name="Your account is locked")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"cannot sign in with this email address until"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="reset your password")).to_be_visible()
    assert_accessible(page)
    # And even the right password is refused for now
    _sign_in(page, live_server, analyst.email)
    expect(page.get_by_role("heading", level=1, name="Your account is locked")).to_be_visible()


def test_the_timeout_warning_lets_a_person_stay_signed_in_or_signs_them_out(
    live_server, page, analyst, settings
):
    # Given a short timeout, so the warning appears 2 seconds after a page loads
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 6
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    _sign_in(page, live_server, analyst.email)
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    # When the person does nothing, the warning opens with the focus on "Stay signed in"
    expect(dialog).to_be_visible(timeout=5000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(page.locator("#timeout-warning-announcement")).to_contain_text("we will sign you out in")
    assert_accessible(page)
    # When they press Escape, the session is kept and the dialog closes
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keep-alive"))) as ping:
        page.keyboard.press("Escape")
    assert ping.value.status == 204
    expect(dialog).to_be_hidden()
    # When they ignore the warning the next time, they are signed out and told why
    expect(dialog).to_be_visible(timeout=5000)
    expect(page.get_by_text("You were signed out because you had not done anything")).to_be_visible(
        timeout=10000
    )
    expect(page.get_by_role("heading", level=1, name="Sign in to Family Help")).to_be_visible()
    assert_accessible(page)
    reasons = [e.values.get("reason") for e in AuditEvent.objects.filter(action="sign_out")]
    assert reasons == ["idle_timeout"]
    # The dialog's script ran under the strict Content Security Policy.
    assert refused == []


def test_the_timeout_warning_stay_signed_in_button(live_server, page, analyst, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 6
    _sign_in(page, live_server, analyst.email)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=5000)
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keep-alive"))):
        dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Still signed in: the account page opens without a trip to the sign-in page.
    page.goto(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()


def test_an_administrator_unlocks_a_locked_account(live_server, page, analyst):
    # Given a locked-out person in the administrator's agency
    for _ in range(5):
        _sign_in(page, live_server, analyst.email, "not my password at all")
    admin = UserFactory(
        email="admin@wessexvale.example",
        agency=analyst.agency,
        roles=[Role.AGENCY_ADMINISTRATOR],
    )
    outsider = UserFactory(
        email="elsewhere@school.example", agency=AgencyFactory(name="Vale School")
    )
    for _ in range(5):  # locked too, but not the administrator's to unlock
        Client().post(reverse("accounts:sign-in"), {"email": outsider.email, "password": "x"})
    page.context.clear_cookies()
    _sign_in_by_cookie(page, live_server, admin)
    # When the administrator opens the locked accounts page
    page.goto(live_server.url + reverse("accounts:locked-accounts"))
    expect(page.get_by_role("heading", level=1, name="Locked accounts")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Ada Analyst"))).to_be_visible()
    expect(page.get_by_text("elsewhere@school.example")).to_have_count(0)
    assert_accessible(page)
    # And the list fits a phone without scrolling sideways
    page.set_viewport_size(PHONE)
    assert_fits_the_screen(page)
    page.set_viewport_size({"width": 1280, "height": 720})
    # And unlocks the account
    page.get_by_role("button", name="Unlock Ada Analyst").click()
    # Then it is unlocked, and the person can sign in at once
    expect(page.get_by_text("Ada Analyst can sign in again.")).to_be_visible()
    expect(page.get_by_text("No one you manage is locked out.")).to_be_visible()
    assert_accessible(page)
    page.context.clear_cookies()
    _sign_in(page, live_server, analyst.email)
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
