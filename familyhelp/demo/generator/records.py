"""The pieces every generator shares: fast unsaved instances, seeded ids, and batches."""

import random
import uuid
from dataclasses import dataclass, field

from django.db.models.base import ModelState

from familyhelp.demo.county import DemoPostcode
from familyhelp.directory import models as m


def new(model, **values):
    """An unsaved model instance, built without Model.__init__.

    __init__ walks every field through descriptors, which was most of the time of generating
    100,000 services; setting the defaults and then the given values is the same thing, faster.
    Values are given by attribute name (organization_id, not organization).
    """
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = {
            f.attname: f.get_default() for f in model._meta.concrete_fields
        }
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(defaults)
    instance.__dict__.update(values)
    return instance


_DEFAULTS: dict = {}


def new_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class Venue:
    location: m.Location
    town: str
    postcode: DemoPostcode


@dataclass
class DemoOrganisation:
    record: m.Organization
    kind: str
    town: str
    venues: list[Venue] = field(default_factory=list)


@dataclass
class OrganisationBatch:
    organisations: list[DemoOrganisation]
    identifiers: list[m.OrganizationIdentifier]
    locations: list[m.Location]
    addresses: list[m.Address]
    accessibility: list[m.Accessibility]
    phones: list[m.Phone]


@dataclass
class ServiceBatch:
    """Rows for some services, in the order they must be inserted."""

    services: list[m.Service] = field(default_factory=list)
    service_at_locations: list[m.ServiceAtLocation] = field(default_factory=list)
    schedules: list[m.Schedule] = field(default_factory=list)
    cost_options: list[m.CostOption] = field(default_factory=list)
    languages: list[m.Language] = field(default_factory=list)
    contacts: list[m.Contact] = field(default_factory=list)
    phones: list[m.Phone] = field(default_factory=list)
    service_areas: list[m.ServiceArea] = field(default_factory=list)
    funding: list[m.Funding] = field(default_factory=list)
    attributes: list[m.Attribute] = field(default_factory=list)

    def in_insert_order(self):
        return [
            self.services,
            self.service_at_locations,
            self.schedules,
            self.cost_options,
            self.languages,
            self.contacts,
            self.phones,
            self.service_areas,
            self.funding,
            self.attributes,
        ]
