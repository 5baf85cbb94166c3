"""The demo county's organisations, each with its venues, identifiers and phone number."""

import random

from familyhelp.demo.catalogue import CHARITY, COUNCIL, HUB
from familyhelp.demo.county import COUNCIL as COUNCIL_NAME
from familyhelp.demo.county import COUNTY, STREETS, TOWNS, DemoPostcode, phone_number, slug
from familyhelp.demo.generator.records import (
    DemoOrganisation,
    OrganisationBatch,
    Venue,
    new,
    new_id,
)
from familyhelp.demo.organisations import (
    DESCRIPTIONS,
    KIND_WEIGHTS,
    LEGAL_STATUS,
    VENUES,
    identifiers_for,
    organisation_name,
)
from familyhelp.directory import models as m

ACCESSIBILITY = (
    ("Step-free access", "Level access from the car park with automatic doors."),
    ("Accessible toilet", "An accessible toilet with baby changing on the ground floor."),
    ("Hearing loop", "A hearing loop at reception and in the main hall."),
    ("Quiet room", "A quiet room is available if anyone needs a break."),
    ("Lift to all floors", "A lift serves every floor."),
    ("Blue badge parking", "Two blue badge bays next to the entrance."),
)


class OrganisationGenerator:
    def __init__(self, *, seed: int, count: int, postcodes: dict[str, list[DemoPostcode]]):
        self.rng = random.Random(f"{seed}-organisations")
        self.count = count
        self.postcodes = postcodes
        self.names: set[str] = set()
        self.batch = OrganisationBatch([], [], [], [], [], [])

    def generate(self) -> OrganisationBatch:
        rng = self.rng
        county_town = TOWNS[0].name
        council = self._organisation(COUNCIL, county_town, name=COUNCIL_NAME)
        for town in TOWNS[:3]:
            self._venue(council, town.name)
        refuge = self._organisation(CHARITY, county_town, name=f"Safe Haven {COUNTY}")
        self._venue(refuge, county_town)
        self._venue(refuge, TOWNS[2].name, name="Safe Haven refuge", confidential=True)
        # Every town has one family hub, run by the council.
        for town in TOWNS[: max(0, self.count - 2)]:
            hub = self._organisation(HUB, town.name, parent=council.record)
            self._venue(hub, town.name)
        kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
        town_weights = [town.size for town in TOWNS]
        while len(self.batch.organisations) < self.count:
            kind = rng.choices(kinds, weights)[0]
            town = rng.choices(TOWNS, town_weights)[0].name
            organisation = self._organisation(kind, town)
            if kind == CHARITY:
                spread = rng.random()
                if spread < 0.8:  # the rest work only by phone and online
                    self._venue(organisation, town)
                if spread < 0.2:
                    self._venue(organisation, rng.choice(TOWNS).name)
            else:
                self._venue(organisation, town)
        return self.batch

    def _organisation(self, kind, town, *, name=None, parent=None) -> DemoOrganisation:
        rng = self.rng
        name = name or self._unique_name(kind, town)
        domain = f"{slug(name)[:40].rstrip('-')}.example.org"
        record = new(
            m.Organization,
            id=new_id(rng),
            parent_organization_id=parent.id if parent else None,
            name=name,
            description=DESCRIPTIONS[kind].format(town=town),
            email=f"hello@{domain}",
            website=f"https://{domain}/",
            legal_status=LEGAL_STATUS[kind],
            year_incorporated=rng.randrange(1950, 2024),
        )
        for found in identifiers_for(rng, kind):
            self.batch.identifiers.append(
                new(
                    m.OrganizationIdentifier,
                    id=new_id(rng),
                    organization_id=record.id,
                    identifier_scheme=found.scheme,
                    identifier_type=found.type,
                    identifier=found.value,
                )
            )
        self.batch.phones.append(
            new(
                m.Phone,
                id=new_id(rng),
                organization_id=record.id,
                number=phone_number(rng),
                type="voice",
            )
        )
        organisation = DemoOrganisation(record, kind, town)
        self.batch.organisations.append(organisation)
        return organisation

    def _unique_name(self, kind, town) -> str:
        for _ in range(5):
            name = organisation_name(self.rng, kind, town)
            if name not in self.names:
                break
        number = 2
        base = name
        while name in self.names:
            name = f"{base} ({number})"
            number += 1
        self.names.add(name)
        return name

    def _venue(self, organisation, town, *, name=None, confidential=False):
        rng = self.rng
        postcode = rng.choice(self.postcodes[town])
        location = new(
            m.Location,
            id=new_id(rng),
            name=name or VENUES[organisation.kind].format(name=organisation.record.name, town=town),
            description="" if confidential else f"In {town}.",
            latitude=postcode.latitude,
            longitude=postcode.longitude,
            is_confidential=confidential,
        )
        self.batch.locations.append(location)
        self.batch.addresses.append(
            new(
                m.Address,
                id=new_id(rng),
                location_id=location.id,
                address_1=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
                city=town,
                state_province=COUNTY,
                postal_code=postcode.postcode,
                country="GB",
            )
        )
        for description, details in rng.sample(ACCESSIBILITY, rng.randrange(1, 3)):
            self.batch.accessibility.append(
                new(
                    m.Accessibility,
                    id=new_id(rng),
                    location_id=location.id,
                    description=description,
                    details=details,
                )
            )
        organisation.venues.append(Venue(location, town, postcode))
