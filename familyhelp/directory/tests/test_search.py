import pytest

from familyhelp.directory import search
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import (
    AttributeFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def _names(queryset):
    return [s.name for s in queryset.order_by("-search_rank", "name")]


def test_stemming_finds_singular_from_plural():
    ServiceFactory(name="Little Acorns Nursery")
    ServiceFactory(name="Youth football club")
    search.index_services()
    assert _names(search.search(Service.objects.all(), "nurseries")) == ["Little Acorns Nursery"]


def test_taxonomy_terms_are_searchable_and_name_outranks_description():
    term = TaxonomyTermFactory(name="Speech and language therapy")
    tagged = ServiceFactory(name="Chatterbox group", description="Songs and rhymes.")
    AttributeFactory(service=tagged, taxonomy_term=term)
    ServiceFactory(name="Speech clinic", description="Appointments.")
    ServiceFactory(name="Toy library", description="Borrow toys that help speech.")
    search.index_services()
    assert _names(search.search(Service.objects.all(), "speech")) == [
        "Speech clinic",
        "Chatterbox group",
        "Toy library",
    ]


def test_reindexing_one_service_replaces_its_row():
    service = ServiceFactory(name="Stay and play")
    search.index_services()
    Service.objects.filter(pk=service.pk).update(name="Baby massage")
    search.index_services([service.pk])
    assert _names(search.search(Service.objects.all(), "massage")) == ["Baby massage"]
    assert _names(search.search(Service.objects.all(), "play")) == []


@pytest.mark.parametrize(
    "text", ['"', "' OR 1=1 --", "<script>alert(1)</script>", "NEAR(a b)", "a* AND -b", "ü" * 500]
)
def test_odd_input_never_errors(text):
    ServiceFactory(name="Stay and play")
    search.index_services()
    list(search.search(Service.objects.all(), text))


def test_text_without_words_leaves_queryset_unfiltered():
    ServiceFactory()
    assert search.search(Service.objects.all(), "  !!! ").count() == 1
