from familyhelp.audit.models import AuditEvent


def audit_event_list(
    *,
    actor=None,
    record_type=None,
    record_id=None,
    family_id=None,
    action=None,
    since=None,
    until=None,
):
    """Audit events matching every filter given, newest first.

    No permission check yet: issue 4's accounts and roles add one (only auditors and managers
    may search the log) before any page uses this.
    """
    events = AuditEvent.objects.select_related("actor")
    if actor is not None:
        events = events.filter(actor=actor)
    if record_type is not None:
        events = events.filter(record_type=record_type)
    if record_id is not None:
        events = events.filter(record_id=str(record_id))
    if family_id is not None:
        events = events.filter(family_id=str(family_id))
    if action is not None:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    return events.order_by("-occurred_at", "-sequence")
