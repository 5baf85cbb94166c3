"""Single sign-on, end to end against a real OpenID Connect provider (django-oauth-toolkit).

The provider runs as a subprocess (tests/oidc_provider); a `requests` session plays the browser,
because Django's test client cannot follow a redirect to another server.
"""

import hashlib
from datetime import timedelta

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.shortcuts import resolve_url
from django.utils import timezone

from familyhelp.accounts.models import ExternalIdentity, Invitation, User
from familyhelp.accounts.sso.matching import MFA_SATISFIED_BY_SESSION_KEY
from familyhelp.accounts.sso.refusals import Refusal
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.accounts.tests.oidc_provider.fixtures import (  # noqa: F401 - fixtures
    AGENCY_NAME,
    PROVIDER_NAME,
    PROVIDER_PEOPLE,
    SLUG,
    oidc_provider_fixture,
    provider_settings,
    seeded_roles_fixture,
    sign_in_at_provider,
    sign_in_with_sso,
    sso_fixture,
    start_at_family_help,
)
from familyhelp.accounts.views.sso import ASK_TO_BE_INVITED
from familyhelp.audit.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("sso"),
]


@pytest.fixture
def agency(seeded_roles):
    return AgencyFactory(name=AGENCY_NAME)


def person(agency, username, **fields):
    """A Family Help account for one of the provider's people (invited: it has a password)."""
    return UserFactory(
        email=PROVIDER_PEOPLE[username]["email"], agency=agency, roles=["practitioner"], **fields
    )


def signed_in_user_id(journey):
    session_key = journey.browser.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    return SessionStore(session_key).get(SESSION_KEY)


def session_of(journey):
    return SessionStore(journey.browser.cookies.get(django_settings.SESSION_COOKIE_NAME))


def refusals(reason):
    return AuditEvent.objects.filter(
        action="sign_in_failed", values__method="sso", values__reason=reason
    )


def sso_sign_ins():
    return AuditEvent.objects.filter(action="sign_in", values__method="sso")


def refusal_page(journey, live_server):
    assert journey.response.status_code == 302
    page = journey.browser.get(live_server.url + journey.location, timeout=30)
    assert page.status_code == 200
    return page.text


def test_a_verified_email_signs_in_to_the_invited_account_and_links_it(sso, live_server, agency):
    alice = person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice", next_url="/whats-on/")

    assert journey.response.status_code == 302
    assert journey.location == "/whats-on/"
    assert signed_in_user_id(journey) == str(alice.pk)
    identity = ExternalIdentity.objects.get(provider=SLUG)
    assert (identity.user, identity.subject) == (alice, sso.subjects["alice"])
    assert identity.last_used_at is not None
    sign_in = sso_sign_ins().get()
    assert sign_in.actor == alice
    assert sign_in.values == {"method": "sso", "provider": SLUG}
    # One sign-in event, naming the provider (not a second one from the password sign-in's signal)
    assert AuditEvent.objects.filter(action="sign_in").count() == 1
    linked = AuditEvent.objects.get(action="create", record_type="accounts.externalidentity")
    assert (linked.actor, linked.values) == (alice, {"provider": SLUG})
    assert not AuditEvent.objects.filter(action="sign_in_failed").exists()
    # The provider does the second factor, so ours is not asked for.
    assert session_of(journey)[MFA_SATISFIED_BY_SESSION_KEY] == f"sso:{SLUG}"


def test_without_a_next_page_the_person_lands_on_their_account_home(sso, live_server, agency):
    person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice", next_url=None)

    assert journey.location == resolve_url(django_settings.LOGIN_REDIRECT_URL)


def test_an_unsafe_next_page_is_ignored(sso, live_server, agency):
    person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice", next_url="https://elsewhere.example/")

    assert journey.location == resolve_url(django_settings.LOGIN_REDIRECT_URL)


def test_once_linked_the_subject_decides_even_after_the_email_changes(sso, live_server, agency):
    alice = person(agency, "alice")
    sign_in_with_sso(live_server, "alice")
    alice.email = "alice.adams-renamed@wessexvale.example"
    alice.save()

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) == str(alice.pk)
    assert ExternalIdentity.objects.count() == 1
    assert sso_sign_ins().count() == 2


def test_when_the_provider_does_not_do_mfa_our_second_factor_is_still_asked(
    sso, live_server, agency, settings
):
    settings.OIDC_PROVIDERS = provider_settings(sso, mfa_at_provider=False)
    alice = person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) == str(alice.pk)
    assert MFA_SATISFIED_BY_SESSION_KEY not in session_of(journey)


def test_an_unverified_email_is_refused(sso, live_server, agency):
    person(agency, "uma")

    journey = sign_in_with_sso(live_server, "uma")

    assert signed_in_user_id(journey) is None
    assert not ExternalIdentity.objects.exists()
    refusal = refusals(Refusal.EMAIL_NOT_VERIFIED).get()
    assert refusal.values == {"method": "sso", "provider": SLUG, "reason": "email_not_verified"}
    text = refusal_page(journey, live_server)
    assert f"We could not sign you in with {PROVIDER_NAME}" in text
    assert "did not confirm that your email address is verified" in text
    assert not sso_sign_ins().exists()


def test_an_unknown_email_is_refused_and_no_account_is_created(sso, live_server, agency):
    people_before = User.objects.count()

    journey = sign_in_with_sso(live_server, "nobody")

    assert signed_in_user_id(journey) is None
    assert User.objects.count() == people_before
    assert not User.objects.filter(email__iexact=PROVIDER_PEOPLE["nobody"]["email"]).exists()
    refusal = refusals(Refusal.NO_ACCOUNT).get()
    assert (refusal.actor, refusal.actor_label) == (None, f"sso:{SLUG}")
    # Never the email address the provider sent, anywhere in the record.
    assert PROVIDER_PEOPLE["nobody"]["email"] not in str(refusal.values) + refusal.actor_label
    text = refusal_page(journey, live_server)
    assert "Ask your administrator to invite you" in text
    assert ASK_TO_BE_INVITED.split(" {")[0] in text


def test_a_deactivated_person_is_refused(sso, live_server, agency):
    dee = person(agency, "dee", is_active=False)

    journey = sign_in_with_sso(live_server, "dee")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.DEACTIVATED).get().actor == dee
    assert "has been deactivated" in refusal_page(journey, live_server)


def test_a_deactivated_person_already_linked_is_refused(sso, live_server, agency):
    alice = person(agency, "alice")
    sign_in_with_sso(live_server, "alice")
    alice.is_active = False
    alice.save()

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.DEACTIVATED).get().actor == alice


def test_a_person_of_another_agency_is_refused(sso, live_server, agency):
    school = AgencyFactory(name="Vale Primary School", kind="school")
    elsewhere = UserFactory(email=PROVIDER_PEOPLE["alice"]["email"], agency=school)

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.OTHER_AGENCY).get().actor == elsewhere
    assert "Ask your administrator to invite you" in refusal_page(journey, live_server)


def test_a_person_whose_only_invitation_was_revoked_is_refused(sso, live_server, agency):
    alice = person(agency, "alice")
    alice.set_unusable_password()
    alice.save()
    Invitation.objects.create(
        user=alice,
        token_hash=hashlib.sha256(b"revoked").hexdigest(),
        expires_at=timezone.now() + timedelta(days=7),
        revoked_at=timezone.now(),
    )

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.NOT_INVITED).get().actor == alice


def test_a_person_with_an_invitation_not_yet_accepted_may_sign_in(sso, live_server, agency):
    alice = person(agency, "alice")
    alice.set_unusable_password()
    alice.save()
    Invitation.objects.create(
        user=alice,
        token_hash=hashlib.sha256(b"pending").hexdigest(),
        expires_at=timezone.now() + timedelta(days=7),
    )

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) == str(alice.pk)


def test_a_subject_linked_to_another_account_is_refused(sso, live_server, agency):
    sam = person(agency, "sam")
    someone_else = UserFactory(agency=agency)
    ExternalIdentity.objects.create(user=someone_else, provider=SLUG, subject=sso.subjects["sam"])

    journey = sign_in_with_sso(live_server, "sam")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.SUBJECT_LINKED_TO_OTHER_ACCOUNT).get().actor == someone_else
    assert ExternalIdentity.objects.get(provider=SLUG).user == someone_else
    assert not ExternalIdentity.objects.filter(user=sam).exists()
    assert "linked to a different" in refusal_page(journey, live_server)


def test_an_account_linked_to_another_subject_is_refused(sso, live_server, agency):
    alice = person(agency, "alice")
    ExternalIdentity.objects.create(user=alice, provider=SLUG, subject="an-older-subject")

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.ACCOUNT_LINKED_TO_OTHER_SUBJECT).get().actor == alice


def test_a_tampered_state_is_refused(sso, live_server, agency):
    person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice", tamper_state=True)

    assert signed_in_user_id(journey) is None
    assert not ExternalIdentity.objects.exists()
    refusal = refusals(Refusal.INVALID_STATE).get()
    assert (refusal.actor, refusal.actor_label) == (None, "sso:unknown")
    assert "The sign-in did not finish" in refusal_page(journey, live_server)


def test_a_callback_cannot_be_replayed(sso, live_server, agency):
    alice = person(agency, "alice")
    journey = sign_in_with_sso(live_server, "alice")
    assert signed_in_user_id(journey) == str(alice.pk)

    # The same browser goes back to the same callback, code and state.
    replayed = journey.browser.get(journey.callback_url, allow_redirects=False, timeout=30)

    assert replayed.status_code == 302
    assert refusals(Refusal.INVALID_STATE).count() == 1
    assert sso_sign_ins().count() == 1


def test_a_callback_in_a_browser_that_did_not_start_the_sign_in_is_refused(
    sso, live_server, agency
):
    # Someone signs in at the provider, then tricks another person's browser into finishing it.
    person(agency, "alice")
    browser, started = start_at_family_help(live_server)
    callback_url = sign_in_at_provider(browser, started.headers["Location"], "alice")

    other_browser = requests.Session()
    response = other_browser.get(callback_url, allow_redirects=False, timeout=30)

    assert response.status_code == 302
    assert other_browser.cookies.get(django_settings.SESSION_COOKIE_NAME) is None or (
        SessionStore(other_browser.cookies.get(django_settings.SESSION_COOKIE_NAME)).get(
            SESSION_KEY
        )
        is None
    )
    assert refusals(Refusal.INVALID_STATE).count() == 1
    assert not sso_sign_ins().exists()


def test_a_wrong_client_secret_is_refused_as_an_invalid_sign_in(sso, live_server, agency, settings):
    settings.OIDC_PROVIDERS = provider_settings(sso, client_secret="not-the-secret")
    person(agency, "alice")

    journey = sign_in_with_sso(live_server, "alice")

    assert signed_in_user_id(journey) is None
    assert refusals(Refusal.PROVIDER_ERROR).count() == 1


def test_an_unknown_provider_is_not_found(sso, live_server):
    _, response = start_at_family_help(live_server, slug="no-such-provider")

    assert response.status_code == 404


def test_an_unreachable_provider_gets_a_clear_page(sso, live_server, agency, settings):
    settings.OIDC_PROVIDERS = provider_settings(sso, issuer="http://127.0.0.1:9/o")

    browser, response = start_at_family_help(live_server)

    assert response.status_code == 302
    page = browser.get(live_server.url + response.headers["Location"], timeout=30)
    assert f"We cannot reach {PROVIDER_NAME} at the moment" in page.text
    assert refusals(Refusal.PROVIDER_UNAVAILABLE).count() == 1
