"""A person's relationship to a record: the one interface behind need-to-know access.

Each app that holds records people open registers its record type here, naming how to find the
relationships a person has with one record and how to narrow a queryset to the records a person
has a given relationship with:

    relationships.register(
        "families.family",
        name="Family",
        relationships=family_relationships,   # (user, record) -> set[Relationship]
        visible=families_visible,             # (user, queryset, kinds) -> queryset
        family_id=lambda family: family.pk,   # (record) -> family id or None
        personal=True,                        # reads are audited; break-glass is offered
    )

Permissions on records are then declared with `record_permission`, which registers the `rules`
predicate AND the matching list filter, so `user.has_perm(perm, record)` and
`access.visible_to(user, perm, queryset)` can never disagree.
"""

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import rules
from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils import timezone

from familyhelp.accounts.models import BreakGlassAccess


class Relationship(StrEnum):
    LEAD_PROFESSIONAL = "lead_professional"
    TEAM_AROUND_FAMILY = "team_around_family"
    # The manager of a team working with the family.
    TEAM_MANAGER = "team_manager"
    # A front door officer while a request for support about the family is open.
    FRONT_DOOR_OPEN_REQUEST = "front_door_open_request"
    # The practitioner who made a request for support about the family, or a colleague it was
    # shared with (ends when the family withdraws consent to share with their agency).
    REQUESTER = "requester"
    ORGANISATION_EDITOR = "organisation_editor"
    # Case audits (familyhelp/casework/services/audits.py): the auditor assigned to an episode's
    # case audit reads the episode until the audit is moderated, though not related to the family.
    CASE_AUDITOR = "case_auditor"


ALL_RELATIONSHIPS = frozenset(Relationship)

RelationshipsProvider = Callable[[object, Model], set[Relationship]]
VisibleFilter = Callable[[object, QuerySet, frozenset[Relationship]], QuerySet]


@dataclass(frozen=True)
class RecordType:
    label: str
    # What people call one of these records, e.g. "Family" (shown with its id in reviews).
    name: str
    relationships: RelationshipsProvider
    visible: VisibleFilter
    family_id: Callable[[Model], object]
    personal: bool

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)


@dataclass(frozen=True)
class PermissionScope:
    """What a record permission allows, in a form a queryset filter can use."""

    record_type: str
    # Holders of these see every record of the type (e.g. a directory administrator).
    everything: rules.Predicate | None
    # Any one of these relationships to a record allows it...
    relationships: frozenset[Relationship] = field(default_factory=frozenset)
    # ...to a person who also satisfies this (e.g. still holds the organisation editor role).
    requires: rules.Predicate | None = None
    # An unexpired break-glass access to the record allows it.
    break_glass: bool = False


REGISTRY: dict[str, RecordType] = {}
PERMISSION_SCOPES: dict[str, PermissionScope] = {}

_CACHE_ATTRIBUTE = "_familyhelp_relationships"


class UnknownRecordType(LookupError):
    pass


def register(
    label: str,
    *,
    relationships: RelationshipsProvider,
    visible: VisibleFilter,
    name: str,
    family_id: Callable[[Model], object] = lambda record: None,
    personal: bool = True,
) -> RecordType:
    """Register a record type ("app_label.modelname") and how to find relationships to it."""
    label = label.lower()
    record_type = RecordType(
        label=label,
        name=name,
        relationships=relationships,
        visible=visible,
        family_id=family_id,
        personal=personal,
    )
    REGISTRY[label] = record_type
    return record_type


def record_type_label(record_or_model) -> str:
    return record_or_model._meta.label_lower


def record_type_for(record_or_model_or_label) -> RecordType:
    label = (
        record_or_model_or_label.lower()
        if isinstance(record_or_model_or_label, str)
        else record_type_label(record_or_model_or_label)
    )
    try:
        return REGISTRY[label]
    except KeyError:
        raise UnknownRecordType(f"No relationships are registered for {label}.") from None


def describe(label: str, record_id: str) -> str:
    """A record's kind and id without opening it, such as "Family 123"."""
    registered = REGISTRY.get(label)
    return f"{registered.name if registered else label} {record_id}"


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def relationships_of(user, record) -> frozenset[Relationship]:
    """The person's relationships to the record (none when signed out or deactivated).

    Remembered on the record object, so several predicates on one record ask the provider once.
    """
    if not _signed_in(user) or record is None:
        return frozenset()
    cache = record.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if user.pk not in cache:
        provider = record_type_for(record).relationships
        cache[user.pk] = frozenset(provider(user, record))
    return cache[user.pk]


def forget_relationships(record) -> None:
    """Call after changing who is related to a record you still hold, so checks read again."""
    record.__dict__.pop(_CACHE_ATTRIBUTE, None)


def family_id_of(record) -> str | None:
    family_id = record_type_for(record).family_id(record)
    return None if family_id is None else str(family_id)


def visible(user, queryset: QuerySet, kinds: Iterable[Relationship] = ALL_RELATIONSHIPS):
    """The records in queryset the person has at least one of these relationships with."""
    kinds = frozenset(kinds)
    if not _signed_in(user) or not kinds:
        return queryset.none()
    return record_type_for(queryset.model).visible(user, queryset, kinds)


# Break-glass -------------------------------------------------------------------------------


def active_break_glass(user, record) -> BreakGlassAccess | None:
    """The person's unexpired break-glass access to this record, if any (remembered on it)."""
    if not _signed_in(user) or record is None:
        return None
    cache = record.__dict__.setdefault("_familyhelp_break_glass", {})
    if user.pk not in cache:
        cache[user.pk] = (
            BreakGlassAccess.objects.filter(
                user=user,
                record_type=record_type_label(record),
                record_id=str(record.pk),
                expires_at__gt=timezone.now(),
            )
            .order_by("-expires_at")
            .first()
        )
    return cache[user.pk]


def break_glass_record_ids(user, record_type: str) -> list[str]:
    if not _signed_in(user):
        return []
    return list(
        BreakGlassAccess.objects.filter(
            user=user, record_type=record_type, expires_at__gt=timezone.now()
        ).values_list("record_id", flat=True)
    )


# Predicates --------------------------------------------------------------------------------


def has_relationship(*kinds: Relationship) -> rules.Predicate:
    wanted = frozenset(kinds)
    name = "has_relationship:" + ",".join(sorted(wanted))
    return rules.predicate(
        lambda user, record: bool(wanted & relationships_of(user, record)), name=name
    )


is_lead_professional = has_relationship(Relationship.LEAD_PROFESSIONAL)
is_in_team_around_family = has_relationship(Relationship.TEAM_AROUND_FAMILY)
manages_team_around_family = has_relationship(Relationship.TEAM_MANAGER)
is_front_door_officer_for_open_request = has_relationship(Relationship.FRONT_DOOR_OPEN_REQUEST)
is_organisation_editor_for = has_relationship(Relationship.ORGANISATION_EDITOR)
is_requester = has_relationship(Relationship.REQUESTER)


@rules.predicate
def has_break_glass_access(user, record):
    return active_break_glass(user, record) is not None


def record_permission(
    name: str,
    *,
    record_type: str,
    relationships: Iterable[Relationship] = (),
    requires: rules.Predicate | None = None,
    everything: rules.Predicate | None = None,
    break_glass: bool = False,
) -> rules.Predicate:
    """Register a permission on one record type, both as a `rules` rule and as a list filter.

    Allowed when the person satisfies `everything`; or has any of `relationships` to the record
    and satisfies `requires` (a predicate on the person alone, such as a role); or, when
    `break_glass`, holds an unexpired break-glass access to the record.
    """
    kinds = frozenset(relationships)
    parts = []
    if everything is not None:
        parts.append(everything)
    if kinds:
        related = has_relationship(*kinds)
        parts.append(related if requires is None else requires & related)
    if break_glass:
        parts.append(has_break_glass_access)
    predicate = functools.reduce(operator.or_, parts) if parts else rules.always_deny
    PERMISSION_SCOPES[name] = PermissionScope(
        record_type=record_type.lower(),
        everything=everything,
        relationships=kinds,
        requires=requires,
        break_glass=break_glass,
    )
    rules.add_perm(name, predicate)
    return predicate
