"""Reading the development outbox: the newest messages, presented for a person to read."""

from django.utils import timezone
from django.utils.html import format_html

from familyhelp.core import formatting
from familyhelp.core.models import OutboxMessage
from familyhelp.core.notifications import TEMPLATES

OUTBOX_PAGE_SIZE = 100


def outbox_message_list(*, limit=OUTBOX_PAGE_SIZE):
    """The newest messages the outbox backend kept, newest first."""
    return list(OutboxMessage.objects.order_by("-created_at", "-id")[:limit])


class OutboxMessagePresenter:
    """One kept message as the outbox page shows it: when, to whom, and what it said."""

    def __init__(self, message):
        self.message = message

    @property
    def anchor(self):
        return f"message-{self.message.pk}"

    @property
    def channel(self):
        return self.message.get_channel_display()

    @property
    def to(self):
        return self.message.to

    @property
    def template(self):
        return self.message.template

    @property
    def purpose(self):
        return TEMPLATES.get(self.message.template, "A template no longer in use")

    @property
    def reference(self):
        return self.message.reference or "None"

    @property
    def sent_at(self):
        moment = timezone.localtime(self.message.created_at)
        return f"{formatting.long_date(moment.date())} at {formatting.time_12h(moment.time())}"

    @property
    def sent_at_link(self):
        return format_html('<a class="govuk-link" href="#{}">{}</a>', self.anchor, self.sent_at)

    @property
    def fields(self):
        """Each personalisation field and its value, lists joined, in the order they were given."""
        return [
            (name, ", ".join(value) if isinstance(value, list) else str(value))
            for name, value in self.message.personalisation.items()
        ]
