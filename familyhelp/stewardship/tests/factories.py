"""Factories for stewardship: editors, drafts and changes waiting for approval."""

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.directory.models import OrganisationEditor
from familyhelp.stewardship.services import editing


def editor_of(organization, **fields):
    """An active organisation editor linked to `organization`."""
    user = UserFactory(roles=["organisation-editor"], **fields)
    OrganisationEditor.objects.create(user=user, organization=organization)
    return user


def directory_administrator(**fields):
    return UserFactory(roles=["directory-administrator"], **fields)


def draft_of(service, *, editor=None, **updates):
    """An open change of `service`, with `updates` saved into it."""
    editor = editor or editor_of(service.organization)
    change = editing.change_start(actor=editor, service=service)
    if updates:
        change = editing.change_save(
            actor=editor, change=change, revision=change.revision, updates=updates
        )
    return change


def submitted_change_of(service, *, editor=None, **updates):
    editor = editor or editor_of(service.organization)
    change = draft_of(service, editor=editor, **updates)
    return editing.change_submit(actor=editor, change=change, revision=change.revision)
