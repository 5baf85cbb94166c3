"""A request's triage page, picking up, partner checks and linking a self-referral's family."""

import datetime

import pytest
from django.urls import reverse

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.families.models import Consent, FamilyMember
from familyhelp.families.tests.factories import FamilyFactory, PersonFactory
from familyhelp.frontdoor.models import Decision, PartnerCheck, Request
from familyhelp.frontdoor.services import triage
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    SelfReferralFactory,
    front_door_officer,
)
from familyhelp.frontdoor.tests.pages import text

pytestmark = pytest.mark.django_db


def page_of(request):
    return reverse("frontdoor:triage", args=[request.pk])


def audited(request, **values):
    return AuditEvent.objects.filter(
        record_type="frontdoor.request", record_id=str(request.pk), **values
    )


def test_an_officer_reads_the_assessment_and_the_read_is_audited(client):
    request = RequestFactory(submitted=True, parenting_needs="Mum is finding mornings hard.")
    officer = front_door_officer()
    sign_in(client, officer)
    response = client.get(page_of(request))
    assert response.status_code == 200
    page = text(response)
    assert f"Request {request.reference}" in page
    assert "Parenting capacity: needs Mum is finding mornings hard." in page
    assert "Download the assessment (PDF)" in page
    assert "Pick up this request" in page
    assert audited(request, actor=officer, action="view").exists()


def test_someone_outside_the_front_door_gets_a_404_and_an_audit_record(client):
    request = RequestFactory(submitted=True)
    outsider = UserFactory(roles=["practitioner"])
    sign_in(client, outsider)
    assert client.get(page_of(request)).status_code == 404
    assert audited(request, actor=outsider, values__refused=True).exists()
    # Nor can they pick it up, decide it or record a check.
    for name in ("frontdoor:triage-pick-up", "frontdoor:triage-decide", "frontdoor:triage-check"):
        assert client.post(reverse(name, args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == Request.Status.SUBMITTED


def test_the_requester_reads_their_request_but_cannot_triage_it(client):
    request = RequestFactory(submitted=True)
    sign_in(client, request.created_by)
    page = text(client.get(page_of(request)))
    assert f"Request {request.reference}" in page
    assert "Pick up this request" not in page
    assert "Possible duplicate records" not in page


def test_picking_up_shows_it_as_yours_and_tells_the_next_officer_who_took_it(client):
    request = RequestFactory(submitted=True)
    first = front_door_officer(full_name="Priya Shah")
    sign_in(client, first)
    response = client.post(reverse("frontdoor:triage-pick-up", args=[request.pk]), follow=True)
    page = text(response)
    assert f"You picked up {request.reference}" in page
    assert "You picked up this request." in page
    assert "Make a decision" in page

    sign_in(client, front_door_officer())
    page = text(client.get(page_of(request)))
    assert "Priya Shah picked up this request at" in page
    assert "Make a decision" not in page
    response = client.post(reverse("frontdoor:triage-pick-up", args=[request.pk]), follow=True)
    assert "Priya Shah picked up this request at" in text(response)
    request.refresh_from_db()
    assert request.picked_up_by == first


def test_releasing_puts_it_back_in_the_queue(client):
    officer = front_door_officer()
    request = triage.request_pick_up(actor=officer, request=RequestFactory(submitted=True))
    sign_in(client, officer)
    response = client.post(reverse("frontdoor:triage-release", args=[request.pk]), follow=True)
    assert "It is back in the queue for anyone to pick up." in text(response)
    assert "Pick up this request" in text(response)


def test_previous_involvement_and_re_referrals_show(client):
    child = PersonFactory()
    earlier = DecisionFactory(request__children=[child]).request
    request = RequestFactory(submitted=True, children=[child], is_re_referral=True)
    sign_in(client, front_door_officer())
    page = text(client.get(page_of(request)))
    assert "Re-referral" in page
    assert earlier.reference in page
    assert "No further action on" in page


def test_possible_duplicates_are_shown_with_the_reason(client):
    child = PersonFactory(
        given_names="Ava", family_name="Tran", date_of_birth=datetime.date(2017, 3, 1)
    )
    PersonFactory(given_names="Ava", family_name="Tran", date_of_birth=datetime.date(2017, 3, 1))
    request = RequestFactory(submitted=True, children=[child])
    sign_in(client, front_door_officer())
    page = text(client.get(page_of(request)))
    assert "For Ava Tran:" in page
    assert "same date of birth" in page


def test_a_check_with_a_partner_is_recorded(client):
    request = RequestFactory(submitted=True)
    sign_in(client, front_door_officer())
    url = reverse("frontdoor:triage-check", args=[request.pk])
    response = client.post(url, {"partner": "Police", "outcome": ""})
    assert response.status_code == 400
    page = text(response)
    assert page.startswith("Error: Record a check with a partner")
    assert "There is a problem Enter what the partner told you" in page
    assert not PartnerCheck.objects.exists()
    response = client.post(url, {"partner": "Police", "outcome": "No call-outs."}, follow=True)
    assert "Check with Police recorded." in text(response)
    assert "Police" in text(response)


# Linking a self-referral to its family -------------------------------------------------------


def link(client, request, **answers):
    data = {
        "given_names": "Ava",
        "family_name": "Tran",
        "date_of_birth": "1 3 2017",
        "postcode": "WX1 1AA",
        **answers,
    }
    return client.post(reverse("frontdoor:triage-link-family", args=[request.pk]), data)


@pytest.fixture
def postcode():
    from familyhelp.core.models import Postcode

    return Postcode.objects.get_or_create(
        postcode="WX1 1AA", defaults={"outward_code": "WX1", "latitude": 51.0, "longitude": -2.0}
    )[0]


def test_a_self_referral_becomes_a_new_family_with_its_consent(client, postcode):
    request = SelfReferralFactory(consent_given=True, contact_by_text=True)
    officer = front_door_officer()
    sign_in(client, officer)
    response = link(client, request)
    assert "None of these: add the child as a new family" in text(response)
    response = link(client, request, choice="new")
    assert response.status_code == 302, text(response)
    request.refresh_from_db()
    assert request.family.name == "The Tran family"
    (child,) = request.people.all()
    assert child.full_name == "Ava Tran"
    assert request.youngest_child_born_on == datetime.date(2017, 3, 1)
    consents = Consent.objects.filter(family=request.family)
    assert sorted(consents.values_list("scope", flat=True)) == ["assessment", "contact_by_text"]
    assert {c.method for c in consents} == {"online"}
    assert {c.given_by_name for c in consents} == {"Sam Example"}


def test_a_self_referral_joins_the_family_of_a_record_the_check_found(client, postcode):
    known = PersonFactory(
        given_names="Ava", family_name="Tran", date_of_birth=datetime.date(2017, 3, 1)
    )
    family = FamilyFactory(people=[known])
    DecisionFactory(request__family=family, request__children=[known])
    request = SelfReferralFactory()
    sign_in(client, front_door_officer())
    response = link(client, request)
    assert "same date of birth" in text(response)
    response = link(client, request, choice=str(known.pk))
    assert response.status_code == 302, text(response)
    request.refresh_from_db()
    assert request.family == family
    assert list(request.people.all()) == [known]
    assert request.is_re_referral  # a decision about Ava in the last 12 months
    assert FamilyMember.objects.filter(family=family).count() == 1


def test_linking_needs_the_childs_name(client):
    request = SelfReferralFactory()
    sign_in(client, front_door_officer())
    response = link(client, request, given_names="")
    assert response.status_code == 400
    assert "Enter the child’s first names" in text(response)
    request.refresh_from_db()
    assert request.family is None


def test_the_decision_history_shows_on_the_page(client):
    decision = DecisionFactory(request__status=Request.Status.AWAITING_APPROVAL)
    Decision.objects.filter(pk=decision.pk).update(approval=Decision.Approval.AWAITING)
    sign_in(client, front_door_officer())
    page = text(client.get(page_of(decision.request)))
    assert "Decisions No further action" in page
    assert "Waiting for a manager" in page
