"""The one way the platform sends email and text messages.

    from familyhelp.core import notifications
    notifications.send_email(to=person.email, template="invitation",
                             personalisation={"name": person.name, "link": link},
                             reference=f"invitation-{invitation.pk}")

`template` is a logical name from `TEMPLATES` below. The backend named by the
`NOTIFICATIONS_BACKEND` setting delivers the message: GOV.UK Notify in production (template ids
come from the `NOTIFY_TEMPLATES` environment variable, a JSON object of logical name to Notify
template id), the database outbox in development and tests (read it at /outbox/ while DEBUG is on).

Sending is not rolled back with a database transaction: a service that sends inside one should
send from `transaction.on_commit`, so nobody is emailed about a change that never happened.
Nothing personal is logged: log lines carry the channel, template name and reference only.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

EMAIL = "email"
SMS = "sms"

# Logical template name → what it is for (shown in the outbox). Each needs a GOV.UK Notify
# template id in NOTIFY_TEMPLATES wherever the Notify backend is used.
TEMPLATES = {
    "invitation": "Invitation to set a password and join Family Help",
    "password_reset": "Link to reset a password",
    "second_factor_reset": "An administrator reset your second factor: set it up at next sign-in",
    # Freshness (familyhelp/stewardship/jobs.py): 14 days before, on the day, 21 days after.
    "review_reminder": "Reminder to check a directory listing, with a one-click confirm link",
    # Report a problem (familyhelp/directory/services/problems.py): never the reporter's words.
    "problem_reported": "Someone reported a problem with a service page, with a link to the report",
    "problem_resolved": "The problem you reported with a service page has been resolved",
    # Editing and moderation (familyhelp/stewardship/services/): names and links only.
    "listing_submitted": "A change to a directory listing is waiting for approval",
    "listing_decision": "A directory administrator decided on your change to a listing",
    "join_request_received": "We received your request to join the directory",
    "join_request_decision": "A directory administrator decided on your request to join",
    "join_request_waiting": "An organisation asked to join the directory or claim a listing",
    # Early Support Assessment (familyhelp/frontdoor/services/assessment.py): reference and link.
    "request_received": "The front door received your request for support (reference and link)",
    # Self-referral (familyhelp/frontdoor/services/self_referral.py): the reference and what
    # happens next, never what the family wrote.
    "self_referral_received": "We received your request for help, with its reference",
    "self_referral_received_sms": "Text: we received your request for help, with its reference",
    # Decisions (familyhelp/frontdoor/services/decisions.py): the reference and a link, no detail.
    "request_decided": "The front door decided on your request for support: reference and link",
    "self_referral_decided": "The front door decided on your request for help: its reference",
    "self_referral_decided_sms": "Text: the front door decided on your request for help",
    "services_signposted": "Services that could help: a link to the services the front door chose",
    "services_signposted_sms": "Text: a link to the services the front door chose for you",
    # Drift (familyhelp/casework/jobs.py): weekly, to team managers: counts and a link, no names.
    "drift_digest": "This week's drifting Family Help episodes in your teams: counts and a link",
}

INVALID_EMAIL = "Enter an email address in the correct format, like name@example.com"
INVALID_MOBILE = "Enter a UK mobile phone number, like 07700 900 982 or +44 7700 900 982"
UNKNOWN_TEMPLATE = "There is no notification template called '{name}'. Known templates: {known}."
INVALID_PERSONALISATION = (
    "Personalisation must be a dictionary of field names to text, numbers or lists of text"
)
INVALID_REFERENCE = "A reference must be text of at most 100 characters"

REFERENCE_MAX_LENGTH = 100

# A 7 and nine more digits, after an optional +44, 0044 or 44, and an optional 0.
_UK_MOBILE = re.compile(r"(?:(?:\+|00)?44)?0?(?P<subscriber>7\d{9})")
_PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")


class NotificationError(Exception):
    """A message could not be sent; the text is safe to log and show (no personal data)."""


@dataclass(frozen=True)
class Message:
    """What a backend is asked to deliver."""

    channel: str
    to: str
    template: str
    personalisation: dict
    reference: str


@dataclass(frozen=True)
class Notification:
    """A message a backend accepted: `id` is the backend's own (Notify's id, or the outbox row)."""

    id: str
    channel: str
    template: str
    reference: str


def site_url(path: str) -> str:
    """A link for a message: SITE_URL and `path` (a background job has no request to take the
    site's address from, so every emailed link starts the same way)."""
    return settings.SITE_URL.rstrip("/") + path


def send_email(*, to, template, personalisation, reference=""):
    """Send an email from a GOV.UK Notify template; returns the accepted Notification."""
    try:
        if not isinstance(to, str):
            raise ValidationError(INVALID_EMAIL)
        validate_email(to)
    except ValidationError:
        raise NotificationError(INVALID_EMAIL) from None
    return _send(
        Message(EMAIL, to.strip(), template, personalisation, reference),
    )


def send_sms(*, to, template, personalisation, reference=""):
    """Send a text message to a UK mobile from a GOV.UK Notify template."""
    return _send(Message(SMS, normalise_uk_mobile(to), template, personalisation, reference))


def normalise_uk_mobile(number):
    """'+44 (0)7700-900 982' → '07700900982'; anything that is not a UK mobile is refused."""
    if not isinstance(number, str):
        raise NotificationError(INVALID_MOBILE)
    match = _UK_MOBILE.fullmatch(_PHONE_PUNCTUATION.sub("", number))
    if not match:
        raise NotificationError(INVALID_MOBILE)
    return "0" + match.group("subscriber")


def backend():
    """The backend NOTIFICATIONS_BACKEND names, made afresh (Notify's client is not thread-safe)."""
    return import_string(settings.NOTIFICATIONS_BACKEND)()


def _send(message):
    if message.template not in TEMPLATES:
        raise NotificationError(
            UNKNOWN_TEMPLATE.format(name=message.template, known=", ".join(sorted(TEMPLATES)))
        )
    if not _is_personalisation(message.personalisation):
        raise NotificationError(INVALID_PERSONALISATION)
    if not isinstance(message.reference, str) or len(message.reference) > REFERENCE_MAX_LENGTH:
        raise NotificationError(INVALID_REFERENCE)
    try:
        notification_id = backend().send(message)
    except NotificationError:
        logger.warning(
            "Could not send %s %r (reference %r)",
            message.channel,
            message.template,
            message.reference,
        )
        raise
    logger.info(
        "Sent %s %r (reference %r, id %s)",
        message.channel,
        message.template,
        message.reference,
        notification_id,
    )
    return Notification(
        id=str(notification_id),
        channel=message.channel,
        template=message.template,
        reference=message.reference,
    )


def _is_personalisation(value):
    if not isinstance(value, dict):
        return False
    for key, field in value.items():
        if not isinstance(key, str):
            return False
        if isinstance(field, list):
            if not all(isinstance(item, str) for item in field):
                return False
        elif isinstance(field, bool) or not isinstance(field, str | int | float):
            return False
    return True
