"""What the stewardship services share: record types, emailing on commit and their error."""

from functools import partial

from django.db import transaction

from familyhelp.core import notifications

CHANGE_RECORD_TYPE = "stewardship.listingchange"
SERVICE_RECORD_TYPE = "directory.service"
ORGANISATION_RECORD_TYPE = "directory.organization"


class StewardshipError(Exception):
    """A refused use case; the text is what the person is shown."""


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
