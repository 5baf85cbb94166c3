"""Writing the audit log.

Call audit_record INSIDE your service's own transaction.atomic block, after the change:
it joins that transaction, so a change can never be committed without its audit record, and an
audit record never survives a change that was rolled back.
"""

import contextvars
import json
import sys
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from familyhelp.audit.chain import GENESIS_HASH, event_hash
from familyhelp.audit.models import AuditEvent
from familyhelp.core.client import client_ip

ACTOR_REQUIRED = "An audit event needs an actor or an actor label."
UNKNOWN_ACTION = "Unknown audit action: {action}."

# Any fixed 64-bit number, used only to serialise appends to the chain on PostgreSQL.
APPEND_LOCK_KEY = 4_305_812_877_001

USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length


TAMPER_REFUSED = (
    "The audit log is append-only: audit events cannot be changed or removed. "
    "This attempt has been recorded in the audit log."
)
TAMPER_RECORD_TYPE = "audit.auditevent"
RECORD_AFTER_ROLLBACK = "Record a refused attempt only after its transaction has rolled back."
TAMPER_ACTIONS = {"add": "create", "change": "change", "delete": "delete"}
MAX_SEQUENCES_RECORDED = 20


class AuditError(Exception):
    pass


class AuditTamperRefused(AuditError):
    """An attempt through the application to change, remove or forge audit events.

    `record()` writes the attempt to the log in a transaction of its own; it must run after the
    attempt's own transaction has rolled back (outside any atomic block), or it would roll back
    with it. AuditEvent's methods call it at once when no transaction is open; otherwise a
    request's handler calls it once the view's transactions have ended (see apps.py).
    """

    def __init__(self, *, operation, sequences=(), actor=None, request=None):
        super().__init__(TAMPER_REFUSED)
        self.operation = operation
        self.sequences = [int(sequence) for sequence in sequences if sequence is not None]
        self.actor = actor
        self.request = request
        self.recorded = False

    def record(self, request=None) -> AuditEvent | None:
        if self.recorded:
            return None
        request = request or self.request
        actor = self.actor
        if actor is None and request is not None and request.user.is_authenticated:
            actor = request.user
        event = audit_tampering_refused(
            operation=self.operation, sequences=self.sequences, actor=actor, request=request
        )
        self.recorded = True
        return event


def audit_tampering_refused(*, operation, sequences=(), actor=None, request=None) -> AuditEvent:
    """Record a refused attempt to add, change or delete audit events, in its own transaction.

    Call it outside any atomic block, after the attempt's transaction rolled back: inside one, the
    record would roll back with it, so that is refused (a durable block).
    """
    sequences = list(sequences)
    try:
        with transaction.atomic(durable=True):
            return audit_record(
                actor=actor,
                actor_label="" if actor is not None else "application",
                action=TAMPER_ACTIONS[operation],
                record_type=TAMPER_RECORD_TYPE,
                record_id=str(sequences[0]) if len(sequences) == 1 else "",
                values={
                    "refused": "append_only",
                    "operation": operation,
                    "events": sequences[:MAX_SEQUENCES_RECORDED],
                    "event_count": len(sequences),
                },
                request=request,
                reason="Audit events cannot be changed or removed.",
            )
    except RuntimeError as nested:
        raise AuditError(RECORD_AFTER_ROLLBACK) from nested


def _outside_any_transaction() -> bool:
    try:
        with transaction.atomic(durable=True):
            return True
    except RuntimeError:
        return False


def record_refused_tampering_of_failed_request(sender, request=None, **kwargs):
    """got_request_exception: the view's transactions have ended, so a refusal raised inside one
    can now be recorded."""
    error = sys.exc_info()[1]
    if isinstance(error, AuditTamperRefused) and not error.recorded and _outside_any_transaction():
        error.record(request)


def refuse_tampering(*, operation, sequences=(), actor=None, request=None):
    """Refuse an attempt through the application; record it now when no transaction is open."""
    refusal = AuditTamperRefused(
        operation=operation, sequences=sequences, actor=actor, request=request
    )
    if _outside_any_transaction():
        refusal.record()
    raise refusal


def audit_record(
    *,
    actor=None,
    actor_label="",
    action,
    record_type,
    record_id,
    family_id=None,
    fields_changed=(),
    values=None,
    request=None,
    reason="",
) -> AuditEvent:
    """Append one event to the audit log and return it.

    `values` must hold non-sensitive values only; the caller decides which. The IP address and
    user agent come from `request` when given. Nothing here writes personal data to the
    application logs.
    """
    if actor is None and not actor_label:
        raise AuditError(ACTOR_REQUIRED)
    if action not in AuditEvent.Action.values:
        raise AuditError(UNKNOWN_ACTION.format(action=action))
    ip_address, user_agent = _client_of(request)
    event = AuditEvent(
        actor=actor,
        actor_label=actor_label,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        family_id=None if family_id is None else str(family_id),
        fields_changed=[str(name) for name in fields_changed],
        values=_plain_json(values or {}),
        ip_address=ip_address,
        user_agent=user_agent,
        reason=reason,
    )
    pending = _batch.get()
    if pending is not None:
        pending.append(event)
        return event
    _append([event])
    return event


_batch: contextvars.ContextVar[list | None] = contextvars.ContextVar("audit_batch", default=None)
BATCH_OUTSIDE_TRANSACTION = "audit_batch() must be used inside the change's transaction.atomic."


@contextmanager
def audit_batch():
    """Hold back the audit records written inside the block and append them at its end.

    For long transactions that write many records (a bulk upload saving thousands of listings):
    appending takes the chain's lock until the transaction ends, so appending as they happen
    would make every other audited write in the service wait for the whole upload. Appended at
    the end, the lock is held only for the appends, which go in one bulk insert. Use it inside
    the change's own `transaction.atomic`: the records still commit or roll back with the change.
    If the block raises, nothing is appended (its transaction rolls back anyway). Events
    returned by audit_record inside the block have no sequence until the block ends.
    """
    if _batch.get() is not None:  # nested: the outermost batch appends
        yield
        return
    if not connection.in_atomic_block:
        raise AuditError(BATCH_OUTSIDE_TRANSACTION)
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    _append(pending)


APPEND_BATCH_SIZE = 1000


def _append(events: list[AuditEvent]) -> None:
    """Link `events` to the chain, in order, and insert them."""
    if not events:
        return
    with transaction.atomic():
        _lock_the_chain()
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        for event in events:
            event.sequence, event.previous_hash = sequence, previous_hash
            event.hash = event_hash(event)
            sequence, previous_hash = sequence + 1, event.hash
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=APPEND_BATCH_SIZE)


def _lock_the_chain():
    """Serialise appends so each event links to the one committed just before it.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. SQLite: the
    project opens every transaction with BEGIN IMMEDIATE, so writers are already serialised.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])


def _client_of(request):
    if request is None:
        return None, ""
    ip_field = AuditEvent._meta.get_field("ip_address")
    try:
        # The same normalisation the database applies, so the hash matches what is stored.
        ip_address = ip_field.to_python(client_ip(request))
    except ValidationError:
        ip_address = None
    user_agent = (request.META.get("HTTP_USER_AGENT") or "")[:USER_AGENT_LENGTH]
    return ip_address, user_agent


def _plain_json(values):
    """Dates, UUIDs and decimals become the text stored in the JSON column, before hashing."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))
