"""Audit events and viewers as display strings, page links and CSV rows."""

import json
from datetime import UTC

from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.models import AuditEvent
from familyhelp.core.formatting import long_date

PAGING_PARAMETERS = ("older", "newer")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ACTION_LABELS = dict(AuditEvent.Action.choices)

CSV_HEADER = [
    "sequence",
    "occurred_at_utc",
    "actor_id",
    "actor",
    "action",
    "record_type",
    "record_id",
    "family_id",
    "fields_changed",
    "values",
    "ip_address",
    "user_agent",
    "reason",
    "hash",
]


def when(moment) -> str:
    """27 March 2026, 2:05:09pm (local time): seconds matter when reading a log."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{long_date(local.date())}, {hour}:{local.minute:02d}:{local.second:02d}{suffix}"


def who(event: AuditEvent) -> str:
    return event.actor.email if event.actor_id else event.actor_label


class EventRow:
    def __init__(self, event: AuditEvent):
        self.sequence = event.sequence
        self.when = when(event.occurred_at)
        self.iso_time = event.occurred_at.astimezone(UTC).isoformat()
        self.who = who(event)
        self.person_id = str(event.actor_id) if event.actor_id else ""
        self.action = ACTION_LABELS.get(event.action, event.action)
        self.record = f"{event.record_type} {event.record_id}".strip()
        self.viewers_href = (
            reverse(
                "audit:viewers",
                kwargs={"record_type": event.record_type, "record_id": event.record_id},
            )
            if event.record_id and "/" not in event.record_type + event.record_id
            else ""
        )
        self.family = event.family_id or ""
        self.fields_changed = ", ".join(event.fields_changed or [])
        self.from_where = event.ip_address or ""
        self.user_agent = event.user_agent
        self.reason = event.reason


class ViewerRow:
    def __init__(self, viewer):
        self.who = viewer.who
        self.name = viewer.full_name
        self.person_id = str(viewer.actor_id) if viewer.actor_id else ""
        self.views = viewer.views
        self.first_viewed = when(viewer.first_viewed)
        self.last_viewed = when(viewer.last_viewed)
        self.broke_glass = viewer.broke_glass


def query_without_paging(query) -> str:
    """The search's own filters (the empty ones left out), for page and download links."""
    params = query.copy()
    for name in [*PAGING_PARAMETERS, *(key for key, value in query.items() if not value)]:
        params.pop(name, None)
    return params.urlencode()


def pagination(query, page) -> dict | None:
    """GOV.UK pagination with only "Newer events" and "Older events": the log is never counted."""
    params: dict = {}
    base = query_without_paging(query)
    if page.newer is not None:
        params["previous"] = {
            "href": f"?{base}{'&' if base else ''}newer={page.newer}",
            "labelText": "Newer events",
        }
    if page.older is not None:
        params["next"] = {
            "href": f"?{base}{'&' if base else ''}older={page.older}",
            "labelText": "Older events",
        }
    if not params:
        return None
    params["landmarkLabel"] = "Audit log pages"
    return params


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(event: AuditEvent) -> list[str]:
    cells = [
        event.sequence,
        event.occurred_at.astimezone(UTC).isoformat(),
        event.actor_id or "",
        who(event),
        event.action,
        event.record_type,
        event.record_id,
        event.family_id or "",
        ";".join(event.fields_changed or []),
        json.dumps(event.values, sort_keys=True, ensure_ascii=False) if event.values else "",
        event.ip_address or "",
        event.user_agent,
        event.reason,
        event.hash,
    ]
    return [_safe_cell(cell) for cell in cells]


def csv_rows(header, rows):
    yield header
    yield from rows
