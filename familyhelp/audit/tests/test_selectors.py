from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.selectors import (
    AuditFilters,
    AuditLogRefused,
    Cursor,
    audit_event_list,
    audit_event_page,
    audit_event_search,
    record_viewer_list,
)
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


def test_events_are_listed_newest_first(auditor):
    for day in (1, 3, 2):
        with time_machine.travel(datetime(2026, 3, day, tzinfo=UTC)):
            record()

    assert sequences(audit_event_list(viewer=auditor)) == [2, 3, 1]


def test_each_filter_narrows_the_list(person, auditor):
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC)):
        mine = record(actor=person, family_id=9, action="change")
    with time_machine.travel(datetime(2026, 3, 5, tzinfo=UTC)):
        other_record = record(record_id="2")
        other_type = record(record_type="families.family", action="export")

    def listed(**filters):
        return sequences(audit_event_list(viewer=auditor, **filters))

    assert listed(actor=person) == [mine.sequence]
    assert listed(family_id=9) == [mine.sequence]
    assert listed(action="export") == [other_type.sequence]
    assert listed(record_type="directory.service", record_id=2) == [other_record.sequence]
    assert listed(since=datetime(2026, 3, 2, tzinfo=UTC)) == [
        other_type.sequence,
        other_record.sequence,
    ]
    assert listed(until=datetime(2026, 3, 2, tzinfo=UTC)) == [mine.sequence]


def test_listing_takes_one_query_however_many_events(person, auditor, django_assert_num_queries):
    for _ in range(5):
        record(actor=person)
    auditor.has_perm("audit.search_log")  # roles are read once per person, then cached

    with django_assert_num_queries(1):
        labels = [event.actor.email for event in audit_event_list(viewer=auditor, actor=person)]

    assert labels == ["sam.jones@example.org"] * 5


@pytest.mark.parametrize(
    "roles", [[], ["practitioner"], ["agency-administrator"], ["data-analyst"]]
)
def test_people_who_do_not_read_the_log_are_refused(db, roles):
    with pytest.raises(AuditLogRefused):
        audit_event_list(viewer=UserFactory(roles=roles))


def test_a_deactivated_auditor_is_refused(auditor):
    auditor.is_active = False

    with pytest.raises(AuditLogRefused):
        audit_event_list(viewer=auditor)


@pytest.mark.parametrize("roles", [["auditor"], ["system-administrator"]])
def test_auditors_and_system_administrators_read_everyone(manager_team, roles):
    manager, member, outsider = manager_team
    events = [record(actor=member), record(actor=outsider), record()]

    assert sequences(audit_event_list(viewer=UserFactory(roles=roles))) == sequences(events[::-1])


def test_a_team_manager_reads_only_the_people_in_their_teams(manager_team):
    manager, member, outsider = manager_team
    own = record(actor=manager)
    members = record(actor=member)
    record(actor=outsider)
    record()  # a system job: no team

    assert sequences(audit_event_list(viewer=manager)) == [members.sequence, own.sequence]
    assert sequences(audit_event_list(viewer=manager, actor=member)) == [members.sequence]
    with pytest.raises(AuditLogRefused):
        audit_event_list(viewer=manager, actor=outsider)


def test_a_manager_of_no_team_reads_nothing(db):
    lonely = UserFactory(roles=["team-manager"])
    record(actor=UserFactory())

    assert list(audit_event_list(viewer=lonely)) == []


def events_at(times, **fields):
    made = []
    for moment in times:
        with time_machine.travel(moment, tick=False):
            made.append(record(**fields))
    return made


def test_pages_follow_each_other_without_gaps_or_repeats_even_at_the_same_instant(auditor):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    # Three events share one instant: the sequence breaks the tie.
    events_at([start + timedelta(minutes=m) for m in (0, 1, 1, 1, 2, 3, 4)])
    everything = audit_event_list(viewer=auditor)
    expected = sequences(everything)

    first = audit_event_page(everything, size=3)
    second = audit_event_page(everything, size=3, older_than=first.older)
    third = audit_event_page(everything, size=3, older_than=second.older)

    assert sequences(first.events + second.events + third.events) == expected
    assert (first.newer, third.older) == (None, None)
    assert first.older is not None and second.newer is not None
    back = audit_event_page(everything, size=3, newer_than=second.newer)
    assert sequences(back.events) == sequences(first.events)
    assert back.newer is None
    assert sequences(audit_event_page(everything, size=3, newer_than=third.newer).events) == (
        sequences(second.events)
    )


def test_cursors_survive_the_round_trip_through_a_link_and_refuse_anything_else():
    cursor = Cursor(datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC), 42)

    assert Cursor.parse(str(cursor)) == cursor
    for bad in ("", "42", "abc-1", "1-2-3", "-1-2", "1" * 19 + "-1", "1.5-2"):
        assert Cursor.parse(bad) is None


def test_a_search_is_itself_audited_with_its_filters_but_no_email(person, auditor):
    filters = AuditFilters(person=person, action="view", date_from=datetime(2026, 3, 1).date())

    audit_event_search(viewer=auditor, filters=filters)

    logged = AuditEvent.objects.order_by("-sequence").first()
    assert (logged.actor, logged.action, logged.record_type) == (auditor, "view", "audit.log")
    assert logged.values == {"person": str(person.pk), "action": "view", "date_from": "2026-03-01"}
    assert person.email not in str(logged.values)


def test_a_refused_search_is_audited_as_refused(db):
    practitioner = UserFactory(roles=["practitioner"])

    with pytest.raises(AuditLogRefused):
        audit_event_search(viewer=practitioner, filters=AuditFilters(action="view"))

    logged = AuditEvent.objects.get(record_type="audit.log")
    assert (logged.actor, logged.values) == (
        practitioner,
        {"action": "view", "refused": "no_permission"},
    )


def test_who_has_viewed_counts_each_person_and_flags_break_glass(manager_team, auditor):
    manager, member, outsider = manager_team
    day = datetime(2026, 3, 1, 9, tzinfo=UTC)
    events_at(
        [day, day + timedelta(days=2)], actor=member, record_type="families.family", record_id="7"
    )
    events_at(
        [day + timedelta(days=1)],
        actor=outsider,
        record_type="families.family",
        record_id="7",
        action="break_glass",
    )
    events_at(
        [day + timedelta(days=1, hours=1)],
        actor=outsider,
        record_type="families.family",
        record_id="7",
    )
    events_at([day], actor=member, record_type="families.family", record_id="8")
    # A refused request for break-glass is not break-glass.
    events_at(
        [day],
        actor=member,
        record_type="families.family",
        record_id="7",
        action="break_glass",
        values={"refused": True},
    )
    events_at([day], actor=member, record_type="families.family", record_id="7", action="change")

    viewers = record_viewer_list(viewer=auditor, record_type="families.family", record_id="7")

    assert [(v.email, v.views, v.broke_glass) for v in viewers] == [
        ("member@wessexvale.example", 2, False),
        ("outsider@wessexvale.example", 1, True),
    ]
    assert (viewers[0].first_viewed, viewers[0].last_viewed) == (day, day + timedelta(days=2))
    # A team manager sees only the viewers in their teams.
    scoped = record_viewer_list(viewer=manager, record_type="families.family", record_id="7")
    assert [v.email for v in scoped] == ["member@wessexvale.example"]
    logged = AuditEvent.objects.order_by("-sequence").first()
    assert logged.values == {"record_type": "families.family", "record_id": "7"}


def test_who_has_viewed_is_refused_to_people_who_do_not_read_the_log(db):
    with pytest.raises(AuditLogRefused):
        record_viewer_list(
            viewer=UserFactory(roles=["practitioner"]), record_type="t", record_id="1"
        )
