"""Break-glass: opening a personal record outside one's relationship to it, giving a reason.

A person whose role allows it (Role.may_break_glass) gives a reason and gets access to that one
record for BREAK_GLASS_MINUTES. Asking is audited (action "break_glass", the reason in the
event's reason) whether or not the record exists; every view during the access is audited and
flagged (access.record_viewed). Their team manager reviews each use afterwards.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from familyhelp.accounts import access, relationships
from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.accounts.rules import is_system_administrator
from familyhelp.accounts.selectors import people_managed_by
from familyhelp.audit.models import AuditAction, AuditEvent
from familyhelp.audit.services import audit_record

REASON_MIN_LENGTH = 20
REASON_MAX_LENGTH = 2000
REASON_MISSING = "Enter why you need this record urgently"
REASON_TOO_SHORT = f"Reason must be {REASON_MIN_LENGTH} characters or more"
REASON_TOO_LONG = f"Reason must be {REASON_MAX_LENGTH:,} characters or fewer"
MAY_NOT_BREAK_GLASS = "Your role does not allow emergency access to records."
OUTCOME_MISSING = "Select whether the emergency access was appropriate"
NOTE_NEEDED = "Enter why the emergency access was not appropriate"
NOTE_TOO_LONG = f"Note must be {REASON_MAX_LENGTH:,} characters or fewer"
ALREADY_REVIEWED = "This use of emergency access has already been reviewed."
MAY_NOT_REVIEW = "You cannot review this use of emergency access."

RECORD_TYPE = "accounts.breakglassaccess"


class BreakGlassError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def break_glass_minutes() -> int:
    return int(getattr(settings, "BREAK_GLASS_MINUTES", 60))


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BreakGlassError(REASON_MISSING, field="reason")
    if len(reason) < REASON_MIN_LENGTH:
        raise BreakGlassError(REASON_TOO_SHORT, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise BreakGlassError(REASON_TOO_LONG, field="reason")
    return reason


def find_record(record_type: str, record_id: str):
    """The personal record, or None: an unknown type, a malformed id and a missing record alike."""
    registered = relationships.REGISTRY.get(record_type)
    if registered is None or not registered.personal:
        return None
    try:
        return registered.model._default_manager.filter(pk=record_id).first()
    except (ValidationError, ValueError, TypeError):
        return None


def break_glass_request(
    *, actor, record_type: str, record_id: str, reason: str, request=None
) -> BreakGlassAccess | None:
    """Give the actor emergency access to one personal record; None when there is no such record.

    Raises BreakGlassError when the reason is missing or the actor's role does not allow it (that
    refusal is audited too).
    """
    reason = clean_reason(reason)
    record_type = record_type.lower()
    if not access.user_has_perm(actor, access.BREAK_GLASS_PERMISSION):
        audit_record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            record_type=record_type,
            record_id=record_id,
            values={"refused": True},
            reason=reason,
            request=request,
        )
        raise BreakGlassError(MAY_NOT_BREAK_GLASS)
    record = find_record(record_type, record_id)
    with transaction.atomic():
        if record is None:
            audit_record(
                actor=actor,
                action=AuditAction.BREAK_GLASS,
                record_type=record_type,
                record_id=record_id,
                values={"record_found": False},
                reason=reason,
                request=request,
            )
            return None
        now = timezone.now()
        emergency = BreakGlassAccess(
            user=actor,
            record_type=record_type,
            record_id=str(record.pk),
            family_id=relationships.family_id_of(record),
            reason=reason,
            granted_at=now,
            expires_at=now + datetime.timedelta(minutes=break_glass_minutes()),
        )
        emergency.full_clean()
        emergency.save()
        audit_record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            record_type=record_type,
            record_id=emergency.record_id,
            family_id=emergency.family_id,
            values={
                "record_found": True,
                "break_glass_access": str(emergency.pk),
                "expires_at": emergency.expires_at,
            },
            reason=reason,
            request=request,
        )
    relationships.forget_relationships(record)
    return emergency


def break_glass_review(
    *, actor, emergency: BreakGlassAccess, outcome: str, note: str, request=None
) -> BreakGlassAccess:
    """Record a manager's review of one use of emergency access (once only)."""
    if not access.user_has_perm(actor, "accounts.review_break_glass", emergency):
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=RECORD_TYPE,
            record_id=emergency.pk,
            family_id=emergency.family_id,
            values={"refused": True},
            request=request,
        )
        raise BreakGlassError(MAY_NOT_REVIEW)
    note = (note or "").strip()
    if outcome not in BreakGlassAccess.Outcome.values:
        raise BreakGlassError(OUTCOME_MISSING, field="outcome")
    if outcome == BreakGlassAccess.Outcome.NOT_APPROPRIATE and not note:
        raise BreakGlassError(NOTE_NEEDED, field="note")
    if len(note) > REASON_MAX_LENGTH:
        raise BreakGlassError(NOTE_TOO_LONG, field="note")
    with transaction.atomic():
        locked = BreakGlassAccess.objects.select_for_update().get(pk=emergency.pk)
        if locked.reviewed_at is not None:
            raise BreakGlassError(ALREADY_REVIEWED)
        locked.outcome = outcome
        locked.review_note = note
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=RECORD_TYPE,
            record_id=locked.pk,
            family_id=locked.family_id,
            fields_changed=["outcome", "review_note", "reviewed_by", "reviewed_at"],
            values={"outcome": outcome},
            request=request,
        )
    return locked


# Selectors -----------------------------------------------------------------------------------


def break_glass_use_list(*, actor) -> QuerySet[BreakGlassAccess]:
    """The uses of emergency access the actor reviews: waiting for review first, oldest first.

    A system administrator sees everyone's; a team manager those of people in teams they
    manage. Nobody sees their own. Matches the rule accounts.review_break_glass.
    """
    uses = BreakGlassAccess.objects.select_related("user", "reviewed_by")
    if not access.signed_in(actor):
        return uses.none()
    if not is_system_administrator(actor):
        uses = uses.filter(user_id__in=people_managed_by(actor))
    return uses.exclude(user=actor)


def break_glass_uses_waiting(*, actor) -> QuerySet[BreakGlassAccess]:
    return break_glass_use_list(actor=actor).filter(reviewed_at__isnull=True).order_by("granted_at")


def break_glass_uses_reviewed(*, actor) -> QuerySet[BreakGlassAccess]:
    return (
        break_glass_use_list(actor=actor)
        .filter(reviewed_at__isnull=False)
        .order_by("-reviewed_at", "-granted_at")
    )


def break_glass_use_get(*, actor, pk, request=None) -> BreakGlassAccess:
    """One use of emergency access the actor may review, else RecordNotFound (a 404)."""
    return access.get_object_for_user_or_404(
        actor,
        "accounts.review_break_glass",
        BreakGlassAccess.objects.select_related("user", "reviewed_by"),
        http_request=request,
        pk=pk,
    )


def break_glass_views(emergency: BreakGlassAccess) -> int:
    """How many times the record was opened under this emergency access."""
    return AuditEvent.objects.filter(
        actor_id=emergency.user_id,
        action=AuditAction.VIEW,
        record_type=emergency.record_type,
        record_id=emergency.record_id,
        values__break_glass_access=str(emergency.pk),
    ).count()
