"""factory_boy factories for episodes and the work in them, and the people around a family."""

import datetime

import factory
from django.utils import timezone

from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.casework import models
from familyhelp.core.public_requests import new_reference
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory
from familyhelp.frontdoor.tests.factories import team_member


def keyworker(team, **kwargs):
    """A family keyworker in the team."""
    return team_member(team, roles=["family-keyworker"], **kwargs)


def manager(team, **kwargs):
    """A team manager in the team."""
    return team_member(team, roles=["team-manager"], **kwargs)


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An open episode for a new family with one child, led by a keyworker in its team.

    `EpisodeFactory(awaiting=True)` waits for allocation; `children=[...]` names the children.
    """

    class Meta:
        model = models.Episode
        skip_postgeneration_save = True

    class Params:
        awaiting = factory.Trait(
            status=models.Episode.Status.AWAITING_ALLOCATION,
            lead_professional=None,
            allocated_at=None,
        )

    reference = factory.LazyFunction(lambda: "E-" + new_reference(models.Episode))
    family = factory.SubFactory(FamilyFactory)
    team = factory.SubFactory(TeamFactory, name=factory.Sequence(lambda n: f"Family Help {n}"))
    origin = models.Episode.Origin.FRONT_DOOR
    status = models.Episode.Status.OPEN
    lead_professional = factory.LazyAttribute(lambda o: keyworker(o.team))
    allocated_at = factory.LazyFunction(timezone.now)
    next_review_due = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(weeks=6)
    )

    @factory.post_generation
    def children(self, create, children, **kwargs):
        if children is None:
            children = [PersonFactory()]
        for child in children:
            models.EpisodePerson.objects.create(
                episode=self, person=child, role=models.EpisodePerson.Role.CHILD
            )
            self.family.memberships.get_or_create(person=child)


class TeamAroundFamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TeamAroundFamilyMember

    episode = factory.SubFactory(EpisodeFactory)
    user = factory.SubFactory(
        "familyhelp.accounts.tests.factories.UserFactory", roles=["practitioner"]
    )
    role = "School designated safeguarding lead"
    added_by = factory.LazyAttribute(lambda o: o.episode.lead_professional or o.user)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CaseNote

    episode = factory.SubFactory(EpisodeFactory)
    kind = models.CaseNote.Kind.HOME_VISIT
    happened_at = factory.LazyFunction(timezone.now)
    text = "Visited at home; mum and Sam were in. Talked about morning routines."
    created_by = factory.LazyAttribute(lambda o: o.episode.lead_professional)
