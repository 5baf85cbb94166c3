"""While a change waits for approval, the public site, search and the Open Referral API show the
last approved version; once approved (or published by a trusted organisation, or an earlier
version restored) they show the new one at once, the API's response cache included.

The feed's cache is keyed by the directory's version, which publishing bumps once its
transaction commits (familyhelp/directory/changes.py): the tests run the commit callbacks, as a
real request would, and keep a real (in-memory) cache so a stale answer would be caught.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from familyhelp.directory.models import Contact, Service
from familyhelp.directory.tests.factories import OrganizationFactory, fully_described_service
from familyhelp.stewardship.listing import empty_document, new_id
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services import editing, moderation
from familyhelp.stewardship.tests.factories import (
    directory_administrator,
    draft_of,
    editor_of,
    submitted_change_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("response_cache")]

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
OLD = "Songs and stories for under-fives."
NEW = "Puppet shows every Friday morning."


@pytest.fixture
def response_cache():
    with override_settings(CACHES=LOCMEM, ORUK_RESPONSE_CACHE_SECONDS=600):
        from django.core.cache import cache

        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def service(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return fully_described_service(name="Rhyme Time", description=OLD)


def public_page(client, service) -> str:
    response = client.get(reverse("directory:service", args=[service.pk]))
    assert response.status_code == 200
    return response.content.decode()


def found_by_search(client, words: str) -> str:
    response = client.get(reverse("directory:search"), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def from_the_api(client, service) -> dict:
    response = client.get(f"/api/oruk/services/{service.pk}")
    assert response.status_code == 200
    return response.json()


def api_list_names(client) -> list[str]:
    return [item["name"] for item in client.get("/api/oruk/services").json()["contents"]]


def test_a_waiting_change_is_not_public_until_it_is_approved(
    client, service, django_capture_on_commit_callbacks
):
    # The feed has answered (and cached) before the editor sends the change.
    assert from_the_api(client, service)["description"] == OLD
    assert api_list_names(client) == ["Rhyme Time"]

    with django_capture_on_commit_callbacks(execute=True):
        change = submitted_change_of(service, name="Rhyme Time and Puppets", description=NEW)

    assert change.status == ListingChange.Status.SUBMITTED
    page = public_page(client, service)
    assert OLD in page and NEW not in page and "Rhyme Time and Puppets" not in page
    assert "Rhyme Time" in found_by_search(client, "stories")
    assert "Rhyme Time" not in found_by_search(client, "puppet")
    assert from_the_api(client, service)["description"] == OLD
    assert api_list_names(client) == ["Rhyme Time"]

    with django_capture_on_commit_callbacks(execute=True):
        moderation.change_approve(
            actor=directory_administrator(), change=change, revision=change.revision
        )

    page = public_page(client, service)
    assert NEW in page and OLD not in page
    assert "Rhyme Time and Puppets" in found_by_search(client, "puppet")
    assert "Rhyme Time" not in found_by_search(client, "stories")
    published = from_the_api(client, service)
    assert (published["name"], published["description"]) == ("Rhyme Time and Puppets", NEW)
    assert api_list_names(client) == ["Rhyme Time and Puppets"]


@pytest.mark.parametrize("decide", ["reject", "request_changes"])
def test_a_change_refused_is_never_public(
    client, service, decide, django_capture_on_commit_callbacks
):
    change = submitted_change_of(service, description=NEW)
    decider = getattr(moderation, f"change_{decide}")
    with django_capture_on_commit_callbacks(execute=True):
        decider(
            actor=directory_administrator(),
            change=change,
            revision=change.revision,
            message="Not this time",
        )
    assert OLD in public_page(client, service)
    assert from_the_api(client, service)["description"] == OLD
    assert "Rhyme Time" not in found_by_search(client, "puppet")


def test_a_new_service_waiting_is_nowhere_until_approved(
    client, service, django_capture_on_commit_callbacks
):
    editor = editor_of(service.organization)
    change = editing.change_start(actor=editor, organization=service.organization)
    document = empty_document()
    document.update(
        name="Puppet Club", description=NEW, categories=list(service_categories(service)),
        delivered_in_person=False, delivered_online=True, url="https://example.org/puppets",
    )  # fmt: skip
    change = editing.change_save(
        actor=editor, change=change, revision=change.revision, updates=document
    )
    change = editing.change_submit(actor=editor, change=change, revision=change.revision)
    assert not Service.objects.filter(name="Puppet Club").exists()
    assert "Puppet Club" not in found_by_search(client, "puppet")
    assert "Puppet Club" not in api_list_names(client)

    with django_capture_on_commit_callbacks(execute=True):
        change = moderation.change_approve(
            actor=directory_administrator(), change=change, revision=change.revision
        )

    assert "Puppet Club" in public_page(client, change.service)
    assert "Puppet Club" in found_by_search(client, "puppet")
    assert "Puppet Club" in api_list_names(client)


def service_categories(service):
    from familyhelp.stewardship.listing import listing_document, listing_queryset

    return listing_document(listing_queryset().get(pk=service.pk))["categories"]


def test_a_trusted_organisations_change_is_public_at_once(
    client, service, django_capture_on_commit_callbacks
):
    assert from_the_api(client, service)["description"] == OLD
    TrustedOrganisation.objects.create(organization=service.organization)
    change = draft_of(service, description=NEW)

    with django_capture_on_commit_callbacks(execute=True):
        change = editing.change_submit(
            actor=change.created_by, change=change, revision=change.revision
        )

    assert change.status == ListingChange.Status.APPROVED
    assert NEW in public_page(client, service)
    assert "Rhyme Time" in found_by_search(client, "puppet")
    assert from_the_api(client, service)["description"] == NEW
    assert not ListingChange.objects.filter(status=ListingChange.Status.SUBMITTED).exists()


def test_an_untrusted_organisations_change_waits(client, service):
    TrustedOrganisation.objects.create(organization=OrganizationFactory())
    change = draft_of(service, description=NEW)
    change = editing.change_submit(actor=change.created_by, change=change, revision=change.revision)
    assert change.status == ListingChange.Status.SUBMITTED
    assert OLD in public_page(client, service)


def test_restoring_a_version_brings_back_its_text_and_the_ids_of_its_rows(
    client, service, django_capture_on_commit_callbacks
):
    admin = directory_administrator()
    before = from_the_api(client, service)
    [original_contact] = before["contacts"]
    # A change that rewrites the description and replaces the contact with another person.
    change = draft_of(service)
    replacement = {
        "id": new_id(), "name": "Pat Newcomer", "title": "Coordinator",
        "email": "pat@example.org", "phone": "",
    }  # fmt: skip
    change = editing.change_save(
        actor=change.created_by,
        change=change,
        revision=change.revision,
        updates={"description": NEW, "contacts": [replacement]},
    )
    change = editing.change_submit(actor=change.created_by, change=change, revision=change.revision)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.change_approve(actor=admin, change=change, revision=change.revision)
    approved = from_the_api(client, service)
    assert approved["description"] == NEW
    assert [c["id"] for c in approved["contacts"]] == [replacement["id"]]
    assert not Contact.objects.filter(pk=original_contact["id"]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        restored = moderation.version_restore(actor=admin, service=service, number=1)

    assert restored.number == 3
    assert OLD in public_page(client, service)
    assert "Rhyme Time" in found_by_search(client, "stories")
    again = from_the_api(client, service)
    assert again["description"] == OLD
    assert [c["id"] for c in again["contacts"]] == [original_contact["id"]]
    assert again["contacts"][0]["name"] == original_contact["name"]
    # The feed lists the same rows, with the same ids, as before the change (a venue's sessions
    # stay linked through the venue only, as they were).
    for rows in ("cost_options", "languages", "schedules"):
        assert sorted(r["id"] for r in again[rows]) == sorted(r["id"] for r in before[rows])
    version_one = ListingVersion.objects.get(service=service, number=1).document
    kept = sorted(entry["id"] for entry in version_one["schedules"])
    assert {r["id"] for r in before["schedules"]} < set(kept)
    assert Contact.objects.filter(pk=original_contact["id"]).exists()
