import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from familyhelp.audit.chain import GENESIS_HASH, canonical_json
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import ACTOR_REQUIRED, UNKNOWN_ACTION, AuditError, audit_record


def test_each_event_links_to_the_one_before_and_hashes_its_own_contents(record_events):
    first, second, third = record_events(3)

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    for event in (first, second, third):
        stored = AuditEvent.objects.get(sequence=event.sequence)
        assert stored.hash == hashlib.sha256(canonical_json(stored)).hexdigest()
    assert len({first.hash, second.hash, third.hash}) == 3


def test_canonical_form_covers_every_stored_field_but_the_hash(person):
    given_request = RequestFactory().get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    given_request.META["HTTP_USER_AGENT"] = "Firefox"
    event = audit_record(
        actor=person,
        actor_label=person.email,
        action=AuditEvent.Action.CHANGE,
        record_type="directory.service",
        record_id=42,
        family_id=7,
        fields_changed=["name", "status"],
        values={"status": "active"},
        request=given_request,
        reason="Listing review",
    )
    stored = AuditEvent.objects.get(sequence=event.sequence)

    canonical = canonical_json(stored).decode()

    assert " " not in canonical.replace("Listing review", "")
    assert json.loads(canonical) == {
        "sequence": 1,
        "occurred_at": stored.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": str(person.pk),
        "actor_label": "sam.jones@example.org",
        "action": "change",
        "record_type": "directory.service",
        "record_id": "42",
        "family_id": "7",
        "fields_changed": ["name", "status"],
        "values": {"status": "active"},
        "ip_address": "2001:db8::1",
        "user_agent": "Firefox",
        "reason": "Listing review",
        "previous_hash": GENESIS_HASH,
    }
    assert list(json.loads(canonical)) == sorted(json.loads(canonical))
    assert stored.hash == event.hash


def test_client_address_and_a_truncated_user_agent_come_from_the_request(db):
    given_request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    given_request.META["HTTP_USER_AGENT"] = "A" * 400

    event = audit_record(
        actor_label="job:import",
        action="import",
        record_type="directory.service",
        record_id="x",
        request=given_request,
    )

    stored = AuditEvent.objects.get(sequence=event.sequence)
    assert stored.ip_address == "203.0.113.9"
    assert stored.user_agent == "A" * 255


def test_values_that_are_not_plain_json_are_stored_as_the_text_that_was_hashed(record_events):
    (event,) = record_events(1, values={"opened": datetime(2026, 1, 2, 3, 4, tzinfo=UTC)})

    stored = AuditEvent.objects.get(sequence=event.sequence)

    assert stored.values == {"opened": "2026-01-02T03:04:00Z"}
    assert hashlib.sha256(canonical_json(stored)).hexdigest() == stored.hash


def test_an_event_without_actor_or_label_is_refused(db):
    with pytest.raises(AuditError, match=ACTOR_REQUIRED):
        audit_record(action="view", record_type="directory.service", record_id="1")

    assert not AuditEvent.objects.exists()


def test_an_unknown_action_is_refused(db):
    with pytest.raises(AuditError) as refused:
        audit_record(actor_label="job:x", action="peek", record_type="t", record_id="1")

    assert str(refused.value) == UNKNOWN_ACTION.format(action="peek")


def test_the_database_requires_an_actor_or_a_label(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(
            sequence=1, action="view", record_type="t", previous_hash=GENESIS_HASH, hash="1" * 64
        )


def test_a_change_rolled_back_takes_its_audit_record_with_it(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        user = get_user_model().objects.create_user(email="kim@example.org")
        audit_record(
            actor_label="job:invite", action="create", record_type="auth.user", record_id=user.pk
        )
        raise RuntimeError("the service failed after auditing")

    assert not get_user_model().objects.filter(email="kim@example.org").exists()
    assert not AuditEvent.objects.exists()


def test_a_change_cannot_commit_when_its_audit_record_fails(db):
    with pytest.raises(AuditError), transaction.atomic():
        get_user_model().objects.create_user(email="kim@example.org")
        audit_record(action="create", record_type="auth.user", record_id="1")

    assert not get_user_model().objects.filter(email="kim@example.org").exists()


def test_the_chain_continues_from_the_last_committed_event_after_a_rollback(record_events):
    (first,) = record_events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_events(1)
        raise RuntimeError

    (second,) = record_events(1)

    assert second.sequence == 2
    assert second.previous_hash == first.hash


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "recorded"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # nothing in front: a forwarded header is not trusted
        (1, "198.51.100.7", "198.51.100.7"),  # behind nginx: the address nginx saw
        (1, "192.0.2.66, 198.51.100.7", "198.51.100.7"),  # the client's own entry is ignored
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),  # a load balancer, then nginx
        (2, "198.51.100.7", "10.0.0.2"),  # fewer entries than proxies: fall back to the peer
    ],
)
def test_behind_trusted_proxies_the_client_address_is_recorded(
    db, settings, proxies, forwarded_for, recorded
):
    settings.TRUSTED_PROXY_COUNT = proxies
    given_request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
    )
    event = audit_record(
        actor_label="job:import",
        action="import",
        record_type="directory.service",
        record_id="x",
        request=given_request,
    )
    assert AuditEvent.objects.get(sequence=event.sequence).ip_address == recorded


@pytest.mark.django_db
def test_a_batch_appends_its_records_at_its_end_in_order_and_chained():
    from django.db import transaction

    from familyhelp.audit.chain import chain_verify
    from familyhelp.audit.services import audit_batch

    audit_record(actor_label="job:test", action="create", record_type="t.r", record_id="before")
    with transaction.atomic(), audit_batch():
        for number in range(3):
            audit_record(
                actor_label="job:test", action="change", record_type="t.r", record_id=number
            )
        assert AuditEvent.objects.count() == 1  # held back until the block ends
    assert list(AuditEvent.objects.order_by("sequence").values_list("record_id", flat=True)) == [
        "before",
        "0",
        "1",
        "2",
    ]
    report = chain_verify()
    assert (report.checked, report.first_broken) == (4, None)


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_fails_appends_nothing_and_one_outside_a_transaction_is_refused():
    from django.db import transaction

    from familyhelp.audit.services import AuditError, audit_batch

    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        audit_record(actor_label="job:test", action="change", record_type="t.r", record_id=1)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.exists()
    with pytest.raises(AuditError, match="inside the change's transaction"), audit_batch():
        pass
