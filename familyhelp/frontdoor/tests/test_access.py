"""Who sees which requests, families and people through the front door's relationships."""

import pytest

from familyhelp.accounts import access
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.families.models import Family, Person
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.tests.factories import (
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
)

pytestmark = pytest.mark.django_db


def test_smoke(django_assert_max_num_queries):
    draft = RequestFactory()
    sub = RequestFactory(submitted=True)
    sr = SelfReferralFactory()
    officer = front_door_officer()
    other = UserFactory(roles=["practitioner"])
    assert set(access.visible_to(officer, "frontdoor.view_request", Request.objects.all())) == {
        sub,
        sr,
    }
    assert set(
        access.visible_to(draft.created_by, "frontdoor.view_request", Request.objects.all())
    ) == {draft}
    assert list(access.visible_to(other, "frontdoor.view_request", Request.objects.all())) == []
    assert set(access.visible_to(officer, "families.view_family", Family.objects.all())) == {
        sub.family
    }
    assert officer.has_perm("families.view_family", sub.family)
    assert not officer.has_perm("families.view_family", draft.family)
    assert draft.created_by.has_perm("families.view_family", draft.family)
    assert draft.created_by.has_perm("frontdoor.edit_request", draft)
    assert not sub.created_by.has_perm("frontdoor.edit_request", sub)
    child = sub.family.members.first()
    assert officer.has_perm("families.view_person", child)
    assert list(access.visible_to(officer, "families.view_person", Person.objects.all())) == [child]
    assert officer.has_perm("frontdoor.triage_request", sub)
    manager = front_door_manager()
    assert manager.has_perm("frontdoor.approve_decision", sub)
    assert not officer.has_perm("frontdoor.approve_decision", sub)
