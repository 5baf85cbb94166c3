"""The hash chain: one canonical serialisation, used both to write and to verify events."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from familyhelp.audit.models import AuditEvent

GENESIS_HASH = "0" * 64

# Every stored field except `hash`, in the JSON key they are serialised under.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "record_type",
    "record_id",
    "family_id",
    "fields_changed",
    "values",
    "ip_address",
    "user_agent",
    "reason",
    "previous_hash",
)

BROKEN_HASH = "hash"
BROKEN_LINK = "previous_hash"


def canonical_json(event: AuditEvent) -> bytes:
    """Sorted keys, no whitespace, times as ISO-8601 UTC with microseconds, ids as text."""
    document = {name: getattr(event, name) for name in HASHED_FIELDS}
    document["occurred_at"] = (
        event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    )
    document["actor_id"] = None if event.actor_id is None else str(event.actor_id)
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_json(event)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    occurred_at: object
    broken: str  # BROKEN_HASH: the row's contents changed; BROKEN_LINK: a row before it changed

    def describe(self) -> str:
        when = self.occurred_at.astimezone(UTC).isoformat()
        if self.broken == BROKEN_LINK:
            return (
                f"Event {self.sequence} ({when}): its previous_hash does not match the hash of "
                "the event before it (an event before it was changed, removed or inserted)."
            )
        return (
            f"Event {self.sequence} ({when}): its hash does not match its contents "
            "(this event was changed)."
        )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken: BrokenLink | None


def chain_verify(*, progress=None, chunk_size=2000) -> ChainReport:
    """Walk the log in sequence order in bounded memory; stop at the first broken link."""
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    if progress is not None:
        events = progress(events)
    expected_previous = GENESIS_HASH
    checked = 0
    for event in events:
        checked += 1
        if event.previous_hash != expected_previous:
            return ChainReport(checked, BrokenLink(event.sequence, event.occurred_at, BROKEN_LINK))
        if event_hash(event) != event.hash:
            return ChainReport(checked, BrokenLink(event.sequence, event.occurred_at, BROKEN_HASH))
        expected_previous = event.hash
    return ChainReport(checked, None)
