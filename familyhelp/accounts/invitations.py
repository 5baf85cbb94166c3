"""Inviting a person by email: a signed, expiring, single-use link to set their password.

The link carries a random token (secrets.token_urlsafe) signed with django.core.signing, so a
changed link is told apart from an unknown one without a database look-up. Only the token's
SHA-256 is stored: the Invitation table cannot be used to sign in. A link expires after
INVITATION_EXPIRY_DAYS (default 7), works once, and stops working when a new one is sent.

Refused links (tampered, unknown, expired, revoked, used, or for a deactivated person) change
nothing and are audited as `sign_in_failed` events on the invitation with values {"refused": …}.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.models import Agency, Invitation, Role, RoleAssignment, Team, User
from familyhelp.accounts.services import (
    NOT_A_DIRECTORY_ADMINISTRATOR,
    ORGANISATION_EDITOR,
    REFUSED_NOT_A_DIRECTORY_ADMINISTRATOR,
    USER_RECORD_TYPE,
    AccountsError,
    _audit_permission_change,
    _user_insert,
    check_may_grant,
    check_may_manage_agency,
    check_may_manage_person,
    user_create,
    user_set_roles,
    user_set_teams,
)
from familyhelp.audit.services import audit_record
from familyhelp.core import notifications
from familyhelp.core.formatting import long_date

SALT = "accounts.invitation"
INVITATION_RECORD_TYPE = "accounts.invitation"
AGENCY_RECORD_TYPE = "accounts.agency"
DEFAULT_EXPIRY_DAYS = 7

EMAIL_ALREADY_USED = (
    "There is already an account with this email address. Find the person in the list of "
    "people instead"
)
REFUSED_EMAIL_IN_USE = "email_in_use"
NOT_INVITED = "{person} has already set a password, so there is no invitation to send."
DEACTIVATED = "{person} has been deactivated. Reactivate them before sending an invitation."
AGENCY_OF_ANOTHER_KIND = (
    "There is already an agency called {name} that is not a voluntary or community "
    "organisation. Change the organisation's name, or add the person from the People pages"
)

# Why a link does not work: the code audited, and the text the person reads.
TAMPERED = "tampered"
UNKNOWN = "unknown"
EXPIRED = "expired"
REVOKED = "revoked"
ALREADY_USED = "already_used"
PERSON_DEACTIVATED = "person_deactivated"
PROBLEMS = {
    TAMPERED: "This link is not valid. Check you copied the whole link from the email.",
    UNKNOWN: "This link is not valid. Check you copied the whole link from the email.",
    EXPIRED: "This link has expired. Ask your administrator to send you a new invitation.",
    REVOKED: (
        "This link no longer works because a newer invitation was sent. "
        "Use the link in the most recent email."
    ),
    ALREADY_USED: (
        "This link has already been used to set a password. Sign in with your email address "
        "and password."
    ),
    PERSON_DEACTIVATED: (
        "This account has been deactivated, so the invitation cannot be used. "
        "Contact your administrator."
    ),
}


class InvitationError(Exception):
    """A link that cannot be used; `code` is one of PROBLEMS."""

    def __init__(self, code: str):
        super().__init__(PROBLEMS[code])
        self.code = code


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    # The whole link, only ever sent in the email (and returned for the caller's own use).
    link: str


def expiry_days() -> int:
    return getattr(settings, "INVITATION_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_send(
    *,
    actor: User,
    email: str,
    full_name: str,
    job_title: str = "",
    fte: Decimal | None = None,
    agency: Agency | None,
    teams: list[Team] = (),
    roles: list[Role] = (),
    request,
) -> SentInvitation:
    """Add a person with no password, give them teams and roles, and email them a link."""
    check_may_manage_agency(actor=actor, agency=agency, action="create", request=request)
    email = _unused_email(actor=actor, email=email, request=request)
    # Check every role before creating anyone, so a refused role leaves no half-made person.
    for role in roles:
        check_may_grant(actor=actor, person=None, role=role, request=request)
    with transaction.atomic():
        person = user_create(
            actor=actor,
            email=email,
            full_name=full_name,
            job_title=job_title,
            fte=fte,
            agency=agency,
            request=request,
        )
        if teams:
            user_set_teams(actor=actor, user=person, teams=teams, request=request)
        if roles:
            user_set_roles(actor=actor, user=person, roles=roles, request=request)
        return _issue(actor=actor, person=person, request=request)


def _unused_email(*, actor: User, email: str, request) -> str:
    """The address, normalised, or AccountsError if someone already has it."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # Audited like any other refusal (without the typed address), so an administrator
        # probing which addresses have accounts leaves a trail for the auditors.
        audit_record(
            actor=actor,
            action="create",
            record_type=USER_RECORD_TYPE,
            record_id=existing.pk,
            values={"refused": REFUSED_EMAIL_IN_USE},
            request=request,
        )
        raise AccountsError(EMAIL_ALREADY_USED)
    return email


def invitation_send_organisation_editor(
    *, actor: User, email: str, full_name: str, agency_name: str, request
) -> SentInvitation:
    """Invite a voluntary or community organisation's contact to edit its directory listings.

    For directory administrators, who manage no agency: the person joins the voluntary or
    community agency called `agency_name` (made if there is none) with the organisation editor
    role and no other, so this cannot be used to give anyone more. Linking them to the
    organisation is the caller's (directory) business, in the caller's transaction.
    """
    if not actor.has_perm("accounts.invite_organisation_editor"):
        audit_record(
            actor=actor,
            action="create",
            record_type=USER_RECORD_TYPE,
            record_id="",
            values={"refused": REFUSED_NOT_A_DIRECTORY_ADMINISTRATOR},
            request=request,
        )
        raise AccountsError(NOT_A_DIRECTORY_ADMINISTRATOR)
    email = _unused_email(actor=actor, email=email, request=request)
    agency_name = " ".join((agency_name or "").split())
    with transaction.atomic():
        agency = Agency.objects.filter(name__iexact=agency_name).first()
        if agency is None:
            agency = Agency(name=agency_name, kind=Agency.Kind.VOLUNTARY_COMMUNITY)
            agency.full_clean()
            agency.save(force_insert=True)
            audit_record(
                actor=actor,
                action="create",
                record_type=AGENCY_RECORD_TYPE,
                record_id=agency.pk,
                fields_changed=["name", "kind"],
                values={"name": agency.name, "kind": agency.kind},
                request=request,
            )
        elif agency.kind != Agency.Kind.VOLUNTARY_COMMUNITY:
            raise AccountsError(AGENCY_OF_ANOTHER_KIND.format(name=agency.name))
        person = _user_insert(
            actor=actor, email=email, full_name=full_name, agency=agency, request=request
        )
        role = Role.objects.get(code=ORGANISATION_EDITOR)
        assignment = RoleAssignment(user=person, role=role)
        assignment.full_clean()
        assignment.save(force_insert=True)
        _audit_permission_change(actor=actor, user=person, granted=role.code, request=request)
        return _issue(actor=actor, person=person, request=request)


def invitation_resend(*, actor: User, person: User, request) -> SentInvitation:
    """Revoke the person's unused links and send a new one."""
    check_may_manage_person(actor=actor, person=person, action="create", request=request)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            raise AccountsError(DEACTIVATED.format(person=person))
        if person.has_usable_password() or person.last_login is not None:
            raise AccountsError(NOT_INVITED.format(person=person))
        return _issue(actor=actor, person=person, request=request)


def _issue(*, actor: User, person: User, request) -> SentInvitation:
    now = timezone.now()
    revoked = Invitation.objects.filter(
        user=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=person,
        invited_by=actor,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=expiry_days()),
    )
    invitation.full_clean()
    invitation.save(force_insert=True)
    audit_record(
        actor=actor,
        action="create",
        record_type=INVITATION_RECORD_TYPE,
        record_id=invitation.pk,
        fields_changed=["user", "expires_at"],
        values={"user": person.pk, "expires_at": invitation.expires_at, "revoked": revoked},
        request=request,
    )
    signed = signing.Signer(salt=SALT).sign(token)
    link = request.build_absolute_uri(reverse("accounts:invitation", kwargs={"signed": signed}))
    personalisation = {
        "name": person.get_full_name(),
        "agency": person.agency.name if person.agency else settings.ORGANISATION_NAME,
        "link": link,
        "expiry": long_date(timezone.localtime(invitation.expires_at).date()),
    }
    # Email only once the person and their invitation are committed.
    transaction.on_commit(
        lambda: notifications.send_email(
            to=person.email,
            template="invitation",
            personalisation=personalisation,
            reference=f"invitation-{invitation.pk}",
        )
    )
    return SentInvitation(invitation=invitation, link=link)


def invitation_open(*, signed: str, request=None) -> Invitation:
    """The invitation a link is for, if it can still be used; else InvitationError (audited)."""
    invitation, problem = _find(signed)
    if problem:
        _audit_refusal(invitation=invitation, code=problem, request=request)
        raise InvitationError(problem)
    return invitation


def invitation_accept(*, signed: str, password: str, request=None) -> User:
    """Set the invited person's password and use up the link; returns the person.

    Raises django's ValidationError if the password is not good enough (nothing changes), or
    InvitationError if the link cannot be used (audited). The link is locked while it is used,
    so two people racing with the same link cannot both succeed.
    """
    problem = None
    with transaction.atomic():
        invitation, problem = _find(signed, lock=True)
        if not problem:
            person = invitation.user
            validate_password(password, person)
            person.set_password(password)
            person.save(update_fields=["password"])
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            audit_record(
                actor=person,
                action="change",
                record_type=USER_RECORD_TYPE,
                record_id=person.pk,
                fields_changed=["password"],
                values={"invitation": invitation.pk},
                request=request,
            )
    if problem:
        _audit_refusal(invitation=invitation, code=problem, request=request)
        raise InvitationError(problem)
    return person


def _find(signed: str, lock: bool = False) -> tuple[Invitation | None, str | None]:
    try:
        token = signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        return None, TAMPERED
    invitations = Invitation.objects.select_related("user", "user__agency")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        return None, UNKNOWN
    if invitation.accepted_at is not None:
        return invitation, ALREADY_USED
    if invitation.revoked_at is not None:
        return invitation, REVOKED
    if not invitation.user.is_active:
        return invitation, PERSON_DEACTIVATED
    if invitation.expires_at <= timezone.now():
        return invitation, EXPIRED
    return invitation, None


def _audit_refusal(*, invitation: Invitation | None, code: str, request=None) -> None:
    audit_record(
        actor_label="invitation link",
        action="sign_in_failed",
        record_type=INVITATION_RECORD_TYPE,
        record_id=invitation.pk if invitation else "",
        values={"refused": code, "user": invitation.user_id if invitation else None},
        request=request,
    )
