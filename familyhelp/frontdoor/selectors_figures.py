"""Reads behind the front door's figures for managers (docs/front-door-figures.md).

Each selector takes the person reading and a period, checks they may see the figures, and
returns plain data (counts, never a person), so the insight dashboards can reuse them. Everything
is counted by the database in a fixed number of queries whatever the number of requests: rows are
grouped by day (or by agency, or by decision kind) and only those few groups reach Python, where
working days (core/working_days.py) are counted per group.

What each figure counts:
- requests by week, by source, conversion and re-referrals: requests submitted in the period
  (drafts are never counted);
- time to decision and decisions by type: decisions in force (not waiting for a manager, not
  returned) that took effect in the period, when decided or, if a manager had to approve them,
  when approved;
- open requests by age: the requests open now, whenever they arrived.
Days are local days (Europe/London); weeks start on Monday.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.core.working_days import working_days_between
from familyhelp.frontdoor.models import Decision, Request

VIEW_FIGURES = "frontdoor.view_figures"
FIGURES_RECORD_TYPE = "frontdoor.figures"
NOT_ALLOWED = "Only the front door team, analysts and system administrators can see the figures"
IN_FORCE = (Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED)
SELF_REFERRAL_SOURCE = "Self-referral (from a family)"
NO_AGENCY_SOURCE = "Agency not recorded"
# Open requests by the working days they have waited: (label, fewest, most; None: no limit).
AGE_BANDS = (
    ("Less than 1 working day", 0, 0),
    ("1 working day", 1, 1),
    ("2 to 5 working days", 2, 5),
    ("6 to 10 working days", 6, 10),
    ("More than 10 working days", 11, None),
)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def before(self) -> datetime.datetime:
        day_after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    def weeks(self) -> list[datetime.date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - datetime.timedelta(days=self.start.weekday())
        found = []
        while monday <= self.end:
            found.append(monday)
            monday += datetime.timedelta(weeks=1)
        return found


@dataclass(frozen=True)
class WeekCount:
    week_starting: datetime.date
    requests: int


@dataclass(frozen=True)
class SourceCount:
    source: str
    agency_id: int | None  # None for self-referrals and assessments with no agency
    requests: int


@dataclass(frozen=True)
class TimeToDecision:
    decisions: int = 0
    # Decided on or before the day the decision was due (Request.decision_due_on).
    within_due: int = 0
    median_hours: float | None = None
    median_working_days: float | None = None

    @property
    def within_due_share(self) -> float | None:
        return None if not self.decisions else self.within_due * 100 / self.decisions


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    decisions: int


@dataclass(frozen=True)
class Conversion:
    """Early Support Assessments submitted in the period, and what was decided about them."""

    assessments: int = 0
    decided: int = 0
    family_help: int = 0

    @property
    def share(self) -> float | None:
        return None if not self.assessments else self.family_help * 100 / self.assessments


@dataclass(frozen=True)
class ReReferrals:
    requests: int = 0
    re_referrals: int = 0

    @property
    def share(self) -> float | None:
        return None if not self.requests else self.re_referrals * 100 / self.requests


@dataclass(frozen=True)
class AgeBand:
    label: str
    requests: int
    overdue: int


@dataclass(frozen=True)
class Figures:
    period: Period
    on: datetime.date
    by_week: list[WeekCount]
    by_source: list[SourceCount]
    time_to_decision: TimeToDecision
    by_kind: list[KindCount]
    conversion: Conversion
    re_referrals: ReReferrals
    open_by_age: list[AgeBand]

    @property
    def submitted(self) -> int:
        return sum(week.requests for week in self.by_week)

    @property
    def open_requests(self) -> int:
        return sum(band.requests for band in self.open_by_age)

    @property
    def open_overdue(self) -> int:
        return sum(band.overdue for band in self.open_by_age)


def figures_allowed(*, actor, http_request=None) -> bool:
    """Whether the person may see the figures; a refusal is audited (the page then answers
    "Page not found", as for any page the person may not use)."""
    if access.user_has_perm(actor, VIEW_FIGURES):
        return True
    if access.signed_in(actor):
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            record_type=FIGURES_RECORD_TYPE,
            record_id="",
            values={"refused": True, "permission": VIEW_FIGURES},
            request=http_request,
        )
    return False


def _check(actor) -> None:
    if not figures_allowed(actor=actor):
        raise PermissionDenied(NOT_ALLOWED)


def _submitted_in(period: Period):
    return Request.objects.exclude(status=Request.Status.DRAFT).filter(
        submitted_at__gte=period.since, submitted_at__lt=period.before
    )


def _in_force_in(period: Period):
    """Decisions in force, with `effective_at` (approval time if approved), taking effect in
    the period."""
    # A decision takes effect when decided or later: the condition on decided_at lets the
    # database use its index to skip decisions made after the period.
    return (
        Decision.objects.filter(approval__in=IN_FORCE, decided_at__lt=period.before)
        .annotate(effective_at=Coalesce("approved_at", "decided_at"))
        .filter(effective_at__gte=period.since, effective_at__lt=period.before)
    )


def requests_by_week(*, actor, period: Period) -> list[WeekCount]:
    """Requests submitted each week of the period (every week listed, empty ones too)."""
    _check(actor)
    rows = (
        _submitted_in(period)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(requests=Count("pk"))
        .order_by()
    )
    counts: dict[datetime.date, int] = {}
    for row in rows:
        monday = row["day"] - datetime.timedelta(days=row["day"].weekday())
        counts[monday] = counts.get(monday, 0) + row["requests"]
    return [WeekCount(monday, counts.get(monday, 0)) for monday in period.weeks()]


def requests_by_source(*, actor, period: Period) -> list[SourceCount]:
    """Requests submitted in the period by the agency that made them, most first; families'
    own self-referrals are one source."""
    _check(actor)
    rows = (
        _submitted_in(period)
        .values("kind", "agency_id", "agency__name")
        .annotate(requests=Count("pk"))
        .order_by()
    )
    # A self-referral counts as the family's own, whatever else the row says.
    counts: dict[tuple[str, int | None], int] = {}
    for row in rows:
        if row["kind"] == Request.Kind.SELF_REFERRAL:
            key = (SELF_REFERRAL_SOURCE, None)
        elif row["agency_id"] is None:
            key = (NO_AGENCY_SOURCE, None)
        else:
            key = (row["agency__name"], row["agency_id"])
        counts[key] = counts.get(key, 0) + row["requests"]
    found = [SourceCount(source, agency_id, n) for (source, agency_id), n in counts.items()]
    return sorted(found, key=lambda s: (-s.requests, s.source.casefold()))


def _weighted_median(values: list[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how many times), averaging the middle two."""
    total = sum(count for _, count in values)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for value, count in sorted(values):
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


def time_to_decision(*, actor, period: Period) -> TimeToDecision:
    """How long decisions that took effect in the period took from submission: the median in
    hours and in working days, and how many were decided by their due day."""
    _check(actor)
    decisions = _in_force_in(period)
    rows = (
        decisions.annotate(
            arrived=TruncDate("request__submitted_at"),
            decided=TruncDate("effective_at"),
            due=F("request__decision_due_on"),
        )
        .values("arrived", "decided", "due")
        .annotate(decisions=Count("pk"))
        .order_by()
    )
    total = within_due = 0
    working_days = []
    for row in rows:
        total += row["decisions"]
        if row["due"] is not None and row["decided"] <= row["due"]:
            within_due += row["decisions"]
        waited = max(0, working_days_between(row["arrived"], row["decided"]))
        working_days.append((waited, row["decisions"]))
    if not total:
        return TimeToDecision()
    waits = (
        decisions.annotate(
            wait=ExpressionWrapper(
                F("effective_at") - F("request__submitted_at"), output_field=DurationField()
            )
        )
        .order_by("wait", "pk")
        .values_list("wait", flat=True)
    )
    middle = list(waits[(total - 1) // 2 : total // 2 + 1])
    hours = sum(wait.total_seconds() for wait in middle) / len(middle) / 3600
    return TimeToDecision(
        decisions=total,
        within_due=within_due,
        median_hours=max(0.0, hours),
        median_working_days=_weighted_median(working_days),
    )


def decisions_by_type(*, actor, period: Period) -> list[KindCount]:
    """Decisions in force that took effect in the period, by kind (every kind listed)."""
    _check(actor)
    rows = _in_force_in(period).values("kind").annotate(decisions=Count("pk")).order_by()
    counts = {row["kind"]: row["decisions"] for row in rows}
    return [KindCount(kind, label, counts.get(kind, 0)) for kind, label in Decision.Kind.choices]


def conversion(*, actor, period: Period) -> Conversion:
    """Of the Early Support Assessments submitted in the period, how many have a decision in
    force and how many of those are Family Help."""
    _check(actor)
    in_force = Decision.objects.filter(request=OuterRef("pk"), approval__in=IN_FORCE)
    found = (
        _submitted_in(period)
        .filter(kind=Request.Kind.ASSESSMENT)
        .aggregate(
            assessments=Count("pk"),
            decided=Count("pk", filter=Exists(in_force)),
            family_help=Count("pk", filter=Exists(in_force.filter(kind=Decision.Kind.FAMILY_HELP))),
        )
    )
    return Conversion(**found)


def re_referrals(*, actor, period: Period) -> ReReferrals:
    """Requests submitted in the period, and how many were about a child with a decision in the
    12 months before (Request.is_re_referral)."""
    _check(actor)
    found = _submitted_in(period).aggregate(
        requests=Count("pk"), re_referrals=Count("pk", filter=Q(is_re_referral=True))
    )
    return ReReferrals(**found)


def open_requests_by_age(
    *, actor, period: Period | None = None, on: datetime.date | None = None
) -> list[AgeBand]:
    """The requests open on `on` (today) by the working days they have waited since they
    arrived, with how many are past their due day. Open requests are counted whenever they
    arrived: `period` is accepted so every selector is called alike, and does not narrow them."""
    _check(actor)
    on = on or timezone.localdate()
    rows = (
        Request.objects.filter(status__in=Request.OPEN_STATUSES)
        .annotate(arrived=TruncDate("submitted_at"))
        .values("arrived")
        .annotate(
            requests=Count("pk"),
            overdue=Count("pk", filter=Q(decision_due_on__lt=on)),
        )
        .order_by()
    )
    counts = {label: [0, 0] for label, _, _ in AGE_BANDS}
    for row in rows:
        waited = max(0, working_days_between(row["arrived"], on))
        for label, fewest, most in AGE_BANDS:
            if waited >= fewest and (most is None or waited <= most):
                counts[label][0] += row["requests"]
                counts[label][1] += row["overdue"]
                break
    return [AgeBand(label, *counts[label]) for label, _, _ in AGE_BANDS]


def figures_get(*, actor, period: Period, on: datetime.date | None = None) -> Figures:
    """Every figure on the managers' page, for the period (open requests as on `on`, today)."""
    _check(actor)
    on = on or timezone.localdate()
    return Figures(
        period=period,
        on=on,
        by_week=requests_by_week(actor=actor, period=period),
        by_source=requests_by_source(actor=actor, period=period),
        time_to_decision=time_to_decision(actor=actor, period=period),
        by_kind=decisions_by_type(actor=actor, period=period),
        conversion=conversion(actor=actor, period=period),
        re_referrals=re_referrals(actor=actor, period=period),
        open_by_age=open_requests_by_age(actor=actor, period=period, on=on),
    )
