"""Idle timeout, the keep-alive behind "Stay signed in", and deactivated people's old sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import signin
from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory
from familyhelp.audit.models import AuditEvent

PASSWORD = "long enough passphrase"
START = timezone.make_aware(timezone.datetime(2026, 3, 4, 9, 0))


@pytest.fixture
def person(db):
    return UserFactory(email="sam.jones@wessexvale.example", full_name="Sam Jones")


@pytest.fixture
def signed_in(client, person):
    """A client that signed in at START through the sign-in page."""
    with time_machine.travel(START, tick=False):
        response = client.post(
            reverse("accounts:sign-in"), {"email": person.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    return client


def _get_at(client, moment, path="/account/"):
    with time_machine.travel(moment, tick=False):
        return client.get(path)


def test_a_person_who_keeps_using_the_service_stays_signed_in(signed_in, person):
    for minutes in (29, 58, 87):
        response = _get_at(signed_in, START + timedelta(minutes=minutes))
        assert response.status_code == 200
    # (The session's own two-week expiry is counted from START, so read it then.)
    with time_machine.travel(START + timedelta(minutes=87), tick=False):
        assert signed_in.session["_auth_user_id"] == str(person.pk)


def test_thirty_idle_minutes_sign_the_person_out_and_say_why(signed_in, person):
    response = _get_at(signed_in, START + timedelta(minutes=30), "/account/?tab=teams")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=%2Faccount%2F%3Ftab%3Dteams"
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        assert "_auth_user_id" not in signed_in.session
    page = _get_at(signed_in, START + timedelta(minutes=30), response.url)
    html = page.content.decode()
    assert "You were signed out because you had not done anything for 30 minutes." in html
    # The banner is shown once.
    again = _get_at(signed_in, START + timedelta(minutes=31), response.url).content.decode()
    assert "You were signed out because" not in again
    [event] = AuditEvent.objects.filter(action="sign_out")
    assert event.actor == person
    assert event.values == {"reason": "idle_timeout"}


def test_one_second_short_of_the_timeout_is_still_signed_in(signed_in):
    response = _get_at(signed_in, START + timedelta(minutes=30) - timedelta(seconds=1))
    assert response.status_code == 200


@override_settings(SESSION_IDLE_TIMEOUT_SECONDS=300)
def test_the_timeout_is_configurable(signed_in):
    response = _get_at(signed_in, START + timedelta(minutes=5))
    assert response.status_code == 302
    html = _get_at(signed_in, START + timedelta(minutes=5), response.url).content.decode()
    assert "had not done anything for 5 minutes" in html


def test_a_form_posted_after_the_timeout_is_not_processed(signed_in, person):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        response = signed_in.post(reverse("accounts:sign-out"))
    assert response.url == "/sign-in/"
    # Signed out by the timeout, not by the button.
    assert [e.values["reason"] for e in AuditEvent.objects.filter(action="sign_out")] == [
        "idle_timeout"
    ]


def test_stay_signed_in_keeps_the_session(signed_in):
    with time_machine.travel(START + timedelta(minutes=28), tick=False):
        response = signed_in.post(reverse("accounts:keep-alive"))
    assert response.status_code == 204
    assert _get_at(signed_in, START + timedelta(minutes=57)).status_code == 200


def test_keep_alive_after_the_timeout_does_not_revive_the_session(signed_in):
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        response = signed_in.post(reverse("accounts:keep-alive"))
        assert response.status_code == 302
        assert "_auth_user_id" not in signed_in.session


def test_keep_alive_needs_a_post_with_a_csrf_token(person):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.get(reverse("accounts:keep-alive")).status_code == 405
    assert client.post(reverse("accounts:keep-alive")).status_code == 403


def test_keep_alive_for_someone_signed_out_is_refused(client, db):
    assert client.post(reverse("accounts:keep-alive")).status_code == 401


def test_a_deactivated_persons_old_session_is_refused_and_audited(client, person):
    client.force_login(person)
    assert client.get("/account/").status_code == 200
    # Deactivated behind the services' back (the services also delete sessions).
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")
    assert "_auth_user_id" not in client.session
    html = client.get(response.url).content.decode()
    assert "your account has been deactivated" in html
    [event] = AuditEvent.objects.filter(action="sign_out")
    assert event.actor == person
    assert event.values == {"reason": "deactivated"}
    # Nothing is left to refuse the next time.
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="sign_out").count() == 1


def test_a_deactivated_administrators_old_session_can_change_nothing(client, db):
    council = AgencyFactory()
    admin = UserFactory(agency=council, roles=[Role.AGENCY_ADMINISTRATOR, "practitioner"])
    colleague = UserFactory(agency=council, roles=["practitioner"])
    client.force_login(admin)
    session = client.session
    session["accounts.mfa_satisfied_by"] = "test"
    session.save()
    # Deactivated behind the services' back, so the old session is still in the database.
    type(admin).objects.filter(pk=admin.pk).update(is_active=False)
    before = AuditEvent.objects.count()

    response = client.post(
        reverse("accounts:person-deactivate", kwargs={"person_id": colleague.pk}),
        {"reason": "Done with the old session"},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:sign-in")
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.deactivated_at is None
    assert "_auth_user_id" not in client.session
    new = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [(e.actor, e.action, e.values) for e in new] == [
        (admin, "sign_out", {"reason": "deactivated"})
    ]


def test_a_session_naming_a_person_who_no_longer_exists_is_refused(client, db):
    session = client.session
    session["_auth_user_id"] = "6f1f7a52-41a6-4f4a-9d6d-7a8d7d5f3c11"
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(action="sign_out")
    assert (event.actor, event.actor_label) == (None, signin.UNKNOWN_ACCOUNT)
    assert event.values == {"reason": "account_missing"}


def test_sign_in_starts_the_idle_clock_in_the_session(signed_in):
    with time_machine.travel(START, tick=False):
        assert signed_in.session[signin.LAST_ACTIVITY] == int(START.timestamp())


def test_signing_in_again_replaces_the_session_key(client, person):
    client.get(reverse("accounts:sign-in"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("accounts:sign-in"), {"email": person.email, "password": PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()
