"""Password reset by email: same answer for any address, a signed, expiring, single-use link."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import password_reset, passwords, signin
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications import NotificationError
from familyhelp.core.notifications.testing import outbox

NEW_PASSWORD = "window lantern orchard march"
RESET = "/password-reset/"


@pytest.fixture
def person(db):
    return UserFactory(email="sam.jones@wessexvale.example", full_name="Sam Jones")


def _ask(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def _link(email):
    [message] = outbox(to=email, template="password_reset")
    return message.personalisation["link"]


def _path(link):
    return link.removeprefix(settings.SITE_URL.rstrip("/"))


def _set_password(client, link, password=NEW_PASSWORD):
    response = client.get(_path(link))
    assert response.status_code == 302, "the link did not work"
    return client.post(response.url, {"password": password})


def test_asking_for_a_link_emails_one_that_expires_in_2_hours(
    client, person, django_capture_on_commit_callbacks
):
    response = _ask(client, "Sam.Jones@wessexvale.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-sent")
    [message] = outbox(template="password_reset")
    assert message.to == person.email
    assert message.personalisation["name"] == "Sam"
    assert message.personalisation["expires"] == "2 hours"
    assert message.personalisation["link"].startswith(
        settings.SITE_URL.rstrip("/") + "/password-reset/"
    )
    [event] = AuditEvent.objects.filter(record_type=password_reset.PASSWORD_RESET_RECORD_TYPE)
    assert (event.actor, event.action, event.values) == (person, "create", {"link_sent": True})


def test_an_unknown_or_deactivated_address_gets_the_same_answer_and_no_email(
    client, person, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="gone.away@wessexvale.example", is_active=False)
    answers = [
        _ask(client, email, django_capture_on_commit_callbacks)
        for email in (person.email, "nobody@wessexvale.example", gone.email)
    ]
    assert {(a.status_code, a.url) for a in answers} == {
        (302, reverse("accounts:password-reset-sent"))
    }
    assert [m.to for m in outbox(template="password_reset")] == [person.email]
    events = AuditEvent.objects.filter(
        record_type=password_reset.PASSWORD_RESET_RECORD_TYPE
    ).order_by("sequence")
    assert [(e.actor, e.actor_label, e.values) for e in events] == [
        (person, "", {"link_sent": True}),
        (None, signin.UNKNOWN_ACCOUNT, {"link_sent": False}),
        (gone, "", {"link_sent": False}),
    ]
    page = client.get(reverse("accounts:password-reset-sent")).content.decode()
    assert "If the email address you entered has a Family Help account" in page


class RefusingBackend:
    """A Notify that turns every message down (as a trial key does for outside addresses)."""

    def send(self, message):
        raise NotificationError("Notify refused the message")


def test_an_email_that_cannot_be_sent_still_gets_the_same_answer(
    client, person, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_BACKEND = f"{__name__}.RefusingBackend"
    known = _ask(client, person.email, django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@wessexvale.example", django_capture_on_commit_callbacks)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("accounts:password-reset-sent")


def test_the_request_form_checks_the_address(client, db):
    response = client.post(RESET, {"email": "not an email"})
    assert response.status_code == 200
    assert signin.ENTER_EMAIL_FORMAT in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_the_link_sets_a_new_password_and_ends_every_session(
    client, person, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(person)
    assert Session.objects.count() == 1
    _ask(client, person.email, django_capture_on_commit_callbacks)
    response = _set_password(client, _link(person.email))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert elsewhere.get("/account/").status_code == 302  # signed out there
    event = AuditEvent.objects.filter(action="change").get()
    assert event.actor == person
    assert event.fields_changed == ["password"]
    assert event.values == {"via": "password_reset", "sessions_ended": 1, "attempts_cleared": 0}
    done = client.get(response.url).content.decode()
    assert "Your password has been reset" in done


def test_the_link_leaves_the_address_bar_before_the_form_is_shown(
    client, person, django_capture_on_commit_callbacks
):
    _ask(client, person.email, django_capture_on_commit_callbacks)
    link = _path(_link(person.email))
    token = link.rstrip("/").rsplit("/", 1)[-1]
    response = client.get(link)
    assert token not in response.url
    form = client.get(response.url)
    assert form.status_code == 200
    assert token not in form.content.decode()
    assert 'autocomplete="new-password"' in form.content.decode()


def test_a_used_link_does_not_work_again(client, person, django_capture_on_commit_callbacks):
    _ask(client, person.email, django_capture_on_commit_callbacks)
    link = _link(person.email)
    _set_password(client, link)
    response = Client().get(_path(link))
    assert response.status_code == 400
    assert "This password reset link does not work" in response.content.decode()
    refused = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert refused.actor == person
    assert refused.values == {"refused": "invalid_used_or_expired"}
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)  # still the password set with the link
    assert AuditEvent.objects.filter(action="change", fields_changed=["password"]).count() == 1


def test_an_expired_link_does_not_work(client, person, django_capture_on_commit_callbacks):
    _ask(client, person.email, django_capture_on_commit_callbacks)
    link = _link(person.email)
    password_hash = person.password
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        response = client.get(_path(link))
    assert response.status_code == 400
    assert "A link works once, for 2 hours." in response.content.decode()
    assert password_reset.RESET_SESSION_TOKEN not in client.session
    person.refresh_from_db()
    assert person.password == password_hash
    assert not person.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action="change").exists()
    refused = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert (refused.actor, refused.record_type, refused.values) == (
        person,
        password_reset.PASSWORD_RESET_RECORD_TYPE,
        {"refused": "invalid_used_or_expired"},
    )


def test_a_link_opened_elsewhere_cannot_be_reused_after_it_was_used(
    client, person, django_capture_on_commit_callbacks
):
    # Someone else opened the same link first (the token now sits in their session)...
    _ask(client, person.email, django_capture_on_commit_callbacks)
    link = _link(person.email)
    other = Client()
    form_url = other.get(_path(link)).url
    # ...then the person used it...
    _set_password(client, link)
    person.refresh_from_db()
    password_hash = person.password
    # ...so the other session's copy no longer works.
    response = other.post(form_url, {"password": "another long passphrase here"})
    assert response.status_code == 400
    assert "This password reset link does not work" in response.content.decode()
    person.refresh_from_db()
    assert person.password == password_hash
    assert person.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="change", fields_changed=["password"]).count() == 1
    refused = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert (refused.actor, refused.values) == (person, {"refused": "invalid_used_or_expired"})


def test_asking_again_and_again_sends_at_most_3_emails_an_hour(
    client, person, django_capture_on_commit_callbacks
):
    answers = [_ask(client, person.email, django_capture_on_commit_callbacks) for _ in range(5)]

    assert {(a.status_code, a.url) for a in answers} == {
        (302, reverse("accounts:password-reset-sent"))
    }
    assert len(outbox(to=person.email, template="password_reset")) == 3
    events = AuditEvent.objects.filter(
        record_type=password_reset.PASSWORD_RESET_RECORD_TYPE
    ).order_by("sequence")
    assert [e.values for e in events] == [{"link_sent": True}] * 3 + [
        {"link_sent": False, "throttled": True}
    ] * 2
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        _ask(client, person.email, django_capture_on_commit_callbacks)
    assert len(outbox(to=person.email, template="password_reset")) == 4


def test_a_link_that_expires_while_the_form_is_open_is_refused_on_saving(
    client, person, django_capture_on_commit_callbacks
):
    _ask(client, person.email, django_capture_on_commit_callbacks)
    response = client.get(_path(_link(person.email)))
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        saved = client.post(response.url, {"password": NEW_PASSWORD})
    assert saved.status_code == 400
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "path",
    [
        "/password-reset/not-base64/abc-123/",
        "/password-reset/MTIz/abc-123/",  # "123": not a person's id
    ],
)
def test_a_tampered_link_does_not_work(client, person, path):
    response = client.get(path)
    assert response.status_code == 400
    refused = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert (refused.actor, refused.actor_label) == (None, signin.UNKNOWN_ACCOUNT)


def test_the_form_cannot_be_opened_without_the_link(client, person):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(person.pk))
    response = client.post(
        reverse("accounts:password-reset-new", args=[uid]), {"password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)


def test_the_new_password_must_follow_the_rules(client, person, django_capture_on_commit_callbacks):
    _ask(client, person.email, django_capture_on_commit_callbacks)
    response = _set_password(client, _link(person.email), "qwerty123456")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Error: Create a new password" in html
    assert passwords.PASSWORD_TOO_COMMON in html
    assert "qwerty123456" not in html
    short = client.post(response.request["PATH_INFO"], {"password": "short"}).content.decode()
    assert "Password must be 12 characters or more" in short
    person.refresh_from_db()
    assert not person.check_password("qwerty123456")


def test_resetting_the_password_also_lifts_a_lockout(
    client, person, django_capture_on_commit_callbacks
):
    for _ in range(5):
        client.post("/sign-in/", {"email": person.email, "password": "wrong password here"})
    assert AccessAttempt.objects.filter(username=person.email).exists()
    _ask(client, person.email, django_capture_on_commit_callbacks)
    _set_password(client, _link(person.email))
    assert not AccessAttempt.objects.filter(username=person.email).exists()
    signed_in = client.post("/sign-in/", {"email": person.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
