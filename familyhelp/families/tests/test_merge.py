import datetime

import pytest

from familyhelp.audit.models import AuditEvent
from familyhelp.families import services
from familyhelp.families.models import (
    Consent,
    FamilyMember,
    Person,
    PersonMerge,
    PersonRelationship,
)
from familyhelp.families.services import FamiliesError, common, merging
from familyhelp.families.tests.factories import (
    ConsentFactory,
    FamilyFactory,
    PersonFactory,
    PersonRelationshipFactory,
)
from familyhelp.frontdoor.models import RequestPerson

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "members": sorted(FamilyMember.objects.values_list("pk", "person_id", "family_id")),
        "requests": sorted(RequestPerson.objects.values_list("pk", "person_id", "request_id")),
        "consents": sorted(Consent.objects.values_list("pk", "person_id", "given_by_id")),
        "relationships": sorted(
            PersonRelationship.objects.values_list("pk", "person_id", "relative_id")
        ),
    }


def test_a_manager_merges_two_records_and_everything_moves_to_the_kept_one(manager, two_records):
    kept, merged, first, second = two_records
    mum = PersonFactory(given_names="Jo", date_of_birth=datetime.date(1990, 1, 1))
    FamilyMember.objects.create(family=second, person=mum)
    relationship = PersonRelationshipFactory(person=mum, relative=merged)
    consent = ConsentFactory(family=second, person=merged)
    merge = services.person_merge(
        actor=manager, kept=kept, merged=merged, reason="Same child: same NHS number."
    )
    assert Person.objects.get(pk=merged.pk).merged_into == kept
    assert set(second.members.all()) == {kept, mum}
    assert RequestPerson.objects.filter(person=merged).count() == 0
    relationship.refresh_from_db()
    consent.refresh_from_db()
    assert relationship.relative == kept and consent.person == kept
    assert merge.moved["families.familymember"] != []
    assert len(merge.moved["frontdoor.requestperson"]) == 1
    assert merge.moved[merging.RELATIONSHIPS_AS_RELATIVE] == [relationship.pk]
    events = AuditEvent.objects.filter(record_type="families.person").order_by("sequence")
    assert [(e.record_id, e.reason) for e in events] == [
        (str(merged.pk), "Same child: same NHS number."),
        (str(kept.pk), "Same child: same NHS number."),
    ]


def test_unmerging_restores_exactly(manager, two_records):
    kept, merged, first, second = two_records
    ConsentFactory(family=second, person=merged, given_by=None)
    PersonRelationshipFactory(person=merged, relative=PersonFactory())
    before = snapshot()
    merge = services.person_merge(actor=manager, kept=kept, merged=merged, reason="Same")
    assert snapshot() != before
    services.person_unmerge(actor=manager, merge=merge, reason="They are twins")
    assert snapshot() == before
    assert Person.objects.get(pk=merged.pk).merged_into is None
    merge.refresh_from_db()
    assert merge.unmerged_by == manager and merge.unmerge_reason == "They are twins"
    with pytest.raises(FamiliesError, match=merging.ALREADY_UNMERGED):
        services.person_unmerge(actor=manager, merge=merge, reason="again")


def test_a_row_that_would_clash_stays_with_the_merged_record(manager, two_records):
    kept, merged, first, second = two_records
    FamilyMember.objects.create(family=second, person=kept)
    merge = services.person_merge(actor=manager, kept=kept, merged=merged, reason="Same")
    assert merge.moved["families.familymember"] == []
    assert FamilyMember.objects.filter(family=second, person=merged).exists()


def test_merge_needs_a_reason_and_two_records(manager, two_records):
    kept, merged, *_ = two_records
    with pytest.raises(FamiliesError, match=merging.MERGE_REASON_REQUIRED):
        services.person_merge(actor=manager, kept=kept, merged=merged, reason=" ")
    with pytest.raises(FamiliesError, match=merging.MERGE_SAME_RECORD):
        services.person_merge(actor=manager, kept=kept, merged=kept, reason="x")
    services.person_merge(actor=manager, kept=kept, merged=merged, reason="Same")
    with pytest.raises(FamiliesError, match=merging.MERGE_ALREADY_MERGED):
        services.person_merge(actor=manager, kept=merged, merged=kept, reason="x")
    assert PersonMerge.objects.count() == 1


def test_an_officer_who_is_not_a_manager_cannot_merge(two_records):
    from familyhelp.frontdoor.tests.factories import front_door_officer

    kept, merged, *_ = two_records
    officer = front_door_officer()
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_MERGE):
        services.person_merge(actor=officer, kept=kept, merged=merged, reason="Same")
    assert Person.objects.get(pk=merged.pk).merged_into is None
    refused = AuditEvent.objects.get()
    assert refused.values == {"refused": "permission", "permission": "families.merge_people"}


def test_a_manager_who_cannot_change_one_record_cannot_merge(manager, two_records):
    kept, _merged, *_ = two_records
    elsewhere = PersonFactory()
    FamilyFactory(people=[elsewhere])
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_MERGE):
        services.person_merge(actor=manager, kept=kept, merged=elsewhere, reason="Same")
    assert PersonMerge.objects.count() == 0
