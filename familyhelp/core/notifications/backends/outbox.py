"""Development and test backend: every message is kept in the database and shown at /outbox/."""

from django.db import transaction

from familyhelp.core.models import OutboxMessage


class OutboxBackend:
    def send(self, message):
        with transaction.atomic():
            outbox_message = OutboxMessage(
                channel=message.channel,
                to=message.to,
                template=message.template,
                personalisation=message.personalisation,
                reference=message.reference,
            )
            outbox_message.full_clean()
            outbox_message.save()
        return outbox_message.pk
