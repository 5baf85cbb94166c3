"""For tests: what the outbox backend has kept (imported only by tests)."""

from familyhelp.core.models import OutboxMessage


def outbox(*, to=None, template=None):
    """Kept messages, oldest first, optionally only those to one recipient or from one template."""
    messages = OutboxMessage.objects.order_by("created_at", "id")
    if to is not None:
        messages = messages.filter(to=to)
    if template is not None:
        messages = messages.filter(template=template)
    return list(messages)
