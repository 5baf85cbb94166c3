"""Factories and sign-in helpers shared by the access tests."""

import factory

from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.accounts.tests.records.models import ProtectedRecord


class ProtectedRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectedRecord
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test record {n}")
    family_id = factory.Sequence(lambda n: f"F{n:05d}")
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def team_around_family(self, create, people, **kwargs):
        for person in people or ():
            self.team_around_family.add(person)


def member_of(team, *, roles=(), **kwargs):
    """A person in the team's agency and the team, holding these seeded roles."""
    person = UserFactory(agency=team.agency, roles=list(roles), **kwargs)
    TeamMembership.objects.create(user=person, team=team)
    return person
