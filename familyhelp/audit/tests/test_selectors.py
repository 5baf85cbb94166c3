from datetime import UTC, datetime

import time_machine

from familyhelp.audit.selectors import audit_event_list
from familyhelp.audit.services import audit_record


def record(**fields):
    return audit_record(
        **{
            "actor_label": "job:x",
            "action": "view",
            "record_type": "directory.service",
            "record_id": "1",
            **fields,
        }
    )


def sequences(events):
    return [event.sequence for event in events]


def test_events_are_listed_newest_first(db):
    for day in (1, 3, 2):
        with time_machine.travel(datetime(2026, 3, day, tzinfo=UTC)):
            record()

    assert sequences(audit_event_list()) == [2, 3, 1]


def test_each_filter_narrows_the_list(person):
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC)):
        mine = record(actor=person, family_id=9, action="change")
    with time_machine.travel(datetime(2026, 3, 5, tzinfo=UTC)):
        other_record = record(record_id="2")
        other_type = record(record_type="families.family", action="export")

    assert sequences(audit_event_list(actor=person)) == [mine.sequence]
    assert sequences(audit_event_list(family_id=9)) == [mine.sequence]
    assert sequences(audit_event_list(action="export")) == [other_type.sequence]
    assert sequences(audit_event_list(record_type="directory.service", record_id=2)) == [
        other_record.sequence
    ]
    assert sequences(audit_event_list(since=datetime(2026, 3, 2, tzinfo=UTC))) == [
        other_type.sequence,
        other_record.sequence,
    ]
    assert sequences(audit_event_list(until=datetime(2026, 3, 2, tzinfo=UTC))) == [mine.sequence]


def test_listing_takes_one_query_however_many_events(person, django_assert_num_queries):
    for _ in range(5):
        record(actor=person)

    with django_assert_num_queries(1):
        labels = [event.actor.email for event in audit_event_list()]

    assert labels == ["sam.jones@example.org"] * 5
