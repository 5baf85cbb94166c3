"""The moderation services refuse what they must, say why, audit the refusal and change nothing."""

import pytest

from familyhelp.audit.models import AuditEvent
from familyhelp.directory.models import Service
from familyhelp.directory.tests.factories import fully_described_service
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services import editing, moderation
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.tests.factories import (
    directory_administrator,
    editor_of,
    submitted_change_of,
)

pytestmark = pytest.mark.django_db

OLD = "Songs and stories for under-fives."


@pytest.fixture
def service():
    return fully_described_service(description=OLD)


@pytest.fixture
def change(service):
    return submitted_change_of(service, description="New words")


def _unchanged(service, change):
    change.refresh_from_db()
    assert change.status == ListingChange.Status.SUBMITTED
    assert Service.objects.get(pk=service.pk).description == OLD


@pytest.mark.parametrize("decider", ["change_approve", "change_reject", "change_request_changes"])
def test_only_directory_administrators_decide_and_a_refusal_is_audited(service, change, decider):
    editor = editor_of(service.organization)
    with pytest.raises(StewardshipError) as refused:
        getattr(moderation, decider)(
            actor=editor, change=change, revision=change.revision, message="Mine"
        )
    assert str(refused.value) == moderation.NOT_AN_ADMINISTRATOR
    _unchanged(service, change)
    event = AuditEvent.objects.get(actor=editor, record_id=str(change.pk))
    assert event.values == {"refused": "not_a_directory_administrator"}


def test_only_directory_administrators_restore_or_trust(service):
    editor = editor_of(service.organization)
    with pytest.raises(StewardshipError, match="Only directory administrators"):
        moderation.version_restore(actor=editor, service=service, number=1)
    with pytest.raises(StewardshipError, match="Only directory administrators"):
        moderation.organisation_set_trusted(
            actor=editor, organization=service.organization, trusted=True
        )
    assert not TrustedOrganisation.objects.exists()
    refusals = AuditEvent.objects.filter(
        actor=editor, values__refused="not_a_directory_administrator"
    )
    assert sorted(refusals.values_list("record_type", flat=True)) == [
        "directory.organization",
        "directory.service",
    ]


@pytest.mark.parametrize(
    ("decider", "kind"),
    [("change_reject", "reject"), ("change_request_changes", "request_changes")],
)
def test_rejecting_or_asking_for_changes_needs_a_message(service, change, decider, kind):
    with pytest.raises(StewardshipError) as refused:
        getattr(moderation, decider)(
            actor=directory_administrator(), change=change, revision=change.revision, message=" "
        )
    assert str(refused.value) == moderation.MESSAGE_NEEDED[kind]
    _unchanged(service, change)


def test_a_message_too_long_is_refused(service, change):
    with pytest.raises(StewardshipError, match="2000 characters or fewer"):
        moderation.change_approve(
            actor=directory_administrator(),
            change=change,
            revision=change.revision,
            message="x" * (moderation.MESSAGE_MAX_LENGTH + 1),
        )
    _unchanged(service, change)


def test_a_change_is_decided_once(service, change):
    admin = directory_administrator()
    moderation.change_approve(actor=admin, change=change, revision=change.revision)
    change.refresh_from_db()
    with pytest.raises(StewardshipError, match="not waiting for approval: it has been approved"):
        moderation.change_reject(
            actor=directory_administrator(),
            change=change,
            revision=change.revision,
            message="Too late",
        )
    change.refresh_from_db()
    assert change.status == ListingChange.Status.APPROVED
    assert ListingVersion.objects.filter(service=service).count() == 2


def test_a_decision_on_a_revision_the_editor_has_replaced_is_refused(service, change):
    opened_at = change.revision
    editor = change.submitted_by
    change = editing.change_save(
        actor=editor, change=change, revision=change.revision, updates={"description": "Newer"}
    )
    editing.change_submit(actor=editor, change=change, revision=change.revision)
    with pytest.raises(editing.StaleChange):
        moderation.change_approve(
            actor=directory_administrator(), change=change, revision=opened_at
        )
    assert Service.objects.get(pk=service.pk).description == OLD


def test_the_latest_version_cannot_be_restored(service, change):
    admin = directory_administrator()
    moderation.change_approve(actor=admin, change=change, revision=change.revision)
    with pytest.raises(StewardshipError) as refused:
        moderation.version_restore(actor=admin, service=service, number=2)
    assert str(refused.value) == moderation.RESTORE_THE_LATEST.format(number=2)
    assert ListingVersion.objects.filter(service=service).count() == 2


def test_a_version_that_does_not_exist_cannot_be_restored(service, change):
    admin = directory_administrator()
    with pytest.raises(StewardshipError) as refused:
        moderation.version_restore(actor=admin, service=service, number=7)
    assert str(refused.value) == moderation.NO_SUCH_VERSION.format(number=7)


def test_trusting_twice_is_recorded_once(service):
    admin = directory_administrator()
    moderation.organisation_set_trusted(
        actor=admin, organization=service.organization, trusted=True
    )
    moderation.organisation_set_trusted(
        actor=admin, organization=service.organization, trusted=True
    )
    assert TrustedOrganisation.objects.count() == 1
    assert AuditEvent.objects.filter(action="permission_change").count() == 1
