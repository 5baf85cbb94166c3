"""Directory records as Open Referral UK 3.0 JSON.

Plain functions rather than nested ModelSerializers: the feed's pages are built from prefetched
rows and these run once per row, so they must be cheap. Empty values are left out (the standard
wants absent fields, never null or ""). The JSON Schemas in standards/oruk-3.0/schema/ are the
judge: the conformance test validates every response against them.

List items without relations are built from plain rows (`*_row`, from the selectors'
`service_rows` / `service_at_location_rows`); records go through the same code read as mappings
(`_Fields`), so the two cannot drift apart.
"""

import datetime
import uuid
from collections.abc import Mapping
from decimal import Decimal

from familyhelp.directory.models import Location
from familyhelp.directory.selectors.oruk import (
    LOCATION_PUBLIC,
    LOCATION_SUMMARY,
    ORGANIZATION_SUMMARY,
    SERVICE_AT_LOCATION_SUMMARY,
    SERVICE_MINIMAL,
    SERVICE_SUMMARY,
)

EMPTY = (None, "", [], {})


def related(item, name: str):
    """A prefetched relation: the plain list the selectors prefetch into, else the manager."""
    rows = getattr(item, f"{name}_rows", None)
    return rows if rows is not None else getattr(item, name).all()


def compact(**fields) -> dict:
    return {name: value for name, value in fields.items() if value not in EMPTY}


def _uuid(value):
    return str(value) if value else None


def _date(value: datetime.date | None):
    return value.isoformat() if value else None


def _time(value: datetime.time | None):
    return value.strftime("%H:%M:%S") if value else None


def _datetime(value: datetime.datetime | None):
    if value is None:
        return None
    utc = value.astimezone(datetime.UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# How each kind of value a field holds is written (anything else is written as it is).
_JSON_VALUE = {
    uuid.UUID: str,
    datetime.datetime: _datetime,
    datetime.date: _date,
    datetime.time: _time,
    Decimal: _number,
}


class _Fields:
    """A record read as a mapping of its fields, as plain rows are."""

    __slots__ = ("record",)

    def __init__(self, record):
        self.record = record

    def __getitem__(self, name: str):
        return getattr(self.record, name)


def _picked(values: Mapping, names) -> dict:
    """The fields `names` of a row (or `_Fields` of a record) in order, as JSON values, leaving
    out empty ones. For one-to-one fields, which hold text, numbers, dates or ids (never lists)."""
    picked = {}
    for name in names:
        value = values[name]
        if value.__class__ is str:  # most fields: skip the conversions
            if value:
                picked[name] = value
        elif value is not None:
            write = _JSON_VALUE.get(value.__class__)
            picked[name] = write(value) if write else value
    return picked


# Taxonomies -----------------------------------------------------------------------------------


def taxonomy_term(term) -> dict:
    taxonomy = term.taxonomy
    return compact(
        id=str(term.id),
        code=term.code,
        name=term.name,
        description=term.description,
        parent_id=_uuid(term.parent_id),
        taxonomy=taxonomy.name if taxonomy else None,
        taxonomy_id=_uuid(term.taxonomy_id),
        language=term.language,
        term_uri=term.term_uri,
        term=term.name,
    )


def taxonomy(item, *, with_terms: bool) -> dict:
    return compact(
        id=str(item.id),
        name=item.name,
        description=item.description,
        uri=item.uri,
        version=item.version,
        taxonomy_terms=[taxonomy_term(t) for t in related(item, "terms")] if with_terms else None,
    )


def attribute(item) -> dict:
    return compact(
        id=str(item.id),
        link_id=_uuid(item.link_id),
        link_type=item.link_type,
        link_entity=item.link_entity,
        taxonomy_term_id=str(item.taxonomy_term_id),
        value=item.value,
        label=item.label,
        taxonomy_term=taxonomy_term(item.taxonomy_term),
    )


# Organisations -------------------------------------------------------------------------------


def organization_summary_row(row: Mapping) -> dict:
    return _picked(row, ORGANIZATION_SUMMARY)


def organization_summary(item) -> dict:
    return organization_summary_row(_Fields(item))


def organization_identifier(item) -> dict:
    return compact(
        id=str(item.id),
        organization_id=str(item.organization_id),
        identifier_scheme=item.identifier_scheme,
        identifier_type=item.identifier_type,
        identifier=item.identifier,
    )


def _organization_nested(item) -> dict:
    """An organisation inside a full service: with its identifiers."""
    return compact(
        **organization_summary(item),
        organization_identifiers=[
            organization_identifier(i) for i in related(item, "organization_identifiers")
        ],
    )


def organization_full(item, *, full_service: bool) -> dict:
    services = item.published_services
    return compact(
        **_organization_nested(item),
        attributes=[attribute(a) for a in related(item, "attributes")],
        services=[service_full(s) if full_service else service_summary(s) for s in services],
    )


# Locations -----------------------------------------------------------------------------------


def address(item) -> dict:
    return compact(
        id=str(item.id),
        location_id=str(item.location_id),
        attention=item.attention,
        address_1=item.address_1,
        address_2=item.address_2,
        city=item.city,
        region=item.region,
        state_province=item.state_province,
        postal_code=item.postal_code,
        country=item.country,
        address_type=item.address_type,
    )


def accessibility(item) -> dict:
    return compact(
        id=str(item.id),
        location_id=str(item.location_id),
        description=item.description,
        details=item.details,
        url=item.url,
    )


_LOCATION_SHOWN_IF_CONFIDENTIAL = LOCATION_SUMMARY[:LOCATION_PUBLIC]


def location_summary_row(row: Mapping) -> dict:
    # A confidential venue (a refuge) never shows where it is.
    if row["is_confidential"]:
        return _picked(row, _LOCATION_SHOWN_IF_CONFIDENTIAL)
    return _picked(row, LOCATION_SUMMARY)


def location_summary(item: Location) -> dict:
    return location_summary_row(_Fields(item))


def location_full(item: Location) -> dict:
    return compact(
        **location_summary(item),
        addresses=[] if item.is_confidential else [address(a) for a in related(item, "addresses")],
        accessibility=[accessibility(a) for a in related(item, "accessibility")],
    )


# Services ------------------------------------------------------------------------------------


def service_minimal_row(row: Mapping) -> dict:
    return _picked(row, SERVICE_MINIMAL)


def _service_summary(service: Mapping, organization: Mapping) -> dict:
    """The one-to-one fields of a service, as list items carry them."""
    return {
        **_picked(service, SERVICE_SUMMARY),
        "organization": _picked(organization, ORGANIZATION_SUMMARY),
    }


def service_summary_row(row: Mapping) -> dict:
    """A row of `oruk.service_rows` (its organisation nested under "organization")."""
    return _service_summary(row, row["organization"])


def service_summary(item) -> dict:
    return _service_summary(_Fields(item), _Fields(item.organization))


def schedule(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=_uuid(item.service_id),
        location_id=_uuid(item.location_id),
        service_at_location_id=_uuid(item.service_at_location_id),
        valid_from=_date(item.valid_from),
        valid_to=_date(item.valid_to),
        dtstart=_date(item.dtstart),
        timezone=item.timezone,
        until=_date(item.until),
        count=item.count,
        wkst=item.wkst,
        freq=item.freq,
        interval=item.interval,
        byday=item.byday,
        byweekno=item.byweekno,
        bymonthday=item.bymonthday,
        byyearday=item.byyearday,
        description=item.description,
        opens_at=_time(item.opens_at),
        closes_at=_time(item.closes_at),
        schedule_link=item.schedule_link,
        attending_type=item.attending_type,
        notes=item.notes,
    )


def service_area(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=_uuid(item.service_id),
        service_at_location_id=_uuid(item.service_at_location_id),
        name=item.name,
        description=item.description,
        extent=item.extent,
        extent_type=item.extent_type,
        uri=item.uri,
    )


def language(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=_uuid(item.service_id),
        location_id=_uuid(item.location_id),
        phone_id=_uuid(item.phone_id),
        name=item.name,
        code=item.code,
        note=item.note,
    )


def funding(item) -> dict:
    return compact(
        id=str(item.id),
        organization_id=_uuid(item.organization_id),
        service_id=_uuid(item.service_id),
        source=item.source,
    )


def cost_option(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=str(item.service_id),
        valid_from=_date(item.valid_from),
        valid_to=_date(item.valid_to),
        option=item.option,
        currency=item.currency,
        amount=_number(item.amount),
        amount_description=item.amount_description,
    )


def phone(item) -> dict:
    return compact(
        id=str(item.id),
        contact_id=_uuid(item.contact_id),
        service_id=_uuid(item.service_id),
        number=item.number,
        extension=item.extension,
        type=item.type,
        description=item.description,
    )


def contact(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=_uuid(item.service_id),
        service_at_location_id=_uuid(item.service_at_location_id),
        name=item.name,
        title=item.title,
        department=item.department,
        email=item.email,
        phones=[phone(p) for p in related(item, "phones")],
    )


def _service_relations(item) -> dict:
    return compact(
        schedules=[schedule(s) for s in related(item, "schedules")],
        service_areas=[service_area(a) for a in related(item, "service_areas")],
        languages=[language(lang) for lang in related(item, "languages")],
        funding=[funding(f) for f in related(item, "funding")],
        cost_options=[cost_option(c) for c in related(item, "cost_options")],
        contacts=[contact(c) for c in related(item, "contacts")],
        phones=[phone(p) for p in related(item, "phones")],
        attributes=[attribute(a) for a in related(item, "attributes")],
    )


def service_full(item) -> dict:
    """A service with everything about it, as /services/{id} returns it."""
    return compact(
        **{**service_summary(item), "organization": _organization_nested(item.organization)},
        service_at_locations=[
            service_at_location_in_service(s) for s in related(item, "service_at_locations")
        ],
        **_service_relations(item),
    )


# Services at locations -----------------------------------------------------------------------


def service_at_location_in_service(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=str(item.service_id),
        location_id=str(item.location_id),
        description=item.description,
        location=location_full(item.location),
    )


def service_at_location_summary_row(row: Mapping) -> dict:
    """A row of `oruk.service_at_location_rows`."""
    return {
        **_picked(row, SERVICE_AT_LOCATION_SUMMARY),
        "location": location_summary_row(row["location"]),
        "service": service_summary_row(row["service"]),
    }


def service_at_location_full(item) -> dict:
    service = item.service
    return compact(
        id=str(item.id),
        service_id=str(item.service_id),
        location_id=str(item.location_id),
        description=item.description,
        location=location_full(item.location),
        schedules=[schedule(s) for s in related(item, "schedules")],
        service_areas=[service_area(a) for a in related(item, "service_areas")],
        contacts=[contact(c) for c in related(item, "contacts")],
        phones=[phone(p) for p in related(item, "phones")],
        service=compact(
            **{
                **service_summary(service),
                "organization": _organization_nested(service.organization),
            },
            **_service_relations(service),
        ),
    )
