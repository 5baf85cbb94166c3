"""factory_boy factories for people, families, relationships and consent."""

import datetime

import factory
from django.utils import timezone

from familyhelp.core.public_requests import new_reference
from familyhelp.families import models
from familyhelp.families.matching import name_key


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    given_names = factory.Sequence(lambda n: f"Alex{n}")
    family_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = datetime.date(2016, 5, 4)
    postcode = "WX1 1AA"
    family_name_key = factory.LazyAttribute(lambda o: name_key(o.family_name))
    given_name_key = factory.LazyAttribute(lambda o: name_key(o.given_names))


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Family
        skip_postgeneration_save = True

    reference = factory.LazyFunction(lambda: "F-" + new_reference(models.Family))
    name = factory.Sequence(lambda n: f"The Testperson{n} family")

    @factory.post_generation
    def people(self, create, people, **kwargs):
        """FamilyFactory(people=[child, mum]) makes them members who live there."""
        for person in people or ():
            models.FamilyMember.objects.create(family=self, person=person)


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FamilyMember

    family = factory.SubFactory(FamilyFactory)
    person = factory.SubFactory(PersonFactory)


class PersonRelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PersonRelationship

    person = factory.SubFactory(PersonFactory, date_of_birth=datetime.date(1990, 1, 1))
    relative = factory.SubFactory(PersonFactory)
    kind = models.PersonRelationship.Kind.PARENT
    parental_responsibility = True


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consent
        skip_postgeneration_save = True

    family = factory.SubFactory(FamilyFactory)
    scope = models.Consent.Scope.ASSESSMENT
    given_by_name = "Jo Testperson"
    given_on = factory.LazyFunction(timezone.localdate)
    method = models.Consent.Method.VERBAL

    @factory.post_generation
    def agencies(self, create, agencies, **kwargs):
        for agency in agencies or ():
            self.agencies.add(agency)
