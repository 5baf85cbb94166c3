"""Deciding a request, and a manager approving or returning a decision (docs/front-door.md).

Only the officer who picked a request up decides it. The status moves with a conditional UPDATE
("in triage, with this officer") and the database allows one decision in force per request, so
two clicks (or two officers) at the same moment record exactly one decision. A decision whose
kind is listed in FrontDoorSettings.decisions_needing_approval waits for a manager; the others
take effect at once. When a decision takes effect the requester (and a self-referring family,
if they can be contacted) are told by email or text, on commit, with a reference and a link only.
"""

from functools import partial

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.core import notifications
from familyhelp.frontdoor import effects
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.services.triage import (
    TriageError,
    audit_request,
    name_of,
    refuse,
    require_triage,
    taken_by_message,
)

APPROVE_PERMISSION = "frontdoor.approve_decision"

RATIONALE_REQUIRED = "Enter your rationale: why this decision meets the family’s needs"
KIND_REQUIRED = "Select the decision"
LEVEL_REQUIRED = "Select the level of need"
TEAM_REQUIRED = "Select the team to allocate the family to"
SERVICES_REQUIRED = "Choose at least one service from the directory to send to the family"
REASON_REQUIRED = "Select why no further action is needed"
NOT_PICKED_UP = "Pick up this request before you decide it."
HELD_BY = "{who} picked up this request, so only they can decide it."
ALREADY_DECIDED = "This request has already been decided. Nothing has been changed."
AWAITING = "A decision on this request is waiting for a manager’s approval."
NOT_A_MANAGER = "Only a front door manager can approve decisions."
NOT_AWAITING = "This decision is not waiting for approval. Nothing has been changed."
OWN_DECISION = "You cannot approve a decision you made yourself."
NOTE_REQUIRED = "Enter what the officer needs to change or check"

SIGNPOSTING_SALT = "frontdoor.signposting"
SIGNPOSTING_DAYS = 90


def _check_can_decide(*, actor, request: Request, http_request) -> None:
    """Refusals with an audit record, before the transaction (so the record is kept)."""
    require_triage(actor=actor, request=request, step="decide", http_request=http_request)
    if request.status == Request.Status.IN_TRIAGE and request.picked_up_by_id != actor.pk:
        refuse(
            actor=actor,
            request=request,
            step="decide",
            message=HELD_BY.format(who=name_of(request.picked_up_by)),
            http_request=http_request,
        )


def why_not_decidable(request: Request, actor) -> str:
    """Why this officer cannot decide the request now ("" when they can)."""
    if request.status == Request.Status.IN_TRIAGE and request.picked_up_by_id != actor.pk:
        return HELD_BY.format(who=name_of(request.picked_up_by))
    return _status_problem(request, actor)


def _status_problem(request: Request, actor) -> str:
    if request.status == Request.Status.DECIDED:
        return ALREADY_DECIDED
    if request.status == Request.Status.AWAITING_APPROVAL:
        return AWAITING
    if request.status == Request.Status.SUBMITTED:
        return NOT_PICKED_UP
    if request.picked_up_by_id != actor.pk:
        return taken_by_message(request)
    return ""


def _check_answers(*, kind, level, rationale, team, services, no_further_action_reason):
    if kind not in Decision.Kind.values:
        raise TriageError(KIND_REQUIRED)
    if level is None:
        raise TriageError(LEVEL_REQUIRED)
    if not (rationale or "").strip():
        raise TriageError(RATIONALE_REQUIRED)
    if kind == Decision.Kind.FAMILY_HELP and team is None:
        raise TriageError(TEAM_REQUIRED)
    if kind == Decision.Kind.ADVICE and not services:
        raise TriageError(SERVICES_REQUIRED)
    if (
        kind == Decision.Kind.NO_FURTHER_ACTION
        and no_further_action_reason not in Decision.NoFurtherActionReason.values
    ):
        raise TriageError(REASON_REQUIRED)


def needs_approval(kind: str) -> bool:
    return kind in (front_door_settings().decisions_needing_approval or [])


def request_decide(
    *,
    actor,
    request: Request,
    kind: str,
    level,
    rationale: str,
    team=None,
    services=(),
    no_further_action_reason: str = "",
    http_request=None,
) -> Decision:
    """Record the officer's decision, with the level of need and a written rationale."""
    _check_can_decide(actor=actor, request=request, http_request=http_request)
    _check_answers(
        kind=kind,
        level=level,
        rationale=rationale,
        team=team,
        services=services,
        no_further_action_reason=no_further_action_reason,
    )
    problem = _status_problem(request, actor)
    if problem:
        raise TriageError(problem)
    waits = needs_approval(kind)
    now = timezone.now()
    try:
        with transaction.atomic():
            moved = Request.objects.filter(
                pk=request.pk, status=Request.Status.IN_TRIAGE, picked_up_by=actor
            ).update(
                status=Request.Status.AWAITING_APPROVAL if waits else Request.Status.DECIDED,
                updated_at=now,
                revision=F("revision") + 1,
            )
            if not moved:
                current = Request.objects.select_related("picked_up_by").get(pk=request.pk)
                raise TriageError(_status_problem(current, actor) or ALREADY_DECIDED)
            decision = Decision(
                request=request,
                kind=kind,
                level=level,
                rationale=rationale.strip(),
                team=team if kind == Decision.Kind.FAMILY_HELP else None,
                no_further_action_reason=(
                    no_further_action_reason if kind == Decision.Kind.NO_FURTHER_ACTION else ""
                ),
                referred_to_social_care_at=now if kind == Decision.Kind.SOCIAL_CARE else None,
                decided_at=now,
                decided_by=actor,
                approval=Decision.Approval.AWAITING if waits else Decision.Approval.NOT_NEEDED,
            )
            decision.full_clean(validate_constraints=False)
            decision.save()
            if kind == Decision.Kind.ADVICE:
                decision.services.set(services)
            audit_request(
                actor=actor,
                request=request,
                http_request=http_request,
                fields_changed=["status"],
                values={"step": "decide", "kind": kind, "needs_approval": waits},
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                record_type="frontdoor.decision",
                record_id=decision.pk,
                family_id=request.family_id,
                values={"request": request.pk, "kind": kind},
                request=http_request,
            )
            if not waits:
                effects.decision_took_effect(actor=actor, decision=decision)
                _tell_on_commit(decision)
    except IntegrityError:
        # The database's one-decision-per-request constraint: another decision won the race.
        raise TriageError(ALREADY_DECIDED) from None
    request.refresh_from_db()
    return decision


def _awaiting_decision(request: Request) -> Decision | None:
    return (
        Decision.objects.filter(request=request, approval=Decision.Approval.AWAITING)
        .select_related("decided_by")
        .first()
    )


def _check_manager(*, actor, request: Request, step: str, http_request) -> Decision:
    if not actor.has_perm(APPROVE_PERMISSION, request):
        refuse(
            actor=actor,
            request=request,
            step=step,
            message=NOT_A_MANAGER,
            http_request=http_request,
        )
    decision = _awaiting_decision(request)
    if decision is None or request.status != Request.Status.AWAITING_APPROVAL:
        raise TriageError(NOT_AWAITING)
    if decision.decided_by_id == actor.pk:
        refuse(
            actor=actor, request=request, step=step, message=OWN_DECISION, http_request=http_request
        )
    return decision


def decision_approve(*, actor, request: Request, note: str = "", http_request=None) -> Decision:
    """A manager approves a decision: it takes effect and the requester and family are told."""
    decision = _check_manager(
        actor=actor, request=request, step="approve", http_request=http_request
    )
    now = timezone.now()
    with transaction.atomic():
        moved = Request.objects.filter(
            pk=request.pk, status=Request.Status.AWAITING_APPROVAL
        ).update(status=Request.Status.DECIDED, updated_at=now, revision=F("revision") + 1)
        approved = Decision.objects.filter(
            pk=decision.pk, approval=Decision.Approval.AWAITING
        ).update(
            approval=Decision.Approval.APPROVED,
            approved_by=actor,
            approved_at=now,
            approval_note=(note or "").strip(),
            referred_to_social_care_at=(
                now if decision.kind == Decision.Kind.SOCIAL_CARE else None
            ),
        )
        if not (moved and approved):
            raise TriageError(NOT_AWAITING)
        audit_request(
            actor=actor,
            request=request,
            http_request=http_request,
            fields_changed=["status"],
            values={"step": "approve", "kind": decision.kind},
        )
        decision.refresh_from_db()
        effects.decision_took_effect(actor=actor, decision=decision)
        _tell_on_commit(decision)
    request.refresh_from_db()
    return decision


def decision_return(*, actor, request: Request, note: str, http_request=None) -> Decision:
    """A manager returns a decision to the officer who made it, saying what to change."""
    decision = _check_manager(
        actor=actor, request=request, step="return", http_request=http_request
    )
    note = (note or "").strip()
    if not note:
        raise TriageError(NOTE_REQUIRED)
    now = timezone.now()
    with transaction.atomic():
        moved = Request.objects.filter(
            pk=request.pk, status=Request.Status.AWAITING_APPROVAL
        ).update(
            status=Request.Status.IN_TRIAGE,
            picked_up_by=decision.decided_by_id,
            updated_at=now,
            revision=F("revision") + 1,
        )
        returned = Decision.objects.filter(
            pk=decision.pk, approval=Decision.Approval.AWAITING
        ).update(
            approval=Decision.Approval.RETURNED,
            approved_by=actor,
            approved_at=now,
            approval_note=note,
        )
        if not (moved and returned):
            raise TriageError(NOT_AWAITING)
        audit_request(
            actor=actor,
            request=request,
            http_request=http_request,
            fields_changed=["status"],
            values={"step": "return", "kind": decision.kind},
        )
    request.refresh_from_db()
    decision.refresh_from_db()
    return decision


# Telling people ----------------------------------------------------------------------------


def signposting_token(decision: Decision) -> str:
    return signing.dumps({"decision": decision.pk}, salt=SIGNPOSTING_SALT, compress=True)


def signposting_decision_id(token: str) -> int | None:
    """The decision a signposting link names, or None when it is forged or has expired."""
    try:
        found = signing.loads(token, salt=SIGNPOSTING_SALT, max_age=SIGNPOSTING_DAYS * 86400)
    except signing.BadSignature:
        return None
    decision_id = found.get("decision") if isinstance(found, dict) else None
    return decision_id if isinstance(decision_id, int) else None


def signposting_url(decision: Decision) -> str:
    return notifications.site_url(
        reverse("frontdoor:signposted-services", args=[signposting_token(decision)])
    )


def _send(sender, **kwargs):
    transaction.on_commit(partial(sender, **kwargs), robust=True)


def _tell_on_commit(decision: Decision) -> None:
    """The requester and the family hear that a decision was made: a reference and a link."""
    request = decision.request
    reference = f"request-decided-{request.pk}"
    personalisation = {
        "reference": request.reference,
        "link": notifications.site_url(reverse("frontdoor:request", args=[request.pk])),
    }
    services_link = signposting_url(decision) if decision.kind == Decision.Kind.ADVICE else ""
    if request.kind == Request.Kind.ASSESSMENT:
        requester = request.created_by
        if requester is not None and requester.email:
            _send(
                notifications.send_email,
                to=requester.email,
                template="request_decided",
                personalisation=personalisation,
                reference=reference,
            )
            if services_link:
                _send(
                    notifications.send_email,
                    to=requester.email,
                    template="services_signposted",
                    personalisation={"reference": request.reference, "link": services_link},
                    reference=f"services-{decision.pk}",
                )
        return
    # A self-referral: email if they gave an address; a text only if they agreed to texts.
    family_message = {"reference": request.reference, "link": services_link}
    template = "services_signposted" if services_link else "self_referral_decided"
    if not services_link:
        family_message = {"reference": request.reference}
    if request.contact_email:
        _send(
            notifications.send_email,
            to=request.contact_email,
            template=template,
            personalisation=family_message,
            reference=reference,
        )
    elif request.contact_by_text and request.contact_phone:
        _send(
            notifications.send_sms,
            to=request.contact_phone,
            template=f"{template}_sms",
            personalisation=family_message,
            reference=reference,
        )
