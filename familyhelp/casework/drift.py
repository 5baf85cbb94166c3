"""Drift: open episodes with no progress for too long, found by the partnership's rules.

Each DriftRule (seeded by casework/seed.py, edited on the case work settings page) counts working
days (familyhelp/core/working_days.py: weekends and England and Wales bank holidays do not count).
A rule's cut-off is the working day that many working days before today; an episode drifts
when the thing the rule watches happened before the cut-off:

- no_contact: an open episode whose last contact (or, with none yet, its allocation) was
  before the cut-off;
- review_overdue: an open episode whose next review was due before the cut-off (0 working days:
  due before today);
- no_goals: an open episode allocated before the cut-off whose plan has no goal;
- actions_overdue: an open episode with an action not done or cancelled, due before the cut-off;
- not_allocated: an episode waiting for allocation since before the cut-off.

Every rule is a condition on the Episode table, so the whole list (or the count per team) is one
query whatever the number of episodes: nothing is evaluated episode by episode in Python.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from familyhelp.casework.models import Action, DriftRule, Episode, Goal
from familyhelp.core.working_days import add_working_days

Code = DriftRule.Code
# The reasons as the manager's page and the digest list them, in this order.
ORDER = [Code.NOT_ALLOCATED, Code.NO_CONTACT, Code.REVIEW_OVERDUE, Code.NO_GOALS]
ORDER.append(Code.ACTIONS_OVERDUE)


@dataclass(frozen=True)
class ActiveRule:
    code: str
    working_days: int
    cutoff: datetime.date

    @property
    def flag(self) -> str:
        """The name of the episode's annotation saying whether this rule finds it drifting."""
        return f"drift_{self.code}"

    @property
    def reason(self) -> str:
        """The reason as a manager reads it, like "No contact for more than 20 working days"."""
        days = self.working_days
        more_than = f"more than {days} working day" + ("" if days == 1 else "s")
        return {
            Code.NO_CONTACT: f"No contact for {more_than}",
            Code.REVIEW_OVERDUE: (
                "Review overdue" if days == 0 else f"Review overdue by {more_than}"
            ),
            Code.NO_GOALS: f"No goal in the plan {more_than} after allocation",
            Code.ACTIONS_OVERDUE: (
                "Actions overdue" if days == 0 else f"Actions overdue by {more_than}"
            ),
            Code.NOT_ALLOCATED: f"Waiting for allocation for {more_than}",
        }[self.code]


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, local time: "before the cut-off" for a date-time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def active_rules(today: datetime.date, rules=None) -> list[ActiveRule]:
    """The enabled rules with their cut-offs for `today` (one query unless `rules` are given)."""
    if rules is None:
        rules = DriftRule.objects.filter(enabled=True)
    by_code = {rule.code: rule for rule in rules if rule.enabled}
    return [
        ActiveRule(
            code, by_code[code].working_days, add_working_days(today, -by_code[code].working_days)
        )
        for code in ORDER
        if code in by_code
    ]


def condition(rule: ActiveRule) -> Q:
    """The condition on Episode for an episode this rule finds drifting."""
    cutoff = _start_of(rule.cutoff)
    is_open = Q(status=Episode.Status.OPEN)
    if rule.code == Code.NO_CONTACT:
        return is_open & Q(_last_contact__lt=cutoff)
    if rule.code == Code.REVIEW_OVERDUE:
        return is_open & Q(next_review_due__lt=rule.cutoff)
    if rule.code == Code.NO_GOALS:
        goals = Goal.objects.filter(plan__episode_id=OuterRef("pk"))
        return is_open & Q(allocated_at__lt=cutoff) & ~Q(Exists(goals))
    if rule.code == Code.ACTIONS_OVERDUE:
        overdue = Action.objects.filter(
            goal__plan__episode_id=OuterRef("pk"),
            status__in=Action.OPEN_STATUSES,
            due_on__lt=rule.cutoff,
        )
        return is_open & Q(Exists(overdue))
    if rule.code == Code.NOT_ALLOCATED:
        return Q(status=Episode.Status.AWAITING_ALLOCATION, created_at__lt=cutoff)
    raise ValueError(f"Unknown drift rule {rule.code}")


def with_drift(episodes: QuerySet, rules: list[ActiveRule]) -> QuerySet:
    """`episodes` annotated with one boolean per rule (`drift_<code>`), narrowed to those that
    drift by at least one rule."""
    episodes = episodes.annotate(_last_contact=Coalesce("last_contact_at", "allocated_at"))
    if not rules:
        return episodes.none()
    anything = Q()
    flags = {}
    for rule in rules:
        found = condition(rule)
        flags[rule.flag] = Case(
            When(found, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        anything |= found
    return episodes.filter(anything).annotate(**flags)


def reasons_of(episode, rules: list[ActiveRule]) -> list[str]:
    """The reasons an episode from `with_drift` is drifting, in the rules' order."""
    return [rule.reason for rule in rules if getattr(episode, rule.flag, False)]
