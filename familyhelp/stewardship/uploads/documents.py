"""Many listings' documents at once, for checking a large file.

`listing.listing_document` reads one service through Django's prefetching, which builds a
queryset for every related row of every service: for 5,000 services that is most of the time
a 10,000-row file takes to check. This reads the same rows with one plain query per table
per batch and builds the same documents; tests/test_uploads_validation.py checks that the two
agree field for field.
"""

import datetime
from collections import defaultdict

from familyhelp.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from familyhelp.stewardship import listing

SCALARS = [name for name in listing.SCALAR_FIELDS if name != "phone"]


def listing_documents(service_ids: list) -> dict[str, tuple[str, str, dict]]:
    """service id → (organisation id, organisation name, its published listing document)."""
    if not service_ids:
        return {}
    services = Service.objects.filter(pk__in=service_ids).values(
        "id", "organization_id", "organization__name", *SCALARS
    )
    documents = {}
    for row in services:
        document = {name: row[name] for name in SCALARS}
        documents[row["id"]] = (str(row["organization_id"]), row["organization__name"], document)
    ids = list(documents)
    if not ids:
        return {}

    phones = defaultdict(list)
    for service_id, number in (
        Phone.objects.filter(service_id__in=ids, contact__isnull=True)
        .order_by("number", "id")
        .values_list("service_id", "number")
    ):
        phones[service_id].append(number)
    categories = defaultdict(set)
    for service_id, term_id in Attribute.objects.filter(service_id__in=ids).values_list(
        "service_id", "taxonomy_term_id"
    ):
        categories[service_id].add(str(term_id))
    languages = defaultdict(list)
    for service_id, pk, name, code in (
        Language.objects.filter(service_id__in=ids)
        .order_by("name", "id")
        .values_list("service_id", "id", "name", "code")
    ):
        languages[service_id].append({"id": str(pk), "name": name, "code": code})
    costs = defaultdict(list)
    for service_id, pk, option, amount, amount_description in (
        CostOption.objects.filter(service_id__in=ids)
        .order_by("option", "id")
        .values_list("service_id", "id", "option", "amount", "amount_description")
    ):
        costs[service_id].append(
            {
                "id": str(pk),
                "option": option,
                "amount": None if amount is None else f"{amount:.2f}",
                "amount_description": amount_description,
            }
        )
    contacts = _contacts(ids)
    links = defaultdict(list)
    link_rows = list(
        ServiceAtLocation.objects.filter(service_id__in=ids).values_list(
            "service_id",
            "id",
            "location_id",
            "location__name",
            "location__description",
            "location__is_confidential",
        )
    )
    addresses = {}
    location_ids = list({row[2] for row in link_rows})
    for location_id, address_1, address_2, city, postcode in Address.objects.filter(
        location_id__in=location_ids
    ).values_list("location_id", "address_1", "address_2", "city", "postal_code"):
        addresses.setdefault(location_id, (address_1, address_2, city, postcode))
    for service_id, link_id, location_id, name, description, confidential in link_rows:
        links[service_id].append((link_id, location_id, name, description, confidential))
    schedules = _schedules(ids, [row[1] for row in link_rows])

    for service_id, (_, _, document) in documents.items():
        numbers = phones.get(service_id, [])
        document["phone"] = numbers[0] if numbers else ""
        document["categories"] = sorted(categories.get(service_id, ()))
        document["languages"] = languages.get(service_id, [])
        document["costs"] = costs.get(service_id, [])
        document["contacts"] = contacts.get(service_id, [])
        own_links = sorted(links.get(service_id, []), key=lambda link: link[2])
        document["locations"] = [
            _location_entry(location_id, name, description, confidential, addresses)
            for _, location_id, name, description, confidential in own_links
        ]
        location_of_link = {link_id: str(location_id) for link_id, location_id, *_ in own_links}
        seen = {}
        for schedule in [
            *schedules["service"].get(service_id, []),
            *(s for link in own_links for s in schedules["link"].get(link[0], [])),
        ]:
            seen.setdefault(schedule["id"], schedule)
        ordered = sorted(
            seen.values(),
            key=lambda s: (s["dtstart"] or datetime.date.min, s["byday"], str(s["id"])),
        )
        document["schedules"] = [
            {
                "id": str(s["id"]),
                "location_id": location_of_link.get(s["service_at_location_id"]),
                "dtstart": _iso(s["dtstart"]),
                "freq": s["freq"],
                "byday": s["byday"],
                "opens_at": _hhmm(s["opens_at"]),
                "closes_at": _hhmm(s["closes_at"]),
                "until": _iso(s["until"]),
                "count": s["count"],
                "description": s["description"],
            }
            for s in ordered
        ]
    return {str(service_id): value for service_id, value in documents.items()}


def _contacts(ids) -> dict:
    contacts = defaultdict(list)
    rows = list(
        Contact.objects.filter(service_id__in=ids)
        .order_by("id")
        .values_list("service_id", "id", "name", "title", "email")
    )
    first_phone = {}
    for contact_id, number in Phone.objects.filter(
        contact_id__in=[row[1] for row in rows]
    ).values_list("contact_id", "number"):
        first_phone.setdefault(contact_id, number)
    for service_id, pk, name, title, email in rows:
        contacts[service_id].append(
            {
                "id": str(pk),
                "name": name,
                "title": title,
                "email": email,
                "phone": first_phone.get(pk, ""),
            }
        )
    return contacts


_SCHEDULE_FIELDS = (
    "id",
    "service_id",
    "service_at_location_id",
    "dtstart",
    "freq",
    "byday",
    "opens_at",
    "closes_at",
    "until",
    "count",
    "description",
)


def _schedules(service_ids, link_ids) -> dict:
    by_service, by_link = defaultdict(list), defaultdict(list)
    for row in Schedule.objects.filter(service_id__in=service_ids).values(*_SCHEDULE_FIELDS):
        by_service[row["service_id"]].append(row)
    for start in range(0, len(link_ids), 1000):
        for row in Schedule.objects.filter(
            service_at_location_id__in=link_ids[start : start + 1000]
        ).values(*_SCHEDULE_FIELDS):
            by_link[row["service_at_location_id"]].append(row)
    return {"service": by_service, "link": by_link}


def _location_entry(location_id, name, description, confidential, addresses) -> dict:
    address_1, address_2, city, postcode = addresses.get(location_id, ("", "", "", ""))
    return {
        "id": str(location_id),
        "name": name,
        "address_1": address_1,
        "address_2": address_2,
        "city": city,
        "postcode": postcode,
        "description": description,
        "is_confidential": confidential,
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _hhmm(value) -> str | None:
    return value.strftime("%H:%M") if value else None
