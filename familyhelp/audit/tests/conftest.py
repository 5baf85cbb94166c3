import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from familyhelp.audit.services import audit_record


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user(
        email="sam.jones@example.org", password="long enough passphrase"
    )


@pytest.fixture
def record_events(db):
    """Append n events by a named system job, one per record, and return them in order."""

    def record(n, **overrides):
        events = [
            audit_record(
                **{
                    "actor_label": "job:send_reminders",
                    "action": "view",
                    "record_type": "directory.service",
                    "record_id": f"service-{i}",
                    **overrides,
                }
            )
            for i in range(n)
        ]
        check_deferred_constraints_now()
        return events

    return record


def check_deferred_constraints_now():
    """Run PostgreSQL's deferred foreign-key checks now, not at the end of the test's transaction.

    Until they run, PostgreSQL refuses ALTER TABLE and TRUNCATE on the table with "pending
    trigger events", which would hide the refusal these tests look for.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
