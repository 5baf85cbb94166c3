"""Reads behind the public directory pages: search, a service, an organisation, the taxonomy.

The results page pages its ids first (one indexed query that orders and slices bare ids), then
fetches only that page's rows with everything the page shows prefetched, so the number of queries
is the same whatever the page size and the cost does not grow with the size of the directory.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Prefetch, When, Window

from familyhelp.core import geo
from familyhelp.directory import search
from familyhelp.directory.changes import cached_until_changed
from familyhelp.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

DEFAULT_RADIUS_MILES = 10
SORT_RELEVANCE = "relevance"
SORT_DISTANCE = "distance"


@dataclass(frozen=True)
class ServiceFilters:
    """A validated search, as the search form cleans it."""

    text: str = ""
    point: geo.Point | None = None
    radius: float = DEFAULT_RADIUS_MILES
    term_ids: tuple = ()
    age: int | None = None
    free_only: bool = False
    delivery: tuple[str, ...] = ()  # "in_person", "online", "telephone"
    days: tuple[str, ...] = ()  # "MO" … "SU"
    language: str = ""
    sort: str = SORT_RELEVANCE


@dataclass
class ServicePage:
    services: list = field(default_factory=list)  # Service rows, with `distance_miles` set
    total: int = 0


def category_list():
    """The top-level terms (the DfE's 6 categories) with their sub-categories, in name order."""

    def build():
        children = TaxonomyTerm.objects.order_by("name")
        return list(
            TaxonomyTerm.objects.filter(parent__isnull=True, children__isnull=False)
            .distinct()
            .order_by("name")
            .prefetch_related(Prefetch("children", queryset=children))
        )

    return cached_until_changed("categories", build)


def language_list() -> list[tuple[str, str]]:
    """(code, name) of each language some published service is offered in, by name."""

    def build():
        rows = (
            Language.objects.filter(service__in=Service.objects.published())
            .exclude(code="")
            .values_list("code", "name")
            .distinct()
        )
        by_code: dict[str, str] = {}
        for code, name in rows:
            by_code.setdefault(code.lower(), name)
        return sorted(by_code.items(), key=lambda item: item[1])

    return cached_until_changed("languages", build)


def _filtered(filters: ServiceFilters):
    services = Service.objects.published()
    if filters.age is not None:
        services = services.for_age(filters.age)
    if filters.free_only:
        services = services.free()
    if filters.delivery:
        services = services.delivered_by(filters.delivery)
    if filters.days:
        services = services.open_on(filters.days)
    if filters.language:
        services = services.in_language(filters.language)
    # With a place: services with a venue within the radius, and those delivered online or by
    # telephone with no venue at all. A confidential venue counts towards "near you" but never
    # gives a distance away.
    match = search.Match(
        text=filters.text,
        term_ids=filters.term_ids,
        point=filters.point,
        miles=filters.radius if filters.point else None,
        include_confidential=True,
        or_remote=True,
    )
    if match:
        services = services.filter(id__in=match.service_ids())
    if filters.point:
        services = services.annotate(distance_miles=match.nearest_public_miles())
    if match.has_words:
        services = services.annotate(search_rank=match.rank())
    return services


def _ordered(services, filters: ServiceFilters, has_rank: bool):
    if filters.point and (filters.sort == SORT_DISTANCE or not has_rank):
        return services.order_by(F("distance_miles").asc(nulls_last=True), "name", "id")
    if filters.point:
        # Services near you first, then online and telephone services, each by relevance.
        remote = Case(When(distance_miles__isnull=True, then=1), default=0)
        return services.annotate(remote=remote).order_by("remote", "-search_rank", "name", "id")
    if has_rank:
        return services.order_by("-search_rank", "name", "id")
    return services.order_by("name", "id")


def service_search(*, filters: ServiceFilters, page: int, per_page: int) -> ServicePage:
    """One page of published services matching `filters`, and how many match in all.

    The count rides along the page query as a window function, so the search runs once."""
    services = _filtered(filters)
    has_rank = "search_rank" in services.query.annotations
    ordered = _ordered(services, filters, has_rank).annotate(total=Window(Count("pk")))
    fields = ["id", "total"] + (["distance_miles"] if filters.point else [])
    start = (page - 1) * per_page
    rows = list(ordered.values_list(*fields)[start : start + per_page])
    total = rows[0][1] if rows else (services.count() if start else 0)
    rows = [(row[0], row[2] if filters.point else None) for row in rows]
    distances = dict(rows)
    by_id = (
        Service.objects.filter(id__in=distances)
        .select_related("organization")
        .prefetch_related(
            _categories_prefetch(),
            "cost_options",
        )
        .in_bulk()
    )
    page_services = []
    for service_id in distances:
        service = by_id[service_id]
        service.distance_miles = distances[service_id]
        page_services.append(service)
    return ServicePage(services=page_services, total=total)


def _categories_prefetch():
    """A service's category tags, in name order, as every page that lists services shows them."""
    return Prefetch(
        "attributes",
        queryset=Attribute.objects.select_related("taxonomy_term").order_by("taxonomy_term__name"),
    )


def _address_prefetch():
    return Prefetch("addresses", queryset=Address.objects.order_by("address_type", "address_1"))


def service_get(*, service_id) -> Service | None:
    """A published service with everything its page shows, or None."""
    located = Location.objects.prefetch_related(
        _address_prefetch(),
        Prefetch("accessibility", queryset=Accessibility.objects.order_by("description")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("dtstart", "opens_at")),
    )
    links = ServiceAtLocation.objects.prefetch_related(
        Prefetch("location", queryset=located),
        Prefetch("schedules", queryset=Schedule.objects.order_by("dtstart", "opens_at")),
        "phones",
    )
    return (
        Service.objects.published()
        .select_related("organization")
        .prefetch_related(
            _categories_prefetch(),
            Prefetch("service_at_locations", queryset=links),
            Prefetch(
                "schedules",
                queryset=Schedule.objects.filter(service_at_location__isnull=True).order_by(
                    "dtstart", "opens_at"
                ),
            ),
            "cost_options",
            Prefetch("languages", queryset=Language.objects.order_by("name")),
            Prefetch("phones", queryset=Phone.objects.order_by("number")),
            "contacts",
        )
        .filter(id=service_id)
        .first()
    )


def organization_get(*, organization_id) -> Organization | None:
    """An organisation and its published services (with what each listing shows), or None."""
    services = (
        Service.objects.published()
        .order_by("name")
        .prefetch_related(
            _categories_prefetch(),
            "cost_options",
        )
    )
    return (
        Organization.objects.prefetch_related(
            Prefetch("services", queryset=services, to_attr="published_services")
        )
        .filter(id=organization_id)
        .first()
    )
