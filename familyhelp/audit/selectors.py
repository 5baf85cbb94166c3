"""Reading the audit log, always for the person who asks (the viewer).

Auditors and system administrators read every event. A team manager reads only the events of
people in a team they manage (they are a member of that team and hold the team manager role).
Anyone else, or a manager asking about someone outside their teams, is refused with
AuditLogRefused, which the pages answer with a 404.

The log holds millions of events, so lists are always in (occurred_at, sequence) order, newest
first, paged by keyset (a cursor naming the last event shown) and never counted.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from familyhelp.accounts.selectors import people_managed_by
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.rules import reads_whole_log
from familyhelp.audit.services import audit_record

PAGE_SIZE = 50
VIEWERS_LIMIT = 500
EXPORT_CHUNK = 2000
LOG_RECORD_TYPE = "audit.log"


REFUSED_NO_PERMISSION = "no_permission"
REFUSED_OUTSIDE_TEAMS = "outside_your_teams"


class AuditLogRefused(Exception):
    """The viewer may not read this part of the audit log."""

    def __init__(self, why=REFUSED_NO_PERMISSION):
        super().__init__(why)
        self.why = why


def audit_log_check(*, viewer, permission: str, what: str, request=None) -> None:
    """Refuse (and record the refusal) unless the viewer holds the audit permission."""
    if not viewer.has_perm(permission):
        action = AuditEvent.Action.EXPORT if what == "export" else AuditEvent.Action.VIEW
        _record_reading(viewer, what, {"refused": REFUSED_NO_PERMISSION}, request, action)
        raise AuditLogRefused(REFUSED_NO_PERMISSION)


def audit_unknown_person_check(*, viewer, what: str, request=None) -> None:
    """A manager searching for someone with no account is refused exactly as for someone outside
    their teams, so the search cannot be used to find out who has an account."""
    if reads_whole_log(viewer):
        return
    action = AuditEvent.Action.EXPORT if what == "export" else AuditEvent.Action.VIEW
    _record_reading(
        viewer, what, {"person": None, "refused": REFUSED_OUTSIDE_TEAMS}, request, action
    )
    raise AuditLogRefused(REFUSED_OUTSIDE_TEAMS)


def _record_reading(viewer, what, values, request, action=AuditEvent.Action.VIEW):
    return audit_record(
        actor=viewer,
        action=action,
        record_type=LOG_RECORD_TYPE,
        record_id=what,
        values=values,
        request=request,
    )


@dataclass(frozen=True)
class AuditFilters:
    """One search of the log; every field optional. Dates are whole days in local time."""

    person: object = None  # a User
    record_type: str = ""
    record_id: str = ""
    family_id: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def since(self) -> datetime.datetime | None:
        return None if self.date_from is None else _start_of(self.date_from)

    @property
    def until(self) -> datetime.datetime | None:
        return None if self.date_to is None else _start_of(self.date_to + datetime.timedelta(1))

    def as_values(self) -> dict:
        """The filters as non-sensitive audit values: the person's id, never their email."""
        values = {
            "person": None if self.person is None else str(self.person.pk),
            "record_type": self.record_type,
            "record_id": self.record_id,
            "family_id": self.family_id,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {name: value for name, value in values.items() if value}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,19})$")


@dataclass(frozen=True)
class Cursor:
    """An event's place in the list's order, written into page links as `<microseconds>-<seq>`."""

    occurred_at: datetime.datetime
    sequence: int

    @classmethod
    def of(cls, event: AuditEvent) -> "Cursor":
        return cls(event.occurred_at, event.sequence)

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        match = _CURSOR.match(text or "")
        if match is None:
            return None
        try:
            occurred_at = _EPOCH + int(match[1]) * _MICROSECOND
        except OverflowError:
            return None
        return cls(occurred_at, int(match[2]))

    def __str__(self) -> str:
        return f"{(self.occurred_at - _EPOCH) // _MICROSECOND}-{self.sequence}"


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    newer: Cursor | None  # there are newer events: link to them ("Previous")
    older: Cursor | None  # there are older events: link to them ("Next")


def audit_event_list(
    *,
    viewer,
    actor=None,
    record_type=None,
    record_id=None,
    family_id=None,
    action=None,
    since=None,
    until=None,
) -> QuerySet[AuditEvent]:
    """The events the viewer may read that match every filter given, newest first."""
    if not viewer.has_perm("audit.search_log"):
        raise AuditLogRefused(REFUSED_NO_PERMISSION)
    events = _scoped(AuditEvent.objects.select_related("actor"), viewer, actor)
    if actor is not None:
        events = events.filter(actor=actor)
    if record_type:
        events = events.filter(record_type=record_type)
    if record_id:
        events = events.filter(record_id=str(record_id))
    if family_id:
        events = events.filter(family_id=str(family_id))
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    return events.order_by("-occurred_at", "-sequence")


def audit_event_filtered(*, viewer, filters: AuditFilters) -> QuerySet[AuditEvent]:
    return audit_event_list(
        viewer=viewer,
        actor=filters.person,
        record_type=filters.record_type,
        record_id=filters.record_id,
        family_id=filters.family_id,
        action=filters.action,
        since=filters.since,
        until=filters.until,
    )


def audit_event_page(
    events: QuerySet[AuditEvent],
    *,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    size: int | None = None,
) -> EventPage:
    """One page of a newest-first list: the first, or the one after or before a cursor."""
    size = size or PAGE_SIZE
    if newer_than is not None:
        rows = list(
            events.filter(_after(newer_than)).order_by("occurred_at", "sequence")[: size + 1]
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return EventPage(
            rows,
            newer=Cursor.of(rows[0]) if more_newer else None,
            older=Cursor.of(rows[-1]) if rows else None,
        )
    if older_than is not None:
        events = events.filter(_before(older_than))
    rows = list(events[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return EventPage(
        rows,
        newer=Cursor.of(rows[0]) if older_than is not None and rows else None,
        older=Cursor.of(rows[-1]) if more_older else None,
    )


def audit_event_search(
    *,
    viewer,
    filters: AuditFilters,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    request=None,
) -> EventPage:
    """One page of the viewer's search of the log; the search (or its refusal) is audited."""
    try:
        page = audit_event_page(
            audit_event_filtered(viewer=viewer, filters=filters),
            older_than=older_than,
            newer_than=newer_than,
        )
    except AuditLogRefused as refused:
        _record_reading(viewer, "search", {**filters.as_values(), "refused": refused.why}, request)
        raise
    _record_reading(viewer, "search", filters.as_values(), request)
    return page


def audit_event_export(*, viewer, filters: AuditFilters, request=None):
    """Every event of the viewer's search, newest first, read in chunks; the export (or its
    refusal) is audited."""
    export = AuditEvent.Action.EXPORT
    try:
        if not viewer.has_perm("audit.export_log"):
            raise AuditLogRefused(REFUSED_NO_PERMISSION)
        events = audit_event_filtered(viewer=viewer, filters=filters)
    except AuditLogRefused as refused:
        values = {**filters.as_values(), "refused": refused.why}
        _record_reading(viewer, "export", values, request, action=export)
        raise
    exported = _record_reading(viewer, "export", filters.as_values(), request, action=export)
    # The log as it stood when the download was asked for, however long it takes to stream.
    return events.filter(sequence__lt=exported.sequence).iterator(chunk_size=EXPORT_CHUNK)


@dataclass(frozen=True)
class RecordViewer:
    actor_id: object
    email: str
    full_name: str
    actor_label: str
    views: int
    first_viewed: datetime.datetime | None
    last_viewed: datetime.datetime | None
    broke_glass: bool

    @property
    def who(self) -> str:
        return self.email or self.actor_label


def record_viewer_list(*, viewer, record_type: str, record_id: str, request=None):
    """Each person who viewed the record: how often, first and last, whether they broke glass.

    A team manager sees only the people in their teams. Reading the list is audited.
    """
    what = {"record_type": record_type, "record_id": str(record_id)}
    if not viewer.has_perm("audit.view_record_history"):
        _record_reading(viewer, "viewers", {**what, "refused": REFUSED_NO_PERMISSION}, request)
        raise AuditLogRefused(REFUSED_NO_PERMISSION)
    view, break_glass = AuditEvent.Action.VIEW, AuditEvent.Action.BREAK_GLASS
    events = _scoped(
        AuditEvent.objects.filter(
            record_type=record_type, record_id=str(record_id), action__in=[view, break_glass]
        ),
        viewer,
        None,
    )
    rows = (
        events.values("actor_id", "actor__email", "actor__full_name", "actor_label")
        .annotate(
            views=Count("sequence", filter=Q(action=view)),
            first_viewed=Min("occurred_at", filter=Q(action=view)),
            last_viewed=Max("occurred_at"),
            # A view made under break-glass, or break-glass granted (not a refused request).
            break_glass=Count(
                "sequence",
                filter=Q(action=view, values__break_glass=True)
                | (Q(action=break_glass) & ~Q(values__has_key="refused")),
            ),
        )
        .order_by("-last_viewed", "actor__email", "actor_label")[:VIEWERS_LIMIT]
    )
    viewers = [
        RecordViewer(
            actor_id=row["actor_id"],
            email=row["actor__email"] or "",
            full_name=row["actor__full_name"] or "",
            actor_label=row["actor_label"],
            views=row["views"],
            first_viewed=row["first_viewed"],
            last_viewed=row["last_viewed"],
            broke_glass=row["break_glass"] > 0,
        )
        for row in rows
    ]
    _record_reading(viewer, "viewers", what, request)
    return viewers


def _scoped(events: QuerySet[AuditEvent], viewer, actor) -> QuerySet[AuditEvent]:
    """Narrow to what the viewer may read; refuse a manager asking about someone else's person."""
    if reads_whole_log(viewer):
        return events
    people = people_managed_by(viewer)
    if actor is not None and not people.filter(user_id=actor.pk).exists():
        raise AuditLogRefused(REFUSED_OUTSIDE_TEAMS)
    return events.filter(actor_id__in=people)


def _before(cursor: Cursor) -> Q:
    # The redundant `lte` lets the (…, occurred_at) indexes bound the scan.
    return Q(occurred_at__lte=cursor.occurred_at) & (
        Q(occurred_at__lt=cursor.occurred_at)
        | Q(occurred_at=cursor.occurred_at, sequence__lt=cursor.sequence)
    )


def _after(cursor: Cursor) -> Q:
    return Q(occurred_at__gte=cursor.occurred_at) & (
        Q(occurred_at__gt=cursor.occurred_at)
        | Q(occurred_at=cursor.occurred_at, sequence__gt=cursor.sequence)
    )
