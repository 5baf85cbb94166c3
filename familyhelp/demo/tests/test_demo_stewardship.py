"""The demo county's stewardship scene: listings in every state, waiting work, reminders."""

import datetime

import pytest
import time_machine
from django.test import TestCase

from familyhelp.core.notifications.testing import outbox
from familyhelp.demo.services import demo_load, demo_logins
from familyhelp.demo.stewardship import EDITOR_EMAIL, SECOND_EDITOR
from familyhelp.directory.models import OrganisationEditor, ProblemReport
from familyhelp.stewardship import freshness
from familyhelp.stewardship.models import (
    JoinRequest,
    ListingChange,
    ListingVersion,
    Reminder,
    TrustedOrganisation,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)


@pytest.fixture
def county():
    with (
        time_machine.travel(datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC), tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        return demo_load(today=TODAY, services=60)


def test_the_editor_has_listings_in_every_state(county):
    own = OrganisationEditor.objects.get(user__email=EDITOR_EMAIL).organization
    statuses = set(ListingChange.objects.filter(organization=own).values_list("status", flat=True))
    assert statuses >= {"draft", "submitted", "changes_requested", "approved"}
    new_service = ListingChange.objects.get(organization=own, service__isnull=True)
    assert new_service.status == ListingChange.Status.SUBMITTED
    states = freshness.freshness_of_many(own.services.all(), on=TODAY)
    assert any(state.hidden for state in states.values())
    assert any(state.may_be_out_of_date for state in states.values())
    assert ListingVersion.objects.filter(
        service__organization=own, reason=ListingVersion.Reason.APPROVED
    ).exists()


def test_a_trusted_organisation_published_a_change_without_approval(county):
    trusted = TrustedOrganisation.objects.get()
    assert trusted.organization.editors.filter(user__email=SECOND_EDITOR[0]).exists()
    assert ListingVersion.objects.filter(
        service__organization=trusted.organization, reason=ListingVersion.Reason.PUBLISHED
    ).exists()


def test_the_administrators_have_work_waiting_and_reminders_are_in_the_outbox(county):
    assert ProblemReport.objects.filter(status="open").count() == 3
    assert JoinRequest.objects.filter(status="pending").count() == 2
    assert county.stewardship.reminders_sent > 0
    assert Reminder.objects.count() == county.stewardship.reminders_sent
    assert len(outbox(template="review_reminder")) >= county.stewardship.reminders_sent
    assert outbox(template="listing_submitted")


def test_the_second_editor_is_among_the_printed_logins(county):
    assert SECOND_EDITOR[0] in [login.username for login in demo_logins()]
