"""The Family Help plan: needs, goals written with the family, actions and the family's own words
(docs/family-help-plan.md).

The lead professional (or the team manager) makes and changes the plan; the owner of an action
may change that action's status. Every change is one service call that carries the plan revision
the page was showing (a stale one is refused, saying who changed the plan and when), and writes a
numbered PlanVersion holding the whole plan as a JSON document, a chronology entry and an audit
event, all in one transaction.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from familyhelp.accounts import access as record_access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework import access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import (
    Action,
    ChronologyEntry,
    Episode,
    Goal,
    Plan,
    PlanNeed,
    PlanVersion,
    TeamAroundFamilyMember,
)
from familyhelp.casework.services.settings import casework_settings
from familyhelp.core.formatting import long_date, time_12h

VIEW = "casework.view_episode"
LEAD = "casework.lead_episode"
RECORD_WORK = "casework.record_work"
PLAN_RECORD_TYPE = "casework.plan"

TEXT_MAX = 2000
NOT_ALLOWED = "You cannot change this plan. Nothing has been changed."
NOT_OPEN = "This episode is {status}: its plan can no longer be changed. Nothing has been changed."
ALREADY_MADE = "This episode already has a plan. Nothing has been changed."
NO_PLAN = "This episode has no plan yet. Start the plan first."
STALE = (
    "{who} changed the plan at {time} on {date}, after you opened this page. Nothing you entered "
    "has been saved: check what they saved, then save yours again"
)
NEED_REQUIRED = "Enter the need"
DOMAIN_REQUIRED = "Choose the area of need"
GOAL_REQUIRED = "Enter the goal, in the family’s words where you can"
ACTION_REQUIRED = "Enter what will be done"
TOO_LONG = f"This must be {TEXT_MAX:,} characters or fewer"
FAMILY_WORDS_TOO_LONG = f"The family’s words must be {TEXT_MAX:,} characters or fewer"
OWNER_REQUIRED = "Choose who will do it"
OWNER_NOT_IN_TEAM = (
    "Choose the lead professional or someone in the team around the family: {name} is not "
    "working with this family"
)
DUE_REQUIRED = "Enter the date it is due, like 27 3 2027"
DUE_IN_PAST = "The date it is due must be today or in the future"
STATUS_REQUIRED = "Choose the status"
UNKNOWN_GOAL = "That goal is not on this plan."
UNKNOWN_ACTION = "That action is not on this plan."

# The assessment's three domains, in the order the plan shows them.
ASSESSMENT_NEEDS = (
    (PlanNeed.Domain.DEVELOPMENT, "development_needs"),
    (PlanNeed.Domain.PARENTING, "parenting_needs"),
    (PlanNeed.Domain.ENVIRONMENT, "environment_needs"),
)


class PlanError(Exception):
    """A refused change; the text is what the person is shown. `field` names the answer at
    fault ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class StalePlan(PlanError):
    """Someone changed the plan after this page was opened: nothing was saved."""

    def __init__(self, plan: Plan):
        changed = timezone.localtime(plan.updated_at)
        who = plan.updated_by
        super().__init__(
            STALE.format(
                who=(who.full_name or who.email) if who else "Someone",
                time=time_12h(changed.time()),
                date=long_date(changed.date()),
            )
        )
        self.plan = plan


# Checks -----------------------------------------------------------------------------------------


def _refuse(*, actor, episode, step: str, http_request=None) -> None:
    """Audit an attempt that is not allowed (outside any transaction, so it is kept) and raise."""
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        record_type=access.EPISODE,
        record_id=episode.pk,
        family_id=episode.family_id,
        values={"refused": True, "step": step},
        request=http_request,
    )
    raise PlanError(NOT_ALLOWED)


def may_change_plan(user, episode: Episode) -> bool:
    return record_access.user_has_perm(user, LEAD, episode) and episode.is_open


def _require_lead(*, actor, episode, step, http_request=None) -> None:
    if not record_access.user_has_perm(actor, LEAD, episode):
        _refuse(actor=actor, episode=episode, step=step, http_request=http_request)
    _require_open(episode)


def _require_open(episode: Episode) -> None:
    if episode.status not in (Episode.Status.OPEN, Episode.Status.STEPPED_UP):
        raise PlanError(NOT_OPEN.format(status=episode.get_status_display().lower()))


def _text(value, *, required: str, field: str, too_long: str = TOO_LONG) -> str:
    text = (value or "").strip()
    if not text:
        raise PlanError(required, field=field)
    if len(text) > TEXT_MAX:
        raise PlanError(too_long, field=field)
    return text


def _optional_text(value, *, field: str, too_long: str = FAMILY_WORDS_TOO_LONG) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise PlanError(too_long, field=field)
    return text


def owner_ids(episode: Episode) -> set[int]:
    """Who may own an action: the lead professional, a co-worker, the current team around the
    family."""
    found = set(
        TeamAroundFamilyMember.objects.filter(episode=episode, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    found |= {pk for pk in (episode.lead_professional_id, episode.co_worker_id) if pk}
    return found


def _check_owner(episode: Episode, owner) -> None:
    if owner is None:
        raise PlanError(OWNER_REQUIRED, field="owner")
    if owner.pk not in owner_ids(episode) or not owner.is_active:
        raise PlanError(
            OWNER_NOT_IN_TEAM.format(name=owner.full_name or owner.email), field="owner"
        )


def _check_due(due_on) -> datetime.date:
    if not isinstance(due_on, datetime.date):
        raise PlanError(DUE_REQUIRED, field="due_on")
    if due_on < timezone.localdate():
        raise PlanError(DUE_IN_PAST, field="due_on")
    return due_on


# The document kept for each version --------------------------------------------------------------


def plan_document(plan: Plan) -> dict:
    """The whole plan as one JSON document: what a version keeps and what the pages show."""
    goals = list(plan.goals.order_by("order", "pk"))
    actions = (
        Action.objects.filter(goal__plan=plan).select_related("owner").order_by("due_on", "pk")
    )
    by_goal: dict[int, list] = {}
    for action in actions:
        by_goal.setdefault(action.goal_id, []).append(
            {
                "id": action.pk,
                "text": action.text,
                "owner_id": str(action.owner_id),
                "owner": action.owner.full_name or action.owner.email,
                "due_on": action.due_on.isoformat(),
                "status": action.status,
            }
        )
    return {
        "family_words": plan.family_words,
        "needs": [
            {"id": need.pk, "domain": need.domain, "text": need.text}
            for need in plan.needs.order_by("order", "pk")
        ],
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "family_words": goal.family_words,
                "status": goal.status,
                "actions": by_goal.get(goal.pk, []),
            }
            for goal in goals
        ],
    }


def _record_change(*, actor, plan: Plan, episode: Episode, summary: str, now, http_request=None):
    """Bump the revision, keep the version, write the chronology and the audit (in the caller's
    transaction)."""
    plan.revision += 1
    plan.updated_at, plan.updated_by = now, actor
    plan.full_clean()
    plan.save()
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = PlanVersion(
        plan=plan,
        number=number,
        document=plan_document(plan),
        created_at=now,
        created_by=actor,
        summary=summary,
    )
    version.full_clean()
    version.save()
    chronology_record(
        family_id=episode.family_id,
        episode=episode,
        at=now,
        kind=ChronologyEntry.Kind.PLAN,
        summary=f"Plan changed: {summary}",
        source=version,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        record_type=PLAN_RECORD_TYPE,
        record_id=plan.pk,
        family_id=episode.family_id,
        values={"episode": episode.pk, "version": number, "revision": plan.revision},
        request=http_request,
    )
    return version


def _locked_plan(episode: Episode, revision) -> Plan:
    plan = Plan.objects.select_for_update(of=("self",)).filter(episode=episode).first()
    if plan is None:
        raise PlanError(NO_PLAN)
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        revision = -1
    if revision != plan.revision:
        raise StalePlan(Plan.objects.select_related("updated_by").get(pk=plan.pk))
    return plan


# Services ---------------------------------------------------------------------------------------


def plan_start(*, actor, episode: Episode, http_request=None) -> Plan:
    """Make the episode's plan, with the needs from the front door assessment, and schedule the
    first review the configured interval from today."""
    _require_lead(actor=actor, episode=episode, step="plan_start", http_request=http_request)
    now = timezone.now()
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if Plan.objects.filter(episode=episode).exists():
            raise PlanError(ALREADY_MADE)
        plan = Plan(episode=episode, updated_at=now, updated_by=actor, revision=0)
        plan.full_clean(exclude=["revision"])
        plan.save()
        assessment = episode.decision.request if episode.decision_id else None
        order = 0
        for domain, field in ASSESSMENT_NEEDS:
            text = getattr(assessment, field, "").strip() if assessment else ""
            if text:
                PlanNeed.objects.create(plan=plan, domain=domain, text=text, order=order)
                order += 1
        weeks = casework_settings().review_interval_weeks
        episode.next_review_due = timezone.localdate() + datetime.timedelta(weeks=weeks)
        episode.updated_at = now
        episode.save(update_fields=["next_review_due", "updated_at"])
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary="plan started" + (f" with {order} needs from the assessment" if order else ""),
            now=now,
            http_request=http_request,
        )
    return plan


def plan_family_words_update(
    *, actor, episode: Episode, revision, family_words: str, http_request=None
) -> Plan:
    """Save the family's own words about the plan."""
    _require_lead(actor=actor, episode=episode, step="plan_words", http_request=http_request)
    words = _optional_text(family_words, field="family_words")
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        plan.family_words = words
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary="the family’s words",
            now=timezone.now(),
            http_request=http_request,
        )
    return plan


def plan_need_add(
    *, actor, episode: Episode, revision, domain: str, text: str, http_request=None
) -> PlanNeed:
    """Add a need in one of the assessment's three areas."""
    _require_lead(actor=actor, episode=episode, step="plan_need_add", http_request=http_request)
    if domain not in PlanNeed.Domain.values:
        raise PlanError(DOMAIN_REQUIRED, field="domain")
    text = _text(text, required=NEED_REQUIRED, field="text")
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        order = (plan.needs.aggregate(last=Max("order"))["last"] or 0) + 1
        need = PlanNeed(plan=plan, domain=domain, text=text, order=order)
        need.full_clean()
        need.save()
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary="need added",
            now=timezone.now(),
            http_request=http_request,
        )
    return need


def goal_add(
    *, actor, episode: Episode, revision, text: str, family_words: str = "", http_request=None
) -> Goal:
    """Add a goal written with the family."""
    _require_lead(actor=actor, episode=episode, step="goal_add", http_request=http_request)
    text = _text(text, required=GOAL_REQUIRED, field="text")
    words = _optional_text(family_words, field="family_words")
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        order = (plan.goals.aggregate(last=Max("order"))["last"] or 0) + 1
        goal = Goal(plan=plan, text=text, family_words=words, order=order)
        goal.full_clean()
        goal.save()
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary="goal added",
            now=timezone.now(),
            http_request=http_request,
        )
    return goal


def goal_update(
    *,
    actor,
    episode: Episode,
    goal_id: int,
    revision,
    text: str,
    family_words: str,
    status: str,
    http_request=None,
) -> Goal:
    """Change a goal's words or whether it is met."""
    _require_lead(actor=actor, episode=episode, step="goal_update", http_request=http_request)
    text = _text(text, required=GOAL_REQUIRED, field="text")
    words = _optional_text(family_words, field="family_words")
    if status not in Goal.Status.values:
        raise PlanError(STATUS_REQUIRED, field="status")
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        goal = plan.goals.filter(pk=goal_id).first()
        if goal is None:
            raise PlanError(UNKNOWN_GOAL)
        goal.text, goal.family_words, goal.status = text, words, status
        goal.full_clean()
        goal.save()
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary=f"goal changed ({goal.get_status_display().lower()})",
            now=timezone.now(),
            http_request=http_request,
        )
    return goal


def action_add(
    *,
    actor,
    episode: Episode,
    goal_id: int,
    revision,
    text: str,
    owner,
    due_on,
    http_request=None,
) -> Action:
    """Add an action towards a goal, owned by the lead professional or someone in the team
    around the family, with the date it is due."""
    _require_lead(actor=actor, episode=episode, step="action_add", http_request=http_request)
    text = _text(text, required=ACTION_REQUIRED, field="text")
    _check_owner(episode, owner)
    due_on = _check_due(due_on)
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        goal = plan.goals.filter(pk=goal_id).first()
        if goal is None:
            raise PlanError(UNKNOWN_GOAL)
        action = Action(goal=goal, text=text, owner=owner, due_on=due_on)
        action.full_clean()
        action.save()
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary="action added",
            now=timezone.now(),
            http_request=http_request,
        )
    return action


def may_update_action(user, episode: Episode, action: Action) -> bool:
    """The lead professional, or the action's owner who is still working with the family."""
    if not episode.is_open:
        return False
    if record_access.user_has_perm(user, LEAD, episode):
        return True
    return action.owner_id == user.pk and record_access.user_has_perm(user, RECORD_WORK, episode)


def action_update_refused(*, actor, episode: Episode, http_request=None) -> None:
    """Someone who may see the episode but may not change this action: audited, then a 404."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=access.EPISODE,
        record_id=episode.pk,
        family_id=episode.family_id,
        values={"refused": True, "step": "action_status"},
        request=http_request,
    )
    raise record_access.RecordNotFound(access.EPISODE, str(episode.pk), personal=True)


def action_status_update(
    *, actor, episode: Episode, action_id: int, revision, status: str, http_request=None
) -> Action:
    """Change an action's status: its owner may, as well as the lead professional."""
    action = Action.objects.filter(pk=action_id, goal__plan__episode=episode).first()
    if action is None:
        raise PlanError(UNKNOWN_ACTION)
    if not may_update_action(actor, episode, action):
        _refuse(actor=actor, episode=episode, step="action_status", http_request=http_request)
    _require_open(episode)
    if status not in Action.Status.values:
        raise PlanError(STATUS_REQUIRED, field="status")
    with transaction.atomic():
        plan = _locked_plan(episode, revision)
        action = Action.objects.select_for_update().get(pk=action.pk)
        action.status = status
        action.full_clean()
        action.save()
        _record_change(
            actor=actor,
            plan=plan,
            episode=episode,
            summary=f"action {action.get_status_display().lower()}",
            now=timezone.now(),
            http_request=http_request,
        )
    return action
