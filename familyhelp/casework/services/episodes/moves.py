"""Where the episode sits: step-up to children's social care and step-down back (keeping the
episode, its history and, when chosen, the keyworker), closure, and re-opening."""

import datetime

from django.db import transaction
from django.utils import timezone

from familyhelp.casework.models import Action, Episode, EpisodeTransition, Goal
from familyhelp.casework.services.episodes.common import (
    CHOOSE_IN_TEAM,
    LEAD,
    MANAGE,
    REPEAT_WITHIN,
    EpisodeError,
    audit_episode,
    check_revision,
    lock,
    may_lead,
    refuse,
    require,
    save,
    transition,
)

NOT_OPEN = "Only an open episode can be stepped up: this one is {status}."
NOT_STEPPED_UP = (
    "Only an episode stepped up to social care can be stepped down: this one is {status}."
)
REFERRAL_DATE_REQUIRED = "Enter the date of the statutory referral"
REFERRAL_DATE_FUTURE = "The date of the statutory referral must be today or in the past"
REFERRAL_DATE_BEFORE_OPENED = "The date of the statutory referral must be on or after {opened}"
STEP_UP_REASON_REQUIRED = "Enter why the family is being stepped up to children’s social care"
STEP_DOWN_LEAD_REQUIRED = "Choose the lead professional for the family’s Family Help"
ALREADY_CLOSED = "This episode is already closed. Nothing has been changed."
CLOSURE_REASON_REQUIRED = "Select why the episode is closing"
CLOSURE_NOTES_REQUIRED = "Enter the reason the episode is closing"
GOAL_OUTCOME_REQUIRED = "Select whether each goal was met"
OPEN_ACTIONS = (
    "{count} action(s) on the plan are still open. Say why the episode is closing with open "
    "actions, or update the actions first"
)
NOT_CLOSED = "Only a closed episode can be re-opened: this one is {status}."
REOPEN_REASON_REQUIRED = "Enter why the episode is being re-opened"

GOAL_OUTCOMES = (Goal.Status.MET, Goal.Status.PARTLY_MET, Goal.Status.NOT_MET)


def _check_referral_date(episode, referral_on: datetime.date | None, today) -> None:
    if referral_on is None:
        raise EpisodeError(REFERRAL_DATE_REQUIRED)
    if referral_on > today:
        raise EpisodeError(REFERRAL_DATE_FUTURE)
    opened = timezone.localdate(episode.created_at)
    if referral_on < opened:
        raise EpisodeError(REFERRAL_DATE_BEFORE_OPENED.format(opened=f"{opened:%-d %B %Y}"))


def episode_step_up(
    *,
    actor,
    episode: Episode,
    referral_on,
    reason: str,
    keep_keyworker: bool,
    revision=None,
    http_request=None,
) -> Episode:
    """Step up to children's social care: same episode and history, the statutory referral date
    and reason recorded, the keyworker kept on as co-worker when chosen."""
    require(
        actor=actor, permission=LEAD, episode=episode, step="step_up", http_request=http_request
    )
    reason = (reason or "").strip()
    now = timezone.now()
    _check_referral_date(episode, referral_on, timezone.localdate(now))
    if not reason:
        raise EpisodeError(STEP_UP_REASON_REQUIRED)
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if current.status != Episode.Status.OPEN:
            raise EpisodeError(NOT_OPEN.format(status=current.get_status_display().lower()))
        keyworker = current.lead_professional_id
        current.status = Episode.Status.STEPPED_UP
        current.stepped_up_at = now
        current.statutory_referral_on = referral_on
        current.step_up_reason = reason
        # Social care leads now; the keyworker stays on as co-worker only if chosen.
        current.co_worker_id = keyworker if keep_keyworker else None
        current.lead_professional = None
        fields = ["status", "stepped_up_at", "statutory_referral_on", "step_up_reason"]
        save(current, [*fields, "co_worker", "lead_professional"], now)
        transition(
            episode=current,
            kind=EpisodeTransition.Kind.STEPPED_UP,
            actor=actor,
            at=now,
            reason=reason,
            details={
                "before": keyworker,
                "co_worker": current.co_worker_id,
                "referral_on": referral_on.isoformat(),
            },
        )
        audit_episode(
            actor=actor,
            episode=current,
            http_request=http_request,
            fields_changed=[*fields, "co_worker", "lead_professional"],
            values={"step": "step_up", "keep_keyworker": bool(keep_keyworker)},
        )
    return current


def episode_step_down(
    *,
    actor,
    episode: Episode,
    lead_professional=None,
    reason: str = "",
    revision=None,
    http_request=None,
) -> Episode:
    """Social care steps the family back down: the episode is open again with the same keyworker
    (the co-worker kept on at step-up) unless another lead professional is chosen."""
    require(
        actor=actor, permission=LEAD, episode=episode, step="step_down", http_request=http_request
    )
    now = timezone.now()
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if current.status != Episode.Status.STEPPED_UP:
            raise EpisodeError(NOT_STEPPED_UP.format(status=current.get_status_display().lower()))
        lead = lead_professional or current.co_worker
        if lead is None:
            raise EpisodeError(STEP_DOWN_LEAD_REQUIRED)
        if not may_lead(lead, current.team):
            refusal = CHOOSE_IN_TEAM.format(team=current.team.name)
        else:
            refusal = ""
            before = current.co_worker_id
            current.lead_professional = lead
            current.co_worker = None
            current.status = Episode.Status.OPEN
            save(current, ["lead_professional", "co_worker", "status"], now)
            transition(
                episode=current,
                kind=EpisodeTransition.Kind.STEPPED_DOWN,
                actor=actor,
                at=now,
                reason=(reason or "").strip(),
                details={"before": before, "after": lead.pk},
            )
            audit_episode(
                actor=actor,
                episode=current,
                http_request=http_request,
                fields_changed=["lead_professional", "co_worker", "status"],
                values={"step": "step_down", "after": lead.pk, "same_keyworker": lead.pk == before},
            )
    if refusal:
        refuse(
            actor=actor,
            episode=episode,
            step="step_down",
            message=refusal,
            http_request=http_request,
        )
    return current


def episode_close(
    *,
    actor,
    episode: Episode,
    reason: str,
    goal_outcomes: dict,
    family_feedback: str = "",
    notes: str = "",
    open_actions_reason: str = "",
    revision=None,
    http_request=None,
) -> Episode:
    """Close the episode: why, whether each goal was met, and what the family said.

    `goal_outcomes` maps each goal's id to met, partly met or not met. Closing with actions still
    open needs `open_actions_reason`.
    """
    require(actor=actor, permission=LEAD, episode=episode, step="close", http_request=http_request)
    if reason not in Episode.ClosureReason.values:
        raise EpisodeError(CLOSURE_REASON_REQUIRED)
    notes, open_actions_reason = (notes or "").strip(), (open_actions_reason or "").strip()
    if reason == Episode.ClosureReason.OTHER and not notes:
        raise EpisodeError(CLOSURE_NOTES_REQUIRED)
    now = timezone.now()
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if not current.is_open:
            raise EpisodeError(ALREADY_CLOSED)
        goals = list(Goal.objects.filter(plan__episode=current).select_for_update())
        outcomes = {str(key): value for key, value in (goal_outcomes or {}).items()}
        if any(outcomes.get(str(goal.pk)) not in GOAL_OUTCOMES for goal in goals):
            raise EpisodeError(GOAL_OUTCOME_REQUIRED)
        still_open = Action.objects.filter(
            goal__plan__episode=current, status__in=Action.OPEN_STATUSES
        ).count()
        if still_open and not open_actions_reason:
            raise EpisodeError(OPEN_ACTIONS.format(count=still_open))
        for goal in goals:
            goal.status = outcomes[str(goal.pk)]
        Goal.objects.bulk_update(goals, ["status"])
        previous = current.status
        current.status = Episode.Status.CLOSED
        current.closed_at = now
        current.closure_reason = reason
        current.closure_notes = notes
        current.open_actions_reason = open_actions_reason if still_open else ""
        current.family_feedback = (family_feedback or "").strip()
        fields = [
            "status",
            "closed_at",
            "closure_reason",
            "closure_notes",
            "open_actions_reason",
            "family_feedback",
        ]
        save(current, fields, now)
        transition(
            episode=current,
            kind=EpisodeTransition.Kind.CLOSED,
            actor=actor,
            at=now,
            reason=notes,
            details={
                "reason": reason,
                "from": previous,
                "goals": {str(goal.pk): goal.status for goal in goals},
                "open_actions": still_open,
            },
        )
        audit_episode(
            actor=actor,
            episode=current,
            http_request=http_request,
            fields_changed=fields,
            values={"step": "close", "reason": reason, "open_actions": still_open},
        )
    return current


def episode_reopen(
    *, actor, episode: Episode, reason: str, revision=None, http_request=None
) -> Episode:
    """A manager re-opens a closed episode; within 12 months of closing it counts as a repeat.

    The same lead professional takes it back if they are still in the team; otherwise it waits
    for allocation."""
    require(
        actor=actor, permission=MANAGE, episode=episode, step="reopen", http_request=http_request
    )
    reason = (reason or "").strip()
    if not reason:
        raise EpisodeError(REOPEN_REASON_REQUIRED)
    now = timezone.now()
    with transaction.atomic():
        current = lock(episode)
        check_revision(current, revision)
        if current.status != Episode.Status.CLOSED:
            raise EpisodeError(NOT_CLOSED.format(status=current.get_status_display().lower()))
        closed = {"closed_at": current.closed_at.isoformat(), "reason": current.closure_reason}
        repeat = now - current.closed_at <= REPEAT_WITHIN
        lead = current.lead_professional
        if lead is None or not may_lead(lead, current.team):
            lead = None
        current.status = Episode.Status.OPEN if lead else Episode.Status.AWAITING_ALLOCATION
        current.lead_professional = lead
        current.co_worker = None
        current.is_repeat = current.is_repeat or repeat
        current.closed_at = None
        current.closure_reason = ""
        current.closure_notes = ""
        current.open_actions_reason = ""
        fields = [
            "status",
            "lead_professional",
            "co_worker",
            "is_repeat",
            "closed_at",
            "closure_reason",
            "closure_notes",
            "open_actions_reason",
        ]
        save(current, fields, now)
        transition(
            episode=current,
            kind=EpisodeTransition.Kind.REOPENED,
            actor=actor,
            at=now,
            reason=reason,
            details={
                "closed": closed,
                "repeat": repeat,
                "lead_professional": current.lead_professional_id,
            },
        )
        audit_episode(
            actor=actor,
            episode=current,
            http_request=http_request,
            fields_changed=fields,
            values={"step": "reopen", "repeat": repeat},
        )
    return current
