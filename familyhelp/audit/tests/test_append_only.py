import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction

from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import TAMPER_REFUSED, AuditTamperRefused

REFUSED = "append-only"


def snapshot():
    return list(AuditEvent.objects.order_by("sequence").values())


@pytest.fixture
def logged(record_events):
    record_events(3)
    return snapshot()


def refused(change):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        change()


def refused_by_the_application(change):
    with pytest.raises(AuditTamperRefused, match=TAMPER_REFUSED), transaction.atomic():
        change()


def test_updates_through_the_orm_are_refused(logged):
    event = AuditEvent.objects.get(sequence=2)
    event.reason = "covering tracks"

    refused_by_the_application(lambda: event.save())
    refused_by_the_application(
        lambda: AuditEvent.objects.filter(sequence=2).update(reason="covering tracks")
    )

    assert snapshot() == logged


def test_deletes_through_the_orm_are_refused(logged):
    refused_by_the_application(lambda: AuditEvent.objects.get(sequence=2).delete())
    refused_by_the_application(lambda: AuditEvent.objects.all().delete())

    assert snapshot() == logged


def test_the_database_refuses_an_update_even_when_the_application_is_bypassed(logged):
    event = AuditEvent.objects.get(sequence=2)
    event.reason = "covering tracks"

    # models.Model.save skips AuditEvent.save's own refusal: only the trigger stands in the way.
    refused(lambda: models.Model.save(event))
    refused(lambda: models.QuerySet.update(AuditEvent.objects.filter(sequence=2), reason="x"))
    refused(lambda: models.QuerySet.delete(AuditEvent.objects.filter(sequence=2)))

    assert snapshot() == logged


def raw(sql):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


def test_raw_sql_updates_and_deletes_are_refused(logged):
    refused(raw("UPDATE audit_auditevent SET reason = 'x' WHERE sequence = 1"))
    refused(raw("DELETE FROM audit_auditevent WHERE sequence = 3"))
    refused(raw("DELETE FROM audit_auditevent"))

    assert snapshot() == logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_truncate_is_refused(logged):
    refused(raw("TRUNCATE audit_auditevent CASCADE"))

    assert snapshot() == logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session setting")
def test_the_flush_setting_does_not_let_row_deletes_through(logged):
    def delete_with_the_flush_setting_on():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('familyhelp.audit_flush', 'on', true)")
            cursor.execute("DELETE FROM audit_auditevent")

    refused(delete_with_the_flush_setting_on)

    assert snapshot() == logged


def test_only_django_flush_empties_the_log_and_the_log_is_protected_again_after(
    logged, record_events
):
    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    (event,) = record_events(1)
    refused(raw("DELETE FROM audit_auditevent"))
    assert AuditEvent.objects.get().hash == event.hash
