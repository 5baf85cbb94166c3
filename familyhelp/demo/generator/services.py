"""The demo county's services: descriptions, venues, schedules, costs, languages, categories."""

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from familyhelp.demo import catalogue
from familyhelp.demo.catalogue import CHARITY, COUNCIL, HUB, OFFERS
from familyhelp.demo.county import COUNCIL as COUNCIL_NAME
from familyhelp.demo.county import COUNTY, person_name, phone_number
from familyhelp.demo.generator.records import DemoOrganisation, ServiceBatch, Venue, new, new_id
from familyhelp.directory import models as m

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
OPENING_DAYS = ("MO,TU,WE,TH,FR", "MO,WE", "TU,TH", "MO,WE,FR", "WE", "TH", "SA", "TU,TH,FR")
OPENING_TIMES = (
    ((9, 0), (17, 0)),
    ((9, 30), (12, 0)),
    ((10, 0), (14, 0)),
    ((13, 0), (16, 30)),
    ((9, 0), (15, 0)),
    ((16, 0), (19, 0)),
)
SESSION_TIMES = (((9, 30), (11, 0)), ((10, 0), (11, 30)), ((13, 30), (15, 0)), ((16, 0), (17, 30)))
SESSION_TIMES_EVENING = (((18, 0), (19, 30)), ((18, 30), (20, 30)))
EVENT_TITLES = (
    "Open day",
    "Family fun day",
    "Drop-in session",
    "Information morning",
    "Taster session",
)
LANGUAGES = (
    ("Polish", "pl"),
    ("Urdu", "ur"),
    ("Romanian", "ro"),
    ("Arabic", "ar"),
    ("British Sign Language", "bfi"),
    ("Punjabi", "pa"),
    ("Bengali", "bn"),
    ("Ukrainian", "uk"),
)
FUNDING = (
    "Family Hubs and Start for Life programme",
    f"{COUNCIL_NAME}",
    "Vale Community Foundation",
    "Holiday Activities and Food programme",
    "Public health grant",
)
CONTACT_TITLES = {
    HUB: "Family hub coordinator",
    COUNCIL: "Service manager",
    CHARITY: "Project worker",
}
STALE_SHARE = 0.15
INACTIVE_SHARE = 0.03
FREE_SHARE_OF_CHARGEABLE = 0.4


def _time(hour_minute) -> datetime.time:
    return datetime.time(*hour_minute)


class ServiceGenerator:
    def __init__(
        self,
        *,
        seed: int,
        organisations: list[DemoOrganisation],
        terms: dict[str, uuid.UUID],
        category_terms: dict[str, list[str]],
        today: datetime.date,
    ):
        self.rng = random.Random(f"{seed}-services")
        self.terms = terms
        self.category_terms = category_terms
        self.today = today
        self.by_kind: dict[str, list[DemoOrganisation]] = defaultdict(list)
        for organisation in organisations:
            self.by_kind[organisation.kind].append(organisation)
        self.refuge = next(
            o for o in organisations if any(v.location.is_confidential for v in o.venues)
        )
        self.names: set[str] = set()
        self.order: list[int] = []

    def batches(self, count: int, batch_size: int) -> Iterator[ServiceBatch]:
        for start in range(0, count, batch_size):
            batch = ServiceBatch()
            for index in range(start, min(count, start + batch_size)):
                self._service(batch, index)
            yield batch

    def _next_offer(self) -> catalogue.Offer:
        # Deal the 43 sub-categories like cards, so every one is used before any repeats.
        if not self.order:
            self.order = list(range(len(OFFERS)))
            self.rng.shuffle(self.order)
        return OFFERS[self.order.pop()]

    def _service(self, batch: ServiceBatch, index: int):
        rng = self.rng
        offer = self._next_offer()
        if offer.subcategory == "Domestic abuse" and index < len(OFFERS):
            organisation = self.refuge
        else:
            kinds = [kind for kind in offer.kinds if self.by_kind[kind]] or [COUNCIL]
            organisation = rng.choice(self.by_kind[rng.choice(kinds)])
        remote = not organisation.venues or (
            (offer.online or offer.telephone) and rng.random() < 0.25
        )
        venue = None if remote else self._venue_for(organisation, offer)
        town = venue.town if venue else organisation.town
        name = self._unique_name(offer, town, organisation)
        access = rng.choice(
            catalogue.REFERRAL_SENTENCES
            if offer.subcategory in catalogue.REFERRAL_ONLY
            else catalogue.ACCESS_SENTENCES
        )
        extra = rng.choice(catalogue.EXTRA_SENTENCES)
        first, last = person_name(rng)
        email = f"{first.lower()}.{last.lower()}@{rng.choice(('example.org', 'example.com'))}"
        minimum_age, maximum_age = self._ages(offer)
        assured = self._assured_date()
        service = new(
            m.Service,
            id=new_id(rng),
            organization_id=organisation.record.id,
            name=name,
            description=f"{offer.description} {access} {extra}",
            url=organisation.record.website,
            email=email,
            status=self._status(),
            application_process=catalogue.APPLICATION_PROCESS[access],
            eligibility_description=self._eligibility(minimum_age, maximum_age),
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            assured_date=assured,
            assurer_email=f"directory@{COUNTY.lower().replace(' ', '')}.example.org",
            last_modified=datetime.datetime.combine(
                assured, datetime.time(9, 0), tzinfo=datetime.UTC
            ),
            delivered_in_person=venue is not None,
            delivered_online=offer.online and (remote or rng.random() < 0.3),
            delivered_by_telephone=offer.telephone and (remote or rng.random() < 0.5),
        )
        if remote and not (service.delivered_online or service.delivered_by_telephone):
            service.delivered_by_telephone = True
        batch.services.append(service)
        link = None
        if venue:
            link = new(
                m.ServiceAtLocation,
                id=new_id(rng),
                service_id=service.id,
                location_id=venue.location.id,
            )
            batch.service_at_locations.append(link)
        self._schedules(batch, offer, service, link)
        self._cost(batch, offer, service)
        self._languages(batch, service)
        contact = new(
            m.Contact,
            id=new_id(rng),
            service_id=service.id,
            name=f"{first} {last}",
            title=CONTACT_TITLES.get(organisation.kind, "Coordinator"),
            email=email,
        )
        batch.contacts.append(contact)
        batch.phones.append(
            new(
                m.Phone,
                id=new_id(rng),
                service_id=service.id,
                number=phone_number(rng),
                type="voice",
            )
        )
        area = COUNTY if remote or organisation.kind == COUNCIL else f"{town} and nearby villages"
        batch.service_areas.append(
            new(m.ServiceArea, id=new_id(rng), service_id=service.id, name=area)
        )
        if rng.random() < 0.25:
            batch.funding.append(
                new(m.Funding, id=new_id(rng), service_id=service.id, source=rng.choice(FUNDING))
            )
        self._attributes(batch, offer, service)

    def _venue_for(self, organisation, offer) -> Venue:
        if organisation is self.refuge and offer.subcategory == "Domestic abuse":
            return next(v for v in organisation.venues if v.location.is_confidential)
        open_venues = [v for v in organisation.venues if not v.location.is_confidential]
        return self.rng.choice(open_venues or organisation.venues)

    def _unique_name(self, offer, town, organisation) -> str:
        name = self.rng.choice(offer.names).format(town=town)
        if name in self.names:
            name = f"{name} ({organisation.record.name})"
        base, number = name, 2
        while name in self.names:
            name = f"{base} {number}"
            number += 1
        self.names.add(name)
        return name

    def _ages(self, offer) -> tuple[int | None, int | None]:
        low, high = offer.ages
        if low is not None and low > 0 and self.rng.random() < 0.3:
            low -= 1
        if high is not None and self.rng.random() < 0.3:
            high += 1
        return low, high

    @staticmethod
    def _eligibility(low, high) -> str:
        if low is None and high is None:
            return "Anyone living in Wessex Vale."
        if high is None:
            return f"Aged {low} and over."
        if not low:
            return f"Children up to {high} and their families."
        return f"Children and young people aged {low} to {high} and their families."

    def _assured_date(self) -> datetime.date:
        rng = self.rng
        # Stale listings are over six months old, some of them over a year.
        stale = rng.random() < STALE_SHARE
        days = rng.randrange(185, 600) if stale else rng.randrange(1, 170)
        return self.today - datetime.timedelta(days=days)

    def _status(self) -> str:
        if self.rng.random() < INACTIVE_SHARE:
            return self.rng.choice(
                [
                    m.Service.Status.INACTIVE,
                    m.Service.Status.TEMPORARILY_CLOSED,
                    m.Service.Status.DEFUNCT,
                ]
            )
        return m.Service.Status.ACTIVE

    def _schedule(self, batch, service, link, **fields):
        batch.schedules.append(
            new(
                m.Schedule,
                id=new_id(self.rng),
                service_id=service.id,
                service_at_location_id=link.id if link else None,
                timezone="Europe/London",
                **fields,
            )
        )

    def _schedules(self, batch, offer, service, link):
        rng = self.rng
        pattern = "hours" if link is None else offer.pattern
        if pattern == "hours":
            opens, closes = rng.choice(OPENING_TIMES)
            days = "MO,TU,WE,TH,FR" if link is None else rng.choice(OPENING_DAYS)
            self._schedule(
                batch,
                service,
                link,
                freq=m.Schedule.Freq.WEEKLY,
                byday=days,
                opens_at=_time(opens),
                closes_at=_time(closes),
            )
            if link is not None and rng.random() < 0.25:
                self._event(batch, service, link)
        elif pattern == "sessions":
            for _ in range(rng.choice((1, 1, 1, 2))):
                self._session(batch, service, link, offer)
        else:
            for _ in range(rng.randrange(1, 4)):
                self._event(batch, service, link)

    def _session(self, batch, service, link, offer):
        rng = self.rng
        past_course = rng.random() < 0.08
        start = self.today + datetime.timedelta(
            days=rng.randrange(-200, -120) if past_course else rng.randrange(-28, 28)
        )
        times = SESSION_TIMES_EVENING if offer.ages[0] and offer.ages[0] >= 8 else SESSION_TIMES
        opens, closes = rng.choice(times)
        weeks = rng.randrange(6, 16)
        ending = {"until": start + datetime.timedelta(weeks=weeks)}
        if rng.random() < 0.4:
            ending = {"count": weeks}
        self._schedule(
            batch,
            service,
            link,
            dtstart=start,
            freq=m.Schedule.Freq.WEEKLY,
            byday=DAY_CODES[start.weekday()],
            opens_at=_time(opens),
            closes_at=_time(closes),
            description=f"Weekly for {weeks} weeks.",
            **ending,
        )

    def _event(self, batch, service, link):
        rng = self.rng
        day = self.today + datetime.timedelta(days=rng.randrange(1, 90))
        opens, closes = rng.choice(OPENING_TIMES[:4])
        self._schedule(
            batch,
            service,
            link,
            dtstart=day,
            opens_at=_time(opens),
            closes_at=_time(closes),
            description=f"{rng.choice(EVENT_TITLES)}: {service.name}.",
        )

    def _cost(self, batch, offer, service):
        rng = self.rng
        if offer.cost is None or rng.random() < FREE_SHARE_OF_CHARGEABLE:
            service.fees_description = "Free"
            return
        amount = offer.cost + Decimal(rng.choice((0, 0, 50, 100))) / 100
        per = "Per day" if offer.pattern == "events" else "Per session"
        service.fees_description = f"£{amount:.2f} {per.lower()}; ask about help with costs."
        batch.cost_options.append(
            new(
                m.CostOption,
                id=new_id(rng),
                service_id=service.id,
                option=per,
                amount=amount,
                amount_description=f"£{amount:.2f} {per.lower()}",
            )
        )

    def _languages(self, batch, service):
        rng = self.rng
        spoken = [("English", "en")]
        if rng.random() < 0.2:
            spoken += rng.sample(LANGUAGES, rng.randrange(1, 3))
        for name, code in spoken:
            batch.languages.append(
                new(m.Language, id=new_id(rng), service_id=service.id, name=name, code=code)
            )

    def _attributes(self, batch, offer, service):
        rng = self.rng
        names = [offer.subcategory]
        related = [n for n in self.category_terms[offer.category] if n != offer.subcategory]
        names += rng.sample(related, min(len(related), rng.choice((0, 0, 1, 2))))
        for name in names:
            batch.attributes.append(
                new(
                    m.Attribute,
                    id=new_id(rng),
                    taxonomy_term_id=self.terms[name],
                    service_id=service.id,
                )
            )
