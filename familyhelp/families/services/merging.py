"""Merging two records of one person, by a manager, and undoing it exactly.

The merged record is kept (with `merged_into` set) so the merge can be undone: its family
memberships, relationships and consents move to the kept record, other apps' rows move through
their handlers (families/merging.py), and PersonMerge.moved lists every row moved so unmerging
moves exactly those back. A row that cannot move without breaking a constraint (the kept record
is already in that family) stays with the merged record.
"""

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.relationships import forget_relationships
from familyhelp.audit.models import AuditAction
from familyhelp.families import merging
from familyhelp.families.access import PERSON
from familyhelp.families.models import (
    Consent,
    FamilyMember,
    Person,
    PersonMerge,
    PersonRelationship,
)
from familyhelp.families.services.common import NOT_ALLOWED_MERGE, FamiliesError, audit, require

MERGE_SAME_RECORD = "Choose a different record to merge with this one"
MERGE_ALREADY_MERGED = "One of these records has already been merged into another"
MERGE_REASON_REQUIRED = "Enter why these records are the same person"
UNMERGE_REASON_REQUIRED = "Enter why the merge is being undone"
ALREADY_UNMERGED = "This merge has already been undone"

MEMBERS = "families.familymember"
RELATIONSHIPS_AS_PERSON = "families.personrelationship.person"
RELATIONSHIPS_AS_RELATIVE = "families.personrelationship.relative"
CONSENTS_ABOUT = "families.consent.person"
CONSENTS_GIVEN = "families.consent.given_by"


def _family_id(person):
    return (
        FamilyMember.objects.filter(person=person)
        .order_by("pk")
        .values_list("family_id", flat=True)
        .first()
    )


def _move_memberships(kept, merged) -> list[int]:
    kept_families = FamilyMember.objects.filter(person=kept).values("family_id")
    ids = list(
        FamilyMember.objects.filter(person=merged)
        .exclude(family_id__in=kept_families)
        .values_list("pk", flat=True)
    )
    FamilyMember.objects.filter(pk__in=ids).update(person=kept)
    return ids


def _move_relationships(kept, merged, side: str, other: str) -> list[int]:
    ids = []
    rows = PersonRelationship.objects.filter(**{side: merged}).values("pk", other, "kind")
    for row in rows:
        if row[other] == kept.pk:  # would relate the kept record to itself
            continue
        clash = PersonRelationship.objects.filter(
            **{side: kept, other: row[other], "kind": row["kind"]}
        ).exists()
        if not clash:
            ids.append(row["pk"])
    PersonRelationship.objects.filter(pk__in=ids).update(**{side: kept})
    return ids


def _move(model, field, kept, merged) -> list[int]:
    ids = list(model.objects.filter(**{field: merged}).values_list("pk", flat=True))
    model.objects.filter(pk__in=ids).update(**{field: kept})
    return ids


def person_merge(*, actor, kept: Person, merged: Person, reason: str, http_request=None):
    """Make `merged` part of `kept`: everything about it moves across, recorded to be undone."""
    require(
        actor,
        "families.merge_people",
        None,
        message=NOT_ALLOWED_MERGE,
        family_id=_family_id(merged),
        http_request=http_request,
    )
    for record in (kept, merged):
        require(
            actor,
            "families.change_person",
            record,
            message=NOT_ALLOWED_MERGE,
            family_id=_family_id(record),
            http_request=http_request,
        )
    reason = (reason or "").strip()
    if kept.pk == merged.pk:
        raise FamiliesError(MERGE_SAME_RECORD)
    if not reason:
        raise FamiliesError(MERGE_REASON_REQUIRED, {"reason": [MERGE_REASON_REQUIRED]})
    with transaction.atomic():
        locked = {
            person.pk: person
            for person in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
        }
        kept, merged = locked[kept.pk], locked[merged.pk]
        if kept.merged_into_id is not None or merged.merged_into_id is not None:
            raise FamiliesError(MERGE_ALREADY_MERGED)
        family_id = _family_id(merged)
        moved = {
            MEMBERS: _move_memberships(kept, merged),
            RELATIONSHIPS_AS_PERSON: _move_relationships(kept, merged, "person", "relative_id"),
            RELATIONSHIPS_AS_RELATIVE: _move_relationships(kept, merged, "relative", "person_id"),
            CONSENTS_ABOUT: _move(Consent, "person", kept, merged),
            CONSENTS_GIVEN: _move(Consent, "given_by", kept, merged),
        }
        for label, handler in merging.HANDLERS.items():
            moved[label] = list(handler.merge(kept, merged))
        now = timezone.now()
        Person.objects.filter(pk=merged.pk).update(
            merged_into=kept, revision=merged.revision + 1, updated_at=now
        )
        merge = PersonMerge.objects.create(
            kept=kept, merged=merged, reason=reason, moved=moved, merged_by=actor, merged_at=now
        )
        counts = {label: len(ids) for label, ids in moved.items()}
        for record, values in (
            (merged, {"merged_into": kept.pk}),
            (kept, {"merged_from": merged.pk}),
        ):
            audit(
                actor=actor,
                action=AuditAction.CHANGE,
                record_type=PERSON,
                record_id=record.pk,
                family_id=family_id if record is merged else _family_id(kept),
                fields_changed=["merged_into"] if record is merged else sorted(counts),
                values={**values, "merge": merge.pk, "moved": counts},
                reason=reason,
                request=http_request,
            )
    for record in (kept, merged):
        forget_relationships(record)
    return merge


def person_unmerge(*, actor, merge: PersonMerge, reason: str, http_request=None) -> PersonMerge:
    """Undo a merge: move back exactly what it moved, and the merged record stands alone again.

    The merged record may have no family left to relate anyone to it, so the manager must be
    able to change the kept record.
    """
    require(
        actor,
        "families.merge_people",
        None,
        message=NOT_ALLOWED_MERGE,
        family_id=_family_id(merge.kept),
        http_request=http_request,
    )
    require(
        actor,
        "families.change_person",
        merge.kept,
        message=NOT_ALLOWED_MERGE,
        family_id=_family_id(merge.kept),
        http_request=http_request,
    )
    reason = (reason or "").strip()
    if not reason:
        raise FamiliesError(UNMERGE_REASON_REQUIRED, {"reason": [UNMERGE_REASON_REQUIRED]})
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.unmerged_at is not None:
            raise FamiliesError(ALREADY_UNMERGED)
        kept, merged = merge.kept, merge.merged
        moved = merge.moved
        FamilyMember.objects.filter(pk__in=moved.get(MEMBERS, []), person=kept).update(
            person=merged
        )
        PersonRelationship.objects.filter(
            pk__in=moved.get(RELATIONSHIPS_AS_PERSON, []), person=kept
        ).update(person=merged)
        PersonRelationship.objects.filter(
            pk__in=moved.get(RELATIONSHIPS_AS_RELATIVE, []), relative=kept
        ).update(relative=merged)
        Consent.objects.filter(pk__in=moved.get(CONSENTS_ABOUT, []), person=kept).update(
            person=merged
        )
        Consent.objects.filter(pk__in=moved.get(CONSENTS_GIVEN, []), given_by=kept).update(
            given_by=merged
        )
        for label, handler in merging.HANDLERS.items():
            handler.unmerge(kept, merged, moved.get(label, []))
        now = timezone.now()
        Person.objects.filter(pk=merged.pk).update(
            merged_into=None, revision=merged.revision + 1, updated_at=now
        )
        merge.unmerged_at, merge.unmerged_by, merge.unmerge_reason = now, actor, reason
        merge.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason"])
        for record, values in (
            (merged, {"unmerged_from": kept.pk}),
            (kept, {"unmerged": merged.pk}),
        ):
            audit(
                actor=actor,
                action=AuditAction.CHANGE,
                record_type=PERSON,
                record_id=record.pk,
                family_id=_family_id(record),
                fields_changed=["merged_into"],
                values={**values, "merge": merge.pk},
                reason=reason,
                request=http_request,
            )
    return merge


__all__ = ["person_merge", "person_unmerge"]
