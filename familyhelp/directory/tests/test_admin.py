import pytest
from django.urls import reverse

from familyhelp.directory import models
from familyhelp.directory.tests.factories import (
    AddressFactory,
    AttributeFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_listing(admin_client):
    link = ServiceAtLocationFactory(service__name="Stay and play")
    AddressFactory(location=link.location)
    ScheduleFactory(service=link.service, service_at_location=link)
    AttributeFactory(service=link.service)
    return admin_client, link


@pytest.mark.parametrize(
    "model",
    [
        models.Service,
        models.Organization,
        models.Location,
        models.ServiceAtLocation,
        models.Taxonomy,
        models.TaxonomyTerm,
    ],
)
def test_each_directory_model_lists_searches_and_opens_in_the_admin(
    admin_client_with_listing, model
):
    client, link = admin_client_with_listing
    record = {
        models.Service: link.service,
        models.Organization: link.service.organization,
        models.Location: link.location,
        models.ServiceAtLocation: link,
        models.Taxonomy: models.Taxonomy.objects.first(),
        models.TaxonomyTerm: models.TaxonomyTerm.objects.first(),
    }[model]
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "play"}).status_code == 200
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    assert client.get(change).status_code == 200


def test_the_service_list_shows_name_organisation_and_status(admin_client_with_listing):
    client, link = admin_client_with_listing
    page = client.get(reverse("admin:directory_service_changelist")).content.decode()
    assert "Stay and play" in page
    assert link.service.organization.name in page
    assert "Active" in page
