"""Services, venues and organisations as the pages show them."""

from decimal import Decimal

from django.urls import reverse

from familyhelp.core.formatting import long_date, miles, money
from familyhelp.directory.presenters.schedules import join_words, schedule_text

CONFIDENTIAL_ADDRESS = "Address given on referral"
APPLICATION_PROCESSES = {
    "referral": "You need a referral from a professional, such as a health visitor or teacher.",
    "drop-in": "Drop in: you do not need to book.",
    "drop in": "Drop in: you do not need to book.",
    "self-referral": "You can refer yourself.",
    "self referral": "You can refer yourself.",
}


def cost_text(cost_options) -> str:
    """'Free', '£3', 'From £3' (the lowest of several charges), or 'Free, or from £3'."""
    amounts = [o.amount for o in cost_options if o.amount is not None]
    charged = sorted({a for a in amounts if a > Decimal(0)})
    if not charged:
        return "Free"
    lowest = money(charged[0])
    if len(charged) < len(amounts):
        return f"Free, or from {lowest}"
    return f"From {lowest}" if len(charged) > 1 else lowest


def age_text(minimum_age, maximum_age) -> str:
    def years(n):
        return "birth" if n == 0 else f"{n} year" + ("" if n == 1 else "s")

    if minimum_age is None and maximum_age is None:
        return "All ages"
    if minimum_age in (None, 0) and maximum_age is not None:
        return f"From birth to {maximum_age} years" if maximum_age != 1 else "From birth to 1 year"
    if maximum_age is None:
        return f"{years(minimum_age)} and over"
    return f"{minimum_age} to {maximum_age} years"


def delivery_text(service) -> str:
    methods = []
    if service.delivered_in_person:
        methods.append("in person")
    if service.delivered_online:
        methods.append("online")
    if service.delivered_by_telephone:
        methods.append("by telephone")
    text = join_words(methods)
    return text[0].upper() + text[1:] if text else ""


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def safe_url(url: str) -> str:
    """Only web addresses become links: a `javascript:` URL in imported data never does."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def _categories(service) -> list[str]:
    return list(dict.fromkeys(a.taxonomy_term.name for a in service.attributes.all()))


class ServiceSummary:
    """A service as one search result or one line of an organisation's listing."""

    def __init__(self, service):
        self.name = service.name
        self.url = reverse("directory:service", args=[service.id])
        self.organisation = service.organization.name if hasattr(service, "organization") else ""
        description = (service.description or "").strip()
        self.description = (
            description if len(description) <= 200 else (description[:197].rsplit(" ", 1)[0] + "…")
        )
        distance = getattr(service, "distance_miles", None)
        self.distance = f"{miles(distance)} away" if distance is not None else ""
        self.categories = _categories(service)
        self.cost = cost_text(list(service.cost_options.all()))
        self.ages = age_text(service.minimum_age, service.maximum_age)
        self.delivery = delivery_text(service)


class LocationDetail:
    """A venue on a service page. A confidential venue shows its town and nothing more."""

    def __init__(self, location, schedules, today=None):
        self.name = location.name
        addresses = list(location.addresses.all())
        address = next((a for a in addresses if a.address_type == "physical"), None) or (
            addresses[0] if addresses else None
        )
        self.confidential = location.is_confidential
        if location.is_confidential:
            self.address_lines = [address.city] if address and address.city else []
            self.address_note = CONFIDENTIAL_ADDRESS
            self.name = ""
        else:
            self.address_lines = (
                [
                    line
                    for line in (
                        address.address_1,
                        address.address_2,
                        address.city,
                        address.postal_code,
                    )
                    if line
                ]
                if address
                else []
            )
            self.address_note = ""
        self.opening_hours = [t for t in (schedule_text(s, today) for s in schedules) if t]
        self.accessibility = [a.description for a in location.accessibility.all() if a.description]
        self.description = "" if location.is_confidential else location.description


class ServiceDetail:
    """Everything the service page shows, as strings and lists of strings."""

    def __init__(self, service, today=None):
        self.id = service.id
        self.name = service.name
        self.description_paragraphs = paragraphs(service.description)
        self.organisation = service.organization.name
        self.organisation_url = reverse("directory:organisation", args=[service.organization_id])
        self.ages = age_text(service.minimum_age, service.maximum_age)
        self.eligibility = service.eligibility_description
        costs = list(service.cost_options.all())
        self.cost = cost_text(costs)
        self.cost_details = [
            " ".join(
                p
                for p in (
                    o.option,
                    money(o.amount) if o.amount is not None else "",
                    o.amount_description,
                )
                if p
            )
            for o in costs
            if o.option or o.amount_description
        ]
        # The organisation's own words on cost, unless they only repeat the summary ("Free").
        fees = (service.fees_description or "").strip()
        self.fees_description = "" if fees.rstrip(".").lower() == self.cost.lower() else fees
        process = (service.application_process or "").strip()
        self.how_to_access = APPLICATION_PROCESSES.get(process.lower(), process)
        self.delivery = delivery_text(service)
        self.categories = _categories(service)
        self.website = safe_url(service.url)
        self.emails = list(
            dict.fromkeys([service.email] + [c.email for c in service.contacts.all() if c.email])
        )
        self.emails = [e for e in self.emails if e]
        self.phones = [
            p.number + (f" (extension {p.extension})" if p.extension else "")
            for p in service.phones.all()
        ]
        self.languages = [language.name for language in service.languages.all()]
        self.interpretation = service.interpretation_services
        self.alert = service.alert
        self.wait_time = service.wait_time
        self.locations = []
        for link in service.service_at_locations.all():
            location = link.location
            schedules = list(link.schedules.all()) + list(location.schedules.all())
            self.locations.append(LocationDetail(location, schedules, today))
            self.phones.extend(p.number for p in link.phones.all())
        self.opening_hours = [
            t for t in (schedule_text(s, today) for s in service.schedules.all()) if t
        ]
        self.last_checked = long_date(service.assured_date)


class OrganisationDetail:
    def __init__(self, organisation):
        self.name = organisation.name
        self.description_paragraphs = paragraphs(organisation.description)
        self.website = safe_url(organisation.website)
        self.services = [ServiceSummary(s) for s in organisation.published_services]
        self.services_heading = f"Services ({len(self.services)})" if self.services else "Services"
