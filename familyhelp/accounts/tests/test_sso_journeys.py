"""Browser journeys: signing in with an agency's provider, from our sign-in page and back."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from familyhelp.accounts.models import ExternalIdentity
from familyhelp.accounts.testing import sign_in_browser as sign_in_as
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.accounts.tests.oidc_provider.fixtures import (  # noqa: F401 - fixtures
    AGENCY_NAME,
    PASSWORD,
    PROVIDER_NAME,
    PROVIDER_PEOPLE,
    SLUG,
    oidc_provider_fixture,
    provider_settings,
    seeded_roles_fixture,
    sso_fixture,
)
from familyhelp.audit.models import AuditEvent
from familyhelp.core.testing import PHONE, assert_accessible, assert_fits_the_screen

pytestmark = [
    pytest.mark.system,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("sso"),
]


def sign_in_at_the_provider(page, username):
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_practitioner_signs_in_with_their_councils_account(sso, live_server, page, seeded_roles):
    # Given a practitioner invited to Family Help, with an account at the council's provider
    council = AgencyFactory(name=AGENCY_NAME)
    jo = UserFactory(
        email=PROVIDER_PEOPLE["jo"]["email"],
        full_name="Jo Journey",
        agency=council,
        roles=["practitioner"],
    )
    # When they choose the council's account on the sign-in page
    page.goto(live_server.url + reverse("accounts:sign-in"))
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    # And sign in there
    sign_in_at_the_provider(page, "jo")
    # Then they are signed in to Family Help, on their account page
    expect(page).to_have_url(live_server.url + reverse("accounts:home"))
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(page.get_by_text("Jo Journey")).to_be_visible()
    assert_accessible(page)
    assert ExternalIdentity.objects.get(provider=SLUG).user == jo
    assert AuditEvent.objects.filter(action="sign_in", actor=jo, values__method="sso").exists()


def test_someone_not_invited_is_told_to_ask_for_an_invitation(sso, live_server, page):
    # Given someone with an account at the provider but none in Family Help, on a phone
    AgencyFactory(name=AGENCY_NAME)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("accounts:sign-in"))
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    # When they sign in at the provider
    sign_in_at_the_provider(page, "nobody")
    # Then Family Help explains why it cannot sign them in, and what to do
    expect(
        page.get_by_role("heading", level=1, name=f"We could not sign you in with {PROVIDER_NAME}")
    ).to_be_visible()
    expect(page.get_by_text("Ask your administrator to invite you")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    # And can still sign in with a password
    page.get_by_role("link", name="Sign in with your email address and password instead").click()
    expect(page).to_have_url(live_server.url + reverse("accounts:sign-in"))


def test_when_the_provider_does_not_do_mfa_our_one_time_code_is_asked_for(
    sso, live_server, page, seeded_roles, settings
):
    # Given a provider that is not trusted to ask for a second factor
    settings.OIDC_PROVIDERS = provider_settings(sso, mfa_at_provider=False)
    UserFactory(
        email=PROVIDER_PEOPLE["jo"]["email"],
        agency=AgencyFactory(name=AGENCY_NAME),
        roles=["practitioner"],
    )
    # When a practitioner signs in through it
    page.goto(live_server.url + reverse("accounts:sign-in"))
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    sign_in_at_the_provider(page, "jo")
    # Then Family Help asks them to set up its own one-time code before anything else
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:second-factor-set-up"))))
    assert_accessible(page)


def test_an_administrator_unlinks_a_persons_organisation_account(
    sso, live_server, page, context, seeded_roles
):
    # Given a person whose council account is linked, and their agency administrator
    council = AgencyFactory(name=AGENCY_NAME)
    jo = UserFactory(email=PROVIDER_PEOPLE["jo"]["email"], full_name="Jo Journey", agency=council)
    ExternalIdentity.objects.create(user=jo, provider=SLUG, subject="replaced-account")
    admin = UserFactory(agency=council, roles=["agency-administrator"])
    sign_in_as(context, live_server, admin)
    # When the administrator opens Jo's organisation accounts
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("accounts:sso-identities", args=[jo.pk]))
    expect(page.get_by_role("heading", level=2, name=PROVIDER_NAME)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    # And unlinks the council account
    page.get_by_role("link", name=f"Unlink {PROVIDER_NAME}").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Unlink {PROVIDER_NAME} account").click()
    # Then it is gone, and they are told what that means
    unlinked = f"Jo Journey's {PROVIDER_NAME} account is no longer linked."
    expect(page.get_by_text(unlinked)).to_be_visible()
    assert_accessible(page)
    assert not ExternalIdentity.objects.filter(user=jo).exists()
