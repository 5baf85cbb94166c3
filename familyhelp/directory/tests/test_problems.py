"""Report a problem: the public form, abuse protection, notifications, tracking and resolving."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.forms_problems import DETAILS_TOO_LONG, EMAIL_INVALID, KIND_REQUIRED
from familyhelp.directory.models import OrganisationEditor, ProblemReport, Service
from familyhelp.directory.selectors.problems import problem_report_open_count
from familyhelp.directory.services import problems
from familyhelp.directory.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

REPORTER = "parent@example.net"


def token(service, seconds_ago=10):
    """A form token as if the form had been shown `seconds_ago`."""
    with time_machine.travel(timezone.now() - datetime.timedelta(seconds=seconds_ago)):
        return problems.form_token_issue(service_id=service.pk)


def form_url(service):
    return reverse("directory:report-problem", kwargs={"service_id": service.pk})


def post_report(client, service, *, ip="203.0.113.7", **fields):
    data = {"kind": "wrong_details", "details": "", "email": "", "website": ""}
    data["started"] = token(service)
    data.update(fields)
    return client.post(form_url(service), data, REMOTE_ADDR=ip)


@pytest.fixture
def service():
    return ServiceFactory(name="Little Acorns Nursery")


@pytest.fixture
def editor(service):
    person = UserFactory(roles=["organisation-editor"], email="editor@acorns.example")
    OrganisationEditor.objects.create(user=person, organization=service.organization)
    return person


@pytest.fixture
def directory_admin():
    return UserFactory(
        roles=["directory-administrator"], email="directory.admin@wessexvale.example"
    )


def report_for(service, **fields):
    values = {
        "service_id": service.pk,
        "kind": "closed",
        "form_token": token(service),
        "ip_address": fields.pop("ip_address", "198.51.100.1"),
    }
    values.update(fields)
    return problems.problem_report_create(**values)


# The public form --------------------------------------------------------------------------------


def test_the_service_page_links_to_the_form(client, service):
    page = client.get(reverse("directory:service", kwargs={"service_id": service.pk}))
    assert (
        f'href="{form_url(service)}">Report a problem with this page</a>' in page.content.decode()
    )


def test_the_form_asks_what_is_wrong_with_a_signed_token_and_a_hidden_honeypot(client, service):
    page = client.get(form_url(service))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Report a problem with this page" in html
    for choice in ("The service has closed", "Some of the details are wrong", "Something else"):
        assert choice in html
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=10)):
        problems.form_token_check(started, service_id=service.pk)  # accepted a little later
    assert re.search(r'<div hidden>\s*<div class="govuk-form-group">', html)
    assert 'name="website"' in html


def test_a_parent_reports_a_problem_and_sees_a_reference(
    client, service, editor, directory_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(
            client, service, kind="closed", details="It shut in June.", email=REPORTER
        )
    report = ProblemReport.objects.get()
    assert response.status_code == 302
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert report.reference in confirmation.content.decode()
    assert (report.kind, report.details, report.reporter_email) == (
        "closed",
        "It shut in June.",
        REPORTER,
    )
    assert report.status == ProblemReport.Status.OPEN
    # Only a hash of the address is kept
    assert report.ip_hash == problems.ip_hash("203.0.113.7")
    assert "203.0.113.7" not in report.ip_hash
    # The editors and the administrators are told, never with the reporter's words or address
    sent = outbox(template="problem_reported")
    assert sorted(m.to for m in sent) == sorted([editor.email, directory_admin.email])
    for message in sent:
        assert message.personalisation["reference"] == report.reference
        assert message.personalisation["problem"] == "The service has closed"
        assert "It shut in June" not in str(message.personalisation)
        assert REPORTER not in str(message.personalisation)
        assert message.personalisation["link"].endswith(f"/problem-reports/{report.pk}/")


def test_the_report_is_audited_without_the_reporters_email_ip_or_words(client, service):
    post_report(client, service, details="Call 07700 900982", email=REPORTER)
    report = ProblemReport.objects.get()
    event = AuditEvent.objects.get(record_type="directory.problemreport", record_id=str(report.pk))
    assert event.action == "create"
    assert event.actor_label == problems.PUBLIC_ACTOR
    assert event.values["has_reporter_email"] is True
    assert event.values["has_details"] is True
    assert event.values["service"] == str(service.pk)
    assert event.ip_address is None
    assert REPORTER not in str(event.values) and "07700" not in str(event.values)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": ""}, KIND_REQUIRED),
        ({"kind": "ransom"}, KIND_REQUIRED),
        ({"email": "not-an-email"}, EMAIL_INVALID),
        ({"details": "x" * 1201}, DETAILS_TOO_LONG.format(limit=1200)),
    ],
)
def test_bad_answers_get_a_clear_error_and_change_nothing(client, service, fields, message):
    response = post_report(client, service, **fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert message in html
    assert not ProblemReport.objects.exists()


def test_the_confirmation_page_needs_a_genuine_token(client, service):
    url = reverse("directory:report-problem-sent", kwargs={"service_id": service.pk})
    assert client.get(url).status_code == 404
    assert client.get(url + "?reference=ABCD-EFGH").status_code == 404
    report = report_for(service)
    other = ServiceFactory()
    genuine = problems.confirmation_token(report)
    sent = client.get(url, {"reference": genuine})
    assert sent.status_code == 200
    assert f"Your reference<br><strong>{report.reference}</strong>" in sent.content.decode()
    other_url = reverse("directory:report-problem-sent", kwargs={"service_id": other.pk})
    assert client.get(other_url, {"reference": genuine}).status_code == 404


@pytest.mark.parametrize(
    "status", [Service.Status.INACTIVE, Service.Status.DEFUNCT, Service.Status.TEMPORARILY_CLOSED]
)
def test_an_unpublished_service_has_no_form(client, status):
    hidden = ServiceFactory(status=status)
    assert client.get(form_url(hidden)).status_code == 404
    assert post_report(client, hidden).status_code == 404
    assert not ProblemReport.objects.exists()


def test_a_service_unpublished_while_the_form_was_open_is_refused(service):
    started = token(service)
    Service.objects.filter(pk=service.pk).update(status=Service.Status.DEFUNCT)
    with pytest.raises(problems.ServiceNotPublished):
        problems.problem_report_create(
            service_id=service.pk, kind="closed", form_token=started, ip_address="192.0.2.1"
        )
    assert not ProblemReport.objects.exists()


def test_html_and_links_in_details_are_shown_as_text(client, service, directory_admin):
    details = '<script>alert("x")</script> see https://evil.example/win and <a href="x">here</a>'
    post_report(client, service, details=details)
    report = ProblemReport.objects.get()
    html = (
        sign_in(client, directory_admin)
        .get(reverse("directory:problem-report", kwargs={"report_id": report.pk}))
        .content.decode()
    )
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert 'href="https://evil.example' not in html
    assert 'href="x"' not in html
    assert "https://evil.example/win" in html


# Abuse protection -------------------------------------------------------------------------------


def test_a_filled_honeypot_is_refused_and_changes_nothing(
    client, service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(client, service, website="https://spam.example")
    assert response.status_code == 400
    assert problems.HONEYPOT_FILLED in response.content.decode()
    assert not ProblemReport.objects.exists()
    assert not outbox()
    assert not AuditEvent.objects.filter(record_type="directory.problemreport").exists()


def test_a_form_sent_too_quickly_is_refused(client, service):
    response = post_report(client, service, started=token(service, seconds_ago=0))
    assert response.status_code == 400
    assert problems.FORM_TOO_FAST in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_a_form_open_too_long_is_refused_and_given_a_fresh_token(client, service):
    old = token(service, seconds_ago=3 * 60 * 60)
    response = post_report(client, service, started=old, details="Still typed")
    html = response.content.decode()
    assert response.status_code == 400
    assert problems.FORM_EXPIRED in html
    assert "Still typed" in html  # what they typed is kept
    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert fresh != old
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize("forged", ["", "nonsense", "eyJzIjoiMSIsInQiOjF9:forged:sig"])
def test_a_forged_or_missing_token_is_refused(client, service, forged):
    response = post_report(client, service, started=forged)
    assert response.status_code == 400
    assert problems.FORM_NOT_RECOGNISED in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_a_token_for_another_service_is_refused(client, service):
    other = ServiceFactory()
    response = post_report(client, service, started=token(other))
    assert problems.FORM_NOT_RECOGNISED in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_one_ip_address_may_send_five_reports_an_hour(client, service):
    others = [ServiceFactory() for _ in range(6)]
    for other in others[:5]:
        assert post_report(client, other, ip="192.0.2.50").status_code == 302
    refused = post_report(client, others[5], ip="192.0.2.50")
    assert refused.status_code == 429
    assert problems.TOO_MANY_FROM_YOU.format(limit=5) in refused.content.decode()
    assert ProblemReport.objects.count() == 5
    # Someone else is not held back
    assert post_report(client, others[5], ip="192.0.2.51").status_code == 302
    # And an hour later the first address may report again
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert post_report(client, service, ip="192.0.2.50").status_code == 302


def test_one_service_takes_twenty_reports_an_hour(client, service, settings):
    settings.PROBLEM_REPORTS_PER_SERVICE_PER_HOUR = 3
    for number in range(3):
        assert post_report(client, service, ip=f"192.0.2.{number}").status_code == 302
    refused = post_report(client, service, ip="192.0.2.99")
    assert refused.status_code == 429
    assert problems.TOO_MANY_ABOUT_SERVICE.format(limit=3) in refused.content.decode()
    assert ProblemReport.objects.count() == 3
    assert problems.DEFAULT_PER_SERVICE_PER_HOUR == 20


# Tracking and resolving -------------------------------------------------------------------------


def list_url(**query):
    url = reverse("directory:problem-reports")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def detail_url(report):
    return reverse("directory:problem-report", kwargs={"report_id": report.pk})


def test_administrators_see_open_reports_oldest_first(client, directory_admin, service):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2)):
        oldest = report_for(service, ip_address="192.0.2.1")
    newest = report_for(ServiceFactory(name="Busy Bees"), ip_address="192.0.2.2")
    html = sign_in(client, directory_admin).get(list_url()).content.decode()
    assert "2 open problems" in html
    assert html.index(oldest.reference) < html.index(newest.reference)


def test_the_list_filters_by_status(client, directory_admin, service):
    report_for(service)
    done = report_for(service, ip_address="192.0.2.9")
    problems.problem_report_resolve(actor=directory_admin, report_id=done.pk, note="Fixed")
    sign_in(client, directory_admin)
    assert "1 open problem" in client.get(list_url()).content.decode()
    resolved = client.get(list_url(status="resolved")).content.decode()
    assert "1 resolved problem" in resolved and done.reference in resolved
    assert "2 problems" in client.get(list_url(status="all")).content.decode()
    bad = client.get(list_url(status="sideways"))
    assert "Select open, resolved or all problems" in bad.content.decode()


def test_the_list_costs_the_same_queries_however_many_reports(client, directory_admin):
    sign_in(client, directory_admin)
    report_for(ServiceFactory(), ip_address="192.0.2.1")
    client.get(list_url())
    with CaptureQueriesContext(connection) as one:
        assert client.get(list_url()).status_code == 200
    for number in range(8):
        report_for(ServiceFactory(), ip_address=f"192.0.2.{10 + number}")
    with CaptureQueriesContext(connection) as nine:
        response = client.get(list_url())
    assert "9 open problems" in response.content.decode()
    assert len(nine) == len(one)


def test_an_editor_sees_only_their_organisations_reports(client, editor, service):
    mine = report_for(service)
    theirs = report_for(ServiceFactory(), ip_address="192.0.2.77")
    sign_in(client, editor)
    html = client.get(list_url()).content.decode()
    assert mine.reference in html and theirs.reference not in html
    assert client.get(detail_url(mine)).status_code == 200
    assert client.get(detail_url(theirs)).status_code == 404
    refused = client.post(detail_url(theirs), {"note": "Not mine"})
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ProblemReport.Status.OPEN


@pytest.mark.parametrize("roles", [[], ["practitioner"], ["auditor"]])
def test_other_people_get_a_404(client, service, roles):
    report = report_for(service)
    sign_in(client, UserFactory(roles=roles))
    assert client.get(list_url()).status_code == 404
    assert client.get(detail_url(report)).status_code == 404


def test_signed_out_people_are_asked_to_sign_in(client, service):
    report = report_for(service)
    response = client.get(detail_url(report))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_an_editor_resolves_a_report_and_the_reporter_is_told(
    client, editor, service, django_capture_on_commit_callbacks
):
    report = report_for(service, reporter_email=REPORTER, details="Wrong phone number")
    sign_in(client, editor)
    page = client.get(detail_url(report)).content.decode()
    assert "Wrong phone number" in page
    assert REPORTER not in page  # editors never see the reporter's address
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(report), {"note": "Updated the phone number"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED
    assert report.resolved_by == editor
    assert report.resolution_note == "Updated the phone number"
    assert report.reporter_email == ""  # told, then forgotten
    assert report.reporter_told_at is not None
    (told,) = outbox(template="problem_resolved")
    assert told.to == REPORTER
    assert told.personalisation["reference"] == report.reference
    assert "Updated the phone number" not in str(told.personalisation)
    event = AuditEvent.objects.get(record_id=str(report.pk), action="change")
    assert event.actor == editor
    assert event.values["reporter_told"] is True
    assert REPORTER not in str(event.values) and "Wrong phone" not in str(event.values)
    followed = client.get(response["Location"]).content.decode()
    assert "resolved. The person who reported it has been emailed." in followed


def test_resolving_needs_a_note_and_changes_nothing_without_one(client, editor, service):
    report = report_for(service)
    response = sign_in(client, editor).post(detail_url(report), {"note": "  "})
    assert "Enter what was done about the problem" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.OPEN


def test_a_report_cannot_be_resolved_twice(
    client, editor, directory_admin, service, django_capture_on_commit_callbacks
):
    report = report_for(service, reporter_email=REPORTER)
    with django_capture_on_commit_callbacks(execute=True):
        problems.problem_report_resolve(actor=directory_admin, report_id=report.pk, note="Done")
    with pytest.raises(problems.ProblemReportError) as refused:
        problems.problem_report_resolve(actor=editor, report_id=report.pk, note="Again")
    assert "already resolved by" in refused.value.message
    response = sign_in(client, editor).post(detail_url(report), {"note": "Again"}, follow=True)
    assert "already resolved by" in response.content.decode()
    report.refresh_from_db()
    assert report.resolution_note == "Done" and report.resolved_by == directory_admin
    assert len(outbox(template="problem_resolved")) == 1


def test_a_reporter_without_an_email_is_not_told(
    directory_admin, service, django_capture_on_commit_callbacks
):
    report = report_for(service)
    with django_capture_on_commit_callbacks(execute=True):
        problems.problem_report_resolve(actor=directory_admin, report_id=report.pk, note="Done")
    assert not outbox(template="problem_resolved")


def test_only_people_who_hold_the_role_are_emailed(service):
    linked_without_role = UserFactory(roles=[])
    OrganisationEditor.objects.create(user=linked_without_role, organization=service.organization)
    editor_elsewhere = UserFactory(roles=["organisation-editor"])
    OrganisationEditor.objects.create(
        user=editor_elsewhere, organization=ServiceFactory().organization
    )
    gone = UserFactory(roles=["directory-administrator"], is_active=False)
    admin = UserFactory(roles=["directory-administrator"])
    assert problems.problem_report_recipients(service.organization_id) == [admin.email]
    assert gone.email not in problems.problem_report_recipients(service.organization_id)


def test_a_listing_hidden_for_being_out_of_date_has_no_form(client):
    stale = ServiceFactory(assured_date=datetime.date.today() - datetime.timedelta(days=3 * 365))
    assert client.get(form_url(stale)).status_code == 404
    assert post_report(client, stale).status_code == 404
    assert not ProblemReport.objects.exists()


def test_the_database_refuses_details_that_are_too_long(service):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemReport.objects.create(
            reference="AAAA-AAAA", service=service, kind="other", details="x" * 1201
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProblemReport.objects.create(
            reference="AAAA-AAAB", service=service, kind="other", status="resolved"
        )


def test_the_service_checks_the_kind_and_email_too(service):
    with pytest.raises(ValidationError):
        report_for(service, kind="ransom")
    with pytest.raises(ValidationError):
        report_for(service, reporter_email="not an email")
    assert not ProblemReport.objects.exists()


def test_the_open_count_is_scoped_like_the_list(editor, directory_admin, service):
    report_for(service)
    report_for(ServiceFactory(), ip_address="192.0.2.40")
    done = report_for(service, ip_address="192.0.2.41")
    problems.problem_report_resolve(actor=directory_admin, report_id=done.pk, note="Done")
    assert problem_report_open_count(actor=directory_admin) == 2
    assert problem_report_open_count(actor=editor) == 1
    assert problem_report_open_count(actor=UserFactory(roles=["practitioner"])) == 0
