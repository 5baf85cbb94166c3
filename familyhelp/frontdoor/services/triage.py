"""Triage: an officer picks a request up (or releases it), records checks with partners, and links
a self-referral to its family. Deciding is in services/decisions.py.

Picking up is one conditional UPDATE ("take it if nobody has it"), so two officers clicking at
the same moment cannot both take a request: the second is told who took it and when.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.core import formatting
from familyhelp.frontdoor import access
from familyhelp.frontdoor.models import PartnerCheck, Request

TRIAGE_PERMISSION = "frontdoor.triage_request"

NOT_FRONT_DOOR = "Only front door officers can triage this request."
TAKEN_BY = "{who} picked up this request at {when}. Ask them before you work on it."
NOT_WAITING = "This request is not waiting for triage: it is {status}."
NOT_YOURS_TO_RELEASE = "You can only release a request you picked up."
NOT_OPEN = "This request has been decided, so nothing can be added to it."
PARTNER_REQUIRED = "Enter the partner you checked with, like Police or the school"
OUTCOME_REQUIRED = "Enter what the partner told you"
PARTNER_MAX_LENGTH = 200
PARTNER_TOO_LONG = f"The partner must be {PARTNER_MAX_LENGTH} characters or fewer"


class TriageError(Exception):
    """A refused triage step; the text is what the person is shown."""


def name_of(user) -> str:
    if user is None:
        return "Someone"
    return user.full_name or user.email


def when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{formatting.time_12h(local.time())} on {formatting.long_date(local.date())}"


def taken_by_message(request: Request) -> str:
    return TAKEN_BY.format(who=name_of(request.picked_up_by), when=when(request.picked_up_at))


def audit_request(*, actor, request: Request, action=AuditAction.CHANGE, http_request=None, **kw):
    return audit_record(
        actor=actor,
        action=action,
        record_type=access.REQUEST,
        record_id=request.pk,
        family_id=request.family_id,
        request=http_request,
        **kw,
    )


def refuse(*, actor, request: Request, step: str, message: str, http_request=None):
    """Audit an attempt that is not allowed (outside any transaction, so it is kept) and raise."""
    audit_request(
        actor=actor,
        request=request,
        http_request=http_request,
        values={"refused": True, "step": step},
    )
    raise TriageError(message)


def require_triage(*, actor, request: Request, step: str, http_request=None) -> None:
    if not actor.has_perm(TRIAGE_PERMISSION, request):
        refuse(
            actor=actor,
            request=request,
            step=step,
            message=NOT_FRONT_DOOR,
            http_request=http_request,
        )


def request_pick_up(*, actor, request: Request, http_request=None) -> Request:
    """Take a waiting request: it shows as the officer's until they decide or release it."""
    require_triage(actor=actor, request=request, step="pick_up", http_request=http_request)
    now = timezone.now()
    with transaction.atomic():
        taken = Request.objects.filter(
            pk=request.pk, status=Request.Status.SUBMITTED, picked_up_by__isnull=True
        ).update(
            status=Request.Status.IN_TRIAGE,
            picked_up_by=actor,
            picked_up_at=now,
            updated_at=now,
            revision=F("revision") + 1,
        )
        if taken:
            audit_request(
                actor=actor,
                request=request,
                http_request=http_request,
                fields_changed=["status", "picked_up_by"],
                values={"step": "pick_up"},
            )
    current = Request.objects.select_related("picked_up_by").get(pk=request.pk)
    if taken or current.picked_up_by_id == actor.pk:
        return current
    if current.picked_up_by_id is not None:
        raise TriageError(taken_by_message(current))
    raise TriageError(NOT_WAITING.format(status=current.get_status_display().lower()))


def request_release(*, actor, request: Request, http_request=None) -> Request:
    """Put a request the officer picked up back in the queue for anyone to take."""
    require_triage(actor=actor, request=request, step="release", http_request=http_request)
    now = timezone.now()
    with transaction.atomic():
        released = Request.objects.filter(
            pk=request.pk, status=Request.Status.IN_TRIAGE, picked_up_by=actor
        ).update(
            status=Request.Status.SUBMITTED,
            picked_up_by=None,
            picked_up_at=None,
            updated_at=now,
            revision=F("revision") + 1,
        )
        if not released:
            raise TriageError(NOT_YOURS_TO_RELEASE)
        audit_request(
            actor=actor,
            request=request,
            http_request=http_request,
            fields_changed=["status", "picked_up_by"],
            values={"step": "release"},
        )
    return Request.objects.get(pk=request.pk)


def partner_check_record(
    *, actor, request: Request, partner: str, outcome: str, http_request=None
) -> PartnerCheck:
    """Record what a partner (police, health, the school) said when the officer checked."""
    require_triage(actor=actor, request=request, step="partner_check", http_request=http_request)
    partner, outcome = (partner or "").strip(), (outcome or "").strip()
    if not partner:
        raise TriageError(PARTNER_REQUIRED)
    if len(partner) > PARTNER_MAX_LENGTH:
        raise TriageError(PARTNER_TOO_LONG)
    if not outcome:
        raise TriageError(OUTCOME_REQUIRED)
    with transaction.atomic():
        current = Request.objects.select_for_update().get(pk=request.pk)
        if not current.is_open:
            raise TriageError(NOT_OPEN)
        check = PartnerCheck(request=current, partner=partner, outcome=outcome, checked_by=actor)
        check.full_clean()
        check.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            record_type="frontdoor.partnercheck",
            record_id=check.pk,
            family_id=current.family_id,
            values={"request": current.pk},
            request=http_request,
        )
    return check


NOT_A_SELF_REFERRAL = "Only a self-referral is linked to a family here."
ALREADY_LINKED = "This request is already linked to a family."


def _record_self_referral_consent(*, actor, request: Request, family, http_request) -> None:
    """What the family agreed to on the form becomes the family's Consent (given online)."""
    from familyhelp.families.models import Consent
    from familyhelp.families.services.consent import consent_record

    given_on = timezone.localdate(request.submitted_at or request.created_at)
    scopes = []
    if request.consent_given:
        scopes.append(Consent.Scope.ASSESSMENT)
    if request.contact_by_text:
        scopes.append(Consent.Scope.CONTACT_BY_TEXT)
    for scope in scopes:
        consent_record(
            actor=actor,
            family=family,
            scope=scope,
            given_by_name=request.contact_name or "The family",
            given_on=given_on,
            method=Consent.Method.ONLINE,
            http_request=http_request,
        )


def request_link_family(
    *, actor, request: Request, person=None, child: dict | None = None, http_request=None
) -> Request:
    """Link a self-referral to its family: the family of an existing person the duplicate check
    found, or a new family with the child in it. The family's consent is recorded from the form,
    and the queue's fields (re-referral, youngest child) are worked out again."""
    from familyhelp.families.models import FamilyMember
    from familyhelp.families.services.people import (
        family_create,
        family_member_add,
        person_create,
    )
    from familyhelp.frontdoor.models import RequestPerson
    from familyhelp.frontdoor.services.common import request_refresh_triage_fields

    require_triage(actor=actor, request=request, step="link_family", http_request=http_request)
    if request.kind != Request.Kind.SELF_REFERRAL:
        raise TriageError(NOT_A_SELF_REFERRAL)
    with transaction.atomic():
        current = Request.objects.select_for_update().get(pk=request.pk)
        if current.family_id is not None:
            raise TriageError(ALREADY_LINKED)
        if not current.is_open:
            raise TriageError(NOT_OPEN)
        if person is not None:
            membership = FamilyMember.objects.filter(person=person).order_by("pk").first()
            family = membership.family if membership else None
            if family is None:
                family = family_create(
                    actor=actor, name=f"The {person.family_name} family", http_request=http_request
                )
        else:
            family = family_create(
                actor=actor, name=f"The {child['family_name']} family", http_request=http_request
            )
        current.family = family
        current.save(update_fields=["family"])
        if person is None:
            person = person_create(
                actor=actor, family=family, details=child, http_request=http_request
            )
        elif not FamilyMember.objects.filter(family=family, person=person).exists():
            family_member_add(actor=actor, family=family, person=person, http_request=http_request)
        RequestPerson.objects.get_or_create(
            request=current, person=person, defaults={"role": RequestPerson.Role.CHILD}
        )
        _record_self_referral_consent(
            actor=actor, request=current, family=family, http_request=http_request
        )
        request_refresh_triage_fields(current)
        if not current.area:
            # The queue files a request under its area: the district of the child's postcode.
            current.area = (person.postcode or current.postcode or "").split(" ")[0]
        current.updated_at = timezone.now()
        current.revision += 1
        current.save()
        audit_request(
            actor=actor,
            request=current,
            http_request=http_request,
            fields_changed=["family", "people"],
            values={"step": "link_family", "family": family.pk, "person": person.pk},
        )
    return current
