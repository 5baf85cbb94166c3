"""The decision page, the approvals pages and the public page of signposted services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.tests.factories import ServiceFactory
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services import decisions, triage
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.tests.factories import (
    RequestFactory,
    front_door_manager,
    front_door_officer,
    level,
)
from familyhelp.frontdoor.tests.pages import text

pytestmark = pytest.mark.django_db

RATIONALE = "School and family agree the needs are met by the support already in place."


@pytest.fixture
def officer():
    return front_door_officer(full_name="Priya Shah")


@pytest.fixture
def request_in_triage(officer):
    child = PersonFactory(given_names="Ava", family_name="Tran")
    return triage.request_pick_up(
        actor=officer, request=RequestFactory(submitted=True, children=[child])
    )


def decide_url(request):
    return reverse("frontdoor:triage-decide", args=[request.pk])


def answers(**changes):
    return {
        "kind": "no_further_action",
        "level": str(level(1).pk),
        "rationale": RATIONALE,
        "no_further_action_reason": "needs_met",
        **changes,
    }


def test_the_decision_page_shows_the_threshold_guidance_beside_the_form(
    client, officer, request_in_triage
):
    sign_in(client, officer)
    page = text(client.get(decide_url(request_in_triage)))
    assert "Threshold guidance" in page
    for heading in ("Level 1: Universal", "Level 2: Early help", "Level 3: Targeted and complex"):
        assert heading in page
    assert "A child has suffered, or is likely to suffer, significant harm" in page


def test_advice_chooses_services_found_by_a_directory_search(
    client, officer, request_in_triage, django_capture_on_commit_callbacks
):
    wanted = ServiceFactory(name="Positive Parenting Course")
    ServiceFactory(name="Swimming for toddlers")
    sign_in(client, officer)
    page = text(client.get(decide_url(request_in_triage), {"q": "parenting"}))
    assert "Positive Parenting Course" in page
    assert "Swimming for toddlers" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(request_in_triage),
            answers(
                kind="advice", level=str(level(2).pk), services=[str(wanted.pk)], q="parenting"
            ),
            follow=True,
        )
    assert f"Decision recorded for {request_in_triage.reference}: Advice and signposting" in text(
        response
    )
    decision = Decision.objects.get()
    assert list(decision.services.all()) == [wanted]
    # The requester's link opens a public page of the services, with nothing about the family.
    (email,) = outbox(template="services_signposted")
    client.logout()
    public = client.get(email.personalisation["link"].replace("http://testserver", ""))
    assert public.status_code == 200
    page = text(public)
    assert "Positive Parenting Course" in page
    assert "Tran" not in page
    assert request_in_triage.reference not in page
    assert client.get(reverse("frontdoor:signposted-services", args=["forged"])).status_code == 404


def test_a_search_that_finds_nothing_says_so(client, officer, request_in_triage):
    sign_in(client, officer)
    page = text(client.get(decide_url(request_in_triage), {"q": "zzzz"}))
    assert "No services match “zzzz”" in page


def test_family_help_waits_for_allocation_in_the_team(client, officer, request_in_triage):
    team = TeamFactory(name="Family Help North")
    sign_in(client, officer)
    response = client.post(
        decide_url(request_in_triage),
        answers(kind="family_help", level=str(level(3).pk), team=str(team.pk)),
    )
    assert response.status_code == 302
    assert response.url == reverse("frontdoor:queue")
    sign_in(client, request_in_triage.created_by)
    page = text(client.get(reverse("frontdoor:triage", args=[request_in_triage.pk])))
    assert "Waiting for allocation in Family Help North" in page


def test_step_up_records_the_referral(client, officer, request_in_triage):
    sign_in(client, officer)
    client.post(decide_url(request_in_triage), answers(kind="social_care", level=str(level(4).pk)))
    decision = Decision.objects.get()
    assert decision.referred_to_social_care_at is not None
    sign_in(client, request_in_triage.created_by)
    page = text(client.get(reverse("frontdoor:triage", args=[request_in_triage.pk])))
    assert "Referred to children’s social care, with the assessment attached" in page


def test_a_decision_without_a_rationale_shows_an_error_and_changes_nothing(
    client, officer, request_in_triage
):
    sign_in(client, officer)
    response = client.post(decide_url(request_in_triage), answers(rationale=""))
    assert response.status_code == 400
    page = text(response)
    assert page.startswith("Error: Decide request")
    assert f"There is a problem {decisions.RATIONALE_REQUIRED}" in page
    assert not Decision.objects.exists()


def test_no_further_action_needs_its_reason(client, officer, request_in_triage):
    sign_in(client, officer)
    response = client.post(decide_url(request_in_triage), answers(no_further_action_reason=""))
    assert response.status_code == 400
    assert decisions.REASON_REQUIRED in text(response)
    assert not Decision.objects.exists()


def test_another_officer_is_told_who_has_it_and_the_attempt_is_audited(client, request_in_triage):
    other = front_door_officer()
    sign_in(client, other)
    page = text(client.get(decide_url(request_in_triage)))
    assert "Priya Shah picked up this request, so only they can decide it." in page
    assert "Record decision" not in page
    response = client.post(decide_url(request_in_triage), answers())
    assert response.status_code == 409
    assert "Priya Shah picked up this request, so only they can decide it." in text(response)
    assert not Decision.objects.exists()
    assert AuditEvent.objects.filter(
        actor=other, record_id=str(request_in_triage.pk), values__refused=True
    ).exists()


def test_deciding_a_request_already_decided_says_so(client, officer, request_in_triage):
    sign_in(client, officer)
    client.post(decide_url(request_in_triage), answers())
    response = client.post(decide_url(request_in_triage), answers(rationale="Second try."))
    assert response.status_code == 409
    assert "This request has already been decided" in text(response)
    assert Decision.objects.count() == 1
    # Someone outside the front door learns nothing: a 404.
    sign_in(client, UserFactory(roles=["practitioner"]))
    assert client.post(decide_url(request_in_triage), answers()).status_code == 404


# Approval -----------------------------------------------------------------------------------


@pytest.fixture
def step_up_needs_approval():
    settings = front_door_settings()
    settings.decisions_needing_approval = ["social_care"]
    settings.save()


def test_a_manager_approves_a_step_up(
    client, officer, request_in_triage, step_up_needs_approval, django_capture_on_commit_callbacks
):
    sign_in(client, officer)
    response = client.post(
        decide_url(request_in_triage),
        answers(kind="social_care", level=str(level(4).pk)),
        follow=True,
    )
    assert "sent to a manager for approval" in text(response)
    manager = front_door_manager()
    sign_in(client, manager)
    page = text(client.get(reverse("frontdoor:approvals")))
    assert request_in_triage.reference in page
    assert "Step up to children’s social care" in page
    url = reverse("frontdoor:approval", args=[request_in_triage.pk])
    response = client.post(url, {"outcome": ""})
    assert response.status_code == 400
    assert "Select whether to approve the decision" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"outcome": "approve"}, follow=True)
    assert "approved. The requester and family have been told." in text(response)
    request_in_triage.refresh_from_db()
    assert request_in_triage.status == Request.Status.DECIDED
    assert len(outbox(template="request_decided")) == 1


def test_a_manager_returns_a_decision_to_the_officer(
    client, officer, request_in_triage, step_up_needs_approval
):
    sign_in(client, officer)
    client.post(decide_url(request_in_triage), answers(kind="social_care", level=str(level(4).pk)))
    sign_in(client, front_door_manager())
    url = reverse("frontdoor:approval", args=[request_in_triage.pk])
    response = client.post(url, {"outcome": "return", "note": ""})
    assert response.status_code == 400
    assert decisions.NOTE_REQUIRED in text(response)
    response = client.post(
        url, {"outcome": "return", "note": "Check with the school."}, follow=True
    )
    assert "returned to Priya Shah" in text(response)
    sign_in(client, officer)
    page = text(client.get(reverse("frontdoor:triage", args=[request_in_triage.pk])))
    assert "A manager returned your decision: Check with the school." in page
    assert "Make a decision" in page


def test_an_officer_cannot_open_the_approval_page(
    client, officer, request_in_triage, step_up_needs_approval
):
    sign_in(client, officer)
    client.post(decide_url(request_in_triage), answers(kind="social_care", level=str(level(4).pk)))
    response = client.get(reverse("frontdoor:approval", args=[request_in_triage.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=officer, record_id=str(request_in_triage.pk), values__refused=True
    ).exists()


def _awaiting_approval(count):
    for _ in range(count):
        officer = front_door_officer()
        request = triage.request_pick_up(actor=officer, request=RequestFactory(submitted=True))
        decisions.request_decide(
            actor=officer,
            request=request,
            kind="social_care",
            level=level(4),
            rationale=RATIONALE,
        )


def test_the_approvals_list_costs_the_same_queries_whatever_its_length(
    client, step_up_needs_approval
):
    sign_in(client, front_door_manager())
    counts = []
    for more in (1, 6):
        _awaiting_approval(more)
        client.get(reverse("frontdoor:approvals"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("frontdoor:approvals"))
        counts.append(len(queries))
    assert text(response).count("Step up to children’s social care") == 7
    assert counts[0] == counts[1]
