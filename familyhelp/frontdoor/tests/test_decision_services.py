"""Picking up, deciding and approving requests: the services (familyhelp/frontdoor/services/)."""

import pytest

from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.tests.factories import ServiceFactory
from familyhelp.frontdoor.models import Decision, PartnerCheck, Request
from familyhelp.frontdoor.services import decisions, triage
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.services.triage import TriageError
from familyhelp.frontdoor.tests.factories import (
    RequestFactory,
    SelfReferralFactory,
    front_door_manager,
    front_door_officer,
    level,
)

pytestmark = pytest.mark.django_db

RATIONALE = "Needs across school and home; a lead professional can bring the help together."


def refusals(request):
    return AuditEvent.objects.filter(
        record_type="frontdoor.request", record_id=str(request.pk), values__refused=True
    )


def picked_up(officer=None, **kwargs):
    officer = officer or front_door_officer()
    request = RequestFactory(submitted=True, **kwargs)
    return officer, triage.request_pick_up(actor=officer, request=request)


def decide(officer, request, **answers):
    answers = {
        "kind": Decision.Kind.NO_FURTHER_ACTION,
        "level": level(1),
        "rationale": RATIONALE,
        "no_further_action_reason": Decision.NoFurtherActionReason.NEEDS_MET,
        **answers,
    }
    return decisions.request_decide(actor=officer, request=request, **answers)


# Picking up ----------------------------------------------------------------------------------


def test_picking_up_makes_the_request_the_officers():
    officer, request = picked_up()
    assert request.status == Request.Status.IN_TRIAGE
    assert request.picked_up_by == officer
    assert AuditEvent.objects.filter(
        record_id=str(request.pk), values__step="pick_up", actor=officer
    ).exists()


def test_a_second_officer_is_told_who_took_it_and_when():
    first, request = picked_up(front_door_officer(full_name="Priya Shah"))
    second = front_door_officer()
    with pytest.raises(TriageError) as refused:
        triage.request_pick_up(actor=second, request=request)
    assert str(refused.value).startswith("Priya Shah picked up this request at ")
    request.refresh_from_db()
    assert request.picked_up_by == first


def test_releasing_puts_it_back_and_only_the_holder_can():
    officer, request = picked_up()
    with pytest.raises(TriageError, match=triage.NOT_YOURS_TO_RELEASE):
        triage.request_release(actor=front_door_officer(), request=request)
    released = triage.request_release(actor=officer, request=request)
    assert released.status == Request.Status.SUBMITTED
    assert released.picked_up_by is None


def test_someone_outside_the_front_door_cannot_pick_up_and_is_audited():
    request = RequestFactory(submitted=True)
    outsider = UserFactory(roles=["practitioner"])
    with pytest.raises(TriageError, match=triage.NOT_FRONT_DOOR):
        triage.request_pick_up(actor=outsider, request=request)
    request.refresh_from_db()
    assert request.status == Request.Status.SUBMITTED
    assert refusals(request).filter(actor=outsider).exists()


def test_partner_checks_are_recorded_and_need_both_answers():
    officer, request = picked_up()
    with pytest.raises(TriageError, match=triage.OUTCOME_REQUIRED):
        triage.partner_check_record(actor=officer, request=request, partner="Police", outcome=" ")
    triage.partner_check_record(
        actor=officer, request=request, partner="Police", outcome="No call-outs in a year."
    )
    assert list(PartnerCheck.objects.values_list("partner", flat=True)) == ["Police"]


# Deciding ------------------------------------------------------------------------------------


def test_no_further_action_decides_the_request_with_its_reason(django_capture_on_commit_callbacks):
    officer, request = picked_up()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(officer, request)
    request.refresh_from_db()
    assert request.status == Request.Status.DECIDED
    assert decision.no_further_action_reason == "needs_met"
    assert decision.in_effect
    (email,) = outbox(template="request_decided")
    assert email.to == request.created_by.email
    assert email.personalisation["reference"] == request.reference
    # Nothing sensitive: a reference and a link only.
    assert set(email.personalisation) == {"reference", "link"}


def test_family_help_allocates_to_a_team():
    officer, request = picked_up()
    team = TeamFactory(name="Family Help North")
    decision = decide(officer, request, kind=Decision.Kind.FAMILY_HELP, level=level(3), team=team)
    assert decision.team == team
    with pytest.raises(TriageError, match=decisions.TEAM_REQUIRED):
        _, other = picked_up(officer)
        decide(officer, other, kind=Decision.Kind.FAMILY_HELP, level=level(3))


def test_step_up_records_when_the_referral_was_made():
    officer, request = picked_up()
    decision = decide(officer, request, kind=Decision.Kind.SOCIAL_CARE, level=level(4))
    assert decision.referred_to_social_care_at is not None


def test_advice_sends_the_chosen_services_by_a_link(django_capture_on_commit_callbacks):
    officer, request = picked_up()
    service = ServiceFactory(name="Positive Parenting")
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(officer, request, kind=Decision.Kind.ADVICE, services=[service])
    assert list(decision.services.all()) == [service]
    (email,) = outbox(template="services_signposted")
    token = email.personalisation["link"].rstrip("/").rsplit("/", 1)[-1]
    assert decisions.signposting_decision_id(token) == decision.pk
    assert decisions.signposting_decision_id(token + "x") is None


def test_advice_needs_a_service():
    officer, request = picked_up()
    with pytest.raises(TriageError, match=decisions.SERVICES_REQUIRED):
        decide(officer, request, kind=Decision.Kind.ADVICE)


def test_a_decision_without_a_rationale_changes_nothing():
    officer, request = picked_up()
    with pytest.raises(TriageError, match=decisions.RATIONALE_REQUIRED):
        decide(officer, request, rationale="   ")
    request.refresh_from_db()
    assert request.status == Request.Status.IN_TRIAGE
    assert not Decision.objects.exists()


def test_deciding_a_request_someone_else_picked_up_is_refused_and_audited():
    holder, request = picked_up(front_door_officer(full_name="Priya Shah"))
    other = front_door_officer()
    with pytest.raises(TriageError) as refused:
        decide(other, request)
    assert str(refused.value) == decisions.HELD_BY.format(who="Priya Shah")
    assert not Decision.objects.exists()
    assert refusals(request).filter(actor=other, values__step="decide").exists()


def test_deciding_a_request_nobody_picked_up_asks_to_pick_it_up():
    request = RequestFactory(submitted=True)
    with pytest.raises(TriageError, match=decisions.NOT_PICKED_UP):
        decide(front_door_officer(), request)


def test_deciding_twice_is_refused():
    officer, request = picked_up()
    waiting = front_door_settings()
    waiting.decisions_needing_approval = ["advice"]
    waiting.save()
    # Decided already (the page the officer had open is out of date).
    stale = Request.objects.get(pk=request.pk)
    decide(officer, request)
    with pytest.raises(TriageError, match=decisions.ALREADY_DECIDED):
        decide(officer, stale)
    assert Decision.objects.count() == 1


# Approval ------------------------------------------------------------------------------------


@pytest.fixture
def family_help_needs_approval():
    settings = front_door_settings()
    settings.decisions_needing_approval = [Decision.Kind.FAMILY_HELP]
    settings.save()


def family_help(officer, request):
    return decide(
        officer, request, kind=Decision.Kind.FAMILY_HELP, level=level(3), team=TeamFactory()
    )


def test_a_decision_needing_approval_waits_and_tells_nobody(
    family_help_needs_approval, django_capture_on_commit_callbacks
):
    officer, request = picked_up()
    with django_capture_on_commit_callbacks(execute=True):
        decision = family_help(officer, request)
    request.refresh_from_db()
    assert request.status == Request.Status.AWAITING_APPROVAL
    assert decision.approval == Decision.Approval.AWAITING
    assert outbox() == []


def test_a_manager_approves_and_then_the_requester_is_told(
    family_help_needs_approval, django_capture_on_commit_callbacks
):
    officer, request = picked_up()
    family_help(officer, request)
    manager = front_door_manager()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decisions.decision_approve(actor=manager, request=request)
    request.refresh_from_db()
    assert request.status == Request.Status.DECIDED
    assert decision.approval == Decision.Approval.APPROVED
    assert decision.approved_by == manager
    assert len(outbox(template="request_decided")) == 1


def test_a_returned_decision_goes_back_to_the_officer(family_help_needs_approval):
    officer, request = picked_up()
    family_help(officer, request)
    manager = front_door_manager()
    with pytest.raises(TriageError, match=decisions.NOTE_REQUIRED):
        decisions.decision_return(actor=manager, request=request, note="")
    decision = decisions.decision_return(
        actor=manager, request=request, note="Check with the school first."
    )
    request.refresh_from_db()
    assert decision.approval == Decision.Approval.RETURNED
    assert request.status == Request.Status.IN_TRIAGE
    assert request.picked_up_by == officer
    # The officer decides again: the returned decision stays in the history.
    decide(officer, request)
    assert Decision.objects.filter(request=request).count() == 2


def test_an_officer_cannot_approve(family_help_needs_approval):
    officer, request = picked_up()
    family_help(officer, request)
    with pytest.raises(TriageError, match=decisions.NOT_A_MANAGER):
        decisions.decision_approve(actor=front_door_officer(), request=request)
    assert refusals(request).filter(values__step="approve").exists()


# Telling a self-referring family ---------------------------------------------------------------


def self_referral_picked_up(**contact):
    officer = front_door_officer()
    request = SelfReferralFactory(**contact)
    return officer, triage.request_pick_up(actor=officer, request=request)


def test_a_self_referring_family_is_emailed_when_they_gave_an_address(
    django_capture_on_commit_callbacks,
):
    officer, request = self_referral_picked_up(contact_email="sam@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        decide(officer, request)
    (email,) = outbox(template="self_referral_decided")
    assert email.to == "sam@example.com"
    assert email.personalisation == {"reference": request.reference}


def test_a_family_is_texted_only_if_they_agreed(django_capture_on_commit_callbacks):
    officer, request = self_referral_picked_up(contact_by_text=False)
    with django_capture_on_commit_callbacks(execute=True):
        decide(officer, request)
    assert outbox() == []
    officer, request = self_referral_picked_up(contact_by_text=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(officer, request)
    (text,) = outbox(template="self_referral_decided_sms")
    assert text.to == "07700900982"
