import pytest

from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def council(db):
    return AgencyFactory(name="Wessex Vale Council")


@pytest.fixture
def school(db):
    return AgencyFactory(name="Vale Primary School", kind="school")


@pytest.fixture
def system_admin(db):
    return UserFactory(
        email="sysadmin@wessexvale.example", agency=None, roles=[Role.SYSTEM_ADMINISTRATOR]
    )


@pytest.fixture
def council_admin(council):
    return UserFactory(
        email="people.admin@wessexvale.example",
        agency=council,
        roles=[Role.AGENCY_ADMINISTRATOR, "practitioner"],
    )
