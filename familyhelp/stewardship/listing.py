"""A listing as one document: what editors change, what the queue compares, what versions keep.

A listing is a service with the rows that hang off it: its phone, contacts, costs, languages,
categories, venues and schedules. `listing_document(service)` reads them into one JSON-safe dict;
`document_apply(...)` writes a dict back, in the caller's transaction; `document_diff(a, b)`
lists what differs, field by field, in words an editor uses. Drafts (ListingChange), versions
(ListingVersion) and bulk uploads all speak this one shape:

    {
      "name": str, "description": str, "url": str, "email": str, "phone": str,
      "status": "active" | "temporarily closed" | "inactive",
      "minimum_age": int | None, "maximum_age": int | None,
      "eligibility_description": str, "fees_description": str, "application_process": str,
      "delivered_in_person": bool, "delivered_online": bool, "delivered_by_telephone": bool,
      "categories": [taxonomy term id, ...],
      "languages": [{"id", "name", "code"}],
      "costs": [{"id", "option", "amount": "2.50" | None, "amount_description"}],
      "contacts": [{"id", "name", "title", "email", "phone"}],
      "locations": [{"id", "name", "address_1", "address_2", "city", "postcode",
                     "description", "is_confidential"}],
      "schedules": [{"id", "location_id": id | None, "dtstart": "2026-12-01" | None,
                     "freq": "WEEKLY" | "MONTHLY" | "DAILY" | "", "byday": "MO,WE",
                     "opens_at": "09:30" | None, "closes_at": "12:00" | None,
                     "until": date | None, "count": int | None, "description"}],
    }

Every entry of a list carries a stable id (a UUID given when the entry is first added), so a
version restored brings back the same rows, and the Open Referral ids of unchanged rows never
change. A schedule without `dtstart` is opening hours; with one, a session or event.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, Q
from django.utils import timezone

from familyhelp.core import geo
from familyhelp.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from familyhelp.directory.presenters.schedules import DAY_CODES, DAY_NAMES

EDITABLE_STATUSES = (
    Service.Status.ACTIVE,
    Service.Status.TEMPORARILY_CLOSED,
    Service.Status.INACTIVE,
)

# The service's own fields an editor changes, in the order the check-answers page shows them.
SCALAR_FIELDS = {
    "name": "Name",
    "description": "Description",
    "status": "Status",
    "url": "Website",
    "email": "Email address",
    "phone": "Phone number",
    "minimum_age": "Youngest age",
    "maximum_age": "Oldest age",
    "eligibility_description": "Who it is for",
    "delivered_in_person": "In person",
    "delivered_online": "Online",
    "delivered_by_telephone": "By phone",
    "fees_description": "What it costs",
    "application_process": "How to use the service",
}
LIST_FIELDS = {
    "categories": "Categories",
    "locations": "Venues",
    "schedules": "Opening times and sessions",
    "costs": "Costs",
    "languages": "Languages",
    "contacts": "Contacts",
}
LABELS = {**SCALAR_FIELDS, **LIST_FIELDS}

_TEXT_DEFAULTS = {
    "name": "",
    "description": "",
    "status": Service.Status.ACTIVE.value,
    "url": "",
    "email": "",
    "phone": "",
    "minimum_age": None,
    "maximum_age": None,
    "eligibility_description": "",
    "delivered_in_person": True,
    "delivered_online": False,
    "delivered_by_telephone": False,
    "fees_description": "",
    "application_process": "",
}
_SERVICE_COLUMNS = [name for name in _TEXT_DEFAULTS if name != "phone"]


def new_id() -> str:
    return str(uuid.uuid4())


def empty_document() -> dict:
    """A new service's listing before anything is filled in."""
    return {**_TEXT_DEFAULTS, **{name: [] for name in LIST_FIELDS}}


def normalised(document: dict) -> dict:
    """`document` with every key present (older drafts and partial uploads fill the gaps)."""
    full = empty_document()
    full.update({key: value for key, value in (document or {}).items() if key in full})
    return full


# --- Reading ---------------------------------------------------------------------------------


def listing_queryset():
    """Services with everything a document needs, in a fixed number of queries."""
    return Service.objects.select_related("organization").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("number", "id")),
        Prefetch("contacts", queryset=Contact.objects.prefetch_related("phones").order_by("id")),
        Prefetch("cost_options", queryset=CostOption.objects.order_by("option", "id")),
        Prefetch("languages", queryset=Language.objects.order_by("name", "id")),
        Prefetch("attributes", queryset=Attribute.objects.order_by("taxonomy_term_id")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses",
                Prefetch("schedules", queryset=Schedule.objects.order_by("dtstart", "byday", "id")),
            ),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("dtstart", "byday", "id")),
    )


def listing_document(service: Service) -> dict:
    """The published listing of `service` (ideally from `listing_queryset()`)."""
    phones = [phone for phone in service.phones.all() if not phone.contact_id]
    document = {name: getattr(service, name) for name in _SERVICE_COLUMNS}
    document["phone"] = phones[0].number if phones else ""
    document["categories"] = sorted(
        {str(attribute.taxonomy_term_id) for attribute in service.attributes.all()}
    )
    document["languages"] = [
        {"id": str(language.id), "name": language.name, "code": language.code}
        for language in service.languages.all()
    ]
    document["costs"] = [
        {
            "id": str(cost.id),
            "option": cost.option,
            "amount": None if cost.amount is None else f"{cost.amount:.2f}",
            "amount_description": cost.amount_description,
        }
        for cost in service.cost_options.all()
    ]
    document["contacts"] = [
        {
            "id": str(contact.id),
            "name": contact.name,
            "title": contact.title,
            "email": contact.email,
            "phone": next((phone.number for phone in contact.phones.all()), ""),
        }
        for contact in service.contacts.all()
    ]
    links = sorted(service.service_at_locations.all(), key=lambda link: link.location.name)
    document["locations"] = [_location_entry(link.location) for link in links]
    document["schedules"] = [
        {
            "id": str(schedule.id),
            "location_id": _location_of(schedule, links),
            "dtstart": _iso(schedule.dtstart),
            "freq": schedule.freq,
            "byday": schedule.byday,
            "opens_at": _hhmm(schedule.opens_at),
            "closes_at": _hhmm(schedule.closes_at),
            "until": _iso(schedule.until),
            "count": schedule.count,
            "description": schedule.description,
        }
        for schedule in _schedules_of(service, links)
    ]
    return document


def _schedules_of(service, links) -> list[Schedule]:
    """The service's own schedules and those of its venues (HSDS links either way), once each."""
    seen = {}
    for schedule in [
        *service.schedules.all(),
        *(s for link in links for s in link.schedules.all()),
    ]:
        seen.setdefault(schedule.pk, schedule)
    return sorted(
        seen.values(),
        key=lambda s: (s.dtstart or datetime.date.min, s.byday, str(s.pk)),
    )


def _location_entry(location: Location) -> dict:
    address = next(iter(location.addresses.all()), None)
    return {
        "id": str(location.id),
        "name": location.name,
        "address_1": address.address_1 if address else "",
        "address_2": address.address_2 if address else "",
        "city": address.city if address else "",
        "postcode": address.postal_code if address else "",
        "description": location.description,
        "is_confidential": location.is_confidential,
    }


def _location_of(schedule, links) -> str | None:
    for link in links:
        if schedule.service_at_location_id == link.id:
            return str(link.location_id)
    return None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _hhmm(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def organisation_venues(organization: Organization) -> list[dict]:
    """The venues the organisation's services already use, as location entries, by name."""
    locations = (
        Location.objects.filter(service_at_locations__service__organization=organization)
        .distinct()
        .prefetch_related("addresses")
        .order_by("name")
    )
    return [_location_entry(location) for location in locations]


# --- Writing ---------------------------------------------------------------------------------


def document_apply(
    *, organization: Organization, service: Service | None, document: dict, assured: bool
) -> Service:
    """Make the published rows say what `document` says. The caller holds the transaction,
    checks permission, writes the version and the audit record, and reindexes search.

    `assured`: the listing was checked by its organisation just now (sets `assured_date`)."""
    document = normalised(document)
    now = timezone.now()
    if service is None:
        service = Service(organization=organization)
    for name in _SERVICE_COLUMNS:
        setattr(service, name, document[name])
    service.last_modified = now
    if assured:
        service.assured_date = timezone.localdate()
    service.full_clean()
    service.save()

    _apply_phone(service, document["phone"])
    _apply_categories(service, document["categories"])
    _upsert(
        Language,
        service,
        document["languages"],
        lambda entry: {"name": entry["name"], "code": entry.get("code", "")},
    )
    _upsert(
        CostOption,
        service,
        document["costs"],
        lambda entry: {
            "option": entry.get("option", ""),
            "amount": None if entry.get("amount") in (None, "") else Decimal(entry["amount"]),
            "amount_description": entry.get("amount_description", ""),
        },
    )
    _apply_contacts(service, document["contacts"])
    links = _apply_locations(service, document["locations"])
    _upsert(
        Schedule,
        service,
        document["schedules"],
        lambda entry: _schedule_fields(entry, links),
    )
    # Venues taken off the listing: their links go (schedules on them went above).
    ServiceAtLocation.objects.filter(service=service).exclude(location_id__in=list(links)).delete()
    return service


def _upsert(model, service, entries, fields_of):
    keep = []
    rows = model.objects.filter(service=service)
    if model is Schedule:
        rows = model.objects.filter(Q(service=service) | Q(service_at_location__service=service))
    existing = {str(row.pk): row for row in rows}
    for entry in entries:
        entry_id = str(entry.get("id") or new_id())
        fields = fields_of(entry)
        row = existing.get(entry_id)
        if row is None:
            row = model(id=entry_id, service=service)
        # An existing venue schedule linked only through its venue (HSDS allows either) keeps
        # its links as they were, so the feed lists it where it did.
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean(validate_unique=False, validate_constraints=False)
        row.save()
        keep.append(entry_id)
    rows.exclude(pk__in=keep).delete()


def _apply_phone(service, number):
    own = Phone.objects.filter(service=service, contact__isnull=True).order_by("number", "id")
    first = own.first()
    if number:
        if first is None:
            first = Phone(service=service, type="voice")
        first.number = number
        first.save()
        own.exclude(pk=first.pk).delete()
    else:
        own.delete()


def _apply_categories(service, term_ids):
    wanted = {str(term_id) for term_id in term_ids}
    current = {
        str(term_id): pk
        for pk, term_id in Attribute.objects.filter(service=service).values_list(
            "pk", "taxonomy_term_id"
        )
    }
    Attribute.objects.filter(service=service).exclude(taxonomy_term_id__in=wanted).delete()
    Attribute.objects.bulk_create(
        Attribute(service=service, taxonomy_term_id=term_id, link_type="service")
        for term_id in sorted(wanted - set(current))
    )


def _apply_contacts(service, entries):
    keep = []
    existing = {str(row.pk): row for row in Contact.objects.filter(service=service)}
    for entry in entries:
        entry_id = str(entry.get("id") or new_id())
        contact = existing.get(entry_id) or Contact(id=entry_id, service=service)
        contact.name = entry.get("name", "")
        contact.title = entry.get("title", "")
        contact.email = entry.get("email", "")
        contact.full_clean()
        contact.save()
        phone = entry.get("phone", "")
        phones = Phone.objects.filter(contact=contact)
        if phone:
            row = phones.first() or Phone(contact=contact, type="voice")
            row.number = phone
            row.save()
            phones.exclude(pk=row.pk).delete()
        else:
            phones.delete()
        keep.append(entry_id)
    Contact.objects.filter(service=service).exclude(pk__in=keep).delete()


def _apply_locations(service, entries) -> dict[str, ServiceAtLocation]:
    """Venues: create or update each, and link it to the service. Returns location id → link."""
    links = {}
    current = {
        str(link.location_id): link for link in ServiceAtLocation.objects.filter(service=service)
    }
    for entry in entries:
        location_id = str(entry.get("id") or new_id())
        location = Location.objects.filter(pk=location_id).first() or Location(id=location_id)
        location.name = entry.get("name", "")
        location.description = entry.get("description", "")
        location.is_confidential = bool(entry.get("is_confidential"))
        location.location_type = Location.LocationType.PHYSICAL
        point = _position(entry.get("postcode", ""))
        location.latitude, location.longitude = (
            (point.latitude, point.longitude) if point else (None, None)
        )
        location.full_clean()
        location.save()
        address = Address.objects.filter(location=location).first() or Address(location=location)
        address.address_1 = entry.get("address_1", "")
        address.address_2 = entry.get("address_2", "")
        address.city = entry.get("city", "")
        address.state_province = address.state_province or "England"
        address.postal_code = geo.normalise_postcode(entry.get("postcode", "")) or entry.get(
            "postcode", ""
        )
        address.save()
        link = current.get(location_id) or ServiceAtLocation.objects.create(
            service=service, location=location
        )
        links[location_id] = link
    return links


def _position(postcode: str):
    if not postcode:
        return None
    try:
        return geo.geocode(postcode)
    except geo.GeocodeError:
        return None


def _schedule_fields(entry, links) -> dict:
    link = links.get(entry.get("location_id") or "")
    return {
        "service_at_location": link,
        "dtstart": _date(entry.get("dtstart")),
        "freq": entry.get("freq") or ("" if entry.get("dtstart") else Schedule.Freq.WEEKLY),
        "byday": entry.get("byday", ""),
        "opens_at": _time(entry.get("opens_at")),
        "closes_at": _time(entry.get("closes_at")),
        "until": _date(entry.get("until")),
        "count": entry.get("count"),
        "description": entry.get("description", ""),
        "timezone": "Europe/London",
    }


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _time(value):
    return datetime.time.fromisoformat(value) if value else None


# --- Checking ------------------------------------------------------------------------------

# What a listing needs before it can be sent for approval (each question page checks its own
# answers; these are the ones that need the listing as a whole).
MISSING = {
    "name": "Enter the name of the service",
    "description": "Enter a description of the service",
    "categories": "Choose at least one category",
    "delivery": "Say how the service is delivered: in person, online or by phone",
    "locations": "Add the venue where the service is delivered in person",
    "contact": "Give at least one way to contact the service: a phone number, email or website",
}


def document_problems(document: dict) -> list[tuple[str, str]]:
    """(question, message) for each thing missing before the listing can be submitted."""
    document = normalised(document)
    problems = []
    if not document["name"].strip():
        problems.append(("name", MISSING["name"]))
    if not document["description"].strip():
        problems.append(("description", MISSING["description"]))
    if not document["categories"]:
        problems.append(("categories", MISSING["categories"]))
    ways = ("delivered_in_person", "delivered_online", "delivered_by_telephone")
    if not any(document[way] for way in ways):
        problems.append(("delivery", MISSING["delivery"]))
    if document["delivered_in_person"] and not document["locations"]:
        problems.append(("locations", MISSING["locations"]))
    contacts = [entry.get("email") or entry.get("phone") for entry in document["contacts"]]
    if not (document["phone"] or document["email"] or document["url"] or any(contacts)):
        problems.append(("contact", MISSING["contact"]))
    return problems


# --- Comparing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    before: list[str]
    after: list[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def document_diff(before: dict | None, after: dict, *, only_changed: bool = True) -> list[DiffRow]:
    """What differs between two listings, one row per question, as lines of plain text.

    `before` None means a new service (everything is new)."""
    terms = _term_names([*(before or {}).get("categories", []), *after.get("categories", [])])
    old = describe(normalised(before), terms) if before is not None else {}
    new = describe(normalised(after), terms)
    rows = [DiffRow(field, LABELS[field], old.get(field, []), new[field]) for field in LABELS]
    return [row for row in rows if row.changed] if only_changed else rows


def describe(document: dict, terms: dict | None = None) -> dict[str, list[str]]:
    """Each question's answer as lines of plain text (check-answers pages and differences)."""
    document = normalised(document)
    if terms is None:
        terms = _term_names(document["categories"])
    venues = {
        entry.get("id"): entry.get("name") or entry.get("address_1")
        for entry in document["locations"]
    }
    lines: dict[str, list[str]] = {}
    for field in SCALAR_FIELDS:
        lines[field] = _scalar_lines(field, document[field])
    lines["categories"] = sorted(
        terms.get(str(term), "Unknown category") for term in document["categories"]
    )
    lines["locations"] = [location_line(entry) for entry in document["locations"]]
    lines["schedules"] = [schedule_line(entry, venues) for entry in document["schedules"]]
    lines["costs"] = [cost_line(entry) for entry in document["costs"]]
    lines["languages"] = sorted(entry.get("name", "") for entry in document["languages"])
    lines["contacts"] = [
        ", ".join(
            part
            for part in (
                entry.get("name"),
                entry.get("title"),
                entry.get("email"),
                entry.get("phone"),
            )
            if part
        )
        for entry in document["contacts"]
    ]
    return lines


def _scalar_lines(field, value) -> list[str]:
    if isinstance(value, bool):
        return ["Yes" if value else "No"]
    if value is None or value == "":
        return []
    if field == "status":
        return [Service.Status(value).label if value in Service.Status.values else str(value)]
    return str(value).splitlines() or [str(value)]


def location_line(entry: dict) -> str:
    parts = [
        entry.get("name"),
        entry.get("address_1"),
        entry.get("address_2"),
        entry.get("city"),
        entry.get("postcode"),
    ]
    text = ", ".join(part for part in parts if part)
    return (
        f"{text} (confidential: address not shown publicly)"
        if entry.get("is_confidential")
        else text
    )


def schedule_line(entry: dict, venues: dict | None = None) -> str:
    from familyhelp.directory.presenters.schedules import opening_times

    days = [code for code in (entry.get("byday") or "").split(",") if code in DAY_CODES]
    when = ", ".join(DAY_NAMES[code] for code in days)
    times = opening_times(_time(entry.get("opens_at")), _time(entry.get("closes_at")))
    if entry.get("dtstart"):
        start = _date(entry["dtstart"])
        when = f"From {start.day} {start:%B %Y}" + (f", {when}" if when else "")
        if entry.get("until"):
            end = _date(entry["until"])
            when += f", until {end.day} {end:%B %Y}"
        elif entry.get("count"):
            when += f", {entry['count']} times"
    text = ", ".join(part for part in (when or "Every day", times) if part)
    venue = (venues or {}).get(entry.get("location_id"))
    if venue:
        text += f" at {venue}"
    if entry.get("description"):
        text += f" ({entry['description']})"
    return text


def cost_line(entry: dict) -> str:
    amount = entry.get("amount")
    try:
        money = "Free" if amount in (None, "") else f"£{Decimal(amount):.2f}"
    except InvalidOperation:
        money = str(amount)
    return ", ".join(
        part for part in (money, entry.get("option"), entry.get("amount_description")) if part
    )


def _term_names(term_ids) -> dict[str, str]:
    ids = {str(term) for term in term_ids}
    if not ids:
        return {}
    valid = []
    for term in ids:
        try:
            valid.append(uuid.UUID(term))
        except ValueError:
            continue
    return {
        str(pk): name
        for pk, name in TaxonomyTerm.objects.filter(pk__in=valid).values_list("pk", "name")
    }
