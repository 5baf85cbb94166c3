"""An attempt through the application to change or remove audit events: refused and recorded."""

import pytest
from django.db import transaction
from django.test import RequestFactory

from familyhelp.audit.chain import ChainReport, chain_verify
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import (
    TAMPER_REFUSED,
    AuditError,
    AuditTamperRefused,
    audit_tampering_refused,
    record_refused_tampering_of_failed_request,
)


@pytest.fixture
def logged(record_events):
    return record_events(3)


def latest():
    return AuditEvent.objects.order_by("-sequence").first()


def test_saving_a_changed_event_is_refused_and_the_attempt_recorded(logged):
    event = AuditEvent.objects.get(sequence=2)
    event.reason = "covering tracks"

    with pytest.raises(AuditTamperRefused) as refused:
        event.save()

    assert str(refused.value) == TAMPER_REFUSED
    assert AuditEvent.objects.get(sequence=2).reason == ""
    assert AuditEvent.objects.get(sequence=2).hash == logged[1].hash
    attempt = latest()
    assert attempt.sequence == 4
    assert (attempt.action, attempt.record_type, attempt.record_id) == (
        "change",
        "audit.auditevent",
        "2",
    )
    assert attempt.values == {
        "refused": "append_only",
        "operation": "change",
        "events": [2],
        "event_count": 1,
    }
    assert attempt.previous_hash == logged[-1].hash
    assert chain_verify() == ChainReport(checked=4, first_broken=None)


def test_deleting_through_the_orm_is_refused_and_recorded(logged):
    before = list(AuditEvent.objects.order_by("sequence").values())
    with pytest.raises(AuditTamperRefused):
        AuditEvent.objects.get(sequence=1).delete()
    with pytest.raises(AuditTamperRefused):
        AuditEvent.objects.filter(sequence__lte=3).delete()
    with pytest.raises(AuditTamperRefused):
        AuditEvent.objects.filter(sequence=3).update(reason="x")
    with pytest.raises(AuditTamperRefused):
        AuditEvent.objects.update(reason="x")

    attempts = list(AuditEvent.objects.filter(record_type="audit.auditevent").order_by("sequence"))
    assert [(a.action, a.values["events"]) for a in attempts] == [
        ("delete", [1]),
        ("delete", [3, 2, 1]),
        ("change", [3]),
        ("change", [6, 5, 4, 3, 2, 1]),
    ]
    assert AuditEvent.objects.filter(record_type="directory.service").count() == 3
    # Nothing changed: the three events are as they were, and the chain still verifies.
    assert list(AuditEvent.objects.filter(sequence__lte=3).order_by("sequence").values()) == before
    assert chain_verify().first_broken is None


def test_inside_a_transaction_the_attempt_is_recorded_after_that_transaction_rolled_back(logged):
    with pytest.raises(AuditTamperRefused) as refused, transaction.atomic():
        AuditEvent.objects.get(sequence=2).delete()

    # Nothing could be committed inside the failed transaction...
    assert not AuditEvent.objects.filter(record_type="audit.auditevent").exists()
    assert not refused.value.recorded
    # ...so whoever handles the failure records it in a new transaction, as a request's handler
    # does for a view (got_request_exception).
    try:
        raise refused.value
    except AuditTamperRefused:
        record_refused_tampering_of_failed_request(None, request=None)
    assert refused.value.recorded
    assert latest().values["events"] == [2]
    refused.value.record()  # once only
    assert AuditEvent.objects.filter(record_type="audit.auditevent").count() == 1


def test_a_view_that_tampers_inside_its_transaction_still_leaves_a_record(logged, client, auditor):
    from django.urls import path

    from familyhelp.audit.tests.conftest import sign_in

    def tampering_view(request):
        with transaction.atomic():
            AuditEvent.objects.filter(sequence=1).update(reason="x")

    urlpatterns = [path("tamper/", tampering_view)]
    client.raise_request_exception = False
    sign_in(client, auditor)
    with pytest.MonkeyPatch.context() as patch:
        module = type("urls", (), {"urlpatterns": urlpatterns})
        patch.setattr("django.conf.settings.ROOT_URLCONF", module, raising=False)
        response = client.get("/tamper/")

    assert response.status_code == 500
    attempt = latest()
    assert (attempt.actor, attempt.action, attempt.values["events"]) == (auditor, "change", [1])


def test_recording_inside_the_failed_transaction_is_refused(db):
    with pytest.raises(AuditError), transaction.atomic():
        audit_tampering_refused(operation="delete", sequences=[1])


def test_the_record_names_who_tried_and_from_where(logged, person):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7")
    request.user = person

    with pytest.raises(AuditTamperRefused):
        AuditEvent.objects.filter(sequence=1).delete()
    audit_tampering_refused(operation="delete", sequences=[1], actor=person, request=request)

    attempt = latest()
    assert (attempt.actor, attempt.ip_address) == (person, "198.51.100.7")
