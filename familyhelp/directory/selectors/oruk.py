"""Read queries of the Open Referral UK feed.

Every list is read in two steps so that the cost does not grow with the page size: one indexed
query pages the ids (plus a count), then one query per nested relation fetches that page's rows.
`service_at_location_search` is the first step of the feed's busiest query, kept separate so that
`make bench` can time its bare SQL.

List pages that show only one-to-one fields (services and services at locations without
`full`) read their rows as plain values (`service_rows`, `service_at_location_rows`): one query
and no model instances, which is most of what a page of 50 used to cost in Python.
"""

import functools
import math
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window

from familyhelp.core import geo
from familyhelp.directory import search
from familyhelp.directory.models import (
    Attribute,
    Contact,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from familyhelp.stewardship.freshness import not_hidden


@dataclass(frozen=True)
class ServiceFilters:
    """The filters /services and /service_at_locations share (the standard's and DfE's)."""

    search: str = ""
    taxonomy_term_id: object = None
    taxonomy_id: object = None
    organization_id: object = None
    modified_after: datetime | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str = ""  # an RFC 5545 day code: "MO"
    start_time: time | None = None
    end_time: time | None = None
    point: geo.Point | None = None
    proximity_metres: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        return self != ServiceFilters()

    @property
    def proximity_miles(self) -> float | None:
        if self.proximity_metres is None:
            return None
        return self.proximity_metres / geo.METRES_PER_MILE


@dataclass(frozen=True)
class Page:
    items: list
    total_items: int
    page_number: int
    per_page: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_items / self.per_page) if self.total_items else 0


def paginate(queryset: QuerySet, *, page: int, per_page: int, filtered: bool) -> tuple[list, int]:
    """(the page's ids in order, the total count) in at most two queries, whatever the page size.

    A filtered search has to find and sort every match anyway, so the count rides along as a
    window function and the filters run once. An unfiltered list reads its first rows straight
    off an index, which a window function would prevent, so it is counted separately."""
    offset = (page - 1) * per_page
    if not filtered:
        total = queryset.count()
        ids = queryset.values_list("id", flat=True)[offset : offset + per_page]
        return (list(ids) if offset < total else []), total
    rows = list(counted_page(queryset, page=page, per_page=per_page))
    if rows:
        return [row[0] for row in rows], rows[0][1]
    return [], (queryset.count() if offset else 0)


def counted_page(queryset: QuerySet, *, page: int, per_page: int) -> QuerySet:
    """The one query of a filtered page: (id, total_items) rows. To time the feed's search SQL
    alone: `counted_page(service_at_location_search(filters), ...).query.sql_with_params()`."""
    offset = (page - 1) * per_page
    counted = queryset.annotate(total_items=Window(Count("pk")))
    return counted.values_list("id", "total_items")[offset : offset + per_page]


def _in_order(rows, ids):
    by_id = {row.pk: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


# Plain rows: what list items show, without model instances ------------------------------------

# The one-to-one fields a list item shows, in the order the feed gives them.
ORGANIZATION_SUMMARY = (
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "logo",
    "uri",
    "legal_status",
    "year_incorporated",
    "parent_organization_id",
)
SERVICE_MINIMAL = ("id", "name", "status", "last_modified")
SERVICE_SUMMARY = (
    "id",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
    "last_modified",
)
# Where a confidential venue is stays out of the feed: these come last so that
# LOCATION_SUMMARY[:LOCATION_PUBLIC] is what it may show.
LOCATION_SUMMARY = (
    "id",
    "location_type",
    "url",
    "name",
    "alternate_name",
    "description",
    "transportation",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
LOCATION_PUBLIC = LOCATION_SUMMARY.index("latitude")
SERVICE_AT_LOCATION_SUMMARY = ("id", "service_id", "location_id", "description")

# What the rows carry: the shown fields plus what decides visibility and Last-Modified.
_ORGANIZATION_COLUMNS = (*ORGANIZATION_SUMMARY, "last_modified")
_LOCATION_COLUMNS = (*LOCATION_SUMMARY, "is_confidential")


def _prefixed(path: str, names) -> list[str]:
    return [f"{path}__{name}" for name in names]


def _split(values: tuple, *parts) -> list[dict]:
    """A `values_list` row cut into one dict per part (each part a tuple of field names)."""
    dicts, start = [], 0
    for names in parts:
        end = start + len(names)
        dicts.append(dict(zip(names, values[start:end], strict=True)))
        start = end
    return dicts


# Services ------------------------------------------------------------------------------------


def _match(filters: ServiceFilters, *, place: bool = True) -> search.Match:
    """The index's part of a search: words, the category (which matches its child terms too,
    as each row carries its terms' parents), and the place when `place` is asked for."""
    return search.Match(
        text=filters.search,
        term_ids=[filters.taxonomy_term_id] if filters.taxonomy_term_id else (),
        point=filters.point if place else None,
        miles=filters.proximity_miles,
    )


def _service_conditions(filters: ServiceFilters, service_ref: str):
    """Q objects on a queryset that reaches Service through `service_ref` ("" or "service__").
    Words, category and place are the search index's part (see `_match`)."""
    prefix = service_ref
    # Published: active, and not hidden for being out of date (familyhelp/stewardship).
    conditions = [Q(**{f"{prefix}status": Service.Status.ACTIVE}), not_hidden(prefix)]
    outer_pk = OuterRef(f"{prefix}pk" if prefix else "pk")
    if filters.organization_id:
        conditions.append(Q(**{f"{prefix}organization_id": filters.organization_id}))
    if filters.modified_after:
        conditions.append(Q(**{f"{prefix}last_modified__gte": filters.modified_after}))
    if filters.taxonomy_id:
        tagged = Attribute.objects.filter(
            service=outer_pk, taxonomy_term__taxonomy_id=filters.taxonomy_id
        )
        conditions.append(Q(Exists(tagged)))
    # An age range filter finds services whose own age range overlaps it.
    if filters.minimum_age is not None:
        conditions.append(
            Q(**{f"{prefix}maximum_age__isnull": True})
            | Q(**{f"{prefix}maximum_age__gte": filters.minimum_age})
        )
    if filters.maximum_age is not None:
        conditions.append(
            Q(**{f"{prefix}minimum_age__isnull": True})
            | Q(**{f"{prefix}minimum_age__lte": filters.maximum_age})
        )
    if filters.day or filters.start_time or filters.end_time:
        schedules = Schedule.objects.all()
        if filters.day:
            schedules = schedules.filter(byday__contains=filters.day)
        # Open at some time within [start_time, end_time].
        if filters.start_time:
            schedules = schedules.filter(closes_at__gt=filters.start_time)
        if filters.end_time:
            schedules = schedules.filter(opens_at__lt=filters.end_time)
        # Two EXISTS rather than one with an OR, so that each uses its foreign key's index.
        conditions.append(
            Q(Exists(schedules.filter(service=outer_pk)))
            | Q(Exists(schedules.filter(service_at_location__service=outer_pk)))
        )
    return conditions


def service_search(filters: ServiceFilters) -> QuerySet:
    """Published services matching `filters`, best first (nearest first given a postcode)."""
    services = Service.objects.filter(*_service_conditions(filters, ""))
    match = _match(filters)
    if match:
        services = services.filter(id__in=match.service_ids())
    ordering = ["name", "id"]
    if match.has_words:
        services = services.annotate(search_rank=match.rank())
        ordering = ["-search_rank", "name", "id"]
    if filters.point:
        # Confidential venues never take part in a distance search: that would reveal them.
        nearest = (
            geo.annotate_distance(
                ServiceAtLocation.objects.filter(
                    service=OuterRef("pk"),
                    location__is_confidential=False,
                    location__latitude__isnull=False,
                ),
                filters.point,
                "location__latitude",
                "location__longitude",
            )
            .order_by("distance_miles")
            .values("distance_miles")[:1]
        )
        services = services.annotate(distance_miles=Subquery(nearest))
        ordering = [F("distance_miles").asc(nulls_last=True), "name", "id"]
    return services.order_by(*ordering)


ROWS = "_rows"


def _rows(lookup: str, queryset=None) -> Prefetch:
    """Prefetch into a plain list (`<relation>_rows`): Django then skips building a related
    manager and queryset per row, which is most of a fully nested page's Python time."""
    return Prefetch(lookup, queryset=queryset, to_attr=lookup.rsplit("__", 1)[-1] + ROWS)


def _location_prefetches(prefix: str = ""):
    return [_rows(f"{prefix}addresses"), _rows(f"{prefix}accessibility")]


def _attributes(prefix: str = ""):
    return _rows(f"{prefix}attributes", Attribute.objects.select_related("taxonomy_term__taxonomy"))


def _contacts(prefix: str = ""):
    return _rows(f"{prefix}contacts", Contact.objects.prefetch_related(_rows("phones")))


def _service_prefetches(prefix: str = "", *, with_locations: bool = True):
    """Everything a fully nested service shows, reached from `prefix` ("" or "service__")."""
    prefetches = [
        *(
            _rows(f"{prefix}{name}")
            for name in (
                "schedules",
                "service_areas",
                "languages",
                "funding",
                "cost_options",
                "phones",
                "organization__organization_identifiers",
            )
        ),
        _contacts(prefix),
        _attributes(prefix),
    ]
    if with_locations:
        venues = ServiceAtLocation.objects.select_related("location").prefetch_related(
            *_location_prefetches("location__")
        )
        prefetches.append(_rows(f"{prefix}service_at_locations", venues))
    return prefetches


def services_fetch(ids) -> list[Service]:
    """The page's services, in the order of `ids`, with everything the fully nested response
    nests (lists without `full` read `service_rows` instead)."""
    services = (
        Service.objects.published()
        .filter(id__in=ids)
        .select_related("organization")
        .prefetch_related(*_service_prefetches())
    )
    return _in_order(services, ids)


@functools.cache
def _service_columns() -> QuerySet:
    """`service_rows`' columns, resolved once per process: resolving 30-odd lookups through
    joins costs more Python time than compiling the query. Only ever filtered, never run."""
    return Service.objects.values_list(
        *SERVICE_SUMMARY, *_prefixed("organization", _ORGANIZATION_COLUMNS)
    )


def service_rows(ids) -> list[dict]:
    """The page's published services as plain dicts, in the order of `ids`, in one query: the
    fields of SERVICE_SUMMARY, with the organisation's (and its `last_modified`) under
    "organization". For lists that show no relations (not `full`)."""
    by_id = {}
    for values in _service_columns().published().filter(id__in=ids):
        service, organization = _split(values, SERVICE_SUMMARY, _ORGANIZATION_COLUMNS)
        service["organization"] = organization
        by_id[service["id"]] = service
    return [by_id[i] for i in ids if i in by_id]


def service_get(service_id) -> Service | None:
    found = services_fetch([service_id])
    return found[0] if found else None


# Services at locations ---------------------------------------------------------------------------


def service_at_location_search(filters: ServiceFilters) -> QuerySet:
    """Services at locations matching `filters`, nearest first given a postcode, else by name.

    `counted_page` turns it into the one query that finds a page (see there for the bench)."""
    rows = ServiceAtLocation.objects.filter(*_service_conditions(filters, "service__"))
    match = _match(filters)
    if match:
        rows = rows.filter(id__in=match.venue_ids())
    ordering = ["service__name", "id"]
    if filters.point:
        # Confidential venues never take part in a distance search: that would reveal them.
        rows = geo.annotate_distance(
            rows.filter(location__is_confidential=False, location__latitude__isnull=False),
            filters.point,
            "location__latitude",
            "location__longitude",
        )
        ordering = ["distance_miles", "service__name", "id"]
    return rows.order_by(*ordering)


def service_at_locations_fetch(ids) -> list[ServiceAtLocation]:
    """The page's services at locations, fully nested (lists without `full` read
    `service_at_location_rows` instead)."""
    rows = (
        ServiceAtLocation.objects.filter(id__in=ids)
        .select_related("location", "service__organization")
        .prefetch_related(
            *_location_prefetches("location__"),
            _rows("schedules"),
            _rows("service_areas"),
            _rows("phones"),
            _contacts(),
            *_service_prefetches("service__", with_locations=False),
        )
    )
    return _in_order(rows, ids)


@functools.cache
def _service_at_location_columns() -> QuerySet:
    """`service_at_location_rows`' columns, resolved once per process (see `_service_columns`)."""
    return ServiceAtLocation.objects.values_list(
        *SERVICE_AT_LOCATION_SUMMARY,
        *_prefixed("location", _LOCATION_COLUMNS),
        *_prefixed("service", SERVICE_SUMMARY),
        *_prefixed("service__organization", _ORGANIZATION_COLUMNS),
    )


def service_at_location_rows(ids) -> list[dict]:
    """The page's services at locations as plain dicts, in the order of `ids`, in one query:
    the fields of SERVICE_AT_LOCATION_SUMMARY, with the venue's under "location" (and
    `is_confidential`) and the service's under "service" (its organisation nested as in
    `service_rows`). For lists without `full`."""
    by_id = {}
    for values in _service_at_location_columns().filter(id__in=ids):
        row, location, service, organization = _split(
            values,
            SERVICE_AT_LOCATION_SUMMARY,
            _LOCATION_COLUMNS,
            SERVICE_SUMMARY,
            _ORGANIZATION_COLUMNS,
        )
        service["organization"] = organization
        row["location"] = location
        row["service"] = service
        by_id[row["id"]] = row
    return [by_id[i] for i in ids if i in by_id]


def service_at_location_get(row_id) -> ServiceAtLocation | None:
    found = service_at_locations_fetch([row_id])
    if not found or not Service.objects.published().filter(pk=found[0].service_id).exists():
        return None
    return found[0]


# Organisations -------------------------------------------------------------------------------


def organization_search(*, text: str = "") -> QuerySet:
    organizations = Organization.objects.all()
    if text:
        organizations = organizations.filter(
            Q(name__icontains=text) | Q(alternate_name__icontains=text)
        )
    return organizations.order_by("name", "id")


def organizations_fetch(ids, *, full: bool, full_service: bool) -> list[Organization]:
    organizations = Organization.objects.filter(id__in=ids)
    if full or full_service:
        published = Service.objects.published().order_by("name", "id")
        if full_service:
            published = published.select_related("organization").prefetch_related(
                *_service_prefetches()
            )
        organizations = organizations.prefetch_related(
            _rows("organization_identifiers"),
            _attributes(),
            Prefetch("services", queryset=published, to_attr="published_services"),
        )
    return _in_order(organizations, ids)


def organization_get(organization_id, *, full_service: bool) -> Organization | None:
    found = organizations_fetch([organization_id], full=True, full_service=full_service)
    return found[0] if found else None


# Taxonomies -----------------------------------------------------------------------------------


def taxonomy_search(*, text: str = "") -> QuerySet:
    taxonomies = Taxonomy.objects.all()
    if text:
        taxonomies = taxonomies.filter(name__icontains=text)
    return taxonomies.order_by("name", "id")


def taxonomies_fetch(ids, *, with_terms: bool) -> list[Taxonomy]:
    taxonomies = Taxonomy.objects.filter(id__in=ids)
    if with_terms:
        terms = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
        taxonomies = taxonomies.prefetch_related(_rows("terms", terms))
    return _in_order(taxonomies, ids)


def taxonomy_get(taxonomy_id) -> Taxonomy | None:
    found = taxonomies_fetch([taxonomy_id], with_terms=True)
    return found[0] if found else None


def taxonomy_term_search(
    *, text: str = "", taxonomy_id=None, parent_id=None, top_only: bool = False
) -> QuerySet:
    terms = TaxonomyTerm.objects.all()
    if text:
        terms = terms.filter(Q(name__icontains=text) | Q(code__iexact=text))
    if taxonomy_id:
        terms = terms.filter(taxonomy_id=taxonomy_id)
    if parent_id:
        terms = terms.filter(parent_id=parent_id)
    if top_only:
        terms = terms.filter(parent__isnull=True)
    return terms.order_by("name", "id")


def taxonomy_terms_fetch(ids) -> list[TaxonomyTerm]:
    return _in_order(TaxonomyTerm.objects.filter(id__in=ids).select_related("taxonomy"), ids)


def taxonomy_term_get(term_id) -> TaxonomyTerm | None:
    found = taxonomy_terms_fetch([term_id])
    return found[0] if found else None
