"""factory_boy factories for people, agencies, teams and roles."""

import factory

from familyhelp.accounts import models


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Wessex Vale Agency {n}")
    kind = models.Agency.Kind.COUNCIL


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@wessexvale.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Family support worker"
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("long enough passphrase")

    @factory.post_generation
    def roles(self, create, codes, **kwargs):
        """UserFactory(roles=["practitioner"]) gives the person those seeded roles."""
        for code in codes or ():
            models.RoleAssignment.objects.create(user=self, role=models.Role.objects.get(code=code))


def role(code):
    """One of the ten roles the migration seeds."""
    return models.Role.objects.get(code=code)
