import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from familyhelp.accounts.tests.factories import AgencyFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.families import selectors, services, validators
from familyhelp.families.models import Consent, Family, FamilyMember, Person, PersonRelationship
from familyhelp.families.services import FamiliesError, common, consent, people
from familyhelp.families.tests.factories import ConsentFactory, PersonFactory
from familyhelp.frontdoor.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "given_names": "Jo",
    "family_name": "Smith",
    "date_of_birth": datetime.date(1990, 2, 3),
    "postcode": "wx1 2ab",
    "nhs_number": "943 476 5919",
}


def events(record_type, **filters):
    return AuditEvent.objects.filter(record_type=record_type, **filters).order_by("sequence")


# Families --------------------------------------------------------------------------------


def test_anyone_who_works_with_families_creates_one_with_a_reference(practitioner):
    family = services.family_create(actor=practitioner, name="The Jones family")
    assert family.reference.startswith("F-") and len(family.reference) == 11
    assert family.created_by == practitioner
    event = events("families.family").get()
    assert event.action == "create"
    assert event.record_id == event.family_id == str(family.pk)


def test_someone_who_does_not_work_with_families_cannot_create_one(db):
    from familyhelp.accounts.tests.factories import UserFactory

    analyst = UserFactory(roles=["data-analyst"])
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_ADD):
        services.family_create(actor=analyst, name="The Jones family")
    assert not Family.objects.exists()
    assert events("families.family").get().values["refused"] == "permission"


def test_a_family_needs_a_name(practitioner):
    with pytest.raises(FamiliesError) as error:
        services.family_create(actor=practitioner, name="  ")
    assert error.value.errors == {"name": [people.FAMILY_NAME_REQUIRED]}


# People ------------------------------------------------------------------------------------


def test_a_requester_adds_a_person_with_clean_details_and_name_keys(requester, family, postcodes):
    person = services.person_create(
        actor=requester, family=family, details=DETAILS, lives_here=False
    )
    person.refresh_from_db()
    assert (person.postcode, person.nhs_number) == ("WX1 2AB", "9434765919")
    assert (person.family_name_key, person.given_name_key) == ("SM0", "J")
    assert FamilyMember.objects.get(family=family, person=person).lives_here is False
    event = events("families.person").get()
    assert event.action == "create" and event.family_id == str(family.pk)
    assert "Smith" not in str(event.values) and "9434765919" not in str(event.values)
    assert "nhs_number" in event.fields_changed


def test_a_person_is_added_inside_the_front_doors_transaction(practitioner, postcodes):
    with transaction.atomic():
        family = services.family_create(actor=practitioner, name="The Jones family")
        RequestFactory(created_by=practitioner, family=family, children=[])
        person = services.person_create(actor=practitioner, family=family, details=DETAILS)
    assert list(family.members.all()) == [person]


def test_someone_unrelated_to_the_family_cannot_add_a_person(stranger, family, postcodes):
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED):
        services.person_create(actor=stranger, family=family, details=DETAILS)
    assert not Person.objects.filter(family_name="Smith", given_names="Jo").exists()
    refused = events("families.family").get()
    assert refused.values == {"refused": "permission", "permission": "families.change_family"}
    assert (refused.action, refused.family_id) == ("create", str(family.pk))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number", validators.NHS_NUMBER_INVALID),
        ({"postcode": "WX9 9ZZ"}, "postcode", validators.POSTCODE_INVALID),
        (
            {"date_of_birth": timezone.localdate() + datetime.timedelta(days=1)},
            "date_of_birth",
            validators.DATE_OF_BIRTH_IN_FUTURE,
        ),
        ({"unique_pupil_number": "B123456789012"}, "unique_pupil_number", validators.UPN_INVALID),
        ({"given_names": ""}, "given_names", people.GIVEN_NAMES_REQUIRED),
    ],
)
def test_bad_details_are_refused_and_change_nothing(
    requester, family, postcodes, change, field, message
):
    with pytest.raises(FamiliesError) as error:
        services.person_create(actor=requester, family=family, details={**DETAILS, **change})
    assert error.value.errors[field] == [message]
    assert family.members.count() == 1
    assert not events("families.person").exists()


def test_an_unborn_baby_has_an_expected_date(requester, family):
    due = timezone.localdate() + datetime.timedelta(days=90)
    baby = services.person_create(
        actor=requester,
        family=family,
        details={"given_names": "Baby", "family_name": "Smith", "expected_date": due},
    )
    assert baby.is_unborn


def test_a_keeper_updates_a_person_and_the_revision_moves_on(requester, child, postcodes):
    person = services.person_update(
        actor=requester, person=child, details={"family_name": "Smyth"}, revision=1
    )
    assert (person.family_name, person.family_name_key, person.revision) == ("Smyth", "SM0", 2)
    event = events("families.person", action="change").get()
    assert event.fields_changed == ["family_name"]
    assert "Smyth" not in str(event.values)


def test_a_stale_revision_is_refused_saying_who_changed_it_and_when(requester, child):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 14, 30, tzinfo=datetime.UTC)):
        services.person_update(actor=requester, person=child, details={"gender": "Boy"}, revision=1)
    stale = Person.objects.get(pk=child.pk)
    with pytest.raises(FamiliesError) as error:
        services.person_update(
            actor=requester, person=stale, details={"given_names": "Samuel"}, revision=1
        )
    assert str(error.value) == people.STALE_PERSON.format(
        who="Pat Practitioner", time="2:30pm", date="10 March 2026"
    )
    assert Person.objects.get(pk=child.pk).given_names == "Sam"


def test_a_stranger_cannot_update_a_person(stranger, child):
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_PERSON):
        services.person_update(actor=stranger, person=child, details={"gender": "x"}, revision=1)
    assert events("families.person").get().values["refused"] == "permission"


def test_members_are_added_and_removed(requester, family):
    aunt = PersonFactory(given_names="Ann", family_name="Other")
    services.family_member_add(actor=requester, family=family, person=aunt, lives_here=False)
    assert set(family.members.all()) == {aunt, *family.members.all()}
    with pytest.raises(FamiliesError, match=people.ALREADY_MEMBER):
        services.family_member_add(actor=requester, family=family, person=aunt)
    services.family_member_remove(actor=requester, family=family, person=aunt)
    assert aunt not in family.members.all()
    assert Person.objects.filter(pk=aunt.pk).exists()
    assert [e.values for e in events("families.family", action="change")] == [
        {"added": aunt.pk, "lives_here": False},
        {"removed": aunt.pk},
    ]


def test_relationships_are_added_with_parental_responsibility_and_removed(requester, family, child):
    mum = PersonFactory(
        given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1990, 1, 1)
    )
    services.family_member_add(actor=requester, family=family, person=mum)
    relationship = services.relationship_add(
        actor=requester, person=mum, relative=child, kind="parent", parental_responsibility=True
    )
    assert str(relationship) == "Jo Smith is parent of Sam Smith"
    with pytest.raises(FamiliesError, match=people.RELATIONSHIP_EXISTS):
        services.relationship_add(actor=requester, person=mum, relative=child, kind="parent")
    with pytest.raises(FamiliesError, match=people.RESPONSIBILITY_KIND):
        services.relationship_add(
            actor=requester,
            person=mum,
            relative=child,
            kind="sibling",
            parental_responsibility=True,
        )
    services.relationship_remove(actor=requester, relationship=relationship)
    assert not PersonRelationship.objects.exists()


def test_a_relationship_with_someone_the_actor_cannot_change_is_refused(requester, child):
    outsider = PersonFactory()
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_PERSON):
        services.relationship_add(actor=requester, person=outsider, relative=child, kind="parent")
    assert not PersonRelationship.objects.exists()


# Consent -----------------------------------------------------------------------------------


def test_consent_to_share_names_agencies_and_is_active_until_withdrawn(requester, family):
    school, police = AgencyFactory(name="Vale School"), AgencyFactory(name="Police")
    given = services.consent_record(
        actor=requester,
        family=family,
        scope=Consent.Scope.SHARING,
        given_by_name="Jo Smith",
        given_on=timezone.localdate(),
        method=Consent.Method.VERBAL,
        agencies=[school],
    )
    assert selectors.consent_active(family, Consent.Scope.SHARING, school)
    assert not selectors.consent_active(family, Consent.Scope.SHARING, police)
    assert not selectors.consent_active(family, Consent.Scope.ASSESSMENT)
    services.consent_withdraw(actor=requester, consent=given, reason="Mum asked us to stop.")
    assert not selectors.consent_active(family, Consent.Scope.SHARING, school)
    withdrawn = Consent.objects.get()
    assert withdrawn.withdrawn_by == requester and withdrawn.withdrawal_reason
    assert [e.values.get("withdrawn", False) for e in events("families.family")] == [False, True]


def test_withdrawing_consent_stops_the_sharing_it_covered(requester, family):
    from familyhelp.accounts.access import user_has_perm

    given = ConsentFactory(family=family, scope=Consent.Scope.SHARING, agencies=[requester.agency])
    assert user_has_perm(requester, "families.view_family", family)
    services.consent_withdraw(actor=requester, consent=given, reason="No longer wants it.")
    family = Family.objects.get(pk=family.pk)
    assert not user_has_perm(requester, "families.view_family", family)


def test_expired_consent_is_not_active(family):
    ConsentFactory(
        family=family,
        given_on=timezone.localdate() - datetime.timedelta(days=30),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert not selectors.consent_active(family, Consent.Scope.ASSESSMENT)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"scope": "sharing"}, "agencies", consent.AGENCIES_REQUIRED),
        ({"given_by_name": ""}, "given_by_name", consent.GIVEN_BY_REQUIRED),
        (
            {"given_on": timezone.localdate() + datetime.timedelta(days=1)},
            "given_on",
            consent.GIVEN_ON_IN_FUTURE,
        ),
        ({"expires_on": timezone.localdate()}, "expires_on", consent.EXPIRES_BEFORE_GIVEN),
        ({"method": ""}, "method", consent.METHOD_REQUIRED),
    ],
)
def test_bad_consent_is_refused(requester, family, change, field, message):
    arguments = {
        "scope": Consent.Scope.ASSESSMENT,
        "given_by_name": "Jo Smith",
        "given_on": timezone.localdate(),
        "method": Consent.Method.WRITTEN,
    }
    with pytest.raises(FamiliesError) as error:
        services.consent_record(actor=requester, family=family, **{**arguments, **change})
    assert error.value.errors[field] == [message]
    assert not Consent.objects.exists()


def test_withdrawal_needs_a_reason_and_happens_once(requester, family):
    given = ConsentFactory(family=family)
    with pytest.raises(FamiliesError, match=consent.WITHDRAWAL_REASON_REQUIRED):
        services.consent_withdraw(actor=requester, consent=given, reason=" ")
    services.consent_withdraw(actor=requester, consent=given, reason="Asked")
    with pytest.raises(FamiliesError, match="already withdrawn"):
        services.consent_withdraw(actor=requester, consent=given, reason="Again")


def test_a_stranger_cannot_record_or_withdraw_consent(stranger, family):
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_CONSENT):
        services.consent_record(
            actor=stranger,
            family=family,
            scope=Consent.Scope.ASSESSMENT,
            given_by_name="Jo",
            given_on=timezone.localdate(),
            method=Consent.Method.VERBAL,
        )
    given = ConsentFactory(family=family)
    with pytest.raises(FamiliesError, match=common.NOT_ALLOWED_CONSENT):
        services.consent_withdraw(actor=stranger, consent=given, reason="x")
    assert Consent.objects.get().withdrawn_at is None
    assert events("families.family").count() == 2


def test_the_family_consents_online_without_signing_in(family):
    given = services.consent_record(
        actor=None,
        actor_label="public:self-referral",
        family=family,
        scope=Consent.Scope.ASSESSMENT,
        given_by_name="Jo Smith",
        given_on=timezone.localdate(),
        method=Consent.Method.ONLINE,
    )
    assert given.recorded_by is None
    assert events("families.family").get().actor_label == "public:self-referral"
    with pytest.raises(FamiliesError, match=consent.PUBLIC_ONLINE_ONLY):
        services.consent_record(
            actor=None,
            actor_label="public:self-referral",
            family=family,
            scope=Consent.Scope.ASSESSMENT,
            given_by_name="Jo Smith",
            given_on=timezone.localdate(),
            method=Consent.Method.VERBAL,
        )
