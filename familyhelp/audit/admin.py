"""The audit log in the Django admin: read-only.

No one adds, changes or deletes an event here, superusers included. Trying to (a crafted POST to
the change form, the delete page or a bulk action) is refused with a clear message and recorded
in the log itself, once the admin's own transaction is over.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect

from familyhelp.audit.chain import HASHED_FIELDS
from familyhelp.audit.models import AuditEvent
from familyhelp.audit.services import TAMPER_REFUSED, audit_tampering_refused


def _refuse(request, operation, sequences=()):
    """Record the attempt, then show the person why nothing changed."""
    audit_tampering_refused(
        operation=operation, sequences=sequences, actor=request.user, request=request
    )
    messages.error(request, TAMPER_REFUSED)
    return redirect("admin:audit_auditevent_changelist")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "actor",
        "actor_label",
        "action",
        "record_type",
        "record_id",
    ]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["=record_id", "=family_id", "=actor__email", "actor_label"]
    ordering = ["-occurred_at", "-sequence"]
    show_full_result_count = False  # no COUNT(*) over millions of events
    fields = [("actor" if name == "actor_id" else name) for name in (*HASHED_FIELDS, "hash")]
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        return _refuse(request, "add")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            return _refuse(request, "change", _sequences([object_id]))
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return _refuse(request, "delete", _sequences([object_id]))

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
            operation = "delete" if "delete" in request.POST["action"] else "change"
            return _refuse(request, operation, _sequences(selected))
        return super().changelist_view(request, extra_context)


def _sequences(ids):
    return [int(value) for value in ids if str(value).isdigit()]
