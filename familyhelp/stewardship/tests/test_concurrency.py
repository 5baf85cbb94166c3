"""Two workers running the reminder job at the same moment send each reminder once (PostgreSQL).

Both runs are held at a barrier after they have each read which reminders are still to send
(so both believe every reminder is theirs), then race to insert the Reminder rows. The unique
constraint lets exactly one insert per reminder succeed; the other run waits for it to commit,
gets an IntegrityError and sends nothing for that reminder. Each thread has its own database
connection and closes it at the end.
"""

import datetime
import threading

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection

from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory
from familyhelp.stewardship import jobs, reminders
from familyhelp.stewardship.models import Reminder, ReminderLink

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 6, 15)
SERVICES = 5


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent inserts are tested on PostgreSQL")


def test_two_workers_at_once_send_each_reminder_exactly_once(monkeypatch):
    organisation = OrganizationFactory(email="office@example.org")
    for _ in range(SERVICES):
        ServiceFactory(organization=organisation, assured_date=TODAY - relativedelta(months=6))
    barrier = threading.Barrier(2, timeout=30)
    find_recipients = reminders.recipients_of_many

    def both_past_the_check(services):
        services = list(services)
        barrier.wait()  # both runs have read "nothing sent yet" before either inserts
        return find_recipients(services)

    monkeypatch.setattr(reminders, "recipients_of_many", both_past_the_check)
    results, errors = [], []

    def worker():
        try:
            results.append(jobs.send_review_reminders(TODAY))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(results) == 2
    assert [r["services_due"] for r in results] == [SERVICES, SERVICES]
    assert sum(r["reminders_created"] for r in results) == SERVICES
    assert sum(r["already_sent"] for r in results) == SERVICES  # each lost race is counted
    assert sum(r["emails_sent"] for r in results) == SERVICES
    assert Reminder.objects.count() == SERVICES
    assert ReminderLink.objects.count() == SERVICES
    assert len(outbox(template="review_reminder")) == SERVICES


def test_two_clicks_at_once_confirm_once(monkeypatch):
    service = ServiceFactory(
        organization=OrganizationFactory(email="office@example.org"),
        assured_date=TODAY - relativedelta(months=6),
    )
    jobs.send_review_reminders(datetime.date.today())
    (message,) = outbox(template="review_reminder")
    signed = message.personalisation["confirm_link"].rstrip("/").rsplit("/", 1)[-1]
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def click():
        try:
            barrier.wait()
            reminders.link_confirm(signed=signed)
            outcomes.append("confirmed")
        except reminders.ReminderLinkError as problem:
            outcomes.append(problem.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already_used", "confirmed"]
    service.refresh_from_db()
    assert service.assured_date == datetime.date.today()
