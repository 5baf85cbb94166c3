"""The front door queue: the open requests a person may triage or approve, sorted and filtered.

One page costs the same number of queries whatever its size: the filter choices (one grouped
query), the counts (one aggregate: open, overdue and matching the filters, which the paginator
reuses), the page's rows (with who made it, the level and the officer joined in) and the page's
children. The filters are columns on Request kept up to date when a request is submitted or
triaged (decision_due_on, youngest_child_born_on, area, agency), so the queries stay simple; the
default order walks the `frontdoor_request_open_queue` index (open requests only) and stops at
the page (docs/performance.md).
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.db.models.functions import Greatest, Length, Substr
from django.utils import timezone
from django.utils.functional import cached_property

from familyhelp.accounts import access
from familyhelp.frontdoor.models import Request, RequestPerson
from familyhelp.frontdoor.services.common import CHILD_ROLES

PER_PAGE = 25
TRIAGE = "frontdoor.triage_request"
APPROVE = "frontdoor.approve_decision"

SORT_DUE = "due"
SORT_WAITING = "waiting"
SORT_YOUNGEST = "youngest"
SORT_AREA = "area"
SORT_AGENCY = "agency"
SORTS = {
    # Safeguarding first, then by due date: the overdue come first because they are due earliest.
    # The order of the index frontdoor_request_open_queue (an open request always has a due
    # date, and PostgreSQL puts nulls last in an ascending order anyway).
    SORT_DUE: (F("safeguarding").desc(), F("decision_due_on").asc(nulls_last=True), "submitted_at"),
    SORT_WAITING: ("submitted_at", "pk"),
    SORT_YOUNGEST: (F("youngest_child_born_on").desc(nulls_last=True), "submitted_at"),
    SORT_AREA: ("area", "postcode", F("decision_due_on").asc(nulls_last=True)),
    SORT_AGENCY: (
        F("agency__name").asc(nulls_last=True),
        F("decision_due_on").asc(nulls_last=True),
    ),
}

# Age of the youngest child, in whole years: (label, youngest age, oldest age); None is unborn.
AGE_BANDS = {
    "unborn": ("Unborn baby", None, None),
    "0-4": ("Under 5", 0, 4),
    "5-10": ("5 to 10", 5, 10),
    "11-15": ("11 to 15", 11, 15),
    "16-plus": ("16 or older", 16, 25),
}

PICKED_UP_ME = "me"
PICKED_UP_NOBODY = "nobody"


@dataclass(frozen=True)
class QueueFilters:
    """A validated queue search, as forms_triage.QueueForm cleans it."""

    sort: str = SORT_DUE
    status: str = ""
    agency_id: int | None = None
    self_referrals: bool = False
    area: str = ""
    age: str = ""
    picked_up: str = ""


@dataclass(frozen=True)
class QueueChoices:
    """What the "Made by" and "Area" filters offer: only values some open request has."""

    agencies: list[tuple[int, str]]
    areas: list[str]


@dataclass(frozen=True)
class QueueCounts:
    open: int
    overdue: int
    # The open requests the filters match: the pages' total.
    matching: int


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode ("WX1 2AB" → "WX1"), the area a request is filed under."""
    return (postcode or "").strip().upper().split(" ")[0] if postcode else ""


def open_requests_for(user):
    """The open requests the person may triage (an officer) or approve (a manager)."""
    open_requests = Request.objects.filter(status__in=Request.OPEN_STATUSES)
    triage = access.visible_to(user, TRIAGE, open_requests)
    approve = access.visible_to(user, APPROVE, open_requests)
    # Front door staff may triage or approve every open request (frontdoor/access.py): one of
    # the two is then all of them, and the other adds nothing.
    for everything in (triage, approve):
        if everything.query.where == open_requests.query.where:
            return everything
    return triage | approve


def _born_between(band: str, today: datetime.date) -> Q:
    _, youngest, oldest = AGE_BANDS[band]
    if youngest is None:
        return Q(youngest_child_born_on__gt=today)
    latest = today.replace(year=today.year - youngest) if youngest else today
    earliest = today.replace(year=today.year - oldest - 1) + datetime.timedelta(days=1)
    return Q(youngest_child_born_on__lte=latest, youngest_child_born_on__gte=earliest)


def _matching(filters: QueueFilters, user, today) -> Q | None:
    """The filters as one condition (None when there are none)."""
    conditions = []
    if filters.status:
        conditions.append(Q(status=filters.status))
    if filters.self_referrals:
        conditions.append(Q(kind=Request.Kind.SELF_REFERRAL))
    elif filters.agency_id:
        conditions.append(Q(agency_id=filters.agency_id))
    if filters.area:
        conditions.append(
            Q(area=filters.area) | Q(area="", postcode__istartswith=filters.area + " ")
        )
    if filters.age:
        conditions.append(_born_between(filters.age, today))
    if filters.picked_up == PICKED_UP_ME:
        conditions.append(Q(picked_up_by=user))
    elif filters.picked_up == PICKED_UP_NOBODY:
        conditions.append(Q(picked_up_by__isnull=True))
    return Q(*conditions) if conditions else None


class _CountedPaginator(Paginator):
    """A paginator given its count (queue_counts has it), so the rows are not counted again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def request_queue(
    *, user, filters: QueueFilters, counts: QueueCounts, page: int = 1, per_page: int = PER_PAGE
):
    """One page (a Django Page) of the open requests the person may see, filtered and sorted;
    `counts` is what queue_counts found for the same person and filters."""
    queryset = open_requests_for(user)
    condition = _matching(filters, user, timezone.localdate())
    if condition is not None:
        queryset = queryset.filter(condition)
    children = Prefetch(
        "request_people",
        queryset=RequestPerson.objects.filter(role__in=CHILD_ROLES)
        .select_related("person")
        .only(
            "request_id",
            "role",
            "person__given_names",
            "person__family_name",
            "person__date_of_birth",
            "person__expected_date",
            "person__postcode",
        ),
        to_attr="children",
    )
    ordered = (
        queryset.order_by(*SORTS.get(filters.sort, SORTS[SORT_DUE]), "pk")
        .select_related("agency", "suggested_level", "picked_up_by")
        .only(
            "reference",
            "kind",
            "status",
            "submitted_at",
            "decision_due_on",
            "safeguarding",
            "is_re_referral",
            "area",
            "postcode",
            "picked_up_at",
            "agency__name",
            "suggested_level__number",
            "suggested_level__name",
            "picked_up_by__full_name",
            "picked_up_by__email",
        )
        .prefetch_related(children)
    )
    return _CountedPaginator(ordered, per_page, count=counts.matching).get_page(page)


def queue_choices(*, user) -> QueueChoices:
    """The agencies (id, name) and the areas (falling back to the postcode district) that open
    requests have, for the "Made by" and "Area" filters: one grouped query."""
    # A normalised postcode ends with a space and three characters: the rest is the district.
    district = Substr("postcode", 1, Greatest(Length("postcode") - 4, Value(0)))
    named = Case(When(area="", then=district), default=F("area"), output_field=CharField())
    rows = (
        open_requests_for(user)
        .annotate(named_area=named)
        .values_list("named_area", "agency_id", "agency__name")
        .annotate(requests=Count("pk"))  # GROUP BY: hashed, so only the groups are sorted
        .order_by("agency__name", "agency_id")
    )
    areas, agencies = set(), {}
    for area, agency_id, agency_name, _ in rows:
        if area:
            areas.add(area)
        if agency_id is not None:
            agencies[agency_id] = agency_name
    return QueueChoices(agencies=list(agencies.items()), areas=sorted(areas))


def queue_counts(*, user, filters: QueueFilters) -> QueueCounts:
    """How many open requests there are, how many are overdue (the page's summary) and how many
    the filters match (the pages), in one aggregate."""
    today = timezone.localdate()
    condition = _matching(filters, user, today)
    return QueueCounts(
        **open_requests_for(user).aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(decision_due_on__lt=today)),
            matching=Count("pk", filter=condition),
        )
    )
