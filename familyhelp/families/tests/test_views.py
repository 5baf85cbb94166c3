import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.families import validators
from familyhelp.families.models import Consent, FamilyMember, Person, PersonRelationship
from familyhelp.families.services import consent as consent_services
from familyhelp.families.tests.factories import (
    ConsentFactory,
    FamilyFactory,
    PersonFactory,
    PersonRelationshipFactory,
)
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    front_door_officer,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(2016, 5, 4)


def details_token(response):
    return re.search(r'name="details" value="([^"]+)"', response.content.decode()).group(1)


def family_url(family):
    return reverse("families:family", kwargs={"pk": family.pk})


def person_data(**overrides):
    data = {
        "given_names": "Jo",
        "family_name": "Smith",
        "date_of_birth-day": "3",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1990",
        "postcode": "WX1 2AB",
        "lives_here": "yes",
        "sex": "female",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(db):
    return front_door_officer(full_name="Fay Officer")


@pytest.fixture
def busy_family(family, child, requester, officer):
    """A family with an open request, a decided one, relationships and consent."""
    mum = PersonFactory(
        given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1990, 1, 1)
    )
    FamilyMember.objects.create(family=family, person=mum)
    PersonRelationshipFactory(person=mum, relative=child)
    ConsentFactory(family=family, scope=Consent.Scope.SHARING, agencies=[requester.agency])
    RequestFactory(submitted=True, family=family, children=[child])
    DecisionFactory(request__family=family, request__children=[child])
    return family


# The family page ---------------------------------------------------------------------------


def test_the_front_door_sees_every_section_in_a_constant_number_of_queries(
    client, officer, busy_family, django_assert_max_num_queries
):
    sign_in(client, officer)
    with django_assert_max_num_queries(30) as queries:
        response = client.get(family_url(busy_family))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Sam Smith",
        "Jo Smith",
        "Jo Smith is parent of Sam Smith",
        "parental responsibility",
        "Sharing information with named agencies",
        "Active",
        "Front door decision",
        "Request for support",
    ):
        assert text in body, text
    few = len(queries)
    for _ in range(3):
        PersonFactory()
        extra = PersonFactory(given_names="Kid")
        FamilyMember.objects.create(family=busy_family, person=extra)
        ConsentFactory(family=busy_family)
        RequestFactory(submitted=True, family=busy_family, children=[extra])
    with django_assert_max_num_queries(few):
        assert client.get(family_url(busy_family)).status_code == 200


def test_a_requester_sees_the_members_and_only_their_own_requests(
    client, requester, busy_family, child
):
    own = RequestFactory(submitted=True, created_by=requester, family=busy_family, children=[])
    sign_in(client, requester)
    body = client.get(family_url(busy_family)).content.decode()
    assert "Sam Smith" in body and "Jo Smith" in body
    assert "Consent</h2>" not in body and "Relationships</h2>" not in body
    assert "Front door decision" not in body
    assert body.count("Request for support") == 1
    assert own.reference in body
    assert reverse("frontdoor:request", kwargs={"pk": own.pk}) in body


def test_reading_the_family_is_audited(client, officer, busy_family):
    sign_in(client, officer)
    client.get(family_url(busy_family))
    event = AuditEvent.objects.filter(record_type="families.family", action="view").get()
    assert event.record_id == str(busy_family.pk) and event.actor == officer


def test_a_stranger_gets_a_404_and_the_attempt_is_audited(client, stranger, family):
    sign_in(client, stranger)
    response = client.get(family_url(family))
    assert response.status_code == 404
    event = AuditEvent.objects.get(record_type="families.family")
    assert event.values == {"refused": True, "permission": "families.view_family"}


# Adding a person ---------------------------------------------------------------------------


def test_adding_a_person_with_no_likely_match_adds_them_straight_away(
    client, requester, family, postcodes
):
    sign_in(client, requester)
    url = reverse("families:person-add", kwargs={"pk": family.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, person_data(given_names="Kim", family_name="Patel"))
    assert response.status_code == 302 and response.url == family_url(family)
    assert family.members.filter(given_names="Kim", family_name="Patel").exists()


def test_a_likely_match_is_shown_and_can_be_picked(client, requester, family, postcodes):
    existing = PersonFactory(
        given_names="Jo", family_name="Smyth", date_of_birth=datetime.date(1990, 2, 3)
    )
    sign_in(client, requester)
    response = client.post(
        reverse("families:person-add", kwargs={"pk": family.pk}), person_data(lives_here="no")
    )
    body = response.content.decode()
    assert "These records may be the same person" in body
    assert "Same date of birth, similar surname, same first name" in body
    assert "WX1 2AB" not in body  # the requester may not open it: the outward code only
    token = details_token(response)
    response = client.post(
        reverse("families:person-choose", kwargs={"pk": family.pk}),
        {"details": token, "choice": str(existing.pk)},
    )
    assert response.status_code == 302
    membership = FamilyMember.objects.get(family=family, person=existing)
    assert membership.lives_here is False
    assert not Person.objects.filter(family_name="Smith", given_names="Jo").exists()


def test_a_new_person_is_confirmed_when_none_of_the_matches_is_them(
    client, requester, family, postcodes
):
    PersonFactory(given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1990, 2, 3))
    sign_in(client, requester)
    response = client.post(reverse("families:person-add", kwargs={"pk": family.pk}), person_data())
    token = details_token(response)
    choose = reverse("families:person-choose", kwargs={"pk": family.pk})
    response = client.post(choose, {"details": token})
    assert response.status_code == 400
    assert "Select a record, or add a new person" in response.content.decode()
    response = client.post(choose, {"details": token, "choice": "new"})
    assert response.status_code == 302
    assert family.members.filter(given_names="Jo").count() == 1


def test_a_record_that_was_not_offered_cannot_be_picked(client, requester, family, postcodes):
    PersonFactory(given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1990, 2, 3))
    other = PersonFactory(given_names="Someone", family_name="Else")
    sign_in(client, requester)
    response = client.post(reverse("families:person-add", kwargs={"pk": family.pk}), person_data())
    token = details_token(response)
    response = client.post(
        reverse("families:person-choose", kwargs={"pk": family.pk}),
        {"details": token, "choice": str(other.pk)},
    )
    assert response.status_code == 400
    assert not FamilyMember.objects.filter(person=other).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nhs_number": "943 476 5918"}, validators.NHS_NUMBER_INVALID),
        ({"postcode": "WX9 9ZZ"}, validators.POSTCODE_INVALID),
        (
            {"date_of_birth-year": str(timezone.localdate().year + 1)},
            validators.DATE_OF_BIRTH_IN_FUTURE,
        ),
    ],
)
def test_bad_details_get_the_error_summary_and_change_nothing(
    client, requester, family, postcodes, data, message
):
    sign_in(client, requester)
    response = client.post(
        reverse("families:person-add", kwargs={"pk": family.pk}), person_data(**data)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert "<title>Error: " in body
    assert family.members.count() == 1


def test_a_stranger_cannot_open_the_add_person_page(client, stranger, family):
    sign_in(client, stranger)
    assert client.get(reverse("families:person-add", kwargs={"pk": family.pk})).status_code == 404
    refused = AuditEvent.objects.get(record_type="families.family")
    assert refused.values["permission"] == "families.change_family"


# The person page and editing -----------------------------------------------------------------


def test_the_person_page_shows_details_families_and_relationships(
    client, officer, busy_family, child
):
    sign_in(client, officer)
    body = client.get(reverse("families:person", kwargs={"pk": child.pk})).content.decode()
    assert "Sam Smith" in body and "4 May 2016" in body
    assert busy_family.name in body
    assert "Jo Smith is parent of Sam Smith" in body


def test_a_stale_edit_is_refused_saying_who_changed_it(client, requester, child):
    sign_in(client, requester)
    url = reverse("families:person-edit", kwargs={"pk": child.pk})
    assert client.get(url).status_code == 200
    data = {}
    data.update(
        {
            "given_names": "Samuel",
            "family_name": "Smith",
            "revision": "1",
            "date_of_birth-day": "4",
            "date_of_birth-month": "5",
            "date_of_birth-year": "2016",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert Person.objects.get(pk=child.pk).given_names == "Samuel"
    data["given_names"] = "Sammy"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Pat Practitioner changed this person’s details" in response.content.decode()
    assert Person.objects.get(pk=child.pk).given_names == "Samuel"


def test_a_merged_record_points_to_the_kept_one(client, officer, busy_family, child):
    merged = PersonFactory(merged_into=child)
    sign_in(client, officer)
    response = client.get(reverse("families:person", kwargs={"pk": merged.pk}))
    body = response.content.decode()
    assert f"Record {merged.pk} was merged into another record" in body
    assert reverse("families:person", kwargs={"pk": child.pk}) in body


# Members, relationships and consent ------------------------------------------------------------


def test_a_member_is_removed_after_confirming(client, requester, busy_family):
    mum = busy_family.members.get(given_names="Jo")
    sign_in(client, requester)
    url = reverse("families:member-remove", kwargs={"pk": busy_family.pk, "person_pk": mum.pk})
    assert "Remove Jo Smith from The Smith family?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert mum not in busy_family.members.all()


def test_a_relationship_is_added_and_removed(client, requester, family, child):
    mum = PersonFactory(
        given_names="Jo", family_name="Smith", date_of_birth=datetime.date(1990, 1, 1)
    )
    FamilyMember.objects.create(family=family, person=mum)
    sign_in(client, requester)
    url = reverse("families:relationship-add", kwargs={"pk": family.pk})
    response = client.post(url, {"person": mum.pk, "relative": mum.pk, "kind": "parent"})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "person": mum.pk,
            "relative": child.pk,
            "kind": "parent",
            "parental_responsibility": "true",
        },
    )
    assert response.status_code == 302
    relationship = PersonRelationship.objects.get()
    assert relationship.parental_responsibility
    remove = reverse(
        "families:relationship-remove", kwargs={"pk": family.pk, "rel_pk": relationship.pk}
    )
    assert client.post(remove).status_code == 302
    assert not PersonRelationship.objects.exists()


def test_consent_is_recorded_and_withdrawn_with_a_reason(client, requester, family):
    sign_in(client, requester)
    url = reverse("families:consent-add", kwargs={"pk": family.pk})
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "scope": "sharing",
            "given_by_name": "Jo Smith",
            "given_on-day": today.day,
            "given_on-month": today.month,
            "given_on-year": today.year,
            "method": "verbal",
        },
    )
    assert response.status_code == 400
    assert consent_services.AGENCIES_REQUIRED in response.content.decode()
    response = client.post(
        url,
        {
            "scope": "sharing",
            "agencies": [requester.agency.pk],
            "given_by_name": "Jo Smith",
            "given_on-day": today.day,
            "given_on-month": today.month,
            "given_on-year": today.year,
            "method": "verbal",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    withdraw = reverse(
        "families:consent-withdraw", kwargs={"pk": family.pk, "consent_pk": consent.pk}
    )
    response = client.post(withdraw, {"reason": ""})
    assert response.status_code == 400
    assert consent_services.WITHDRAWAL_REASON_REQUIRED in response.content.decode()
    response = client.post(withdraw, {"reason": "Mum asked us to stop sharing."})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_the_family_page_shows_withdrawn_and_expired_consent(client, officer, busy_family):
    ConsentFactory(
        family=busy_family,
        given_on=timezone.localdate() - datetime.timedelta(days=60),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    ConsentFactory(
        family=busy_family,
        withdrawn_at=timezone.now(),
        withdrawn_by=officer,
        withdrawal_reason="Changed their mind",
    )
    sign_in(client, officer)
    body = client.get(family_url(busy_family)).content.decode()
    assert "Expired" in body and "Withdrawn" in body and "Changed their mind" in body


def test_an_analyst_cannot_record_consent(client, family):
    analyst = UserFactory(roles=["data-analyst"])
    sign_in(client, analyst)
    response = client.get(reverse("families:consent-add", kwargs={"pk": family.pk}))
    assert response.status_code == 404


# Merging ---------------------------------------------------------------------------------------


def test_a_manager_merges_from_the_duplicate_list_and_unmerges(client, two_records, manager):
    kept, merged, first, second = two_records
    sign_in(client, manager)
    person = reverse("families:person", kwargs={"pk": kept.pk})
    assert "Merge with another record" in client.get(person).content.decode()
    body = client.get(reverse("families:merge-choose", kwargs={"pk": kept.pk})).content.decode()
    confirm = reverse("families:merge-confirm", kwargs={"pk": kept.pk, "other_pk": merged.pk})
    assert confirm in body
    response = client.post(confirm, {"reason": ""})
    assert response.status_code == 400
    response = client.post(confirm, {"reason": "Same NHS number on both"})
    assert response.url == person
    assert Person.objects.get(pk=merged.pk).merged_into == kept
    body = client.get(person).content.decode()
    assert f"Record {merged.pk} was merged into this one" in body
    merge = kept.merges_kept.get()
    response = client.post(
        reverse("families:unmerge", kwargs={"merge_pk": merge.pk}), {"reason": "Twins"}
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=merged.pk).merged_into is None


def test_the_other_record_can_be_given_by_number(client, two_records, manager):
    kept, merged, *_ = two_records
    sign_in(client, manager)
    url = reverse("families:merge-choose", kwargs={"pk": kept.pk})
    response = client.get(url, {"record": "abc"})
    assert response.status_code == 400
    response = client.get(url, {"record": merged.pk})
    assert response.url == reverse(
        "families:merge-confirm", kwargs={"pk": kept.pk, "other_pk": merged.pk}
    )


def test_someone_who_is_not_a_manager_cannot_open_the_merge_pages(client, two_records, officer):
    kept, merged, *_ = two_records
    sign_in(client, officer)
    assert client.get(reverse("families:merge-choose", kwargs={"pk": kept.pk})).status_code == 404
    url = reverse("families:merge-confirm", kwargs={"pk": kept.pk, "other_pk": merged.pk})
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Person.objects.get(pk=merged.pk).merged_into is None
    refused = AuditEvent.objects.filter(record_type="families.person", values__refused=True)
    assert refused.count() == 2


def test_the_person_page_lists_only_the_families_the_viewer_may_see(
    client, requester, family, child
):
    elsewhere = FamilyFactory(name="The Jones family", people=[child])
    sign_in(client, requester)
    body = client.get(reverse("families:person", kwargs={"pk": child.pk})).content.decode()
    assert family.name in body
    assert elsewhere.name not in body and elsewhere.reference not in body


def test_emergency_access_shows_every_section_with_the_banner(client, family):
    from datetime import timedelta

    from familyhelp.accounts.models import BreakGlassAccess

    officer = front_door_officer()
    assert client.get(family_url(family)).status_code == 302  # signed out: sign in first
    sign_in(client, officer)
    assert client.get(family_url(family)).status_code == 404
    BreakGlassAccess.objects.create(
        user=officer,
        record_type="families.family",
        record_id=str(family.pk),
        reason="A call from the police about the children tonight",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    body = client.get(family_url(family)).content.decode()
    assert "Emergency access" in body and "Consent</h2>" in body
