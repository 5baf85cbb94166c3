import datetime

import pytest

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory
from familyhelp.frontdoor.tests.factories import RequestFactory, front_door_manager


@pytest.fixture
def postcodes(db):
    return [PostcodeFactory(postcode=code) for code in ("WX1 1AA", "WX1 2AB", "WX2 3CD")]


@pytest.fixture
def child(db):
    return PersonFactory(
        given_names="Sam", family_name="Smith", date_of_birth=datetime.date(2016, 5, 4)
    )


@pytest.fixture
def family(child):
    return FamilyFactory(name="The Smith family", people=[child])


@pytest.fixture
def practitioner(db):
    return UserFactory(full_name="Pat Practitioner", roles=["practitioner"])


@pytest.fixture
def requester(practitioner, family):
    """A practitioner who made a request for support about the family (so keeps its details)."""
    RequestFactory(created_by=practitioner, family=family, children=[])
    return practitioner


@pytest.fixture
def stranger(db):
    """A practitioner with nothing to do with the family."""
    return UserFactory(full_name="Sol Stranger", roles=["practitioner"])


@pytest.fixture
def manager(db):
    return front_door_manager(full_name="Mo Manager")


@pytest.fixture
def two_records(manager):
    """Sam Smith twice: in two families, each with an open request (so the manager keeps both)."""
    kept = PersonFactory(
        given_names="Sam", family_name="Smith", date_of_birth=datetime.date(2016, 5, 4)
    )
    merged = PersonFactory(
        given_names="Sam", family_name="Smyth", date_of_birth=datetime.date(2016, 5, 4)
    )
    first = FamilyFactory(name="The Smith family", people=[kept])
    second = FamilyFactory(name="The Smyth family", people=[merged])
    RequestFactory(submitted=True, family=first, children=[kept])
    RequestFactory(submitted=True, family=second, children=[merged])
    return kept, merged, first, second
