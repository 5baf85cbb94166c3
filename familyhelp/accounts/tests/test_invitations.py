"""Inviting a person: the signed, expiring, single-use link, and the page it opens."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import invitations, passwords, services
from familyhelp.accounts.invitations import invitation_resend, invitation_send
from familyhelp.accounts.models import Invitation, Role, User
from familyhelp.accounts.services import AccountsError, user_deactivate
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory, role
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox

GOOD_PASSWORD = "correct horse battery staple"


@pytest.fixture
def request_():
    return RequestFactory().post("/people/invite/")


@pytest.fixture
def invite(council, council_admin, request_, django_capture_on_commit_callbacks):
    """Invite a practitioner to the council; returns (person, link path)."""

    def send(email="alex.reid@wessexvale.example", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            sent = invitation_send(
                actor=council_admin,
                email=email,
                full_name="Alex Reid",
                job_title="Health visitor",
                fte=Decimal("0.6"),
                agency=council,
                roles=[role("practitioner")],
                request=request_,
                **kwargs,
            )
        message = outbox(to=email)[-1]
        return sent.invitation.user, message.personalisation["link"].removeprefix(
            "http://testserver"
        )

    return send


def refusals():
    return list(
        AuditEvent.objects.filter(record_type="accounts.invitation", action="sign_in_failed")
        .order_by("sequence")
        .values_list("values", flat=True)
    )


# Sending


def test_inviting_creates_the_person_with_teams_and_roles_and_emails_a_link(
    council, council_admin, invite
):
    duty = TeamFactory(agency=council, name="Duty")

    person, path = invite(teams=[duty])

    assert (person.email, person.full_name, person.fte) == (
        "alex.reid@wessexvale.example",
        "Alex Reid",
        Decimal("0.60"),
    )
    assert not person.has_usable_password()
    assert list(person.team_memberships.values_list("team__name", flat=True)) == ["Duty"]
    assert list(person.role_assignments.values_list("role__code", flat=True)) == ["practitioner"]
    [message] = outbox(template="invitation")
    assert set(message.personalisation) == {"name", "agency", "link", "expiry"}
    assert message.personalisation["name"] == "Alex Reid"
    assert message.personalisation["agency"] == council.name
    expected_expiry = timezone.localtime(timezone.now() + timedelta(days=7)).date()
    assert message.personalisation["expiry"] == f"{expected_expiry.day} {expected_expiry:%B %Y}"
    # The link carries a signed token; only its SHA-256 is stored
    signed = path.removeprefix("/invitations/").removesuffix("/")
    token = signing.Signer(salt="accounts.invitation").unsign(signed)
    invitation = Invitation.objects.get(user=person)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash and invitation.invited_by == council_admin
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "record_type"))
    assert actions == [
        ("create", "accounts.user"),
        ("change", "accounts.user"),
        ("permission_change", "accounts.user"),
        ("create", "accounts.invitation"),
    ]


def test_the_expiry_comes_from_the_setting(settings, invite):
    settings.INVITATION_EXPIRY_DAYS = 2
    person, _ = invite()
    invitation = Invitation.objects.get(user=person)
    assert invitation.expires_at - invitation.created_at == timedelta(days=2)


def test_inviting_an_email_that_already_exists_is_refused(council, council_admin, request_):
    existing = UserFactory(email="alex.reid@wessexvale.example", agency=council)
    with pytest.raises(AccountsError, match=invitations.EMAIL_ALREADY_USED):
        invitation_send(
            actor=council_admin,
            email="Alex.Reid@WessexVale.example",
            full_name="Alex",
            agency=council,
            request=request_,
        )
    assert User.objects.filter(email__iexact="alex.reid@wessexvale.example").count() == 1
    assert not Invitation.objects.exists() and outbox() == []
    # The refusal is audited, naming the account but never the typed address.
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.record_id, event.values) == (
        council_admin,
        "create",
        str(existing.pk),
        {"refused": invitations.REFUSED_EMAIL_IN_USE},
    )
    assert "alex.reid" not in f"{event.values} {event.reason} {event.actor_label}".lower()


@pytest.mark.parametrize("code", ["auditor", Role.SYSTEM_ADMINISTRATOR])
def test_inviting_with_a_role_the_administrator_may_not_grant_creates_no_one(
    council, council_admin, request_, code
):
    with pytest.raises(AccountsError):
        invitation_send(
            actor=council_admin,
            email="new@wessexvale.example",
            full_name="New",
            agency=council,
            roles=[role(code)],
            request=request_,
        )
    assert not User.objects.filter(email="new@wessexvale.example").exists()
    [event] = AuditEvent.objects.all()
    assert event.action == "permission_change" and event.values["refused"] in (
        "role_not_grantable",
        "system_administrator_only",
    )
    assert outbox() == []


def test_an_agency_administrator_cannot_invite_into_another_agency(school, council_admin, request_):
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        invitation_send(
            actor=council_admin,
            email="t@vale.example",
            full_name="T",
            agency=school,
            request=request_,
        )
    assert not User.objects.filter(email="t@vale.example").exists()
    assert AuditEvent.objects.get().values == {"refused": "outside_agency", "agency": school.pk}


def test_resending_revokes_the_old_link_and_sends_a_new_one(
    council_admin, invite, request_, django_capture_on_commit_callbacks
):
    person, old_path = invite()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=council_admin, person=person, request=request_)

    assert len(outbox(to=person.email)) == 2
    old, new = Invitation.objects.filter(user=person).order_by("created_at")
    assert old.revoked_at is not None and new.revoked_at is None
    response = Client().get(old_path)
    assert response.status_code == 410
    assert "a newer invitation was sent" in response.content.decode()
    assert refusals()[-1] == {"refused": "revoked", "user": str(person.pk)}


def test_resending_to_someone_who_has_set_a_password_is_refused(council, council_admin, request_):
    person = UserFactory(agency=council)
    with pytest.raises(AccountsError, match="has already set a password"):
        invitation_resend(actor=council_admin, person=person, request=request_)


# Accepting


def test_the_link_shows_who_it_is_for_and_sets_the_password_and_signs_them_in(invite):
    person, path = invite()
    client = Client()

    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alex Reid" in text and "alex.reid@wessexvale.example" in text
    response = client.post(path, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(GOOD_PASSWORD)
    assert client.session[SESSION_KEY] == str(person.pk)
    assert Invitation.objects.get(user=person).accepted_at is not None
    event = AuditEvent.objects.filter(action="change", fields_changed=["password"]).get()
    assert event.actor == person and GOOD_PASSWORD not in str(event.values)


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("", "", "Enter a password"),
        (GOOD_PASSWORD, "something else entirely", "The passwords do not match"),
        ("short", "short", passwords.PASSWORD_TOO_SHORT.format(min_length=12)),
        ("Password2024!", "Password2024!", "Enter a stronger password"),
    ],
)
def test_a_bad_password_gets_a_clear_error_and_changes_nothing(invite, password, again, message):
    person, path = invite()
    response = Client().post(path, {"password": password, "password_again": again})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and message in text
    assert "<title>Error: " in text
    assert password == "" or f'value="{password}"' not in text  # never sent back
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert Invitation.objects.get(user=person).accepted_at is None


def test_a_used_link_cannot_be_used_again(invite):
    person, path = invite()
    Client().post(path, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    person.refresh_from_db()
    password_hash = person.password

    attacker = Client()
    response = attacker.post(
        path, {"password": "another good passphrase", "password_again": "another good passphrase"}
    )

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    person.refresh_from_db()
    assert person.password == password_hash
    assert SESSION_KEY not in attacker.session
    assert refusals()[-1] == {"refused": "already_used", "user": str(person.pk)}
    assert AuditEvent.objects.filter(action="change", fields_changed=["password"]).count() == 1


def test_an_expired_link_is_refused(invite):
    person, path = invite()
    client = Client()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(path, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert person.last_login is None
    assert Invitation.objects.get(user=person).accepted_at is None
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action__in=["change", "sign_in"], actor=person).exists()
    assert refusals() == [{"refused": "expired", "user": str(person.pk)}]


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:],  # the signature
        lambda path: "/invitations/" + "x" + path.removeprefix("/invitations/"),  # the token
        lambda path: "/invitations/not-a-link/",
    ],
)
def test_a_tampered_link_is_refused(invite, change):
    person, path = invite()
    response = Client().get(change(path))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert refusals() == [{"refused": "tampered", "user": None}]


def test_a_well_signed_link_to_no_invitation_is_refused(db):
    signed = signing.Signer(salt="accounts.invitation").sign("no-such-token")
    response = Client().get(reverse("accounts:invitation", kwargs={"signed": signed}))
    assert response.status_code == 404
    assert refusals() == [{"refused": "unknown", "user": None}]


def test_a_deactivated_persons_link_is_refused(council_admin, invite):
    person, path = invite()
    user_deactivate(actor=council_admin, user=person, reason="Never started")
    response = Client().post(path, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 410
    assert "has been deactivated" in response.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password() and not person.is_active
    assert refusals()[-1]["refused"] == "person_deactivated"


def test_the_accept_page_posts_with_a_csrf_token(invite):
    _, path = invite()
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert response.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode()
