"""The listings an organisation already has, as rows of the template: download, change, upload.

Each row says exactly what checking it again would keep, so uploading an export unchanged
finds every listing unchanged (tests/test_uploads_services.py checks this round trip).
"""

from familyhelp.directory.models import Service, TaxonomyTerm
from familyhelp.directory.presenters.schedules import DAY_NAMES
from familyhelp.stewardship.uploads.columns import regular_schedule_index
from familyhelp.stewardship.uploads.documents import listing_documents

CHUNK = 500
STATUS_TEXT = {
    Service.Status.ACTIVE.value: "Active",
    Service.Status.TEMPORARILY_CLOSED.value: "Temporarily closed",
    Service.Status.INACTIVE.value: "Inactive",
}


def category_labels() -> dict[str, str]:
    """Term id → the name a row uses for it ("Main category > Name" where two share a name)."""
    terms = list(TaxonomyTerm.objects.values_list("pk", "name", "parent__name"))
    counts: dict[str, int] = {}
    for _, name, _ in terms:
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return {
        str(pk): name if counts[name.lower()] == 1 or not parent else f"{parent} > {name}"
        for pk, name, parent in terms
    }


def listing_row(service_id: str, organisation: str, document: dict, labels: dict) -> dict:
    """One listing document as the template's cells (column key → text)."""
    row = {
        "service_id": service_id,
        "organisation": organisation,
        "status": STATUS_TEXT.get(document["status"], ""),
        "minimum_age": _number(document["minimum_age"]),
        "maximum_age": _number(document["maximum_age"]),
        "categories": "; ".join(
            sorted(labels[term] for term in document["categories"] if term in labels)
        ),
        "languages": "; ".join(entry.get("name", "") for entry in document["languages"]),
    }
    for key in (
        "name",
        "description",
        "url",
        "email",
        "phone",
        "eligibility_description",
        "fees_description",
        "application_process",
    ):
        row[key] = document[key] or ""
    for key in ("delivered_in_person", "delivered_online", "delivered_by_telephone"):
        row[key] = "Yes" if document[key] else "No"
    if document["costs"]:
        cost = document["costs"][0]
        row["cost_amount"] = cost.get("amount") or "0"
        row["cost_option"] = cost.get("option", "")
    if document["locations"]:
        venue = document["locations"][0]
        row.update(
            venue_name=venue.get("name", ""),
            venue_address_1=venue.get("address_1", ""),
            venue_address_2=venue.get("address_2", ""),
            venue_town=venue.get("city", ""),
            venue_postcode=venue.get("postcode", ""),
        )
    index = regular_schedule_index(document["schedules"])
    if index is not None:
        entry = document["schedules"][index]
        days = [code for code in (entry.get("byday") or "").split(",") if code]
        row.update(
            opening_days="; ".join(DAY_NAMES[code] for code in days),
            opens_at=entry.get("opens_at") or "",
            closes_at=entry.get("closes_at") or "",
            starts_on=_date(entry.get("dtstart")),
            ends_on=_date(entry.get("until")),
        )
    return row


def organisation_rows(organisation_ids) -> list[dict]:
    """Every listing of these organisations, by organisation then service name."""
    services = list(
        Service.objects.filter(organization_id__in=list(organisation_ids))
        .order_by("organization__name", "name", "id")
        .values_list("pk", flat=True)
    )
    labels = category_labels()
    rows = []
    for start in range(0, len(services), CHUNK):
        chunk = services[start : start + CHUNK]
        documents = listing_documents(chunk)
        for pk in chunk:
            _, organisation, document = documents[str(pk)]
            rows.append(listing_row(str(pk), organisation, document, labels))
    return rows


def _number(value) -> str:
    return "" if value is None else str(value)


def _date(value) -> str:
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"
