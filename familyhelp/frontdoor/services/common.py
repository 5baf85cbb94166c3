"""What every way into the front door shares: its settings, when a decision is due, and what a
request carries into the queue once submitted (an assessment and a self-referral alike)."""

import datetime

from django.db.models import Max
from django.utils import timezone

from familyhelp.core.working_days import add_working_days
from familyhelp.frontdoor.models import Decision, FrontDoorSettings, Request, RequestPerson

RE_REFERRAL_DAYS = 365
CHILD_ROLES = (RequestPerson.Role.CHILD, RequestPerson.Role.UNBORN)


def front_door_settings() -> FrontDoorSettings:
    """The one settings row, made on first use."""
    found, _ = FrontDoorSettings.objects.get_or_create(pk=1)
    return found


def decision_due_on(submitted_at: datetime.datetime, working_days: int | None = None):
    """The day a decision is due: `working_days` working days (the settings', by default) after
    the day it arrived, skipping weekends and England and Wales bank holidays."""
    if working_days is None:
        working_days = front_door_settings().decision_due_working_days
    return add_working_days(timezone.localdate(submitted_at), working_days)


def is_re_referral(request: Request, *, at: datetime.datetime) -> bool:
    """A child (or unborn baby) on the request had a decision in the 12 months before `at`."""
    children = RequestPerson.objects.filter(request=request, role__in=CHILD_ROLES).values(
        "person_id"
    )
    return (
        Decision.objects.exclude(request=request)
        .exclude(approval=Decision.Approval.RETURNED)
        .filter(
            decided_at__gte=at - datetime.timedelta(days=RE_REFERRAL_DAYS),
            decided_at__lte=at,
            request__request_people__person_id__in=children,
            request__request_people__role__in=CHILD_ROLES,
        )
        .exists()
    )


def request_refresh_triage_fields(request: Request) -> None:
    """Recompute what the queue filters on from the people now on the request (the caller saves):
    the re-referral flag and the youngest child's date of birth."""
    at = request.submitted_at or timezone.now()
    request.is_re_referral = is_re_referral(request, at=at)
    born = RequestPerson.objects.filter(request=request, role__in=CHILD_ROLES).aggregate(
        youngest=Max("person__date_of_birth"), expected=Max("person__expected_date")
    )
    # An unborn baby is the youngest; otherwise the latest date of birth.
    request.youngest_child_born_on = born["expected"] or born["youngest"]


def request_mark_submitted(request: Request, *, at: datetime.datetime | None = None) -> None:
    """Move a request into the queue (the caller saves it and writes the audit record)."""
    at = at or timezone.now()
    request.status = Request.Status.SUBMITTED
    request.submitted_at = at
    request.decision_due_on = decision_due_on(at)
    request_refresh_triage_fields(request)
    request.updated_at = at
    request.revision += 1
