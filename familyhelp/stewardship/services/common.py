"""What the stewardship services share: recipients, links and the error they raise."""

from functools import partial

from django.conf import settings
from django.db import transaction

from familyhelp.accounts.models import User
from familyhelp.core import notifications

CHANGE_RECORD_TYPE = "stewardship.listingchange"
SERVICE_RECORD_TYPE = "directory.service"
ORGANISATION_RECORD_TYPE = "directory.organization"
ORGANISATION_EDITOR = "organisation-editor"
DIRECTORY_ADMINISTRATOR = "directory-administrator"


class StewardshipError(Exception):
    """A refused use case; the text is what the person is shown."""


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def editor_emails(organization_id) -> list[str]:
    """The active editors of the organisation (who hold the role as well as the link)."""
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                organisations_edited__organization_id=organization_id,
                role_assignments__role__code=ORGANISATION_EDITOR,
            ).values_list("email", flat=True)
        )
    )


def administrator_emails() -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                is_active=True, role_assignments__role__code=DIRECTORY_ADMINISTRATOR
            ).values_list("email", flat=True)
        )
    )


def email_on_commit(*, to: list[str], template: str, personalisation: dict, reference: str):
    """Email each address once the transaction commits (nobody hears of a change rolled back)."""
    for address in to:
        transaction.on_commit(
            partial(
                notifications.send_email,
                to=address,
                template=template,
                personalisation=personalisation,
                reference=reference,
            ),
            robust=True,
        )
