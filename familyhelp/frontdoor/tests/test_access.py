"""Who sees which requests, families and people through the front door (frontdoor/access.py).

Every check asks both questions the application asks: may this person open this record
(`user.has_perm`), and is it in the lists they see (`access.visible_to`)? The two must agree.
"""

import pytest
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.models import TeamMembership
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.families.models import Consent, Family, Person
from familyhelp.families.tests.factories import ConsentFactory
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
)

pytestmark = pytest.mark.django_db

VIEW_REQUEST = "frontdoor.view_request"
VIEW_FAMILY = "families.view_family"
VIEW_PERSON = "families.view_person"


def sees_request(user, request) -> bool:
    request = Request.objects.get(pk=request.pk)  # afresh: relationships are cached on a record
    listed = access.visible_to(user, VIEW_REQUEST, Request.objects.filter(pk=request.pk)).exists()
    allowed = user.has_perm(VIEW_REQUEST, request)
    assert listed == allowed, "the request's page and the lists disagree"
    return allowed


def sees_family(user, family) -> bool:
    family = Family.objects.get(pk=family.pk)
    listed = access.visible_to(user, VIEW_FAMILY, Family.objects.filter(pk=family.pk)).exists()
    allowed = user.has_perm(VIEW_FAMILY, family)
    assert listed == allowed, "the family's page and the lists disagree"
    return allowed


def sees_person(user, person) -> bool:
    person = Person.objects.get(pk=person.pk)
    listed = access.visible_to(user, VIEW_PERSON, Person.objects.filter(pk=person.pk)).exists()
    allowed = user.has_perm(VIEW_PERSON, person)
    assert listed == allowed, "the person's page and the lists disagree"
    return allowed


def child_of(request) -> Person:
    return request.people.get()


# A draft ------------------------------------------------------------------------------------


def test_a_draft_is_seen_by_its_author_and_the_colleagues_it_is_shared_with_only():
    draft = RequestFactory()
    colleague = UserFactory(roles=["practitioner"], agency=draft.agency)
    shared_with = UserFactory(roles=["practitioner"], agency=draft.agency)
    draft.shared_with.add(shared_with)
    assert sees_request(draft.created_by, draft)
    assert sees_request(shared_with, draft)
    assert not sees_request(colleague, draft)
    assert not sees_request(front_door_officer(), draft)
    assert draft.created_by.has_perm("frontdoor.edit_request", draft)


def test_the_front_door_does_not_see_a_draft_family():
    draft = RequestFactory()
    officer = front_door_officer()
    assert not sees_family(officer, draft.family)
    assert not sees_person(officer, child_of(draft))


# An open request ----------------------------------------------------------------------------


def test_the_front_door_team_sees_an_open_request_its_family_and_the_people_in_it():
    request = RequestFactory(submitted=True)
    officer = front_door_officer()
    assert sees_request(officer, request)
    assert sees_family(officer, request.family)
    assert sees_person(officer, child_of(request))
    assert officer.has_perm("frontdoor.triage_request", request)


def test_a_front_door_officer_outside_the_front_door_team_sees_nothing():
    request = RequestFactory(submitted=True)
    elsewhere = UserFactory(roles=["front-door-officer"])
    assert not sees_request(elsewhere, request)
    assert not sees_family(elsewhere, request.family)
    assert not elsewhere.has_perm("frontdoor.triage_request", request)


def test_a_practitioner_not_involved_sees_nothing():
    request = RequestFactory(submitted=True)
    stranger = UserFactory(roles=["practitioner"])
    assert not sees_request(stranger, request)
    assert not sees_family(stranger, request.family)
    assert not sees_person(stranger, child_of(request))


def test_a_self_referral_is_seen_by_the_front_door_before_it_has_a_family():
    request = SelfReferralFactory()
    assert sees_request(front_door_officer(), request)
    assert not sees_request(UserFactory(roles=["practitioner"]), request)


def test_only_managers_approve_and_only_officers_triage():
    request = RequestFactory(submitted=True)
    manager, officer = front_door_manager(), front_door_officer()
    assert manager.has_perm("frontdoor.approve_decision", request)
    assert not officer.has_perm("frontdoor.approve_decision", request)
    assert officer.has_perm("frontdoor.triage_request", request)
    assert not manager.has_perm("frontdoor.triage_request", request)
    assert sees_request(manager, request)


# Once decided ---------------------------------------------------------------------------------


def test_a_decided_request_leaves_the_front_door_but_stays_with_its_requester():
    decision = DecisionFactory()
    request = decision.request
    officer = front_door_officer()
    assert not sees_request(officer, request)
    assert not sees_family(officer, request.family)
    assert sees_request(request.created_by, request)
    assert sees_family(request.created_by, request.family)


def test_another_open_request_about_the_family_opens_its_earlier_requests_to_the_front_door():
    earlier = DecisionFactory().request
    RequestFactory(submitted=True, family=earlier.family)
    assert sees_request(front_door_officer(), earlier)


def test_the_manager_of_the_team_a_family_was_allocated_to_sees_the_family():
    team = TeamFactory(name="Family Help North")
    manager = UserFactory(roles=["team-manager"], agency=team.agency)
    TeamMembership.objects.create(user=manager, team=team)
    decision = DecisionFactory(kind=Decision.Kind.FAMILY_HELP, team=team)
    assert sees_family(manager, decision.request.family)
    assert sees_request(manager, decision.request)
    # Not while it waits for approval: the allocation has not happened yet.
    Decision.objects.filter(pk=decision.pk).update(approval=Decision.Approval.AWAITING)
    assert not sees_family(manager, decision.request.family)


# Consent --------------------------------------------------------------------------------------


def test_a_withdrawn_sharing_consent_ends_the_requesters_access_to_the_family_not_the_request():
    request = RequestFactory(submitted=True)
    requester = request.created_by
    family = request.family
    consent = ConsentFactory(
        family=family, scope=Consent.Scope.SHARING, agencies=[requester.agency]
    )
    assert sees_family(requester, family)
    assert sees_person(requester, child_of(request))

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    assert not sees_family(requester, family)
    assert not sees_person(requester, child_of(request))
    assert sees_request(requester, request)
    # The front door still triages it.
    assert sees_family(front_door_officer(), family)


def test_sharing_given_again_restores_the_requesters_access():
    request = RequestFactory(submitted=True)
    requester = request.created_by
    ConsentFactory(
        family=request.family,
        scope=Consent.Scope.SHARING,
        agencies=[requester.agency],
        withdrawn_at=timezone.now(),
    )
    assert not sees_family(requester, request.family)
    ConsentFactory(family=request.family, scope=Consent.Scope.SHARING, agencies=[requester.agency])
    assert sees_family(requester, request.family)


def test_a_withdrawal_for_another_agency_changes_nothing_for_this_requester():
    request = RequestFactory(submitted=True)
    other_agency = UserFactory(roles=["practitioner"]).agency
    ConsentFactory(
        family=request.family,
        scope=Consent.Scope.SHARING,
        agencies=[other_agency],
        withdrawn_at=timezone.now(),
    )
    assert sees_family(request.created_by, request.family)


# Lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize("requests", [1, 8])
def test_the_lists_cost_the_same_queries_whatever_their_length(requests, django_assert_num_queries):
    for _ in range(requests):
        RequestFactory(submitted=True)
    officer = front_door_officer()
    # The person's roles, their membership of the front door team, break-glass, the list itself.
    with django_assert_num_queries(4):
        listed = list(access.visible_to(officer, VIEW_REQUEST, Request.objects.all()))
    assert len(listed) == requests
