"""The front door queue: the open requests a person may triage or approve, sorted and filtered.

One page costs the same number of queries whatever its size: the count, the page's rows (with
who made it, the level and the officer joined in) and the page's children in one more query. The
filters are columns on Request kept up to date when a request is submitted or triaged
(decision_due_on, youngest_child_born_on, area, agency), so the query stays simple and indexed.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.db.models.functions import Greatest, Length, Substr
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.models import Agency
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


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode ("WX1 2AB" → "WX1"), the area a request is filed under."""
    return (postcode or "").strip().upper().split(" ")[0] if postcode else ""


def open_requests_for(user):
    """The open requests the person may triage (an officer) or approve (a manager)."""
    open_requests = Request.objects.filter(status__in=Request.OPEN_STATUSES)
    return access.visible_to(user, TRIAGE, open_requests) | access.visible_to(
        user, APPROVE, open_requests
    )


def _born_between(band: str, today: datetime.date) -> Q:
    _, youngest, oldest = AGE_BANDS[band]
    if youngest is None:
        return Q(youngest_child_born_on__gt=today)
    latest = today.replace(year=today.year - youngest) if youngest else today
    earliest = today.replace(year=today.year - oldest - 1) + datetime.timedelta(days=1)
    return Q(youngest_child_born_on__lte=latest, youngest_child_born_on__gte=earliest)


def _filtered(queryset, filters: QueueFilters, user, today):
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.self_referrals:
        queryset = queryset.filter(kind=Request.Kind.SELF_REFERRAL)
    elif filters.agency_id:
        queryset = queryset.filter(agency_id=filters.agency_id)
    if filters.area:
        queryset = queryset.filter(
            Q(area=filters.area) | Q(area="", postcode__istartswith=filters.area + " ")
        )
    if filters.age:
        queryset = queryset.filter(_born_between(filters.age, today))
    if filters.picked_up == PICKED_UP_ME:
        queryset = queryset.filter(picked_up_by=user)
    elif filters.picked_up == PICKED_UP_NOBODY:
        queryset = queryset.filter(picked_up_by__isnull=True)
    return queryset


def request_queue(*, user, filters: QueueFilters, page: int = 1, per_page: int = PER_PAGE):
    """One page (a Django Page) of the open requests the person may see, filtered and sorted."""
    today = timezone.localdate()
    queryset = _filtered(open_requests_for(user), filters, user, today)
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
    return Paginator(ordered, per_page).get_page(page)


def queue_agencies(*, user) -> list[tuple[int, str]]:
    """(id, name) of the agencies with open requests, for the "Made by" filter."""
    ids = open_requests_for(user).exclude(agency__isnull=True).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def queue_areas(*, user) -> list[str]:
    """The areas with open requests (falling back to the postcode district), for the filter."""
    # A normalised postcode ends with a space and three characters: the rest is the district.
    district = Substr("postcode", 1, Greatest(Length("postcode") - 4, Value(0)))
    named = Case(When(area="", then=district), default=F("area"), output_field=CharField())
    rows = (
        open_requests_for(user)
        .annotate(named_area=named)
        .exclude(named_area="")
        .exclude(named_area__isnull=True)
        .order_by()
        .values_list("named_area", flat=True)
        .distinct()
    )
    return sorted(set(rows))


def queue_counts(*, user) -> dict[str, int]:
    """How many open requests there are, and how many are overdue (for the page's summary)."""
    today = timezone.localdate()
    visible = open_requests_for(user)
    return visible.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(decision_due_on__lt=today))
    )
