import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from familyhelp.audit.chain import event_hash
from familyhelp.audit.models import AuditEvent


def verify():
    call_command("verify_audit_log", "--no-progress", stdout=(out := _Buffer()))
    return out.text


class _Buffer:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def disable_the_append_only_triggers():
    """As a database superuser (or the owner of the SQLite file) could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def tamper(sql, params=()):
    disable_the_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_log_is_reported_ok_with_its_count(record_events):
    record_events(5)

    assert "Audit log chain OK: 5 events verified." in verify()


def test_an_empty_log_is_ok(db):
    assert "Audit log chain OK: 0 events verified." in verify()


def test_verification_reads_in_chunks_and_still_checks_every_event(record_events):
    from familyhelp.audit.chain import chain_verify

    record_events(7)

    report = chain_verify(chunk_size=2)

    assert report.checked == 7
    assert report.first_broken is None


def test_a_changed_event_is_named_as_the_first_broken_link(record_events):
    events = record_events(5)
    tamper("UPDATE audit_auditevent SET reason = 'nothing to see' WHERE sequence = 3")
    tamper("UPDATE audit_auditevent SET reason = 'later change' WHERE sequence = 4")

    with pytest.raises(CommandError) as broken:
        verify()

    message = str(broken.value)
    assert "First broken link: Event 3 (" in message
    assert events[2].occurred_at.isoformat()[:19] in message
    assert "its hash does not match its contents" in message


def test_a_changed_event_with_a_recomputed_hash_breaks_the_link_of_the_next(record_events):
    record_events(5)
    forged = AuditEvent.objects.get(sequence=2)
    forged.reason = "nothing to see"
    tamper(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE sequence = 2",
        [forged.reason, event_hash(forged)],
    )

    with pytest.raises(CommandError) as broken:
        verify()

    message = str(broken.value)
    assert "First broken link: Event 3 (" in message
    assert "its previous_hash does not match the hash of the event before it" in message


def test_a_removed_event_breaks_the_link_of_the_next(record_events):
    record_events(4)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")

    with pytest.raises(CommandError, match=r"Event 3 \(.*previous_hash does not match"):
        verify()
