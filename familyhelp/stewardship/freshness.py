"""Review-by dates, overdue and hidden listings: the reads behind freshness.

A service's review-by date is its `assured_date` plus its review period in months: the shortest
CategoryReviewPeriod of the categories it is tagged with (or of those categories' parents), else
settings.DIRECTORY_REVIEW_MONTHS (six). It is overdue from the day after its review-by date, and
hidden from the public pages and the Open Referral API once it is more than
DIRECTORY_REVIEW_GRACE_DAYS (60) overdue. Hidden listings are never deleted: confirming one
(familyhelp/stewardship/services.py) shows it again at once.

Everything is computed from `assured_date` at read time, so nothing can go stale: the SQL
conditions below compare `assured_date` with cut-off dates worked out in Python for each possible
period (1 to 24 months), which gives both databases the same calendar arithmetic as
`review_by_date` (dateutil's relativedelta: 31 August plus six months is 28 February).
A service with no `assured_date` has never been checked: it is never hidden (there is no date to
count the grace period from), shows the "may be out of date" warning and is listed for the
administrators.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from familyhelp.stewardship.models import MAX_MONTHS, MIN_MONTHS, CategoryReviewPeriod

DEFAULT_REVIEW_MONTHS = 6
DEFAULT_GRACE_DAYS = 60
BEFORE_DAYS = 14  # the first reminder, this many days before the review-by date
FINAL_AFTER_DAYS = 21  # the final reminder, this many days after it


def review_months() -> int:
    return getattr(settings, "DIRECTORY_REVIEW_MONTHS", DEFAULT_REVIEW_MONTHS)


def grace_days() -> int:
    return getattr(settings, "DIRECTORY_REVIEW_GRACE_DAYS", DEFAULT_GRACE_DAYS)


def today() -> datetime.date:
    return timezone.localdate()


def review_by_date(assured_date: datetime.date | None, months: int) -> datetime.date | None:
    if assured_date is None:
        return None
    return assured_date + relativedelta(months=months)


def hidden_from(review_by: datetime.date) -> datetime.date:
    """The first day a listing with this review-by date is hidden (unless confirmed first)."""
    return review_by + datetime.timedelta(days=grace_days() + 1)


def _cutoff(months: int, day: datetime.date) -> datetime.date:
    """The earliest assured_date whose review-by date (after `months`) is on or after `day`.

    Adding months never goes backwards, so "review-by date before `day`" is exactly
    "assured_date before this cut-off"."""
    candidate = day - relativedelta(months=months)
    while review_by_date(candidate - datetime.timedelta(days=1), months) >= day:
        candidate -= datetime.timedelta(days=1)
    while review_by_date(candidate, months) < day:
        candidate += datetime.timedelta(days=1)
    return candidate


def _periods_of(service_pk_field: str):
    """A subquery of the review periods of a service's categories and of their parents, for the
    service whose id the outer query names `service_pk_field`."""
    from familyhelp.directory.models import Attribute

    # Two levels out: the attributes' query sits inside the periods' query.
    terms = Attribute.objects.filter(service=OuterRef(OuterRef(service_pk_field))).values(
        "taxonomy_term_id"
    )
    return CategoryReviewPeriod.objects.filter(
        Q(taxonomy_term__in=terms) | Q(taxonomy_term__children__in=terms)
    )


def review_due_before(day: datetime.date, prefix: str = "") -> Q:
    """Services (reached through `prefix`, "" or "service__") whose review-by date is before
    `day`. Services never checked (no assured_date) never match."""
    assured = f"{prefix}assured_date"
    # The periods in use (a handful of rows): with none set, every listing has the default
    # period and a plain, indexable date comparison answers. Otherwise a listing checked before
    # the longest period's cut-off is due whatever its categories, and one checked on or after
    # the shortest period's cut-off is not: only those between need their categories looked at.
    months_in_use = set(CategoryReviewPeriod.objects.values_list("months", flat=True).distinct())
    default_cutoff = _cutoff(review_months(), day)
    if not months_in_use:
        return Q(**{f"{assured}__isnull": False, f"{assured}__lt": default_cutoff})
    cutoffs = [_cutoff(m, day) for m in months_in_use] + [default_cutoff]
    surely_due = Q(**{f"{assured}__lt": min(cutoffs)})
    maybe_due = Q(**{f"{assured}__isnull": False, f"{assured}__lt": max(cutoffs)})
    periods = _periods_of(f"{prefix}pk")
    cutoff = Case(
        *(When(months=m, then=Value(_cutoff(m, day))) for m in range(MIN_MONTHS, MAX_MONTHS + 1)),
        default=None,
    )
    by_category = periods.annotate(cutoff=cutoff).filter(cutoff__gt=OuterRef(assured))
    by_default = ~Exists(periods) & Q(**{f"{assured}__lt": default_cutoff})
    return maybe_due & (surely_due | by_default | Exists(by_category))


def hidden_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Listings more than the grace period past their review-by date on `on` (default today)."""
    on = on or today()
    return review_due_before(on - datetime.timedelta(days=grace_days()), prefix)


def not_hidden(prefix: str = "", on: datetime.date | None = None) -> Q:
    """What the public pages and the API add to "published": not hidden for being out of date."""
    return Q(**{f"{prefix}assured_date__isnull": True}) | ~hidden_q(prefix, on)


def overdue_q(prefix: str = "", on: datetime.date | None = None) -> Q:
    """Listings past their review-by date on `on` (hidden ones included)."""
    return review_due_before(on or today(), prefix)


# One service, or many at once ----------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    """Where one listing stands on `on`."""

    assured_date: datetime.date | None
    months: int
    review_by: datetime.date | None
    on: datetime.date

    @property
    def never_checked(self) -> bool:
        return self.review_by is None

    @property
    def overdue(self) -> bool:
        return self.review_by is not None and self.review_by < self.on

    @property
    def hidden(self) -> bool:
        return self.review_by is not None and hidden_from(self.review_by) <= self.on

    @property
    def may_be_out_of_date(self) -> bool:
        """What the public page warns about: overdue, or never checked."""
        return self.never_checked or self.overdue

    @property
    def hidden_on(self) -> datetime.date | None:
        return hidden_from(self.review_by) if self.review_by else None


def review_periods(service_ids) -> dict:
    """{service id: review period in months} for many services, in one query."""
    from familyhelp.directory.models import Attribute

    ids = list(service_ids)
    rows = (
        Attribute.objects.filter(service_id__in=ids)
        .filter(
            Q(taxonomy_term__review_period__isnull=False)
            | Q(taxonomy_term__parent__review_period__isnull=False)
        )
        .values_list(
            "service_id",
            "taxonomy_term__review_period__months",
            "taxonomy_term__parent__review_period__months",
        )
    )
    default = review_months()
    periods = dict.fromkeys(ids, None)
    for service_id, own, parent in rows:
        for months in (own, parent):
            if months is not None:
                current = periods.get(service_id)
                periods[service_id] = months if current is None else min(current, months)
    return {service_id: months or default for service_id, months in periods.items()}


def freshness_of_many(services, on: datetime.date | None = None) -> dict:
    """{service id: Freshness} for Service rows (with assured_date), in one query."""
    on = on or today()
    services = list(services)
    periods = review_periods(service.pk for service in services)
    return {
        service.pk: Freshness(
            assured_date=service.assured_date,
            months=periods[service.pk],
            review_by=review_by_date(service.assured_date, periods[service.pk]),
            on=on,
        )
        for service in services
    }


def freshness_of(service, on: datetime.date | None = None) -> Freshness:
    return freshness_of_many([service], on)[service.pk]
