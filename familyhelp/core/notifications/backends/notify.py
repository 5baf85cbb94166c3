"""Production backend: GOV.UK Notify, with the key and template ids from the environment."""

import logging

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from familyhelp.core.notifications import EMAIL, NotificationError

logger = logging.getLogger(__name__)

MISSING_API_KEY = "Set NOTIFY_API_KEY to a GOV.UK Notify API key to send email and text messages."
MALFORMED_API_KEY = (
    "NOTIFY_API_KEY is not a GOV.UK Notify API key: copy the whole key from Notify's "
    "API integration page (key name, service id and secret)."
)
MISSING_TEMPLATE_ID = (
    "GOV.UK Notify has no template id for '{template}': add it to the NOTIFY_TEMPLATES "
    'environment variable, like {{"{template}": "<template id>"}}.'
)
NOTIFY_REFUSED = "GOV.UK Notify did not send the {channel} '{template}' (status {status}): {reason}"
REDACTED = "[redacted]"

# Service id and secret are UUIDs (36 characters) at the end of the key, after its name.
_API_KEY_MIN_LENGTH = 36 + 1 + 36


class NotifyBackend:
    def __init__(self):
        api_key = settings.NOTIFY_API_KEY
        if not api_key:
            raise NotificationError(MISSING_API_KEY)
        if len(api_key) < _API_KEY_MIN_LENGTH:
            raise NotificationError(MALFORMED_API_KEY)
        self.client = NotificationsAPIClient(
            api_key,
            base_url=settings.NOTIFY_BASE_URL,
            timeout=settings.NOTIFY_TIMEOUT_SECONDS,
        )

    def send(self, message):
        template_id = settings.NOTIFY_TEMPLATES.get(message.template)
        if not template_id:
            raise NotificationError(MISSING_TEMPLATE_ID.format(template=message.template))
        try:
            if message.channel == EMAIL:
                response = self.client.send_email_notification(
                    email_address=message.to,
                    template_id=template_id,
                    personalisation=message.personalisation,
                    reference=message.reference or None,
                )
            else:
                response = self.client.send_sms_notification(
                    phone_number=message.to,
                    template_id=template_id,
                    personalisation=message.personalisation,
                    reference=message.reference or None,
                )
        except APIError as error:
            raise NotificationError(
                NOTIFY_REFUSED.format(
                    channel="email" if message.channel == EMAIL else "text message",
                    template=message.template,
                    status=error.status_code,
                    reason=_redact(_reason(error), message),
                )
            ) from None
        return response["id"]


def _reason(error):
    """Notify answers {"errors": [{"error": "BadRequestError", "message": "..."}]}."""
    detail = error.message
    if isinstance(detail, list):
        return "; ".join(
            str(item.get("message", "")) if isinstance(item, dict) else str(item) for item in detail
        )
    return str(detail)


def _redact(text, message):
    """Notify's messages can quote what it was sent; never pass a recipient's details on."""
    sensitive = [message.to, *_values(message.personalisation)]
    for value in sorted(sensitive, key=len, reverse=True):
        if value:
            text = text.replace(value, REDACTED)
    return text


def _values(personalisation):
    for value in personalisation.values():
        if isinstance(value, list):
            yield from (str(item) for item in value)
        else:
            yield str(value)
