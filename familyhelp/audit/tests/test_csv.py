"""Downloading a search of the audit log as CSV."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.presenters import CSV_HEADER
from familyhelp.audit.services import audit_record
from familyhelp.audit.tests.conftest import sign_in

EXPORT = "/audit/export.csv"


def record(**fields):
    return audit_record(
        **{
            "actor_label": "job:import",
            "action": "change",
            "record_type": "families.family",
            "record_id": "7",
            **fields,
        }
    )


def download(client, query=None):
    response = client.get(EXPORT, query or {})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.reader(io.StringIO(body)))


@pytest.fixture
def auditor_client(client, auditor):
    return sign_in(client, auditor)


def test_the_csv_has_every_field_of_each_matching_event_newest_first(auditor_client, person):
    older = record(
        actor=person,
        family_id=12,
        fields_changed=["status"],
        values={"status": "open"},
        reason="Review",
    )
    newer = record(actor=person, action="view")
    record(record_id="8")  # another record

    response, rows = download(auditor_client, {"record_type": "families.family", "record_id": "7"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert rows[0] == CSV_HEADER
    assert [row[0] for row in rows[1:]] == [str(newer.sequence), str(older.sequence)]
    row = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert row["actor"] == "sam.jones@example.org"
    assert row["actor_id"] == str(person.pk)
    assert (row["action"], row["family_id"], row["fields_changed"]) == ("change", "12", "status")
    assert row["values"] == '{"status": "open"}'
    assert row["reason"] == "Review"
    assert row["hash"] == older.hash
    assert row["occurred_at_utc"] == older.occurred_at.isoformat()


def test_the_export_is_itself_audited_with_its_filters(auditor_client, auditor, person):
    record(actor=person)

    download(auditor_client, {"person": person.email, "action": "change"})

    export = AuditEvent.objects.filter(action="export").get()
    assert (export.actor, export.record_type) == (auditor, "audit.log")
    assert export.values == {"person": str(person.pk), "action": "change"}


def test_cells_a_spreadsheet_would_run_as_formulas_are_made_plain_text(auditor_client):
    record(reason='=HYPERLINK("http://evil.example")', record_id="@7")

    _, rows = download(auditor_client, {"action": "change"})

    row = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert row["reason"].startswith("'=")
    assert row["record_id"] == "'@7"


def test_a_team_manager_downloads_only_their_teams_events(client, manager_team):
    manager, member, outsider = manager_team
    mine = record(actor=member)
    record(actor=outsider)
    sign_in(client, manager)

    _, rows = download(client, {"action": "change"})

    assert [row[0] for row in rows[1:]] == [str(mine.sequence)]
    assert client.get(EXPORT, {"person": outsider.email}).status_code == 404
    refusal = AuditEvent.objects.filter(action="export").order_by("sequence").last()
    assert refusal.values == {"person": str(outsider.pk), "refused": "outside_your_teams"}


def test_bad_filters_show_the_search_page_with_the_error_and_export_nothing(auditor_client):
    response = auditor_client.get(EXPORT, {"date_from-day": "40"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_people_who_do_not_read_the_log_cannot_download_it(client, db):
    sign_in(client, UserFactory(roles=["front-door-officer"]))

    assert client.get(EXPORT).status_code == 404
    refusal = AuditEvent.objects.get(action="export")
    assert refusal.values == {"refused": "no_permission"}


def test_the_download_reads_in_chunks_in_a_bounded_number_of_queries(
    auditor_client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("familyhelp.audit.selectors.EXPORT_CHUNK", 2)
    for n in range(5):
        record(record_id=str(n))
    auditor_client.get("/audit/")  # warm caches

    with django_assert_max_num_queries(20):
        _, rows = download(auditor_client, {"action": "change"})

    assert len(rows) == 1 + 5
    assert not any(row[4] == "export" for row in rows[1:])  # the log as it stood when asked
