"""The one way views, API endpoints and selectors check access to a record.

- `get_object_for_user_or_404(user, perm, queryset, **lookup)`: the record, or a 404 (never a
  403, which would confirm the record exists). Reading a personal record writes a "view" audit
  event; a refused attempt is audited too.
- `visible_to(user, perm_or_relationship, queryset)`: only the records the person may open, as a
  queryset, so lists and detail pages can never disagree.
- `RecordAccessMixin` (class-based views) and `protected_view` (function views): sign-in
  required, and a refused record shows the "Page not found" page, which offers emergency
  access (break-glass) to people whose role allows it, without saying whether the record exists.
- `RecordAPIMixin` does the same for DRF endpoints.

Only the `rules` decide: Django's superuser shortcut does not open personal records.
"""

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from rest_framework.permissions import IsAuthenticated

from familyhelp.accounts import relationships
from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.accounts.relationships import Relationship
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_batch, audit_record
from familyhelp.core import formatting

BREAK_GLASS_PERMISSION = "accounts.break_glass"
# The ids the break-glass page accepts in its address (integers and UUIDs among them).
RECORD_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class RecordNotFound(Http404):
    """A record the person may not open, or that does not exist: the two look the same."""

    def __init__(self, record_type: str, record_id: str | None, personal: bool):
        super().__init__("No record was found with that id.")
        self.record_type = record_type
        self.record_id = record_id
        self.personal = personal


def signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def user_has_perm(user, perm: str, obj=None) -> bool:
    """Ask the rules only (not Django's superuser shortcut), for an active signed-in person."""
    return signed_in(user) and rules.has_perm(perm, user, obj)


# Single records ------------------------------------------------------------------------------


def _record_id_from(model, lookup: dict) -> str | None:
    """The record's primary key when the lookup names it (needed to offer break-glass)."""
    names = {"pk", model._meta.pk.name, f"{model._meta.pk.name}__exact", "pk__exact"}
    if len(lookup) != 1:
        return None
    ((name, value),) = lookup.items()
    record_id = str(value)
    return record_id if name in names and RECORD_ID_PATTERN.fullmatch(record_id) else None


def get_object_for_user_or_404(user, perm: str, queryset: QuerySet, *, http_request=None, **lookup):
    """The one record matching `lookup` that the person may use for `perm`, or RecordNotFound.

    Pass the HTTP request as `http_request` so the audit event records where it came from.
    """
    model = queryset.model
    label = relationships.record_type_label(model)
    record_type = relationships.REGISTRY.get(label)
    personal = record_type is not None and record_type.personal
    not_found = RecordNotFound(label, _record_id_from(model, lookup), personal)
    try:
        record = queryset.get(**lookup)
    except (model.DoesNotExist, ValidationError, ValueError, TypeError):
        raise not_found from None
    if not user_has_perm(user, perm, record):
        if personal and signed_in(user):
            audit_record(
                actor=user,
                action=AuditAction.VIEW,
                record_type=label,
                record_id=record.pk,
                family_id=relationships.family_id_of(record),
                values={"refused": True, "permission": perm},
                request=http_request,
            )
        raise not_found
    if personal:
        record_viewed(user, record, request=http_request)
    return record


def record_viewed(user, record, *, request=None):
    """Audit one read of a personal record, flagged when it is made under break-glass."""
    values = {}
    emergency = relationships.active_break_glass(user, record)
    if emergency is not None:
        values = {"break_glass": True, "break_glass_access": str(emergency.pk)}
    return audit_record(
        actor=user,
        action=AuditAction.VIEW,
        record_type=relationships.record_type_label(record),
        record_id=record.pk,
        family_id=relationships.family_id_of(record),
        values=values,
        request=request,
    )


def records_viewed(user, records, *, request=None) -> None:
    """Audit a list's reads of personal records: one event each, appended together, with one
    query for the person's break-glass accesses whatever the number of records."""
    records = list(records)
    if not records:
        return
    label = relationships.record_type_label(records[0])
    emergency = {
        access.record_id: access
        for access in BreakGlassAccess.objects.filter(
            user=user, record_type=label, expires_at__gt=timezone.now()
        ).order_by("expires_at")
    }
    with transaction.atomic(), audit_batch():
        for record in records:
            found = emergency.get(str(record.pk))
            audit_record(
                actor=user,
                action=AuditAction.VIEW,
                record_type=label,
                record_id=record.pk,
                family_id=relationships.family_id_of(record),
                values={"break_glass": True, "break_glass_access": str(found.pk)} if found else {},
                request=request,
            )


# Lists -------------------------------------------------------------------------------------


def visible_to(user, perm_or_relationship: str | Relationship, queryset: QuerySet) -> QuerySet:
    """The records in queryset the person may open with this permission (or relationship).

    The permission must have been declared with relationships.record_permission, which keeps
    this filter and the `rules` predicate in one place. Costs at most one query before the list
    (the person's roles), plus one when break-glass applies; never one per record.
    """
    if not signed_in(user):
        return queryset.none()
    if perm_or_relationship in Relationship._value2member_map_:
        return relationships.visible(user, queryset, {Relationship(perm_or_relationship)})
    scope = relationships.PERMISSION_SCOPES.get(perm_or_relationship)
    label = relationships.record_type_label(queryset.model)
    if scope is None or scope.record_type != label:
        raise ImproperlyConfigured(
            f"{perm_or_relationship} is not a record permission on {label}: declare it with "
            "relationships.record_permission."
        )
    if scope.everything is not None and scope.everything.test(user):
        return queryset
    allowed = queryset.none()
    if scope.relationships and (scope.requires is None or scope.requires.test(user)):
        allowed = relationships.visible(user, queryset, scope.relationships)
    if scope.break_glass:
        record_ids = relationships.break_glass_record_ids(user, label)
        if record_ids:
            allowed = allowed | queryset.filter(pk__in=_valid_pks(queryset.model, record_ids))
    return allowed


def _valid_pks(model, record_ids):
    pks = []
    for record_id in record_ids:
        try:
            pks.append(model._meta.pk.to_python(record_id))
        except ValidationError:
            continue
    return pks


# Pages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyAccessBanner:
    """What the "Emergency access" banner (accounts/access/_emergency_access_banner.html) says."""

    until: str
    access: BreakGlassAccess


def emergency_access_banner(user, record) -> EmergencyAccessBanner | None:
    emergency = relationships.active_break_glass(user, record)
    if emergency is None:
        return None
    expires = timezone.localtime(emergency.expires_at)
    return EmergencyAccessBanner(until=formatting.time_12h(expires.time()), access=emergency)


def not_found_response(request, exc: RecordNotFound):
    """The "Page not found" page, offering break-glass only to those whose role allows it.

    It reads the same whether or not the record exists, so it confirms nothing.
    """
    offer = (
        exc.personal
        and exc.record_id is not None
        and user_has_perm(request.user, BREAK_GLASS_PERMISSION)
    )
    break_glass_url = None
    if offer:
        break_glass_url = reverse(
            "accounts:break-glass",
            kwargs={"record_type": exc.record_type, "record_id": exc.record_id},
        )
        break_glass_url += "?" + urlencode({"next": request.get_full_path()})
    return render(
        request,
        "accounts/access/not_found.html",
        {"break_glass_url": break_glass_url},
        status=404,
    )


def not_found_page(request):
    return render(request, "accounts/access/not_found.html", {}, status=404)


def protected_view(view_func):
    """For a function view: sign-in first; a RecordNotFound shows the 404 page (with the
    break-glass offer where it applies). MfaRequiredMiddleware has already asked for the second
    factor of anyone whose role needs one."""

    @functools.wraps(view_func)
    def wrapped(request, *args, **kwargs):
        if not signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        try:
            return view_func(request, *args, **kwargs)
        except RecordNotFound as exc:
            return not_found_response(request, exc)

    return wrapped


class RecordAccessMixin:
    """For a DetailView (or any SingleObjectMixin view) of a record behind `permission_required`.

    Adds `emergency_access` (the person's active break-glass access, or None) to the context,
    for the "Emergency access" banner.
    """

    permission_required: str = ""

    @method_decorator(protected_view)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if not self.permission_required:
            raise ImproperlyConfigured(f"{type(self).__name__} needs permission_required.")
        queryset = self.get_queryset() if queryset is None else queryset
        lookup_kwarg = (
            self.pk_url_kwarg if self.pk_url_kwarg in self.kwargs else self.slug_url_kwarg
        )
        field = "pk" if lookup_kwarg == self.pk_url_kwarg else self.get_slug_field()
        return get_object_for_user_or_404(
            self.request.user,
            self.permission_required,
            queryset,
            http_request=self.request,
            **{field: self.kwargs.get(lookup_kwarg)},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["emergency_access"] = emergency_access_banner(self.request.user, self.object)
        return context


# API ---------------------------------------------------------------------------------------


class RecordAPIMixin:
    """DRF generic views: lists are narrowed by visible_to, single records 404 when refused."""

    permission_classes = [IsAuthenticated]
    permission_required: str = ""

    def get_queryset(self):
        return visible_to(self.request.user, self.permission_required, super().get_queryset())

    def get_object(self):
        lookup_kwarg = self.lookup_url_kwarg or self.lookup_field
        # The unfiltered queryset: refused and missing records must take the same path.
        return get_object_for_user_or_404(
            self.request.user,
            self.permission_required,
            super().get_queryset(),
            http_request=self.request,
            **{self.lookup_field: self.kwargs[lookup_kwarg]},
        )
