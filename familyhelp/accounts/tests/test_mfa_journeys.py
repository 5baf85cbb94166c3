"""Browser journeys: setting up an authenticator app at first sign-in, then using it."""

import base64
import importlib
import time

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

PASSWORD = "long enough passphrase"


@pytest.fixture(autouse=True)
def seeded_roles(db):
    """The roles and their flags as migrations 0002 and 0004 leave them (a flush removed them)."""
    migrations = "familyhelp.accounts.migrations"
    importlib.import_module(f"{migrations}.0002_seed_roles").seed_roles(apps, None)
    importlib.import_module(f"{migrations}.0004_role_flags").set_flags(apps, None)


def code_from_secret(secret_text, *, steps_ahead=0):
    """What an authenticator app shows for the key typed in from the page (30-second steps)."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def watch_for_refusals(page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def sign_in(page, live_server, email):
    page.goto(live_server.url + reverse("accounts:sign-in"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_practitioner_sets_up_their_app_at_first_sign_in_and_uses_it_next_time(live_server, page):
    # Given a practitioner, whose role can see personal data, signing in for the first time
    UserFactory(
        email="jo.journey@wessexvale.example", full_name="Jo Journey", roles=["practitioner"]
    )
    refused = watch_for_refusals(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "jo.journey@wessexvale.example")

    # Then they are asked to set up an authenticator app, with a QR code and the key as text
    expect(
        page.get_by_role("heading", level=1, name="Set up your authenticator app")
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert refused == []
    assert_fits_the_screen(page)
    assert_accessible(page)
    secret = page.locator("#secret-key").inner_text()

    # When they type the key into their app and enter the code it shows
    page.get_by_label("Enter the 6-digit code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()

    # Then they see their 10 recovery codes, once, and confirm they saved them
    expect(page.get_by_role("heading", level=1, name="Save your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Confirm you have saved your recovery codes").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have saved my recovery codes").check()
    page.get_by_role("button", name="Continue").click()

    # And they reach their account
    expect(page).to_have_url(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()

    # When they sign out and later sign in again
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "jo.journey@wessexvale.example")

    # Then they are asked for the code from their app
    expect(
        page.get_by_role("heading", level=1, name="Check your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("link", name="Use a recovery code instead")).to_be_visible()

    # And a wrong code is explained
    page.get_by_label("Enter the 6-digit code").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Error: Check your authenticator app – Family Help")
    expect(page.get_by_role("link", name="The code must be 6 digits, like 123456")).to_be_visible()
    assert_accessible(page)

    # And the next code from the app (the one just used cannot be used twice) lets them in
    page.get_by_label("Enter the 6-digit code").fill(code_from_secret(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    assert refused == []
    assert AuditEvent.objects.filter(
        action="sign_in", values__step="second_factor", values__method="authenticator_app"
    ).exists()


def test_a_person_signs_in_with_a_recovery_code(live_server, page):
    # Given a keyworker who set up their app and saved their recovery codes
    UserFactory(email="kim.journey@wessexvale.example", roles=["family-keyworker"])
    sign_in(page, live_server, "kim.journey@wessexvale.example")
    secret = page.locator("#secret-key").inner_text()
    page.get_by_label("Enter the 6-digit code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Continue").click()
    first_code = page.locator("#recovery-codes li").first.inner_text()
    page.get_by_label("I have saved my recovery codes").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("main").get_by_role("button", name="Sign out").click()

    # When they have lost their phone and sign in with a recovery code
    sign_in(page, live_server, "kim.journey@wessexvale.example")
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", level=1, name="Enter a recovery code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Enter a recovery code").fill(first_code)
    page.get_by_role("button", name="Continue").click()

    # Then they are told how many codes are left, and carry on to their account
    expect(page.get_by_text("You have 9 recovery codes left")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + reverse("accounts:home"))


def test_an_administrator_resets_a_colleagues_second_factor(live_server, page, settings):
    # Given an agency administrator who has signed in with their own second factor
    council = AgencyFactory(name="Wessex Vale Council")
    admin = UserFactory(agency=council, roles=[Role.AGENCY_ADMINISTRATOR])
    colleague = UserFactory(agency=council, full_name="Kim Colleague", roles=["family-keyworker"])
    TOTPDevice.objects.create(user=colleague, confirmed=True)
    client = Client()
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(
        user=admin, confirmed=True
    ).persistent_id
    session.save()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )

    # When they open the reset page for a colleague who lost their phone
    page.goto(
        live_server.url
        + reverse("accounts:reset-second-factor", kwargs={"person_id": colleague.pk})
    )
    expect(
        page.get_by_role("heading", level=1, name="Reset Kim Colleague's second factor")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reset second factor").click()

    # Then it is done, and the colleague will set up an app again at their next sign-in
    expect(page.get_by_role("heading", level=1, name="Second factor reset")).to_be_visible()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=colleague).exists()
