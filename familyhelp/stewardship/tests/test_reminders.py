"""The daily reminder job, and confirming a listing from its link without signing in."""

import datetime
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.models import OrganisationEditor, Service
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory
from familyhelp.stewardship import reminders
from familyhelp.stewardship.jobs import due_kind
from familyhelp.stewardship.jobs import send_review_reminders as job
from familyhelp.stewardship.models import Reminder, ReminderLink

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
R = datetime.date(2026, 6, 15)  # a review-by date
ASSURED = R - relativedelta(months=6)


def send_review_reminders(day):
    """The job, with its emails sent as they would be once its transactions commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return job(day)


def confirm_path(message) -> str:
    link = message.personalisation["confirm_link"]
    assert link.startswith(settings.SITE_URL)
    return link[len(settings.SITE_URL.rstrip("/")) :]


@pytest.fixture
def editor():
    organisation = OrganizationFactory(name="Vale Play", email="office@valeplay.example")
    person = UserFactory(email="sam@valeplay.example", roles=["organisation-editor"])
    OrganisationEditor.objects.create(user=person, organization=organisation)
    return person


@pytest.fixture
def service(editor):
    return ServiceFactory(
        name="Stay and Play",
        organization=editor.organisations_edited.get().organization,
        assured_date=ASSURED,
    )


# Which reminder is due ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (R - timedelta(days=15), None),
        (R - timedelta(days=14), "before"),
        (R - timedelta(days=1), "before"),
        (R, "on_day"),
        (R + timedelta(days=20), "on_day"),
        (R + timedelta(days=21), "final"),
        (R + timedelta(days=400), "final"),
    ],
)
def test_the_reminder_due_depends_on_the_days_to_the_review_by_date(day, kind):
    assert due_kind(R, day) == kind


# The daily job --------------------------------------------------------------------------------


def test_nothing_is_sent_for_a_listing_not_yet_due(service):
    counts = send_review_reminders(R - timedelta(days=15))

    assert counts["reminders_created"] == 0
    assert outbox(template="review_reminder") == []


def test_each_reminder_is_sent_once_however_often_the_job_runs(service, editor):
    first = send_review_reminders(R - timedelta(days=14))
    again = send_review_reminders(R - timedelta(days=14))
    next_day = send_review_reminders(R - timedelta(days=13))
    on_the_day = send_review_reminders(R)
    final = send_review_reminders(R + timedelta(days=21))
    later = send_review_reminders(R + timedelta(days=30))

    assert first["reminders_created"] == 1 and first["emails_sent"] == 1
    assert again["reminders_created"] == 0 and again["already_sent"] == 1
    assert next_day["reminders_created"] == 0
    assert on_the_day["reminders_created"] == 1
    assert final["reminders_created"] == 1
    assert later["reminders_created"] == 0 and later["emails_sent"] == 0
    kinds = list(Reminder.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["before", "on_day", "final"]
    messages = outbox(template="review_reminder")
    assert [m.to for m in messages] == [editor.email] * 3
    assert [m.personalisation["kind"] for m in messages] == kinds
    assert all(Reminder.objects.values_list("sent_count", flat=True))


def test_a_job_started_late_sends_only_the_latest_reminder(service):
    send_review_reminders(R + timedelta(days=25))

    assert list(Reminder.objects.values_list("kind", flat=True)) == ["final"]
    (message,) = outbox(template="review_reminder")
    assert "will be hidden from the public directory from" in message.personalisation["message"]


def test_the_email_has_a_confirm_link_and_a_link_to_make_changes(service):
    send_review_reminders(R)

    (message,) = outbox(template="review_reminder")
    fields = message.personalisation
    assert fields["service"] == "Stay and Play"
    assert fields["organisation"] == "Vale Play"
    assert fields["review_by"] == "15 June 2026"
    assert re.fullmatch(r"/listings/confirm/[^/]+/", confirm_path(message))
    # "Make changes": sign in, then the editors' page of this listing.
    changes = urlsplit(fields["changes_link"])
    assert changes.path == reverse("accounts:sign-in")
    assert parse_qs(changes.query)["next"] == [reverse("stewardship:service", args=[service.pk])]
    link = ReminderLink.objects.get()
    assert link.token_hash not in fields["confirm_link"]  # only a hash is kept, not the token
    assert link.sent_at is not None


def test_each_editor_gets_their_own_link(service, editor):
    other = UserFactory(email="alex@valeplay.example", roles=["organisation-editor"])
    OrganisationEditor.objects.create(user=other, organization=service.organization)

    send_review_reminders(R)

    messages = outbox(template="review_reminder")
    assert sorted(m.to for m in messages) == ["alex@valeplay.example", "sam@valeplay.example"]
    assert len({m.personalisation["confirm_link"] for m in messages}) == 2


def test_without_editors_the_service_then_the_organisation_contact_is_reminded():
    organisation = OrganizationFactory(email="office@example.org")
    with_email = ServiceFactory(organization=organisation, email="hello@example.org")
    without = ServiceFactory(organization=organisation, email="")
    # A linked person without the editor role (taken away) is not reminded.
    former = UserFactory(email="former@example.org")
    OrganisationEditor.objects.create(user=former, organization=organisation)
    Service.objects.filter(pk__in=[with_email.pk, without.pk]).update(assured_date=ASSURED)

    send_review_reminders(R)

    assert sorted(m.to for m in outbox(template="review_reminder")) == [
        "hello@example.org",
        "office@example.org",
    ]
    assert set(ReminderLink.objects.values_list("recipient", flat=True)) == {
        "service_contact",
        "organisation_contact",
    }


def test_a_listing_with_nobody_to_remind_is_recorded_not_retried():
    ServiceFactory(organization=OrganizationFactory(email=""), email="", assured_date=ASSURED)

    first = send_review_reminders(R)
    second = send_review_reminders(R)

    assert first["no_recipient"] == 1 and first["reminders_created"] == 1
    assert second["reminders_created"] == 0
    assert outbox(template="review_reminder") == []


def test_what_the_job_sent_is_audited_without_personal_data(service, editor):
    send_review_reminders(R)

    event = AuditEvent.objects.get(record_type="stewardship.reminder")
    assert event.actor_label == "job:send_review_reminders"
    assert event.values["kind"] == "on_day" and event.values["recipients"] == ["editor"]
    assert editor.email not in str(event.values)


def test_a_confirmed_listing_starts_a_new_cycle(service, client):
    send_review_reminders(R)
    Service.objects.filter(pk=service.pk).update(assured_date=R)

    counts = send_review_reminders(R + timedelta(days=21))

    assert counts["reminders_created"] == 0  # its next review-by date is six months away


def test_inactive_listings_are_not_reminded(service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.INACTIVE)

    assert send_review_reminders(R)["reminders_created"] == 0


# Confirming from the link --------------------------------------------------------------------


@pytest.fixture
def due_today(editor):
    """A listing due for review today, and the reminder sent about it."""
    organisation = editor.organisations_edited.get().organization
    service = ServiceFactory(
        name="Stay and Play",
        organization=organisation,
        assured_date=TODAY - relativedelta(months=6),
    )
    send_review_reminders(TODAY)
    (message,) = outbox(template="review_reminder")
    return service, confirm_path(message)


def test_opening_the_link_changes_nothing_and_shows_one_button(client, due_today):
    service, path = due_today
    before = service.assured_date

    response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Is the listing for Stay and Play still correct?" in page
    assert "Yes, this is still correct" in page and 'method="post"' in page
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    service.refresh_from_db()
    assert service.assured_date == before
    assert ReminderLink.objects.get().used_at is None


def test_the_button_confirms_the_listing_without_signing_in(client, due_today, editor):
    service, path = due_today

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == path + "done/"
    done = client.get(response["Location"])
    assert "Listing confirmed" in done.content.decode()
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert ReminderLink.objects.get().used_at is not None
    event = AuditEvent.objects.get(record_type="directory.service", action="confirm")
    assert event.actor == editor  # confirmed by the recipient
    assert event.fields_changed == ["assured_date"]
    assert event.values["reminder_kind"] == "on_day"


def test_a_contact_email_confirming_is_audited_as_the_link(client):
    service = ServiceFactory(
        organization=OrganizationFactory(email=""),
        email="hello@example.org",
        assured_date=TODAY - relativedelta(months=6),
    )
    send_review_reminders(TODAY)
    (message,) = outbox(template="review_reminder")

    client.post(confirm_path(message))

    event = AuditEvent.objects.get(record_type="directory.service", action="confirm")
    assert event.actor is None
    assert event.actor_label == "review reminder link (service_contact)"
    assert "hello@example.org" not in str(event.values)
    service.refresh_from_db()
    assert service.assured_date == TODAY


def test_a_hidden_listing_shows_again_once_confirmed(client, editor):
    service = ServiceFactory(
        organization=editor.organisations_edited.get().organization,
        assured_date=TODAY - relativedelta(months=6) - timedelta(days=70),
    )
    public = reverse("directory:service", args=[service.pk])
    assert client.get(public).status_code == 404
    send_review_reminders(TODAY)
    (message,) = outbox(template="review_reminder")
    assert "It is now hidden" in message.personalisation["message"]

    client.post(confirm_path(message))

    response = client.get(public)
    assert response.status_code == 200
    assert "This information may be out of date" not in response.content.decode()


def refusals():
    return list(
        AuditEvent.objects.filter(record_type="stewardship.reminderlink").values_list(
            "values", flat=True
        )
    )


def test_a_link_used_twice_is_refused_and_changes_nothing(client, due_today):
    service, path = due_today
    client.post(path)
    Service.objects.filter(pk=service.pk).update(assured_date=TODAY - timedelta(days=3))

    again = client.post(path)
    opened = client.get(path)

    assert again.status_code == 410 and opened.status_code == 410
    assert "already been used" in again.content.decode()
    service.refresh_from_db()
    assert service.assured_date == TODAY - timedelta(days=3)
    assert [v["refused"] for v in refusals()] == ["already_used", "already_used"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_is_refused_and_changes_nothing(client, due_today, method):
    service, path = due_today
    signed = path.split("/")[-2]
    token, signature = signed.rsplit(":", 1)
    forged = path.replace(signed, token[:-1] + ("A" if token[-1] != "A" else "B") + ":" + signature)

    response = getattr(client, method)(forged)

    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == TODAY - relativedelta(months=6)
    assert refusals() == [{"refused": "tampered", "service": None}]


def test_a_correctly_signed_but_unknown_link_is_refused(client, due_today):
    from django.core import signing

    response = client.post(
        reverse(
            "stewardship:confirm",
            kwargs={"signed": signing.Signer(salt=reminders.SALT).sign("made-up-token")},
        )
    )

    assert response.status_code == 404
    assert refusals()[0]["refused"] == "unknown"


def test_an_expired_link_is_refused_and_changes_nothing(client, due_today):
    service, path = due_today
    ReminderLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date == TODAY - relativedelta(months=6)
    assert refusals()[0]["refused"] == "expired"


def test_a_link_is_refused_once_someone_else_confirmed_the_listing(client, editor):
    other = UserFactory(email="alex@valeplay.example", roles=["organisation-editor"])
    organisation = editor.organisations_edited.get().organization
    OrganisationEditor.objects.create(user=other, organization=organisation)
    ServiceFactory(organization=organisation, assured_date=TODAY - relativedelta(months=6))
    send_review_reminders(TODAY)
    first, second = (confirm_path(m) for m in outbox(template="review_reminder"))

    client.post(first)
    response = client.post(second)

    assert response.status_code == 410
    assert "Someone has confirmed this listing" in response.content.decode()
    assert refusals()[0]["refused"] == "already_confirmed"


def test_the_confirmation_page_needs_a_used_link(client, due_today):
    _, path = due_today

    response = client.get(path + "done/")

    assert response.status_code == 302 and response["Location"] == path


def test_the_daily_jobs_command_runs_the_reminders_once_a_day(service):
    from familyhelp.core.jobs import RAN, SKIPPED, run_daily_job

    name = "familyhelp.stewardship.jobs.send_review_reminders"
    assert name in settings.DAILY_JOBS
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = run_daily_job(name, R)
        second = run_daily_job(name, R)

    assert first.result == RAN and first.run.counts["reminders_created"] == 1
    assert second.result == SKIPPED
    assert len(outbox(template="review_reminder")) == 1
