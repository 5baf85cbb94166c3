import threading

import pytest
from django.db import connection, connections

from familyhelp.audit.chain import chain_verify
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import audit_record

EVENTS_PER_WRITER = 40


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers with BEGIN IMMEDIATE"
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_still_build_one_linear_verifiable_chain():
    start = threading.Barrier(2)
    failures = []

    def writer(name):
        try:
            start.wait()
            for i in range(EVENTS_PER_WRITER):
                audit_record(actor_label=f"job:{name}", action="view", record_type="t", record_id=i)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    report = chain_verify()
    assert report.first_broken is None
    assert report.checked == 2 * EVENTS_PER_WRITER
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, 2 * EVENTS_PER_WRITER + 1))
    )
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert labels == {"job:a", "job:b"}
