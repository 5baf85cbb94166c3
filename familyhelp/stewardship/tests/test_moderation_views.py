"""The directory administrators' moderation pages: the approval queue, reviewing a change, a
listing's version history and restoring a version, and trusted organisations."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.navigation import items_for
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.models import OrganisationEditor, Service
from familyhelp.directory.tests.factories import OrganizationFactory, fully_described_service
from familyhelp.stewardship.forms_moderation import DECISION_REQUIRED, PAGE_OUT_OF_DATE
from familyhelp.stewardship.listing import empty_document
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services import editing, moderation
from familyhelp.stewardship.services.publishing import listing_publish, published_document
from familyhelp.stewardship.tests.factories import (
    directory_administrator,
    draft_of,
    editor_of,
    submitted_change_of,
)

pytestmark = pytest.mark.django_db

QUEUE = "/directory-admin/changes/"


@pytest.fixture
def admin(client):
    person = directory_administrator(full_name="Ada Admin")
    sign_in(client, person)
    return person


@pytest.fixture
def service():
    return fully_described_service(
        name="Rhyme Time", description="Songs and stories for under-fives."
    )


def waiting(service, *, days_ago=0, **updates):
    change = submitted_change_of(service, **updates)
    sent = timezone.now() - datetime.timedelta(days=days_ago)
    ListingChange.objects.filter(pk=change.pk).update(submitted_at=sent)
    change.refresh_from_db()
    return change


def new_service_waiting(organization, name="Dads' group"):
    from familyhelp.directory.tests.factories import TaxonomyTermFactory

    editor = editor_of(organization, full_name="Nia Editor")
    change = editing.change_start(actor=editor, organization=organization)
    document = empty_document()
    document.update(
        name=name, description="For dads.", categories=[str(TaxonomyTermFactory().pk)],
        delivered_in_person=False, delivered_online=True, url="https://example.org/dads",
    )  # fmt: skip
    change = editing.change_save(
        actor=editor, change=change, revision=change.revision, updates=document
    )
    return editing.change_submit(actor=editor, change=change, revision=change.revision)


def decide(client, change, decision, message="", revision=None):
    return client.post(
        reverse("stewardship:review", args=[change.pk]),
        {
            "decision": decision,
            "message": message,
            "revision": change.revision if revision is None else revision,
        },
    )


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_lists_waiting_changes_longest_waiting_first(client, admin, service):
    assert reverse("stewardship:queue") == QUEUE
    editor = editor_of(service.organization, full_name="Sam Editor")
    waiting(service, editor=editor, days_ago=3, description="New words")
    older = fully_described_service(name="Baby Massage")
    waiting(older, days_ago=10, description="Other words")
    new_service_waiting(OrganizationFactory(name="Dads Together"))
    draft_of(fully_described_service(name="Only a draft"), description="Not sent")

    page = client.get(QUEUE).content.decode()

    assert "3 changes waiting" in page
    assert page.index("Baby Massage") < page.index("Rhyme Time") < page.index("New service: ")
    assert "Dads Together" in page and "New service: Dads&#39; group" in page
    assert "Sam Editor" in page
    assert service.organization.name in page
    assert "10 days" in page and "3 days" in page and "0 days" in page
    assert "The longest waiting is 10 days old" in page
    assert "Only a draft" not in page


def test_the_queue_makes_the_same_number_of_queries_however_long(
    client, admin, django_assert_max_num_queries
):
    waiting(fully_described_service())
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for _ in range(6):
        waiting(fully_described_service())
    new_service_waiting(OrganizationFactory())
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)
    rows = 'class="govuk-link" href="/directory-admin/changes/'
    assert response.content.decode().count(rows) == 8
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(QUEUE)


def test_an_empty_queue_says_so(client, admin):
    assert "No changes are waiting for approval." in client.get(QUEUE).content.decode()


def test_administrators_have_the_queue_in_their_navigation():
    admin = directory_administrator()
    editor = UserFactory(roles=["organisation-editor"])
    assert "stewardship:queue" in [item.url_name for item in items_for(admin, header=True)]
    assert "stewardship:queue" not in [item.url_name for item in items_for(editor)]


def test_only_the_queue_is_the_current_page_in_the_header_on_the_queue(client, admin):
    # The dashboard's address (/directory-admin/) is a prefix of the queue's.
    page = client.get(QUEUE).content.decode()
    assert page.count("govuk-service-navigation__item--active") == 1
    assert f'href="{QUEUE}" aria-current="true"' in page


def _every_page(service, change):
    return [
        QUEUE,
        reverse("stewardship:review", args=[change.pk]),
        reverse("stewardship:history", args=[service.pk]),
        reverse("stewardship:version", args=[service.pk, 1]),
        reverse("stewardship:version-restore", args=[service.pk, 1]),
        reverse("stewardship:organisation-admin", args=[service.organization_id]),
    ]


@pytest.mark.parametrize("roles", [[], ["organisation-editor"], ["practitioner"]])
def test_people_who_do_not_administer_the_directory_get_not_found(client, service, roles):
    change = waiting(service, description="New words")
    person = UserFactory(roles=roles)
    OrganisationEditor.objects.create(user=person, organization=service.organization)
    sign_in(client, person)
    for url in _every_page(service, change):
        assert client.get(url).status_code == 404, url
    response = decide(client, change, "approve")
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.status == ListingChange.Status.SUBMITTED


def test_signed_out_people_are_asked_to_sign_in(client, service):
    change = waiting(service, description="New words")
    for url in _every_page(service, change):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"], url


def test_unknown_records_are_not_found(client, admin, service):
    missing = "00000000-0000-0000-0000-000000000001"
    assert client.get(reverse("stewardship:review", args=[missing])).status_code == 404
    assert client.get(reverse("stewardship:history", args=[missing])).status_code == 404
    assert client.get(reverse("stewardship:organisation-admin", args=[missing])).status_code == 404
    assert client.get(reverse("stewardship:version", args=[service.pk, 1])).status_code == 404


# --- Reviewing -------------------------------------------------------------------------------


def test_the_review_shows_each_changed_question_side_by_side(client, admin, service):
    change = waiting(service, description="Now on Tuesdays too.", email="new@example.org")

    response = client.get(reverse("stewardship:review", args=[change.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="col" class="govuk-table__header">Published now</th>' in page
    assert '<th scope="col" class="govuk-table__header">Proposed</th>' in page
    assert '<th scope="row" class="govuk-table__header">Description</th>' in page
    assert '<th scope="row" class="govuk-table__header">Email address</th>' in page
    assert '<th scope="row" class="govuk-table__header">Name</th>' not in page
    assert page.index("Songs and stories for under-fives.") < page.index("Now on Tuesdays too.")
    assert f'name="revision" value="{change.revision}"' in page
    assert "Confirm decision" in page
    assert "has changed since this draft was started" not in page
    # The status tag and the organisation link are markup, not escaped text.
    assert '<strong class="govuk-tag govuk-tag--blue">Waiting for approval</strong>' in page
    assert "&lt;" not in page


def test_the_review_compares_with_the_listing_published_now_and_says_it_has_changed(
    client, admin, service
):
    change = waiting(service, description="The editor's words")
    # Published after the draft was started (say, by a bulk upload).
    document = published_document(service)
    document["email"] = "since@example.org"
    listing_publish(
        actor=admin,
        organization=service.organization,
        service=service,
        document=document,
        reason=ListingVersion.Reason.UPLOADED,
    )

    page = client.get(reverse("stewardship:review", args=[change.pk])).content.decode()

    assert "The published listing has changed since this draft was started" in page
    assert "started from version 1; version 2 was published" in page
    assert "by Ada Admin" in page
    # The proposal does not have the newer email address: the difference shows it going.
    email_row = page[page.index(">Email address</th>") :]
    assert email_row.index("since@example.org") < email_row.index("service@example.org")


def test_a_new_service_is_shown_whole(client, admin):
    change = new_service_waiting(OrganizationFactory(name="Dads Together"))
    page = client.get(reverse("stewardship:review", args=[change.pk])).content.decode()
    assert "New service: Dads&#39; group" in page
    assert "nothing about it is published yet" in page
    assert "https://example.org/dads" in page


def test_approving_publishes_the_change_and_tells_the_editors(client, admin, service):
    editor = editor_of(service.organization, email="editor@rhymetime.example")
    change = waiting(service, editor=editor, description="Now on Tuesdays too.")

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = decide(client, change, "approve", "Thank you")

    assert response.status_code == 302 and response["Location"] == QUEUE
    change.refresh_from_db()
    assert change.status == ListingChange.Status.APPROVED
    assert change.message == "Thank you"
    assert change.decided_by == admin
    assert Service.objects.get(pk=service.pk).description == "Now on Tuesdays too."
    [message] = outbox(to="editor@rhymetime.example", template="listing_decision")
    assert message.personalisation["decision"] == "approved"
    banner = client.get(QUEUE).content.decode()
    assert "Rhyme Time: change approved and published." in banner


def test_approving_a_new_service_creates_it(client, admin):
    change = new_service_waiting(OrganizationFactory())
    decide(client, change, "approve")
    assert Service.objects.filter(name="Dads' group").exists()


@pytest.mark.parametrize(
    ("decision", "error"),
    [
        ("reject", moderation.MESSAGE_NEEDED["reject"]),
        ("request_changes", moderation.MESSAGE_NEEDED["request_changes"]),
    ],
)
def test_rejecting_or_asking_for_changes_needs_a_message(client, admin, service, decision, error):
    change = waiting(service, description="New words")

    response = decide(client, change, decision, "   ")

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert f'<a href="#id_message">{error}</a>' in page
    change.refresh_from_db()
    assert change.status == ListingChange.Status.SUBMITTED
    assert Service.objects.get(pk=service.pk).description != "New words"


def test_no_decision_chosen_is_an_error(client, admin, service):
    change = waiting(service, description="New words")
    response = decide(client, change, "")
    assert response.status_code == 400
    assert DECISION_REQUIRED in response.content.decode()


def test_a_garbled_revision_changes_nothing(client, admin, service):
    change = waiting(service, description="New words")
    response = decide(client, change, "approve", revision="abc")
    assert response.status_code == 400
    assert PAGE_OUT_OF_DATE in response.content.decode()
    change.refresh_from_db()
    assert change.status == ListingChange.Status.SUBMITTED


def test_asking_for_changes_sends_the_message_to_the_editors(client, admin, service):
    editor = editor_of(service.organization, email="editor@rhymetime.example")
    change = waiting(service, editor=editor, description="New words")

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = decide(client, change, "request_changes", "Add the Tuesday venue, please.")

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ListingChange.Status.CHANGES_REQUESTED
    assert change.message == "Add the Tuesday venue, please."
    [message] = outbox(to="editor@rhymetime.example", template="listing_decision")
    assert message.personalisation["decision"] == "changes requested"
    assert Service.objects.get(pk=service.pk).description != "New words"


def test_rejecting_keeps_the_published_listing(client, admin, service):
    change = waiting(service, description="New words")
    decide(client, change, "reject", "This is a different service.")
    change.refresh_from_db()
    assert change.status == ListingChange.Status.REJECTED
    assert Service.objects.get(pk=service.pk).description != "New words"


def test_a_decision_from_a_page_the_editor_has_changed_since_changes_nothing(
    client, admin, service
):
    editor = editor_of(service.organization, full_name="Sam Editor")
    change = waiting(service, editor=editor, description="First words")
    opened_at = change.revision
    # The editor takes it back, changes it and sends it again while the page is open.
    again = editing.change_save(
        actor=editor, change=change, revision=change.revision, updates={"description": "Second"}
    )
    again = editing.change_submit(actor=editor, change=again, revision=again.revision)

    response = decide(client, change, "approve", "Looks good", revision=opened_at)

    page = response.content.decode()
    assert response.status_code == 409
    assert "<title>Error: " in page
    assert "Sam Editor changed this listing at" in page
    assert "Nothing has been decided" in page
    # The page now shows the new proposal and carries its revision, with the choice kept.
    assert "Second" in page
    assert f'name="revision" value="{again.revision}"' in page
    assert "Looks good" in page
    again.refresh_from_db()
    assert again.status == ListingChange.Status.SUBMITTED
    assert Service.objects.get(pk=service.pk).description != "Second"


def test_a_change_the_editors_took_back_cannot_be_decided(client, admin, service):
    editor = editor_of(service.organization)
    change = waiting(service, editor=editor, description="First words")
    editing.change_save(
        actor=editor, change=change, revision=change.revision, updates={"description": "More"}
    )
    response = decide(client, change, "approve")
    assert response.status_code == 409
    assert "took this change back to edit it" in response.content.decode()
    assert Service.objects.get(pk=service.pk).description != "More"


def test_deciding_a_change_someone_else_decided_changes_nothing(client, admin, service):
    change = waiting(service, description="New words")
    other = directory_administrator(full_name="Bea Admin")
    moderation.change_reject(
        actor=other, change=change, revision=change.revision, message="Not ours"
    )

    response = decide(client, change, "approve")

    page = response.content.decode()
    assert response.status_code == 409
    assert "Bea Admin already rejected this change at" in page
    assert "Confirm decision" not in page
    assert ListingVersion.objects.filter(service=service).count() == 1
    assert Service.objects.get(pk=service.pk).description != "New words"


def test_a_decided_change_can_be_read_but_not_decided(client, admin, service):
    change = waiting(service, description="New words")
    decide(client, change, "approve", "Thanks")

    response = client.get(reverse("stewardship:review", args=[change.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Approved" in page and "Thanks" in page and "Ada Admin" in page
    assert "What this change changed" in page
    assert page.index("Songs and stories for under-fives.") < page.index("New words")
    assert "Confirm decision" not in page


def test_an_approved_new_service_shows_the_listing_as_approved(client, admin):
    change = new_service_waiting(OrganizationFactory())
    decide(client, change, "approve")
    page = client.get(reverse("stewardship:review", args=[change.pk])).content.decode()
    assert "The listing as approved" in page
    assert "https://example.org/dads" in page
    assert "Confirm decision" not in page


# --- History ---------------------------------------------------------------------------------


@pytest.fixture
def three_versions(admin, service):
    """Version 1 as loaded, version 2 approved, version 3 approved."""
    for words in ("Second words", "Third words"):
        change = waiting(service, description=words)
        moderation.change_approve(actor=admin, change=change, revision=change.revision)
    return service


def test_the_history_lists_every_version_with_why_who_and_when(client, three_versions):
    service = three_versions
    response = client.get(reverse("stewardship:history", args=[service.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Version 3") < page.index("Version 2") < page.index("Version 1")
    assert page.count("Change approved") == 2
    assert "As it was before its first recorded change" in page
    assert "Ada Admin" in page
    assert "Published now" in page


def test_the_history_costs_the_same_however_many_versions(client, admin, service):
    change = waiting(service, description="Two")
    moderation.change_approve(actor=admin, change=change, revision=change.revision)
    url = reverse("stewardship:history", args=[service.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for words in ("Three", "Four", "Five"):
        change = waiting(service, description=words)
        moderation.change_approve(actor=admin, change=change, revision=change.revision)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_version_shows_the_whole_listing_and_what_it_changed(client, three_versions):
    service = three_versions
    page = client.get(reverse("stewardship:version", args=[service.pk, 2])).content.decode()
    assert "What changed from version 1" in page
    assert page.index("Songs and stories for under-fives.") < page.index("Second words")
    assert "The listing in version 2" in page
    assert "Rhyme Time" in page
    assert "Restore this version" in page
    latest = client.get(reverse("stewardship:version", args=[service.pk, 3])).content.decode()
    assert "This is the version published now." in latest
    assert "Restore this version" not in latest


def test_restoring_asks_first_then_publishes_the_version_again(client, three_versions):
    service = three_versions
    url = reverse("stewardship:version-restore", args=[service.pk, 1])

    confirm = client.get(url)
    page = confirm.content.decode()
    assert "Restore version 1?" in page
    assert "as version 4" in page
    assert page.index("Third words") < page.index("Songs and stories for under-fives.")
    assert Service.objects.get(pk=service.pk).description == "Third words"

    response = client.post(url, {"latest": 3})

    assert response.status_code == 302
    assert response["Location"] == reverse("stewardship:history", args=[service.pk])
    assert Service.objects.get(pk=service.pk).description == "Songs and stories for under-fives."
    restored = ListingVersion.objects.get(service=service, number=4)
    assert (restored.reason, restored.restored_from) == (ListingVersion.Reason.RESTORED, 1)
    history = client.get(response["Location"]).content.decode()
    assert "Version 1 restored: it is published now as version 4." in history
    assert "Earlier version restored (version 1)" in history


def test_restoring_from_a_page_older_than_the_latest_version_changes_nothing(
    client, three_versions
):
    service = three_versions
    response = client.post(
        reverse("stewardship:version-restore", args=[service.pk, 1]), {"latest": 2}
    )
    assert response.status_code == 409
    assert "Version 3 was published after you opened this page" in response.content.decode()
    assert ListingVersion.objects.filter(service=service).count() == 3


def test_the_published_version_cannot_be_restored(client, three_versions):
    service = three_versions
    url = reverse("stewardship:version-restore", args=[service.pk, 3])
    assert "Version 3 is published now" in client.get(url).content.decode()
    response = client.post(url, {"latest": 3})
    assert response.status_code == 409
    assert moderation.RESTORE_THE_LATEST.format(number=3) in response.content.decode()
    assert ListingVersion.objects.filter(service=service).count() == 3


def test_restoring_warns_of_an_open_change(client, three_versions):
    service = three_versions
    waiting(service, description="Pending words")
    page = client.get(reverse("stewardship:version-restore", args=[service.pk, 1])).content.decode()
    assert "A change to this listing is open (waiting for approval)" in page


# --- Trusted organisations -------------------------------------------------------------------


def test_an_administrator_lets_an_organisation_publish_without_approval(client, admin, service):
    url = reverse("stewardship:organisation-admin", args=[service.organization_id])
    page = client.get(url).content.decode()
    assert "No: its changes wait for approval" in page
    assert reverse("stewardship:history", args=[service.pk]) in page

    response = client.post(url, {"trusted": "yes"})

    assert response.status_code == 302
    trust = TrustedOrganisation.objects.get(organization=service.organization)
    assert trust.trusted_by == admin
    page = client.get(url).content.decode()
    assert "Yes, set by Ada Admin" in page
    assert "changes are now published without approval" in page

    client.post(url, {"trusted": "no"})
    assert not TrustedOrganisation.objects.filter(organization=service.organization).exists()


def test_the_trust_question_must_be_answered(client, admin, service):
    url = reverse("stewardship:organisation-admin", args=[service.organization_id])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode()
    assert not TrustedOrganisation.objects.exists()
