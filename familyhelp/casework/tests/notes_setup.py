"""Fixtures for the notes, chronology and documents tests (import them into a test module)."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.casework.tests.factories import (
    EpisodeFactory,
    TeamAroundFamilyMemberFactory,
    manager,
)
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory


@pytest.fixture
def child(db):
    return PersonFactory(
        given_names="Sam", family_name="Smith", date_of_birth=datetime.date(2016, 5, 4)
    )


@pytest.fixture
def parent(db):
    return PersonFactory(
        given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1988, 1, 9)
    )


@pytest.fixture
def family(child, parent):
    return FamilyFactory(name="The Smith family", people=[parent])


@pytest.fixture
def episode(family, child):
    """An open episode opened 30 days ago, with Sam as its child and Jo in the family."""
    return EpisodeFactory(
        family=family,
        children=[child],
        created_at=timezone.now() - datetime.timedelta(days=30),
        allocated_at=timezone.now() - datetime.timedelta(days=29),
    )


@pytest.fixture
def lead(episode):
    return episode.lead_professional


@pytest.fixture
def taf_member(episode):
    return TeamAroundFamilyMemberFactory(episode=episode).user


@pytest.fixture
def team_manager(episode):
    return manager(episode.team)


@pytest.fixture
def stranger(db):
    return UserFactory(full_name="Sol Stranger", roles=["practitioner"])
