"""The development outbox: read the messages the platform would have sent. Only while DEBUG."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from familyhelp.core.notifications.outbox import (
    OUTBOX_PAGE_SIZE,
    OutboxMessagePresenter,
    outbox_message_list,
)


def outbox_page(request):
    # Messages hold people's addresses: they are only ever shown on a developer's own machine.
    if not settings.DEBUG:
        raise Http404
    messages = [OutboxMessagePresenter(message) for message in outbox_message_list()]
    return render(
        request,
        "core/outbox/list.html",
        {"outbox_messages": messages, "page_size": OUTBOX_PAGE_SIZE},
    )
