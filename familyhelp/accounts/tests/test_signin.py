"""Signing in and out with a password, "Your account", the header, and their audit records."""

import logging
import re

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import override_settings
from django.urls import reverse

from familyhelp.accounts import signin
from familyhelp.accounts.models import User
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent

PASSWORD = "long enough passphrase"
SIGN_IN = "/sign-in/"


def _post_sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("accounts:sign-in"), {"email": email, "password": password}, **extra)


def _comparable(body: str, *emails: str) -> str:
    """The page without what changes on every response (CSRF token, CSP nonce) or is typed."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r'nonce="[^"]+"', "NONCE", body)
    for email in emails:
        body = body.replace(email, "EMAIL")
    return body


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


@pytest.fixture
def person(db):
    return UserFactory(email="sam.jones@wessexvale.example", full_name="Sam Jones")


def test_the_sign_in_page_asks_for_email_and_password(client, db):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Sign in – Family Help</title>" in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("accounts:password-reset") in html
    assert "one-time code" not in html


def test_a_correct_password_signs_in_and_goes_to_your_account(client, person):
    response = _post_sign_in(client, "Sam.Jones@WessexVale.example ")
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.session["_auth_user_id"] == str(person.pk)
    [event] = _events("sign_in")
    assert event.actor == person
    assert event.record_id == str(person.pk)
    assert event.values == {"backend": "ModelBackend"}


def test_the_password_is_never_put_back_into_the_page(client, person):
    response = _post_sign_in(client, person.email, "a wrong password value")
    assert b"a wrong password value" not in response.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, signin.ENTER_EMAIL),
        ({"email": "not-an-email", "password": "x"}, signin.ENTER_EMAIL_FORMAT),
        ({"email": "sam@example.com", "password": ""}, signin.ENTER_PASSWORD),
    ],
)
def test_missing_or_malformed_answers_get_a_specific_error(client, db, data, message):
    response = client.post(SIGN_IN, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – Family Help</title>" in html
    assert message in html
    assert "There is a problem" in html
    assert not AuditEvent.objects.filter(action="sign_in_failed").exists()


def test_wrong_password_unknown_email_and_deactivated_person_get_the_same_answer(client, db):
    known = UserFactory(email="known@wessexvale.example")
    gone = UserFactory(email="gone.away@wessexvale.example", is_active=False)
    wrong = _post_sign_in(client, known.email, "not the password at all")
    unknown = _post_sign_in(client, "nobody@wessexvale.example")
    deactivated = _post_sign_in(client, gone.email)
    emails = (known.email, "nobody@wessexvale.example", gone.email)
    assert wrong.status_code == unknown.status_code == deactivated.status_code == 200
    assert signin.SIGN_IN_FAILED in wrong.content.decode()
    assert _comparable(wrong.content.decode(), *emails) == _comparable(
        unknown.content.decode(), *emails
    )
    assert _comparable(wrong.content.decode(), *emails) == _comparable(
        deactivated.content.decode(), *emails
    )
    assert "_auth_user_id" not in client.session


def test_failures_are_audited_without_the_typed_email(client, db):
    known = UserFactory(email="known@wessexvale.example")
    gone = UserFactory(email="gone.away@wessexvale.example", is_active=False)
    _post_sign_in(client, known.email, "not the password at all")
    _post_sign_in(client, "nobody@wessexvale.example")
    _post_sign_in(client, gone.email)
    wrong, unknown, deactivated = _events("sign_in_failed")
    assert (wrong.actor, wrong.actor_label) == (known, "")
    assert wrong.values == {"locked_out": False}
    assert (unknown.actor, unknown.actor_label) == (None, signin.UNKNOWN_ACCOUNT)
    assert unknown.record_id == ""
    assert deactivated.actor == gone
    assert deactivated.values == {"locked_out": False, "account_active": False}
    for event in (wrong, unknown, deactivated):
        assert event.ip_address == "127.0.0.1"
    stored = " ".join(
        f"{e.actor_label} {e.values} {e.reason} {e.record_id}" for e in AuditEvent.objects.all()
    )
    assert "nobody@wessexvale.example" not in stored
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_a_wrong_password_is_refused_changes_nothing_and_is_audited(client, person):
    before = (person.password, person.last_login, person.is_active)

    response = _post_sign_in(client, person.email, "not the password at all")

    assert response.status_code == 200
    assert signin.SIGN_IN_FAILED in response.content.decode()
    person.refresh_from_db()
    assert (person.password, person.last_login, person.is_active) == before
    assert "_auth_user_id" not in client.session
    [event] = _events("sign_in_failed")
    assert (event.actor, event.record_id, event.values) == (
        person,
        str(person.pk),
        {"locked_out": False},
    )
    assert _events("sign_in") == []


def test_an_unknown_email_is_refused_creates_nothing_and_is_audited(client, person):
    people = list(User.objects.values_list("pk", "email", "password"))

    response = _post_sign_in(client, "nobody@wessexvale.example")

    assert response.status_code == 200
    assert signin.SIGN_IN_FAILED in response.content.decode()
    assert list(User.objects.values_list("pk", "email", "password")) == people
    assert "_auth_user_id" not in client.session
    [event] = _events("sign_in_failed")
    assert (event.actor, event.actor_label, event.record_id) == (None, signin.UNKNOWN_ACCOUNT, "")


@pytest.mark.parametrize("who", ["wrong password", "unknown", "deactivated", "invited"])
def test_every_failed_sign_in_hashes_the_password_once_so_timing_reveals_nothing(
    client, db, monkeypatch, who
):
    """An unknown address costs the same password hash as a known one (Django's ModelBackend
    hashes a dummy password, and an unusable password is hashed too)."""
    UserFactory(email="known@wessexvale.example")
    UserFactory(email="gone.away@wessexvale.example", is_active=False)
    invited = UserFactory(email="invited@wessexvale.example")
    invited.set_unusable_password()
    invited.save()
    email = {
        "wrong password": "known@wessexvale.example",
        "unknown": "nobody@wessexvale.example",
        "deactivated": "gone.away@wessexvale.example",
        "invited": "invited@wessexvale.example",
    }[who]
    hashes = []
    hasher = type(get_hasher())

    def counted(original):
        def method(self, *args, **kwargs):
            if getattr(self, "_counting", False):  # verify() may call encode() itself
                return original(self, *args, **kwargs)
            hashes.append(original.__name__)
            self._counting = True
            try:
                return original(self, *args, **kwargs)
            finally:
                self._counting = False

        return method

    monkeypatch.setattr(hasher, "encode", counted(hasher.encode))
    monkeypatch.setattr(hasher, "verify", counted(hasher.verify))

    response = _post_sign_in(client, email, "not the password at all")

    assert signin.SIGN_IN_FAILED in response.content.decode()
    assert len(hashes) == 1


def test_failed_sign_ins_put_no_email_address_in_the_log_lines(client, db, caplog):
    known = UserFactory(email="known@wessexvale.example")
    with caplog.at_level(logging.DEBUG):
        _post_sign_in(client, known.email, "not the password at all")
        for _ in range(6):  # up to and past the lockout
            _post_sign_in(client, "nobody@wessexvale.example")
    # axes logs the failures and the lockout; AXES_SENSITIVE_PARAMETERS masks the address
    assert "AXES" in caplog.text
    assert "known@wessexvale.example" not in caplog.text
    assert "nobody@wessexvale.example" not in caplog.text
    assert "127.0.0.1" not in caplog.text


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/services/?q=play", "/services/?q=play"),
        ("https://evil.example/steal", "/account/"),
        ("//evil.example/steal", "/account/"),
    ],
)
def test_next_is_followed_only_when_it_stays_on_this_site(client, person, next_url, expected):
    response = client.post(
        f"{SIGN_IN}?next={next_url}", {"email": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == expected


def test_a_signed_in_person_opening_sign_in_goes_on(client, person):
    client.force_login(person)
    response = client.get(SIGN_IN + "?next=/whats-on/")
    assert response.status_code == 302
    assert response.url == "/whats-on/"


@override_settings(MFA_SKIPPED_FOR_DEMO=True)
def test_the_demo_says_the_one_time_code_step_is_skipped(client, db):
    html = client.get(SIGN_IN).content.decode()
    assert "This is the demonstration site." in html
    assert "one-time code" in html


def test_signing_out_is_a_post_and_is_audited(client, person):
    client.force_login(person)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:signed-out")
    assert "_auth_user_id" not in client.session
    [event] = _events("sign_out")
    assert event.actor == person
    assert event.values == {"reason": "signed_out"}
    page = client.get(response.url)
    assert "You have signed out" in page.content.decode()


def test_opening_the_sign_out_address_does_not_sign_out_but_offers_the_button(client, person):
    client.force_login(person)
    response = client.get(reverse("accounts:sign-out"))
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(person.pk)
    assert 'action="/sign-out/"' in response.content.decode()
    assert not _events("sign_out")


def test_your_account_needs_signing_in(client, db):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next=/account/"


def test_your_account_shows_the_person_their_teams_roles_and_what_they_can_use(client, db):
    team = TeamFactory(name="Early Help North")
    analyst = UserFactory(
        full_name="Ada Analyst", agency=team.agency, roles=["data-analyst"], job_title="Analyst"
    )
    analyst.team_memberships.create(team=team)
    client.force_login(analyst)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "Ada Analyst" in html
    assert team.agency.name in html
    assert "Early Help North" in html
    assert "Data analyst" in html
    assert 'href="/account/"' in html
    # Not an administrator: the locked accounts page is not offered.
    assert reverse("accounts:locked-accounts") not in html


def test_the_header_offers_sign_in_when_signed_out(client, db):
    html = client.get("/").content.decode()
    assert f'href="{SIGN_IN}"' in html
    assert "Sign out" not in html
    assert "timeout-warning" not in html


def test_the_header_shows_navigation_and_a_sign_out_button_when_signed_in(client, person):
    client.force_login(person)
    html = client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/sign-out/"', html)
    assert "Sign out</button>" in html
    assert 'href="/account/"' in html
    assert f'href="{SIGN_IN}"' not in html
    # The timeout warning's settings, for the script; it stays closed without JavaScript.
    assert 'data-timeout="1800"' in html
    assert 'data-warning="120"' in html
    assert "<dialog" in html and "<dialog open" not in html


def test_the_current_section_is_marked_in_the_header(client, person):
    client.force_login(person)
    html = client.get(reverse("accounts:home")).content.decode()
    assert re.search(r'href="/account/"\s+aria-current="true"', html)


def test_the_header_stays_short_and_your_account_lists_everything_the_person_may_use(client, db):
    from familyhelp.accounts.models import Role

    admin = UserFactory(roles=[Role.AGENCY_ADMINISTRATOR])
    client.force_login(admin)
    session = client.session
    session["accounts.mfa_satisfied_by"] = "test"
    session.save()
    header_only = client.get("/").content.decode()
    account = client.get(reverse("accounts:home")).content.decode()
    people, locked = reverse("accounts:people"), reverse("accounts:locked-accounts")
    codes = reverse("accounts:second-factor-new-recovery-codes")
    assert f'href="{people}"' in header_only
    assert f'href="{locked}"' not in header_only and f'href="{codes}"' not in header_only
    assert all(f'href="{link}"' in account for link in (people, locked, codes))


def test_your_account_tells_someone_with_no_roles_who_to_ask(client, db):
    newcomer = UserFactory(roles=[])
    client.force_login(newcomer)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "You do not have any roles yet" in html
    assert "Ask your agency administrator" in html
