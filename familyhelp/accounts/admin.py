"""The Django admin for people, agencies, teams and roles, for superusers.

Agency administrators use the people pages (/people/), which apply the agency rules. Every change
made here is still audited (AuditedAdminMixin), and unticking "active" ends the person's sessions
at once, as deactivating them on the people pages does.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone

from familyhelp.accounts.models import Agency, Role, RoleAssignment, Team, TeamMembership, User
from familyhelp.audit.admin_mixins import AuditedAdminMixin

PERMISSION_CHANGES = {RoleAssignment: "permission_change", Role: "permission_change"}


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "fte", "agency"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team"]
    fields = ["team", "created_at"]
    readonly_fields = ["created_at"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    audit_actions = PERMISSION_CHANGES
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ["email", "full_name", "agency", "job_title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "agency__kind", "agency"]
    list_select_related = ["agency"]
    search_fields = ["email", "full_name", "job_title"]
    ordering = ["email"]
    readonly_fields = ["date_joined", "last_login", "deactivated_at"]
    inlines = [TeamMembershipInline, RoleAssignmentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Work", {"fields": ["full_name", "job_title", "fte", "agency"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["date_joined", "last_login", "deactivated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if change and "is_active" in form.changed_data:
            obj.deactivated_at = timezone.now() if deactivating else None
        super().save_model(request, obj, form, change)
        if deactivating:
            from familyhelp.accounts.services import user_end_sessions

            user_end_sessions(obj)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "job_title",
                    "fte",
                    "agency",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_actions = PERMISSION_CHANGES
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_actions = PERMISSION_CHANGES
    list_display = ["name", "agency"]
    list_filter = ["agency"]
    list_select_related = ["agency"]
    search_fields = ["name", "agency__name"]


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_actions = PERMISSION_CHANGES
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    readonly_fields = ["code"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_actions = PERMISSION_CHANGES
    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "role"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_actions = PERMISSION_CHANGES
    list_display = ["user", "team", "created_at"]
    list_filter = ["team__agency"]
    list_select_related = ["user", "team__agency"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    autocomplete_fields = ["user", "team"]
