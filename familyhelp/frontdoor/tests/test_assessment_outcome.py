"""The requester reads what the front door decided on their request's page, while the family
shares with their agency; never the officer's rationale."""

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory
from familyhelp.families.models import Consent
from familyhelp.families.tests.factories import ConsentFactory
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

RATIONALE = "Police checks show two call-outs this year; the school's concerns are corroborated."


def _page(client, decision):
    request = decision.request
    sign_in(client, request.created_by)
    response = client.get(reverse("frontdoor:request", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_requester_reads_the_outcome_and_what_happens_next(client):
    team = TeamFactory(name="Family Help North")
    decision = DecisionFactory(
        kind=Decision.Kind.FAMILY_HELP, team=team, rationale=RATIONALE, no_further_action_reason=""
    )
    page = _page(client, decision)
    assert "What the front door decided" in page
    assert "Family Help from Family Help North" in page
    assert RATIONALE not in page


def test_no_further_action_says_why(client):
    decision = DecisionFactory(
        no_further_action_reason=Decision.NoFurtherActionReason.BELOW_THRESHOLD
    )
    assert "Needs can be met by universal services" in _page(client, decision)


def test_once_the_family_stops_sharing_with_their_agency_the_outcome_is_not_shown(client):
    decision = DecisionFactory(kind=Decision.Kind.NO_FURTHER_ACTION)
    request = decision.request
    consent = ConsentFactory(
        family=request.family, scope=Consent.Scope.SHARING, agencies=[request.created_by.agency]
    )
    consent.withdrawn_at = timezone.now()
    consent.save()
    page = _page(client, decision)
    assert request.reference in page  # still their own request
    assert "What the front door decided" not in page


def test_a_returned_decision_is_not_the_outcome(client):
    decision = DecisionFactory(approval=Decision.Approval.RETURNED)
    assert "What the front door decided" not in _page(client, decision)
