"""The practitioners' API for requests for support (/api/frontdoor/)."""

import datetime

import pytest
from django.utils import timezone

from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.families.models import Consent
from familyhelp.families.tests.factories import ConsentFactory
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.tests.factories import (
    DecisionFactory,
    RequestFactory,
    front_door_officer,
)

pytestmark = pytest.mark.django_db

LIST = "/api/frontdoor/requests/"


def _references(response):
    return {row["reference"] for row in response.json()["results"]}


def test_signed_out_is_refused(client):
    RequestFactory(submitted=True)
    assert client.get(LIST).status_code == 403


def test_a_practitioner_lists_only_their_own_requests(client):
    mine = RequestFactory(submitted=True)
    RequestFactory(submitted=True)
    response = sign_in(client, mine.created_by).get(LIST)
    assert response.status_code == 200
    assert _references(response) == {mine.reference}


def test_front_door_officers_list_open_requests_not_drafts(client):
    open_request = RequestFactory(submitted=True)
    RequestFactory()  # someone's draft
    response = sign_in(client, front_door_officer()).get(LIST)
    assert _references(response) == {open_request.reference}


def test_status_filter_and_a_bad_status_names_the_parameter(client):
    officer = front_door_officer()
    waiting = RequestFactory(submitted=True)
    RequestFactory(submitted=True, status=Request.Status.AWAITING_APPROVAL, picked_up_by=officer)
    sign_in(client, officer)
    assert _references(client.get(LIST, {"status": "submitted"})) == {waiting.reference}
    response = client.get(LIST, {"status": "lost"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "status"


def test_the_list_costs_the_same_queries_for_one_request_or_many(
    client, django_assert_max_num_queries
):
    officer = front_door_officer()
    sign_in(client, officer)
    RequestFactory(submitted=True)
    with django_assert_max_num_queries(30) as one:
        client.get(LIST)
    for _ in range(10):
        RequestFactory(submitted=True)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(LIST)
    assert len(response.json()["results"]) == 11


def test_every_listed_request_is_an_audited_read(client):
    first, second = RequestFactory(submitted=True), RequestFactory(submitted=True)
    officer = front_door_officer()
    sign_in(client, officer).get(LIST)
    viewed = AuditEvent.objects.filter(
        actor=officer, action="view", record_type="frontdoor.request"
    )
    assert set(viewed.values_list("record_id", flat=True)) == {str(first.pk), str(second.pk)}


def test_another_practitioners_request_is_a_404_and_the_attempt_is_audited(client):
    request = RequestFactory(submitted=True)
    stranger = UserFactory(roles=["practitioner"])
    response = sign_in(client, stranger).get(f"{LIST}{request.pk}/")
    assert response.status_code == 404
    assert response.json()["errors"] == [{"message": "No record was found with that id."}]
    refused = AuditEvent.objects.get(actor=stranger, record_id=str(request.pk))
    assert refused.values["refused"] is True


def test_the_requester_sees_the_decision_until_the_family_withdraws_sharing(client):
    decision = DecisionFactory(kind=Decision.Kind.NO_FURTHER_ACTION)
    request = decision.request
    requester = request.created_by
    sign_in(client, requester)
    body = client.get(f"{LIST}{request.pk}/").json()
    assert body["status"] == "decided"
    assert body["decision"]["kind"] == "no_further_action"

    consent = ConsentFactory(
        family=request.family, scope=Consent.Scope.SHARING, agencies=[requester.agency]
    )
    consent.withdrawn_at = timezone.now()
    consent.save()
    body = client.get(f"{LIST}{request.pk}/").json()
    assert body["reference"] == request.reference  # still their own request
    assert body["decision"] is None


def test_the_endpoints_are_in_the_openapi_document(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/frontdoor/requests/" in schema
    assert "/api/frontdoor/requests/{id}/" in schema


def test_a_request_opened_by_break_glass_is_flagged_in_the_audit_of_the_list(client):
    request = RequestFactory(submitted=True)
    manager = UserFactory(roles=["team-manager"])
    access = BreakGlassAccess.objects.create(
        user=manager,
        record_type="frontdoor.request",
        record_id=str(request.pk),
        reason="The family's social worker is away and the school called at 5pm.",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    response = sign_in(client, manager).get(LIST)
    assert _references(response) == {request.reference}
    event = AuditEvent.objects.get(actor=manager, record_id=str(request.pk))
    assert event.values == {"break_glass": True, "break_glass_access": str(access.pk)}
