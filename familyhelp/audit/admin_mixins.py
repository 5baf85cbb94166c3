"""Audit what people do in the Django admin, in the same transaction as the change.

Field names are recorded, never their values: the admin can hold personal data.
"""

from django.db import transaction

from familyhelp.audit.services import audit_record


def record_type_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


class AuditedAdminMixin:
    """For a ModelAdmin: every add, change and delete, inline rows included, is audited.

    `audit_actions` maps a model (this one or an inline's) to the action its changes are logged
    as, for example {RoleAssignment: "permission_change"}; otherwise create, change or delete.
    """

    audit_actions: dict = {}

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = list(form.changed_data) if change else _field_names(form)
            if fields:
                self._audit(request, obj, "change" if change else "create", fields)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, "delete", [])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", [])
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            # Deleting clears an instance's primary key, so note the rows going before they go.
            deleted = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
            for obj in deleted:
                self._audit(request, obj, "delete", [])
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                self._audit(request, obj, "create", _field_names(formset.forms[0]))
            for obj, changed in formset.changed_objects:
                self._audit(request, obj, "change", changed)

    def _audit(self, request, obj, action, fields):
        audit_record(
            actor=request.user,
            action=self.audit_actions.get(type(obj), action),
            record_type=record_type_of(type(obj)),
            record_id=obj.pk,
            fields_changed=fields,
            values={"via": "django-admin", "done": action},
            request=request,
        )


def _field_names(form):
    return [name for name in form.base_fields if name not in {"id", "DELETE", "password"}]
