"""Drafts: starting, saving (with the stale-page check), submitting and withdrawing."""

import pytest
from django.test import TestCase

from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import (
    OrganizationFactory,
    TaxonomyTermFactory,
    fully_described_service,
)
from familyhelp.stewardship.listing import empty_document
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services import editing, moderation
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.tests.factories import directory_administrator, draft_of, editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return fully_described_service(description="Songs and stories for under-fives.")


def test_starting_a_change_copies_the_published_listing_and_keeps_it_as_version_one(service):
    editor = editor_of(service.organization)
    change = editing.change_start(actor=editor, service=service)
    assert change.status == ListingChange.Status.DRAFT
    assert change.document["description"] == "Songs and stories for under-fives."
    assert change.base_version == 1
    baseline = ListingVersion.objects.get(service=service)
    assert baseline.reason == ListingVersion.Reason.BASELINE
    assert baseline.document == change.document
    assert AuditEvent.objects.filter(
        record_type="stewardship.listingchange", action="create"
    ).exists()


def test_two_editors_of_one_listing_share_its_open_change(service):
    first = editing.change_start(actor=editor_of(service.organization), service=service)
    second = editing.change_start(actor=editor_of(service.organization), service=service)
    assert first.pk == second.pk
    assert ListingChange.objects.count() == 1


def test_an_editor_of_another_organisation_is_refused_audited_and_nothing_is_made(service):
    stranger = editor_of(OrganizationFactory())
    with pytest.raises(StewardshipError, match="organisations you edit"):
        editing.change_start(actor=stranger, service=service)
    assert not ListingChange.objects.exists()
    refusal = AuditEvent.objects.get(actor=stranger)
    assert refusal.values["refused"] == "not_an_editor"


def test_saving_changes_the_draft_and_not_the_published_listing(service):
    change = draft_of(service, description="Now on Tuesdays too.")
    assert change.revision == 2
    assert change.document["description"] == "Now on Tuesdays too."
    assert Service.objects.get(pk=service.pk).description == "Songs and stories for under-fives."
    event = AuditEvent.objects.filter(record_type="stewardship.listingchange").latest("sequence")
    assert event.fields_changed == ["description"]


def test_a_save_from_a_stale_page_is_refused_with_what_the_other_editor_saved(service):
    first, second = (
        editor_of(service.organization, full_name="Ann Lee"),
        editor_of(service.organization),
    )
    change = editing.change_start(actor=first, service=service)
    opened_at = change.revision
    editing.change_save(
        actor=first, change=change, revision=opened_at, updates={"description": "Ann's words"}
    )
    with pytest.raises(editing.StaleChange) as stale:
        editing.change_save(
            actor=second, change=change, revision=opened_at, updates={"description": "Mine"}
        )
    assert stale.value.saved_by == "Ann Lee"
    assert stale.value.theirs == {"description": ["Ann's words"]}
    assert "Ann Lee saved changes" in str(stale.value)
    change.refresh_from_db()
    assert change.document["description"] == "Ann's words"


def test_an_unknown_question_is_refused(service):
    change = draft_of(service)
    with pytest.raises(StewardshipError, match="no question called 'colour'"):
        editing.change_save(
            actor=change.created_by,
            change=change,
            revision=change.revision,
            updates={"colour": "red"},
        )


def test_an_incomplete_new_listing_cannot_be_sent(service):
    editor = editor_of(service.organization)
    change = editing.change_start(actor=editor, organization=service.organization)
    with pytest.raises(StewardshipError, match="choose at least one category"):
        editing.change_submit(actor=editor, change=change, revision=change.revision)
    change.refresh_from_db()
    assert change.status == ListingChange.Status.DRAFT


def test_sending_for_approval_tells_the_administrators_and_publishes_nothing(service):
    directory_administrator(email="admin@wessexvale.example")
    change = draft_of(service, description="New words")
    with TestCase.captureOnCommitCallbacks(execute=True):
        change = editing.change_submit(
            actor=change.created_by, change=change, revision=change.revision
        )
    assert change.status == ListingChange.Status.SUBMITTED
    assert change.submitted_at is not None
    [message] = outbox(to="admin@wessexvale.example", template="listing_submitted")
    assert message.personalisation["service_name"] == service.name
    assert Service.objects.get(pk=service.pk).description != "New words"


def test_a_trusted_organisation_publishes_at_once_as_a_new_version(service):
    TrustedOrganisation.objects.create(organization=service.organization)
    change = draft_of(service, description="New words")
    change = editing.change_submit(actor=change.created_by, change=change, revision=change.revision)
    assert change.status == ListingChange.Status.APPROVED
    assert Service.objects.get(pk=service.pk).description == "New words"
    latest = ListingVersion.objects.filter(service=service).latest("number")
    assert (latest.number, latest.reason) == (2, ListingVersion.Reason.PUBLISHED)
    assert latest.created_by == change.created_by


def test_a_new_service_is_created_when_approved(service):
    term = TaxonomyTermFactory()
    editor = editor_of(service.organization)
    change = editing.change_start(actor=editor, organization=service.organization)
    document = empty_document()
    document.update(
        name="Dads' group", description="For dads.", categories=[str(term.pk)],
        delivered_in_person=False, delivered_online=True, url="https://example.org/dads",
    )  # fmt: skip
    change = editing.change_save(
        actor=editor, change=change, revision=change.revision, updates=document
    )
    change = editing.change_submit(actor=editor, change=change, revision=change.revision)
    admin = directory_administrator()
    change = moderation.change_approve(actor=admin, change=change, revision=change.revision)
    created = Service.objects.get(name="Dads' group")
    assert change.service == created
    assert created.organization == service.organization
    assert created.assured_date is not None
    version = ListingVersion.objects.get(service=created)
    assert version.reason == ListingVersion.Reason.CREATED


def test_saving_a_change_waiting_for_approval_makes_it_a_draft_again(service):
    change = draft_of(service, description="One")
    change = editing.change_submit(actor=change.created_by, change=change, revision=change.revision)
    change = editing.change_save(
        actor=change.created_by,
        change=change,
        revision=change.revision,
        updates={"description": "Two"},
    )
    assert change.status == ListingChange.Status.DRAFT


def test_withdrawing_a_draft_leaves_the_listing_alone_and_lets_a_new_one_start(service):
    change = draft_of(service, description="Abandoned")
    editing.change_withdraw(actor=change.created_by, change=change)
    change.refresh_from_db()
    assert change.status == ListingChange.Status.WITHDRAWN
    fresh = editing.change_start(actor=change.created_by, service=service)
    assert fresh.pk != change.pk
    assert fresh.document["description"] == "Songs and stories for under-fives."
    with pytest.raises(StewardshipError, match="no longer be edited"):
        editing.change_save(
            actor=change.created_by, change=change, revision=change.revision, updates={}
        )


def test_a_directory_administrator_publishes_their_own_change_at_once(service):
    admin = directory_administrator()
    change = editing.change_start(actor=admin, service=service)
    change = editing.change_save(
        actor=admin, change=change, revision=change.revision, updates={"name": "Renamed"}
    )
    change = editing.change_submit(actor=admin, change=change, revision=change.revision)
    assert change.status == ListingChange.Status.APPROVED
    assert Service.objects.get(pk=service.pk).name == "Renamed"


def test_saving_someone_elses_draft_is_refused_audited_and_changes_nothing(service):
    change = draft_of(service, description="Theirs")
    stranger = editor_of(OrganizationFactory())
    for attempt in (
        lambda: editing.change_save(
            actor=stranger, change=change, revision=change.revision, updates={"name": "Mine"}
        ),
        lambda: editing.change_submit(actor=stranger, change=change, revision=change.revision),
        lambda: editing.change_withdraw(actor=stranger, change=change),
    ):
        with pytest.raises(StewardshipError, match="organisations you edit"):
            attempt()
    change.refresh_from_db()
    assert (change.status, change.document["name"]) == ("draft", service.name)
    assert AuditEvent.objects.filter(actor=stranger, values__refused="not_an_editor").count() == 3
