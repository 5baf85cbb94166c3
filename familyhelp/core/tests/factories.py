import factory

from familyhelp.core import models


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Postcode
        django_get_or_create = ("postcode",)

    postcode = factory.Sequence(lambda n: f"WX1 {n % 10}{chr(65 + n // 10 % 26)}{chr(65 + n % 26)}")
    outward_code = factory.LazyAttribute(lambda o: o.postcode.split()[0])
    latitude = 51.05
    longitude = -2.05


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place
        django_get_or_create = ("search_name",)

    name = "Ashcombe"
    search_name = factory.LazyAttribute(lambda o: o.name.lower())
    latitude = 51.05
    longitude = -2.05
