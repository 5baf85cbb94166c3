from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKOUT = "lockout", "Locked out"
    PERMISSION_CHANGE = "permission_change", "Permissions changed"
    BREAK_GLASS = "break_glass", "Break-glass access"
    CONFIRM = "confirm", "Confirmed"
    IMPORT = "import", "Imported"


class AuditEventQuerySet(models.QuerySet):
    """Bulk changes and deletes are refused by the application before any SQL is sent."""

    def update(self, **kwargs):
        from familyhelp.audit.services import refuse_tampering

        refuse_tampering(operation="change", sequences=self.values_list("sequence", flat=True)[:20])

    def delete(self):
        from familyhelp.audit.services import refuse_tampering

        refuse_tampering(operation="delete", sequences=self.values_list("sequence", flat=True)[:20])

    delete.queryset_only = True  # as Django's own: no AuditEvent.objects.delete()


class AuditEvent(models.Model):
    """One thing someone (or a named system job) did. Append-only, hash-chained.

    The database refuses UPDATE and DELETE (and TRUNCATE) on this table; see the migration
    0002_append_only_triggers and README.md. Write through services.audit_record only.

    `values` holds non-sensitive values only: the caller decides which (for example a status or
    a service name, never a child's name, a date of birth or a note's text).
    """

    Action = AuditAction

    # Assigned by audit_record under the append lock: gapless, in chain order.
    sequence = models.PositiveBigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField(
        max_length=255,
        blank=True,
        help_text="The person's email at the time, or a system job such as job:send_reminders.",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    record_type = models.CharField(max_length=100, help_text='For example "directory.service".')
    record_id = models.CharField(max_length=64, blank=True)
    # NULL means the event concerns no family, which the family search must never match.
    family_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    fields_changed = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actor__isnull=False) | ~models.Q(actor_label=""),
                name="audit_event_has_actor_or_label",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values),
                name="audit_event_action_known",
            ),
        ]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(
                fields=["record_type", "record_id", "occurred_at"], name="audit_record_time"
            ),
            models.Index(fields=["family_id", "occurred_at"], name="audit_family_time"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time"),
            # The search's order, (occurred_at, sequence) newest first, when no filter narrows it.
            models.Index(fields=["occurred_at", "sequence"], name="audit_time_sequence"),
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.record_type} {self.record_id}"

    # The database's triggers refuse UPDATE and DELETE whatever sends them; these refuse an attempt
    # through the application first, with a clear error, and record it (services.refuse_tampering).
    def save(self, *args, **kwargs):
        if not self._state.adding:
            from familyhelp.audit.services import refuse_tampering

            refuse_tampering(operation="change", sequences=[self.sequence])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from familyhelp.audit.services import refuse_tampering

        refuse_tampering(operation="delete", sequences=[self.sequence])
