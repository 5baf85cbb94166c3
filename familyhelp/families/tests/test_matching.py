import datetime

import pytest

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.families import matching
from familyhelp.families.matching import duplicate_candidates
from familyhelp.families.services import FamiliesError
from familyhelp.families.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(2016, 5, 4)


def check(actor, **details):
    return duplicate_candidates(
        actor=actor,
        **{"given_names": "Sam", "family_name": "Smith", "date_of_birth": BORN, **details},
    )


def test_a_similar_surname_with_the_same_birthday_and_postcode_is_a_likely_match(practitioner):
    smyth = PersonFactory(
        given_names="Sam", family_name="Smyth", date_of_birth=BORN, postcode="WX1 1AA"
    )
    PersonFactory(given_names="Jo", family_name="Jones", date_of_birth=datetime.date(1980, 1, 1))
    [candidate] = check(practitioner, postcode="WX1 1AA")
    assert candidate.person.pk == smyth.pk
    assert candidate.reasons == [
        matching.SAME_DATE_OF_BIRTH,
        matching.SIMILAR_SURNAME,
        matching.SAME_FIRST_NAME,
        matching.SAME_POSTCODE,
    ]
    assert 70 <= candidate.score <= 100


def test_the_same_nhs_number_is_found_whatever_the_name(practitioner):
    other = PersonFactory(given_names="Samuel", family_name="Jones", nhs_number="9434765919")
    [candidate] = check(practitioner, nhs_number="943 476 5919")
    assert candidate.person.pk == other.pk
    assert matching.SAME_NHS_NUMBER in candidate.reasons


def test_a_previous_name_matches(practitioner):
    married = PersonFactory(
        given_names="Sam", family_name="Jones", previous_names=["Smith"], date_of_birth=BORN
    )
    [candidate] = check(practitioner)
    assert candidate.person.pk == married.pk
    assert matching.PREVIOUS_NAME in candidate.reasons


def test_different_nhs_numbers_mean_two_people(practitioner):
    PersonFactory(
        given_names="Sam", family_name="Smith", nhs_number="4010232137", date_of_birth=None
    )
    assert check(practitioner, nhs_number="9434765919", date_of_birth=None) == []


def test_best_first_and_limited(practitioner):
    best = PersonFactory(
        given_names="Sam", family_name="Smith", date_of_birth=BORN, postcode="WX1 1AA"
    )
    PersonFactory(given_names="Sam", family_name="Smith", date_of_birth=None, postcode="WX2 3CD")
    results = check(practitioner, postcode="WX1 1AA", limit=1)
    assert [c.person.pk for c in results] == [best.pk]


def test_merged_records_and_excluded_ids_are_left_out(practitioner):
    kept = PersonFactory(given_names="Sam", family_name="Smith", date_of_birth=BORN)
    PersonFactory(given_names="Sam", family_name="Smith", date_of_birth=BORN, merged_into=kept)
    assert [c.person.pk for c in check(practitioner)] == [kept.pk]
    assert check(practitioner, exclude_ids=[kept.pk]) == []


def test_unrelated_people_sharing_only_a_postcode_are_not_shown(practitioner):
    PersonFactory(given_names="Kim", family_name="Patel", date_of_birth=datetime.date(1970, 1, 1))
    assert check(practitioner, postcode="WX1 1AA") == []


def test_a_candidate_the_actor_may_not_open_is_marked(requester, child):
    stranger_record = PersonFactory(given_names="Sam", family_name="Smith", date_of_birth=BORN)
    candidates = {c.person.pk: c for c in check(requester, postcode="WX1 1AA")}
    assert candidates[child.pk].visible is True
    assert candidates[stranger_record.pk].visible is False
    assert candidates[stranger_record.pk].outward_code == "WX1"


def test_the_check_is_one_query_for_candidates_and_one_audit_event(
    practitioner, django_assert_max_num_queries
):
    for _ in range(30):
        PersonFactory(given_names="Sam", family_name="Smith", date_of_birth=BORN)
    practitioner = UserFactory._meta.model.objects.get(pk=practitioner.pk)
    with django_assert_max_num_queries(10):
        results = check(practitioner, postcode="WX1 1AA")
    assert len(results) == 10
    event = AuditEvent.objects.get(record_type="families.person")
    assert event.action == "view" and event.values["search"] == "duplicate_check"
    assert "Smith" not in str(event.values) and "2016" not in str(event.values)
    searched_by = ["date_of_birth", "family_name", "given_names", "postcode"]
    assert event.values["searched_by"] == searched_by


def test_someone_who_does_not_work_with_families_cannot_check(db):
    analyst = UserFactory(roles=["data-analyst"])
    with pytest.raises(FamiliesError, match=matching.NOT_ALLOWED):
        check(analyst)
    assert AuditEvent.objects.get().values["refused"] == "permission"
