"""The daily job: send the review reminders that are due, each exactly once.

Listed in settings.DAILY_JOBS, so `manage.py run_daily_jobs` runs it (familyhelp/core/jobs.py).
For each published service with a review-by date (`R`), the reminder due today is the latest of:
"before" from R − 14 days, "on_day" from R, "final" from R + 21 days. A run that starts late
(or a service found already overdue) sends only the latest one, never a backlog.

Exactly once: each reminder is a Reminder row, unique per (service, kind, review-by date). A run
inserts the row in its own transaction; if another run (or a worker running at the same moment)
has inserted it, the insert fails and this run sends nothing for it. Emails go only after the row
has committed, and only from the run that created it. A listing confirmed or changed gets a new
review-by date, so its next cycle's reminders are new rows.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhelp.audit.services import audit_record
from familyhelp.core import notifications
from familyhelp.directory.changes import directory_changed
from familyhelp.directory.models import Service
from familyhelp.stewardship import freshness, reminders
from familyhelp.stewardship.models import Reminder, ReminderLink

logger = logging.getLogger(__name__)

JOB_LABEL = "job:send_review_reminders"
BATCH_SIZE = 500


def due_kind(review_by: datetime.date, today: datetime.date) -> str | None:
    """The reminder due on `today` for a review-by date, or None."""
    if today >= review_by + datetime.timedelta(days=freshness.FINAL_AFTER_DAYS):
        return Reminder.Kind.FINAL
    if today >= review_by:
        return Reminder.Kind.ON_DAY
    if today >= review_by - datetime.timedelta(days=freshness.BEFORE_DAYS):
        return Reminder.Kind.BEFORE
    return None


def send_review_reminders(today: datetime.date | None = None) -> dict:
    """Send today's due reminders; returns counts (never who to)."""
    today = today or timezone.localdate()
    counts = {"services_due": 0, "reminders_created": 0, "already_sent": 0, "no_recipient": 0}
    counts["emails_sent"] = 0
    counts["emails_failed"] = 0
    # Every listing whose review-by date is within the next 14 days, or past.
    horizon = today + datetime.timedelta(days=freshness.BEFORE_DAYS + 1)
    candidates = (
        Service.objects.filter(status=Service.Status.ACTIVE)
        .filter(freshness.review_due_before(horizon))
        .select_related("organization")
        .order_by("id")
    )
    batch = []
    for service in candidates.iterator(chunk_size=BATCH_SIZE):
        batch.append(service)
        if len(batch) == BATCH_SIZE:
            _send_batch(batch, today, counts)
            batch = []
    if batch:
        _send_batch(batch, today, counts)
    # Listings may have passed their grace period today: cached public answers are refreshed.
    directory_changed()
    return counts


def _send_batch(services, today, counts):
    states = freshness.freshness_of_many(services, today)
    due = {}
    for service in services:
        state = states[service.pk]
        kind = due_kind(state.review_by, today) if state.review_by else None
        if kind:
            due[service.pk] = (service, state, kind)
    counts["services_due"] += len(due)
    sent = set(
        Reminder.objects.filter(service_id__in=list(due)).values_list(
            "service_id", "kind", "review_by"
        )
    )
    todo = [
        (service, state, kind)
        for service, state, kind in due.values()
        if (service.pk, kind, state.review_by) not in sent
    ]
    counts["already_sent"] += len(due) - len(todo)
    recipients = reminders.recipients_of_many(service for service, _, _ in todo)
    for service, state, kind in todo:
        _send_one(service, state, kind, recipients[service.pk], counts)


def _send_one(service, state, kind, recipients, counts):
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                service=service,
                kind=kind,
                review_by=state.review_by,
                recipient_count=len(recipients),
            )
            outgoing = reminders.issue_links(
                reminder=reminder, recipients=recipients, freshness=state
            )
            audit_record(
                actor_label=JOB_LABEL,
                action="create",
                record_type="stewardship.reminder",
                record_id=reminder.pk,
                values={
                    "service": service.pk,
                    "kind": kind,
                    "review_by": state.review_by,
                    "recipients": [link.link.recipient for link in outgoing],
                },
            )
            transaction.on_commit(lambda: _deliver(reminder, outgoing, counts))
    except IntegrityError:
        # Another run created this reminder first (the unique constraint): it sends, not us.
        counts["already_sent"] += 1
        return
    counts["reminders_created"] += 1
    if not recipients:
        counts["no_recipient"] += 1


def _deliver(reminder, outgoing, counts):
    """Hand the emails to the notifications backend, once the reminder has committed."""
    delivered = []
    for item in outgoing:
        try:
            notifications.send_email(
                to=item.to,
                template=reminders.TEMPLATE,
                personalisation=item.personalisation,
                reference=f"review-reminder-{item.link.pk}",
            )
        except notifications.NotificationError:
            counts["emails_failed"] += 1
            logger.warning("Could not send review reminder link %s", item.link.pk)
            continue
        delivered.append(item.link.pk)
        counts["emails_sent"] += 1
    now = timezone.now()
    ReminderLink.objects.filter(pk__in=delivered).update(sent_at=now)
    Reminder.objects.filter(pk=reminder.pk).update(
        sent_count=len(delivered), sent_at=now if delivered else None
    )
