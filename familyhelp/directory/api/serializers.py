"""Directory records as Open Referral UK 3.0 JSON.

Plain functions rather than nested ModelSerializers: the feed's pages are built from prefetched
rows and these run once per row, so they must be cheap. Empty values are left out (the standard
wants absent fields, never null or ""). The JSON Schemas in standards/oruk-3.0/schema/ are the
judge: the conformance test validates every response against them.
"""

import datetime
from decimal import Decimal

from familyhelp.directory.models import Location

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


def organization_summary(item) -> dict:
    return compact(
        id=str(item.id),
        name=item.name,
        alternate_name=item.alternate_name,
        description=item.description,
        email=item.email,
        website=item.website,
        logo=item.logo,
        uri=item.uri,
        legal_status=item.legal_status,
        year_incorporated=item.year_incorporated,
        parent_organization_id=_uuid(item.parent_organization_id),
    )


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


def location_summary(item: Location) -> dict:
    # A confidential venue (a refuge) never shows where it is.
    hidden = item.is_confidential
    return compact(
        id=str(item.id),
        location_type=item.location_type,
        url=item.url,
        name=item.name,
        alternate_name=item.alternate_name,
        description=item.description,
        transportation=item.transportation,
        latitude=None if hidden else item.latitude,
        longitude=None if hidden else item.longitude,
        external_identifier=None if hidden else item.external_identifier,
        external_identifier_type=None if hidden else item.external_identifier_type,
    )


def location_full(item: Location) -> dict:
    return compact(
        **location_summary(item),
        addresses=[] if item.is_confidential else [address(a) for a in related(item, "addresses")],
        accessibility=[accessibility(a) for a in related(item, "accessibility")],
    )


# Services ------------------------------------------------------------------------------------


def service_minimal(item) -> dict:
    return compact(
        id=str(item.id),
        name=item.name,
        status=item.status,
        last_modified=_datetime(item.last_modified),
    )


def service_summary(item) -> dict:
    """The one-to-one fields of a service, as list items carry them."""
    return compact(
        id=str(item.id),
        organization_id=str(item.organization_id),
        name=item.name,
        alternate_name=item.alternate_name,
        description=item.description,
        url=item.url,
        email=item.email,
        status=item.status,
        interpretation_services=item.interpretation_services,
        application_process=item.application_process,
        fees_description=item.fees_description,
        wait_time=item.wait_time,
        accreditations=item.accreditations,
        eligibility_description=item.eligibility_description,
        minimum_age=item.minimum_age,
        maximum_age=item.maximum_age,
        assured_date=_date(item.assured_date),
        assurer_email=item.assurer_email,
        alert=item.alert,
        last_modified=_datetime(item.last_modified),
        organization=organization_summary(item.organization),
    )


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


def service_at_location_summary(item) -> dict:
    return compact(
        id=str(item.id),
        service_id=str(item.service_id),
        location_id=str(item.location_id),
        description=item.description,
        location=location_summary(item.location),
        service=service_summary(item.service),
    )


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
