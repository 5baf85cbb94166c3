"""factory_boy factories for requests for support and decisions, and front door people."""

import datetime

import factory
from django.utils import timezone

from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.core.public_requests import new_reference
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory
from familyhelp.frontdoor import models
from familyhelp.frontdoor.services.common import front_door_settings


def front_door_team():
    """The front door team (made and set in the front door's settings on first use)."""
    settings = front_door_settings()
    if settings.team is None:
        settings.team = TeamFactory(name="Front Door")
        settings.save()
    return settings.team


def team_member(team, *, roles=(), **kwargs):
    """A person in the team's agency and the team, holding these seeded roles."""
    person = UserFactory(agency=team.agency, roles=list(roles), **kwargs)
    TeamMembership.objects.create(user=person, team=team)
    return person


def front_door_officer(**kwargs):
    return team_member(front_door_team(), roles=["front-door-officer"], **kwargs)


def front_door_manager(**kwargs):
    return team_member(front_door_team(), roles=["team-manager"], **kwargs)


def level(number: int) -> models.ThresholdLevel:
    """One of the four seeded levels of need."""
    return models.ThresholdLevel.objects.get(number=number)


class RequestFactory(factory.django.DjangoModelFactory):
    """A practitioner's draft assessment about a new family with one child.

    `RequestFactory(submitted=True)` is in the queue; `children=[...]` names the children.
    """

    class Meta:
        model = models.Request
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=models.Request.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decision_due_on=factory.LazyFunction(
                lambda: timezone.localdate() + datetime.timedelta(days=1)
            ),
        )

    reference = factory.LazyFunction(lambda: new_reference(models.Request))
    kind = models.Request.Kind.ASSESSMENT
    created_by = factory.SubFactory(UserFactory, roles=["practitioner"])
    agency = factory.LazyAttribute(lambda o: o.created_by.agency if o.created_by else None)
    family = factory.SubFactory(FamilyFactory)
    reasons = "Attendance has dropped and mum has asked for help with routines."

    @factory.post_generation
    def children(self, create, children, **kwargs):
        """The children the request is about (one new child in the family by default)."""
        if children is None:
            children = [PersonFactory()]
        for child in children:
            models.RequestPerson.objects.create(
                request=self, person=child, role=models.RequestPerson.Role.CHILD
            )
            if self.family is not None:
                self.family.memberships.get_or_create(person=child)


class SelfReferralFactory(RequestFactory):
    kind = models.Request.Kind.SELF_REFERRAL
    created_by = None
    agency = None
    family = None
    status = models.Request.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    decision_due_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=1)
    )
    contact_name = "Sam Example"
    contact_phone = "07700 900982"
    safe_to_leave_message = True
    who_needs_help = "My son, who is 9"
    help_with = "He is struggling at school and we argue every morning."
    postcode = "WX1 1AA"

    @factory.post_generation
    def children(self, create, children, **kwargs):
        """Nobody is on a self-referral until the front door finds or adds them."""
        for child in children or ():
            models.RequestPerson.objects.create(
                request=self, person=child, role=models.RequestPerson.Role.CHILD
            )


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Decision

    request = factory.SubFactory(RequestFactory, submitted=True, status="decided")
    kind = models.Decision.Kind.NO_FURTHER_ACTION
    no_further_action_reason = models.Decision.NoFurtherActionReason.NEEDS_MET
    rationale = "School support is already in place and the family agree it is enough."
    decided_by = factory.SubFactory(UserFactory, roles=["front-door-officer"])
