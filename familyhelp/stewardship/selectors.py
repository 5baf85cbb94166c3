"""Reads for the directory administrators: the listings that are overdue, hidden or never checked.

A page costs the same number of queries whatever its size: one count, one page of services (with
their organisations), one for their review periods and one for their latest reminders.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils import timezone

from familyhelp.directory.models import Service
from familyhelp.stewardship import freshness
from familyhelp.stewardship.models import Reminder

PER_PAGE = 50


@dataclass
class OverdueRow:
    service: Service
    state: freshness.Freshness
    last_reminder: Reminder | None

    @property
    def last_reminder_on(self) -> datetime.date | None:
        if self.last_reminder is None:
            return None
        return timezone.localtime(self.last_reminder.created_at).date()


@dataclass
class OverduePage:
    rows: list
    total: int
    hidden: int
    page_number: int
    total_pages: int


def overdue_listings(*, on: datetime.date | None = None, page: int = 1) -> OverduePage:
    """Published services that are overdue (hidden ones included) or were never checked,
    the longest unchecked first."""
    on = on or freshness.today()
    stale = (
        Service.objects.filter(status=Service.Status.ACTIVE)
        .filter(Q(assured_date__isnull=True) | freshness.overdue_q(on=on))
        .select_related("organization")
        .order_by(F("assured_date").asc(nulls_first=True), "name", "id")
    )
    paginator = Paginator(stale, PER_PAGE)
    number = min(max(page, 1), max(paginator.num_pages, 1))
    services = list(paginator.page(number).object_list)
    states = freshness.freshness_of_many(services, on)
    latest = {}
    for reminder in Reminder.objects.filter(service__in=[s.pk for s in services]).order_by(
        "service_id", "-created_at"
    ):
        latest.setdefault(reminder.service_id, reminder)
    rows = [OverdueRow(s, states[s.pk], latest.get(s.pk)) for s in services]
    hidden = Service.objects.filter(status=Service.Status.ACTIVE).filter(freshness.hidden_q(on=on))
    return OverduePage(
        rows=rows,
        total=paginator.count,
        hidden=hidden.count(),
        page_number=number,
        total_pages=paginator.num_pages,
    )
