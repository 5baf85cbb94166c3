"""Reads behind the directory administrators' dashboard (docs/dashboard.md).

Everything is counted by the database, a fixed number of queries whatever the size of the
directory: one for the whole directory's figures, one grouped by category, one grouped by area,
one for the reminders by kind, one for the median wait (an ORDER BY … LIMIT on the middle rows,
which both SQLite and PostgreSQL can do), one for the approval queue and one for the open
problem reports, plus the two the freshness conditions read their review periods with.

The listings counted are the active ones (status "active"), hidden ones included: hidden
listings are still in the directory, waiting to be confirmed. A listing is counted once in each
category it is tagged with (under its top-level category) and in each town it has a venue in,
so the rows of those tables can add up to more than the whole directory.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.directory.models import (
    Address,
    Organization,
    ProblemReport,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from familyhelp.stewardship import freshness
from familyhelp.stewardship.models import ListingChange, Reminder

ADMINISTER = "directory.administer"
NOT_ALLOWED = "Only directory administrators can see the dashboard"
CHECKED_WITHIN_MONTHS = 6
# The area of a listing with no venue, and of a venue with no town in its address.
NO_VENUE = "(no venue)"
NO_TOWN = "(no town)"
NO_CATEGORY = None


@dataclass(frozen=True)
class DashboardFilters:
    """A validated choice of listings (DashboardFilterForm cleans it). Empty: everything."""

    category: TaxonomyTerm | None = None
    area: str = ""  # a town, NO_VENUE or NO_TOWN
    organisation: str = ""  # all or part of the organisation's name

    @property
    def narrowed(self) -> bool:
        return bool(self.category or self.area or self.organisation)


@dataclass(frozen=True)
class FreshnessCounts:
    """How fresh a set of listings is."""

    listings: int = 0
    checked: int = 0  # checked in the last CHECKED_WITHIN_MONTHS months
    overdue: int = 0  # past their review-by date (hidden ones included)
    hidden: int = 0
    never_checked: int = 0

    @property
    def checked_share(self) -> float | None:
        """The percentage checked recently, or None when there are no listings."""
        return None if not self.listings else self.checked * 100 / self.listings


@dataclass(frozen=True)
class FreshnessRow:
    key: str | None  # a category's id, an area's name; None for "No category"
    label: str
    figures: FreshnessCounts


@dataclass(frozen=True)
class ReminderRow:
    kind: str
    label: str
    sent: int
    confirmed: int

    @property
    def confirmed_share(self) -> float | None:
        return None if not self.sent else self.confirmed * 100 / self.sent


@dataclass(frozen=True)
class Waiting:
    count: int = 0
    oldest_since: datetime.datetime | None = None


@dataclass
class Dashboard:
    on: datetime.date
    checked_since: datetime.date
    totals: FreshnessCounts
    by_category: list[FreshnessRow] = field(default_factory=list)
    # What the category rows are: "category" (top-level categories) or "subcategory".
    category_level: str = "category"
    by_area: list[FreshnessRow] = field(default_factory=list)
    reminders: list[ReminderRow] = field(default_factory=list)
    median_days_to_confirm: float | None = None
    approval_queue: Waiting = field(default_factory=Waiting)
    open_problems: Waiting = field(default_factory=Waiting)

    @property
    def reminders_sent(self) -> int:
        return sum(row.sent for row in self.reminders)

    @property
    def reminders_confirmed(self) -> int:
        return sum(row.confirmed for row in self.reminders)


# Filter choices ------------------------------------------------------------------------------


def category_choices() -> list[TaxonomyTerm]:
    """The top-level categories, each followed by its sub-categories, by name (one query)."""
    subcategories = (
        TaxonomyTerm.objects.filter(parent__isnull=False, parent__parent__isnull=True)
        .select_related("parent")
        .order_by("name", "pk")
    )
    by_parent: dict = {}
    parents: dict = {}
    for term in subcategories:
        by_parent.setdefault(term.parent_id, []).append(term)
        parents[term.parent_id] = term.parent
    ordered: list[TaxonomyTerm] = []
    for parent in sorted(parents.values(), key=lambda term: (term.name, str(term.pk))):
        ordered.append(parent)
        ordered.extend(by_parent[parent.pk])
    return ordered


def area_choices() -> list[str]:
    """The towns of the directory's venues, by name. (Every venue's, not only those of active
    listings: one scan of the addresses, where joining the listings took half a second on a
    directory of 100,000. A town with no active listing shows nothing when chosen.)"""
    return list(
        Address.objects.exclude(city="").order_by("city").values_list("city", flat=True).distinct()
    )


def organisations_matching(name_part: str) -> int:
    """How many organisations' names contain `name_part` (any case)."""
    return Organization.objects.filter(name__icontains=name_part).count()


# The dashboard -------------------------------------------------------------------------------


def _in_category(term: TaxonomyTerm) -> Q:
    # A top-level category counts the listings tagged with it or with any of its sub-categories.
    terms = TaxonomyTerm.objects.filter(Q(pk=term.pk) | Q(parent_id=term.pk)).values("pk")
    return Q(attributes__taxonomy_term__in=terms)


def _in_area(area: str) -> Q:
    venues = ServiceAtLocation.objects.filter(service=OuterRef("pk"))
    if area == NO_VENUE:
        return ~Exists(venues)
    towns = Address.objects.filter(location__service_at_locations__service=OuterRef("pk"))
    if area == NO_TOWN:
        return Exists(venues) & ~Exists(towns.exclude(city=""))
    return Exists(towns.filter(city=area))


def _matching(services: QuerySet, filters: DashboardFilters) -> QuerySet:
    if filters.category is not None:
        services = services.filter(
            pk__in=Service.objects.filter(_in_category(filters.category)).values("pk")
        )
    if filters.area:
        services = services.filter(_in_area(filters.area))
    if filters.organisation:
        services = services.filter(organization__name__icontains=filters.organisation)
    return services


def listings_matching(filters: DashboardFilters) -> QuerySet:
    """The active listings the dashboard counts."""
    return _matching(Service.objects.filter(status=Service.Status.ACTIVE), filters)


def _freshness_counts(overdue: Q, hidden: Q, since: datetime.date, *, distinct: bool) -> dict:
    return {
        "listings": Count("pk", distinct=distinct),
        "checked": Count("pk", distinct=distinct, filter=Q(assured_date__gte=since)),
        "overdue": Count("pk", distinct=distinct, filter=overdue),
        "hidden": Count("pk", distinct=distinct, filter=hidden),
        "never_checked": Count("pk", distinct=distinct, filter=Q(assured_date__isnull=True)),
    }


def _figures(row: dict) -> FreshnessCounts:
    return FreshnessCounts(
        listings=row["listings"],
        checked=row["checked"],
        overdue=row["overdue"],
        hidden=row["hidden"],
        never_checked=row["never_checked"],
    )


def _by_category(listings, counts, filters: DashboardFilters, categories: list[TaxonomyTerm]):
    """Rows by top-level category; by sub-category when a category is chosen."""
    chosen = filters.category
    term = "attributes__taxonomy_term"
    if chosen is None:
        level = "category"
        wanted = [t for t in categories if t.parent_id is None]
        group = Case(
            When(**{f"{term}__parent__isnull": True}, then=F(f"{term}_id")),
            default=F(f"{term}__parent_id"),
        )
    else:
        level = "subcategory"
        wanted = [t for t in categories if t.parent_id == chosen.pk] or [chosen]
        group = F(f"{term}_id")
    rows = listings.values(group_key=group).annotate(**counts).order_by()
    found = {row["group_key"]: _figures(row) for row in rows}
    result = [
        FreshnessRow(str(t.pk), t.name, found.get(t.pk, FreshnessCounts()))
        for t in wanted
        if t.pk in found
    ]
    if chosen is None and None in found:
        result.append(FreshnessRow(NO_CATEGORY, "No category", found[None]))
    return result, level


def _by_area(listings, counts):
    town = "service_at_locations__location__addresses__city"
    area = Case(
        When(service_at_locations__isnull=True, then=Value(NO_VENUE)),
        default=Coalesce(NullIf(F(town), Value("")), Value(NO_TOWN)),
        output_field=CharField(),
    )
    rows = listings.values(area_key=area).annotate(**counts).order_by()
    labels = {NO_VENUE: "No venue (online or phone)", NO_TOWN: "Venue with no town"}
    found = [
        FreshnessRow(row["area_key"], labels.get(row["area_key"], row["area_key"]), _figures(row))
        for row in rows
    ]
    # Towns by name, then the listings with no town.
    return sorted(found, key=lambda r: (r.key in labels, r.key == NO_VENUE, r.label.casefold()))


def _related(queryset: QuerySet, filters: DashboardFilters, service_field: str) -> QuerySet:
    """Reminders, changes and problem reports about the listings chosen (any status: a report
    may be about a listing since closed)."""
    if not filters.narrowed:
        return queryset
    services = _matching(Service.objects.all(), filters).values("pk")
    return queryset.filter(**{f"{service_field}__in": services})


def _reminders(filters: DashboardFilters, since: datetime.datetime):
    sent = _related(Reminder.objects.filter(sent_at__gte=since), filters, "service")
    rows = (
        sent.values("kind")
        .annotate(
            sent=Count("pk", distinct=True),
            confirmed=Count("pk", distinct=True, filter=Q(links__used_at__isnull=False)),
        )
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    result = [
        ReminderRow(
            kind,
            label,
            found.get(kind, {}).get("sent", 0),
            found.get(kind, {}).get("confirmed", 0),
        )
        for kind, label in Reminder.Kind.choices
    ]
    return sent, result


def _median_days_to_confirm(sent: QuerySet, confirmed: int) -> float | None:
    """The median time from a reminder being sent to its listing being confirmed from one of
    its links, in days: the middle one or two waits, found by ORDER BY with OFFSET/LIMIT."""
    if not confirmed:
        return None
    waits = (
        sent.annotate(confirmed_at=Min("links__used_at"))
        .filter(confirmed_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("confirmed_at") - F("sent_at"), output_field=DurationField())
        )
        .order_by("wait", "pk")
        .values_list("wait", flat=True)
    )
    middle = list(waits[(confirmed - 1) // 2 : confirmed // 2 + 1])
    if not middle:
        return None
    seconds = sum(wait.total_seconds() for wait in middle) / len(middle)
    return seconds / 86400


def _approval_queue(filters: DashboardFilters) -> Waiting:
    changes = ListingChange.objects.filter(status=ListingChange.Status.SUBMITTED)
    if filters.category is not None or filters.area:
        # A change to a new service has no listing yet: it has no category or area to match.
        changes = _related(changes, filters, "service")
    elif filters.organisation:
        changes = changes.filter(organization__name__icontains=filters.organisation)
    found = changes.aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    return Waiting(found["count"], found["oldest"])


def _open_problems(filters: DashboardFilters) -> Waiting:
    reports = ProblemReport.objects.filter(status=ProblemReport.Status.OPEN)
    found = _related(reports, filters, "service").aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return Waiting(found["count"], found["oldest"])


def dashboard_get(
    *,
    actor,
    filters: DashboardFilters,
    categories: list[TaxonomyTerm],
    on: datetime.date | None = None,
) -> Dashboard:
    """The dashboard's figures for the listings `filters` chooses, for a directory
    administrator (every figure is about the whole directory). `categories` is
    category_choices(), already read for the filter form."""
    if not access.user_has_perm(actor, ADMINISTER):
        raise PermissionDenied(NOT_ALLOWED)
    on = on or freshness.today()
    since = on - relativedelta(months=CHECKED_WITHIN_MONTHS)
    overdue, hidden = freshness.overdue_q(on=on), freshness.hidden_q(on=on)
    listings = listings_matching(filters)

    totals = _figures(
        listings.aggregate(**_freshness_counts(overdue, hidden, since, distinct=False))
    )
    grouped = _freshness_counts(overdue, hidden, since, distinct=True)
    by_category, level = _by_category(listings, grouped, filters, categories)
    by_area = _by_area(listings, grouped)

    sent_since = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    sent, reminders = _reminders(filters, sent_since)
    confirmed = sum(row.confirmed for row in reminders)
    return Dashboard(
        on=on,
        checked_since=since,
        totals=totals,
        by_category=by_category,
        category_level=level,
        by_area=by_area,
        reminders=reminders,
        median_days_to_confirm=_median_days_to_confirm(sent, confirmed),
        approval_queue=_approval_queue(filters),
        open_problems=_open_problems(filters),
    )
