"""Review reminders: who is told, the signed single-use "Yes, this is still correct" link, and
confirming a listing through it without signing in.

A link carries a random token (secrets.token_urlsafe) signed with django.core.signing (salt
SALT), so a changed link is told apart from an unknown one without a database look-up; only the
token's SHA-256 is stored (ReminderLink.token_hash). A link works once, until it expires
(DIRECTORY_REMINDER_LINK_DAYS, default 60), and not once the listing has been confirmed since the
reminder was sent (by anyone). Refused links change nothing and are audited as "confirm" events
on the reminder link with values {"refused": code}.

Email scanners open links to check them, so opening the link changes nothing: its page shows the
listing and one button, "Yes, this is still correct", which posts. That button is the one click.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.services import audit_record
from familyhelp.core.formatting import long_date
from familyhelp.core.notifications import site_url
from familyhelp.directory import search
from familyhelp.directory.models import OrganisationEditor, Service
from familyhelp.stewardship.models import Reminder, ReminderLink

SALT = "stewardship.review-reminder"
SERVICE_RECORD_TYPE = "directory.service"
LINK_RECORD_TYPE = "stewardship.reminderlink"
LINK_ACTOR_LABEL = "review reminder link"
DEFAULT_LINK_DAYS = 60
EDITOR_ROLE = "organisation-editor"
TEMPLATE = "review_reminder"

TAMPERED = "tampered"
UNKNOWN = "unknown"
EXPIRED = "expired"
ALREADY_USED = "already_used"
ALREADY_CONFIRMED = "already_confirmed"
NOT_LISTED = "not_listed"
PROBLEMS = {
    TAMPERED: "This link is not valid. Check you copied the whole link from the email.",
    UNKNOWN: "This link is not valid. Check you copied the whole link from the email.",
    EXPIRED: (
        "This link has expired. Sign in to check the listing, or use the link in a newer "
        "reminder email."
    ),
    ALREADY_USED: "This link has already been used to confirm the listing. Nothing has changed.",
    ALREADY_CONFIRMED: (
        "Someone has confirmed this listing since this reminder was sent, so there is nothing "
        "more to do. Nothing has changed."
    ),
    NOT_LISTED: (
        "This service is no longer listed in the directory, so it cannot be confirmed. "
        "Contact the directory team if it should be."
    ),
}


class ReminderLinkError(Exception):
    """A link that cannot be used; `code` is one of PROBLEMS."""

    def __init__(self, code: str):
        super().__init__(PROBLEMS[code])
        self.code = code


def link_days() -> int:
    return getattr(settings, "DIRECTORY_REMINDER_LINK_DAYS", DEFAULT_LINK_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Who is reminded -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    kind: str  # ReminderLink.Recipient
    email: str
    user: object = None


def recipients_of_many(services) -> dict:
    """{service id: [Recipient]}: the organisation's editors (active, holding the organisation
    editor role), else the service's contact email, else the organisation's. Two queries."""
    from familyhelp.accounts.models import RoleAssignment

    services = list(services)
    holds_role = RoleAssignment.objects.filter(user=OuterRef("user"), role__code=EDITOR_ROLE)
    editors = (
        OrganisationEditor.objects.filter(
            organization_id__in={s.organization_id for s in services}, user__is_active=True
        )
        .filter(Exists(holds_role))
        .select_related("user")
        .order_by("user__email")
    )
    by_organisation: dict = {}
    for link in editors:
        by_organisation.setdefault(link.organization_id, []).append(link.user)
    found = {}
    for service in services:
        people = by_organisation.get(service.organization_id, [])
        if people:
            found[service.pk] = [
                Recipient(ReminderLink.Recipient.EDITOR, person.email, person) for person in people
            ]
        elif service.email:
            found[service.pk] = [Recipient(ReminderLink.Recipient.SERVICE_CONTACT, service.email)]
        elif service.organization.email:
            found[service.pk] = [
                Recipient(ReminderLink.Recipient.ORGANISATION_CONTACT, service.organization.email)
            ]
        else:
            found[service.pk] = []
    return found


# Issuing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """An email to send once the reminder has committed."""

    link: ReminderLink
    to: str
    personalisation: dict


def issue_links(*, reminder: Reminder, recipients, freshness) -> list[Outgoing]:
    """Create one link per recipient for a new reminder (inside its transaction)."""
    service = reminder.service
    now = timezone.now()
    expires_at = now + timedelta(days=link_days())
    outgoing = []
    for recipient in recipients:
        token = secrets.token_urlsafe(32)
        link = ReminderLink.objects.create(
            reminder=reminder,
            recipient=recipient.kind,
            user=recipient.user,
            token_hash=token_hash(token),
            expires_at=expires_at,
        )
        signed = signing.Signer(salt=SALT).sign(token)
        outgoing.append(
            Outgoing(
                link=link,
                to=recipient.email,
                personalisation={
                    "service": service.name,
                    "organisation": service.organization.name,
                    "kind": reminder.kind,
                    "message": _message(reminder, freshness),
                    "review_by": long_date(reminder.review_by),
                    "confirm_link": site_url(
                        reverse("stewardship:confirm", kwargs={"signed": signed})
                    ),
                    "changes_link": site_url(changes_path(service)),
                    "link_expires": long_date(timezone.localtime(expires_at).date()),
                },
            )
        )
    return outgoing


def changes_path(service) -> str:
    """Where "make changes" goes: sign in, then the editors' page of the listing (its button
    starts a change, or goes on with the one already open)."""
    from urllib.parse import urlencode

    target = reverse("stewardship:service", args=[service.pk])
    return reverse(settings.LOGIN_URL) + "?" + urlencode({"next": target})


def _message(reminder: Reminder, freshness) -> str:
    due = long_date(reminder.review_by)
    if reminder.kind == Reminder.Kind.BEFORE:
        return f"Your listing is due to be checked by {due}."
    if reminder.kind == Reminder.Kind.ON_DAY:
        return f"Your listing is due to be checked today, {due}."
    hidden_on = long_date(freshness.hidden_on)
    if freshness.hidden:
        return (
            f"Your listing was due to be checked by {due}. It is now hidden from the public "
            "directory until you confirm it or change it."
        )
    return (
        f"Your listing was due to be checked by {due}. If it is not checked, it will be hidden "
        f"from the public directory from {hidden_on}."
    )


# Confirming ----------------------------------------------------------------------------------


def link_open(*, signed: str, request=None) -> ReminderLink:
    """The link, if it can still be used; else ReminderLinkError (audited). Changes nothing."""
    link, problem = _find(signed)
    if problem:
        _audit_refusal(link=link, code=problem, request=request)
        raise ReminderLinkError(problem)
    return link


def link_confirm(*, signed: str, request=None) -> ReminderLink:
    """Confirm the listing is still correct: sets assured_date to today, uses up the link.

    The link's row is locked while it is used, so two clicks racing cannot both confirm."""
    problem = None
    with transaction.atomic():
        link, problem = _find(signed, lock=True)
        if not problem:
            service = Service.objects.select_for_update().get(pk=link.reminder.service_id)
            today = timezone.localdate()
            previous = service.assured_date
            now = timezone.now()
            service.assured_date = today
            service.last_modified = now
            service.save(update_fields=["assured_date", "last_modified"])
            link.used_at = now
            link.save(update_fields=["used_at"])
            actor = link.user if link.user is not None and link.user.is_active else None
            audit_record(
                actor=actor,
                actor_label="" if actor else f"{LINK_ACTOR_LABEL} ({link.recipient})",
                action="confirm",
                record_type=SERVICE_RECORD_TYPE,
                record_id=service.pk,
                fields_changed=["assured_date"],
                values={
                    "previous_assured_date": previous,
                    "assured_date": today,
                    "reminder": link.reminder_id,
                    "reminder_kind": link.reminder.kind,
                    "link": link.pk,
                    "recipient": link.recipient,
                },
                request=request,
                reason="Confirmed as still correct from a review reminder.",
            )
            # The listing may have been hidden: the search index and the feed's caches follow.
            search.index_services([service.pk])
    if problem:
        _audit_refusal(link=link, code=problem, request=request)
        raise ReminderLinkError(problem)
    return link


def link_confirmed(*, signed: str) -> ReminderLink | None:
    """The used link behind a confirmation page, or None (for a link not used yet)."""
    try:
        token = signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        return None
    return (
        ReminderLink.objects.select_related("reminder__service__organization")
        .filter(token_hash=token_hash(token), used_at__isnull=False)
        .first()
    )


def _find(signed: str, lock: bool = False) -> tuple[ReminderLink | None, str | None]:
    try:
        token = signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        return None, TAMPERED
    links = ReminderLink.objects.select_related("reminder__service__organization", "user")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=token_hash(token)).first()
    if link is None:
        return None, UNKNOWN
    if link.used_at is not None:
        return link, ALREADY_USED
    service = link.reminder.service
    if service.status != Service.Status.ACTIVE:
        return link, NOT_LISTED
    sent_on = timezone.localtime(link.reminder.created_at).date()
    if service.assured_date is not None and service.assured_date >= sent_on:
        return link, ALREADY_CONFIRMED
    if link.expires_at <= timezone.now():
        return link, EXPIRED
    return link, None


def _audit_refusal(*, link: ReminderLink | None, code: str, request=None) -> None:
    audit_record(
        actor_label=LINK_ACTOR_LABEL,
        action="confirm",
        record_type=LINK_RECORD_TYPE,
        record_id=link.pk if link else "",
        values={
            "refused": code,
            "service": link.reminder.service_id if link else None,
        },
        request=request,
    )
