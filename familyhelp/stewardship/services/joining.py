"""An organisation asks to join the directory, or claims a listing; an administrator decides.

Anyone may ask, without signing in (docs/joining.md). A request is kept with a reference, the
contact is emailed the reference, and every directory administrator is told it is waiting.
Abuse protection, counted in the database: a hidden honeypot field, and at most
JOIN_REQUESTS_PER_IP_PER_HOUR requests from one IP address in any hour (only a keyed hash of the
address is stored).

Approving a request to join creates the organisation (with its charity or company number as an
identifier); approving either kind makes the contact an editor of the organisation: an existing
account is linked (and given the organisation editor role), anyone else is invited through
accounts (invitation_send_organisation_editor), all in one transaction. Refusing needs a reason,
which the contact is sent.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.invitations import invitation_send_organisation_editor
from familyhelp.accounts.models import User
from familyhelp.accounts.services import AccountsError, user_grant_organisation_editor
from familyhelp.audit.services import audit_record
from familyhelp.core import public_requests
from familyhelp.core.formatting import long_date
from familyhelp.core.notifications import site_url
from familyhelp.directory.models import OrganisationEditor, Organization, OrganizationIdentifier
from familyhelp.directory.selectors.editors import directory_administrator_emails
from familyhelp.stewardship.models import JoinRequest
from familyhelp.stewardship.selectors_joining import PUBLIC_ACTOR, RECORD_TYPE, check_administrator
from familyhelp.stewardship.services.common import (
    ORGANISATION_RECORD_TYPE,
    StewardshipError,
    email_on_commit,
)

logger = logging.getLogger(__name__)

IP_HASH_SALT = "familyhelp.stewardship.joining.ip"
DEFAULT_PER_IP_PER_HOUR = 5

CHARITY_SCHEME, CHARITY_TYPE = "GB-CHC", "Charity number"
COMPANY_SCHEME, COMPANY_TYPE = "GB-COH", "Company number"
# England and Wales charity numbers: 6 to 8 digits (a linked charity's "-1" suffix is not kept).
CHARITY_NUMBER = re.compile(r"\d{6,8}")
# Companies House numbers: 8 digits, or a 2-letter prefix (SC, NI, OC, …) and 6 digits.
COMPANY_NUMBER = re.compile(r"(\d{8}|[A-Z]{2}\d{6})")

NAME_MAX_LENGTH = 200  # the length of an agency's name, which the organisation's becomes
REASON_MAX_LENGTH = 2000
NAME_TOO_LONG = f"The organisation’s name must be {NAME_MAX_LENGTH} characters or fewer"
MESSAGE_MAX_LENGTH = 2000

CHARITY_NUMBER_INVALID = (
    "Enter a charity number of 6 to 8 digits, like 1123456, or leave it empty if your "
    "organisation is not a registered charity"
)
COMPANY_NUMBER_INVALID = (
    "Enter a company number of 8 characters: 8 digits, like 01234567, or 2 letters and 6 digits, "
    "like SC123456"
)
HONEYPOT_FILLED = (
    "Your request could not be sent. If a browser extension or tool fills in forms for you, "
    "turn it off and send the form again"
)
TOO_MANY_FROM_YOU = (
    "You have sent {limit} requests in the last hour, which is the most we accept. "
    "Wait an hour, then send your request again"
)
NO_SUCH_ORGANISATION = "There is no organisation with that id in the directory"
NOT_AN_ADMINISTRATOR = "Only directory administrators can do this."
ALREADY_DECIDED = "This request was already {status} by {who} on {date}. Nothing was changed"
REASON_REQUIRED = "Enter why the request is refused, so the contact knows"
REASON_TOO_LONG = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
ACCOUNT_DEACTIVATED = (
    "The account with the contact’s email address has been deactivated. Reactivate it, or "
    "refuse the request, before approving"
)

# Why something was refused (audited as values["refused"]).
RATE_LIMITED = "rate_limited"
HONEYPOT = "honeypot"

UNNAMED_ORGANISATION = "your organisation"

DECISIONS = {JoinRequest.Status.APPROVED: "approved", JoinRequest.Status.REFUSED: "refused"}


@dataclass(frozen=True)
class Approval:
    join_request: JoinRequest
    editor: User
    # True when the contact had no account and was sent an invitation.
    invited: bool


class JoinRequestRefused(StewardshipError):
    """Abuse protection refused a request; `code` says why."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def _setting(name, default):
    return getattr(settings, name, default)


def ip_hash(ip_address: str | None) -> str:
    return public_requests.ip_hash(IP_HASH_SALT, ip_address)


def charity_number_clean(value: str) -> str:
    """The number without spaces, or StewardshipError(CHARITY_NUMBER_INVALID); "" stays ""."""
    number = re.sub(r"\s+", "", value or "")
    if number and not CHARITY_NUMBER.fullmatch(number):
        raise StewardshipError(CHARITY_NUMBER_INVALID)
    return number


def company_number_clean(value: str) -> str:
    """The number in capitals without spaces, or StewardshipError(COMPANY_NUMBER_INVALID)."""
    number = re.sub(r"\s+", "", value or "").upper()
    if number and not COMPANY_NUMBER.fullmatch(number):
        raise StewardshipError(COMPANY_NUMBER_INVALID)
    return number


def _check_rate_limit(*, hashed_ip, now):
    limit = _setting("JOIN_REQUESTS_PER_IP_PER_HOUR", DEFAULT_PER_IP_PER_HOUR)
    since = now - datetime.timedelta(hours=1)
    if JoinRequest.objects.filter(ip_hash=hashed_ip, created_at__gte=since).count() >= limit:
        logger.warning("Join request refused: %s", RATE_LIMITED)
        raise JoinRequestRefused(TOO_MANY_FROM_YOU.format(limit=limit), RATE_LIMITED)


# Asking ---------------------------------------------------------------------------------------


def join_request_create(
    *,
    actor=None,
    kind: str,
    organization_id=None,
    organisation_name: str = "",
    charity_number: str = "",
    company_number: str = "",
    website: str = "",
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    contact_role: str = "",
    message: str = "",
    honeypot: str = "",
    ip_address: str | None = None,
    http_request=None,
) -> JoinRequest:
    """Keep a request to join (or to claim `organization_id`), and tell the contact and the
    administrators. `actor` is the signed-in person or None. Raises JoinRequestRefused (abuse
    protection), StewardshipError or ValidationError; each changes nothing."""
    signed_in = access.signed_in(actor)
    if honeypot:
        logger.warning("Join request refused: %s", HONEYPOT)
        raise JoinRequestRefused(HONEYPOT_FILLED, HONEYPOT)
    organization = None
    if kind == JoinRequest.Kind.JOIN and len(organisation_name or "") > NAME_MAX_LENGTH:
        raise StewardshipError(NAME_TOO_LONG)
    if kind == JoinRequest.Kind.CLAIM:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise StewardshipError(NO_SUCH_ORGANISATION)
        organisation_name, charity_number, company_number = organization.name, "", ""
    hashed_ip = ip_hash(ip_address)
    with transaction.atomic():
        now = timezone.now()
        _check_rate_limit(hashed_ip=hashed_ip, now=now)
        join_request = JoinRequest(
            reference=public_requests.new_reference(JoinRequest),
            kind=kind,
            organization=organization,
            organisation_name=" ".join((organisation_name or "").split()),
            charity_number=charity_number_clean(charity_number),
            company_number=company_number_clean(company_number),
            website=(website or "").strip(),
            contact_name=(contact_name or "").strip(),
            contact_email=User.objects.normalize_email((contact_email or "").strip()),
            contact_phone=(contact_phone or "").strip(),
            contact_role=(contact_role or "").strip(),
            message=(message or "").strip(),
            requested_by=actor if signed_in else None,
            ip_hash=hashed_ip,
            created_at=now,
        )
        join_request.full_clean()
        join_request.save(force_insert=True)
        audit_record(
            actor=actor if signed_in else None,
            actor_label="" if signed_in else PUBLIC_ACTOR,
            action="create",
            record_type=RECORD_TYPE,
            record_id=join_request.pk,
            values={
                "reference": join_request.reference,
                "kind": join_request.kind,
                "organization": str(organization.pk) if organization else None,
            },
            # A member of the public's IP address is not kept, not even in the audit log.
            request=http_request if signed_in else None,
        )
        # Nothing anyone typed goes into an email: Notify would turn links in it into links, and
        # the form would become a way to send anyone a message. The administrators read the
        # details on the request's page; the contact gets their reference.
        email_on_commit(
            to=[join_request.contact_email],
            template="join_request_received",
            personalisation={
                "organisation_name": _directory_name(join_request),
                "request": join_request.get_kind_display(),
                "reference": join_request.reference,
            },
            reference=f"join-request-{join_request.reference}",
        )
        email_on_commit(
            to=directory_administrator_emails(),
            template="join_request_waiting",
            personalisation={
                "organisation_name": _directory_name(join_request),
                "request": join_request.get_kind_display(),
                "reference": join_request.reference,
                "link": site_url(reverse("stewardship:join-request", args=[join_request.pk])),
            },
            reference=f"join-request-{join_request.reference}",
        )
    return join_request


# Deciding -------------------------------------------------------------------------------------


def _locked_pending(join_request_id) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .filter(pk=join_request_id)
        .first()
    )
    if join_request is None:
        raise access.RecordNotFound(RECORD_TYPE, str(join_request_id), personal=False)
    if join_request.status != JoinRequest.Status.PENDING:
        who = str(join_request.decided_by) if join_request.decided_by else "someone no longer here"
        date = long_date(timezone.localtime(join_request.decided_at).date())
        raise StewardshipError(
            ALREADY_DECIDED.format(status=DECISIONS[join_request.status], who=who, date=date)
        )
    return join_request


def _organisation_create(*, actor, join_request, request) -> Organization:
    organization = Organization(name=join_request.organisation_name, website=join_request.website)
    # The description is the organisation's to write once its editors sign in.
    organization.full_clean(exclude=["description"])
    organization.save(force_insert=True)
    identifiers = []
    if join_request.charity_number:
        identifiers.append((CHARITY_SCHEME, CHARITY_TYPE, join_request.charity_number))
    if join_request.company_number:
        identifiers.append((COMPANY_SCHEME, COMPANY_TYPE, join_request.company_number))
    for scheme, kind, number in identifiers:
        identifier = OrganizationIdentifier(
            organization=organization,
            identifier_scheme=scheme,
            identifier_type=kind,
            identifier=number,
        )
        identifier.full_clean()
        identifier.save(force_insert=True)
    audit_record(
        actor=actor,
        action="create",
        record_type=ORGANISATION_RECORD_TYPE,
        record_id=organization.pk,
        fields_changed=["name", "website", "organization_identifiers"],
        values={
            "join_request": join_request.reference,
            "identifiers": [f"{scheme}-{number}" for scheme, _, number in identifiers],
        },
        request=request,
    )
    return organization


def _editor_link(*, actor, organization, join_request, request) -> tuple[User, bool]:
    """Make the contact an editor of the organisation: (the person, whether they were invited)."""
    person = User.objects.filter(email__iexact=join_request.contact_email).first()
    invited = False
    try:
        if person is None:
            sent = invitation_send_organisation_editor(
                actor=actor,
                email=join_request.contact_email,
                full_name=join_request.contact_name,
                agency_name=organization.name[:NAME_MAX_LENGTH],
                request=request,
            )
            person, invited = sent.invitation.user, True
        elif not person.is_active:
            raise StewardshipError(ACCOUNT_DEACTIVATED)
        else:
            user_grant_organisation_editor(actor=actor, user=person, request=request)
    except AccountsError as refused:
        raise StewardshipError(str(refused)) from None
    link, created = OrganisationEditor.objects.get_or_create(user=person, organization=organization)
    if created:
        audit_record(
            actor=actor,
            action="permission_change",
            record_type=ORGANISATION_RECORD_TYPE,
            record_id=organization.pk,
            fields_changed=["editors"],
            values={"added_editor": person.pk, "join_request": join_request.reference},
            request=request,
        )
    return person, invited


def _directory_name(join_request) -> str:
    """The organisation's name as the directory has it (a claim's, or an approved join's); a
    name only typed into the form is not repeated in emails."""
    if join_request.organization_id:
        return join_request.organization.name
    return UNNAMED_ORGANISATION


def _decision_email(join_request, *, reason=""):
    email_on_commit(
        to=[join_request.contact_email],
        template="join_request_decision",
        personalisation={
            "organisation_name": _directory_name(join_request),
            "request": join_request.get_kind_display(),
            "decision": DECISIONS[join_request.status],
            "reason": reason,
            "reference": join_request.reference,
        },
        reference=f"join-request-decision-{join_request.reference}",
    )


def join_request_approve(*, actor, join_request_id, request) -> Approval:
    """Approve a pending request: the organisation (made, for a join) gets the contact as an
    editor, invited if they have no account. One transaction; the contact is emailed."""
    check_administrator(actor, record_id=join_request_id, action="change", request=request)
    with transaction.atomic():
        join_request = _locked_pending(join_request_id)
        if join_request.kind == JoinRequest.Kind.JOIN:
            organization = _organisation_create(
                actor=actor, join_request=join_request, request=request
            )
            join_request.organization = organization
        else:
            organization = join_request.organization
        person, invited = _editor_link(
            actor=actor, organization=organization, join_request=join_request, request=request
        )
        join_request.status = JoinRequest.Status.APPROVED
        join_request.decided_at, join_request.decided_by = timezone.now(), actor
        join_request.full_clean()
        join_request.save(update_fields=["organization", "status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action="change",
            record_type=RECORD_TYPE,
            record_id=join_request.pk,
            fields_changed=["status", "organization"],
            values={
                "reference": join_request.reference,
                "status": join_request.status,
                "organization": str(organization.pk),
                "editor": person.pk,
                "invited": invited,
            },
            request=request,
        )
        _decision_email(join_request)
    return Approval(join_request=join_request, editor=person, invited=invited)


def join_request_refuse(*, actor, join_request_id, reason, request=None) -> JoinRequest:
    """Refuse a pending request with a reason, which the contact is emailed."""
    check_administrator(actor, record_id=join_request_id, action="change", request=request)
    reason = (reason or "").strip()
    with transaction.atomic():
        join_request = _locked_pending(join_request_id)
        if not reason:
            raise StewardshipError(REASON_REQUIRED)
        if len(reason) > REASON_MAX_LENGTH:
            raise StewardshipError(REASON_TOO_LONG)
        join_request.status = JoinRequest.Status.REFUSED
        join_request.decided_at, join_request.decided_by = timezone.now(), actor
        join_request.reason = reason
        join_request.full_clean()
        join_request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        audit_record(
            actor=actor,
            action="change",
            record_type=RECORD_TYPE,
            record_id=join_request.pk,
            fields_changed=["status", "reason"],
            values={"reference": join_request.reference, "status": join_request.status},
            reason=reason,
            request=request,
        )
        _decision_email(join_request, reason=reason)
    return join_request
