"""The demo county's families and front door: requests in every state, figures worth reading,
the invariants the services keep, and the same scene from the same seed."""

import datetime

import pytest
import time_machine
from django.db.models import Count
from django.test import TestCase

from familyhelp.accounts.models import User
from familyhelp.core.models import Postcode
from familyhelp.demo import frontdoor as scene
from familyhelp.demo.services import demo_load
from familyhelp.families.matching import name_key
from familyhelp.families.models import Consent, Family, Person, PersonRelationship
from familyhelp.families.validators import clean_nhs_number, clean_unique_pupil_number
from familyhelp.frontdoor import selectors_figures
from familyhelp.frontdoor.models import Decision, FrontDoorSettings, Request, RequestPerson
from familyhelp.frontdoor.services.common import decision_due_on, is_re_referral

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)
NOW = datetime.datetime(2026, 3, 3, 16, tzinfo=datetime.UTC)


@pytest.fixture
def county():
    with (
        time_machine.travel(NOW, tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        demo_load(today=TODAY, services=60)
        yield


def _snapshot():
    return (
        list(
            Request.objects.order_by("reference").values_list(
                "reference", "kind", "status", "submitted_at", "is_re_referral", "family__name"
            )
        ),
        list(
            Person.objects.filter(memberships__family__reference__startswith="F-WV-")
            .order_by("family_name", "given_names", "date_of_birth", "postcode")
            .values_list("given_names", "family_name", "date_of_birth", "postcode", "nhs_number")
        ),
        list(
            Decision.objects.order_by("request__reference", "decided_at").values_list(
                "request__reference", "kind", "approval", "decided_at"
            )
        ),
    )


def test_requests_are_in_every_state_with_every_kind_of_decision(county):
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses == set(Request.Status.values)
    in_force = Decision.objects.filter(approval__in=selectors_figures.IN_FORCE)
    assert set(in_force.values_list("kind", flat=True)) == set(Decision.Kind.values)
    assert Decision.objects.filter(approval=Decision.Approval.AWAITING).exists()
    assert Decision.objects.filter(approval=Decision.Approval.RETURNED).exists()
    assert Family.objects.filter(reference__startswith=scene.FAMILY_PREFIX).count() >= 300


def test_the_demo_practitioner_has_drafts_and_the_officer_has_requests_picked_up(county):
    drafts = Request.objects.filter(status=Request.Status.DRAFT)
    assert set(drafts.values_list("created_by__email", flat=True)) == {scene.PRACTITIONER_EMAIL}
    assert drafts.count() == scene.DRAFTS
    picked = Request.objects.filter(status=Request.Status.IN_TRIAGE)
    assert picked.exists()
    assert set(picked.values_list("picked_up_by__email", flat=True)) == {scene.OFFICER_EMAIL}


def test_some_requests_are_overdue_re_referrals_or_self_referrals(county):
    open_requests = Request.objects.filter(status__in=Request.OPEN_STATUSES)
    assert open_requests.filter(decision_due_on__lt=TODAY).exists()
    assert open_requests.filter(decision_due_on__gte=TODAY).exists()
    assert Request.objects.filter(is_re_referral=True).exists()
    self_referrals = Request.objects.filter(kind=Request.Kind.SELF_REFERRAL)
    assert self_referrals.filter(family__isnull=True).exists()  # not linked yet
    assert self_referrals.filter(family__isnull=False).exists()


def test_the_front_door_settings_name_the_team_and_approval_of_step_ups(county):
    settings = FrontDoorSettings.objects.get(pk=1)
    assert settings.team.name == "Front Door"
    assert settings.team.agency.name == "Wessex Vale Council"
    assert settings.decisions_needing_approval == [Decision.Kind.SOCIAL_CARE]
    awaiting = Decision.objects.filter(approval=Decision.Approval.AWAITING)
    assert set(awaiting.values_list("kind", flat=True)) == {Decision.Kind.SOCIAL_CARE}


def test_families_have_parents_with_responsibility_unborn_babies_and_consents(county):
    assert PersonRelationship.objects.filter(
        kind=PersonRelationship.Kind.PARENT, parental_responsibility=True
    ).exists()
    assert PersonRelationship.objects.filter(
        kind=PersonRelationship.Kind.STEP_PARENT, parental_responsibility=False
    ).exists()
    unborn = Person.objects.filter(expected_date__isnull=False)
    assert unborn.exists()
    assert RequestPerson.objects.filter(role=RequestPerson.Role.UNBORN).exists()
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert Consent.objects.filter(scope=Consent.Scope.SHARING, agencies__isnull=False).exists()


def test_the_records_keep_the_invariants_the_services_keep(county):
    postcodes = set(Postcode.objects.values_list("postcode", flat=True))
    for person in Person.objects.all():
        assert person.family_name_key == name_key(person.family_name)
        assert person.given_name_key == name_key(person.given_names)
        assert person.postcode in postcodes
        assert person.nhs_number.startswith("999")
        assert clean_nhs_number(person.nhs_number) == person.nhs_number
        if person.unique_pupil_number:
            assert clean_unique_pupil_number(person.unique_pupil_number)
    for request in Request.objects.exclude(status=Request.Status.DRAFT):
        assert request.decision_due_on == decision_due_on(request.submitted_at, 1)
        assert request.is_re_referral == is_re_referral(request, at=request.submitted_at)
        assert request.postcode == "" or request.postcode in postcodes
    # One decision in force (or waiting for a manager) per request, as the constraint says.
    counted = (
        Decision.objects.exclude(approval=Decision.Approval.RETURNED)
        .values("request")
        .annotate(n=Count("pk"))
    )
    assert {row["n"] for row in counted} == {1}
    decided = Request.objects.filter(status=Request.Status.DECIDED)
    assert not decided.exclude(decisions__approval__in=selectors_figures.IN_FORCE).exists()
    # Assessments that were sent have the family's consent to the assessment.
    sent = Request.objects.filter(kind=Request.Kind.ASSESSMENT).exclude(status="draft")
    assert not sent.exclude(family__consents__scope=Consent.Scope.ASSESSMENT).exists()


def test_the_managers_figures_have_something_in_every_part(county):
    manager = User.objects.get(email=scene.MANAGER_EMAIL)
    period = selectors_figures.Period(TODAY - datetime.timedelta(weeks=26), TODAY)
    with time_machine.travel(NOW, tick=False):
        figures = selectors_figures.figures_get(actor=manager, period=period, on=TODAY)
    assert figures.submitted > 250
    assert sum(1 for week in figures.by_week if week.requests) >= 20
    sources = {source.source for source in figures.by_source}
    assert selectors_figures.SELF_REFERRAL_SOURCE in sources
    assert len(sources) >= 5
    assert all(kind.decisions for kind in figures.by_kind)
    assert 0 < figures.time_to_decision.within_due < figures.time_to_decision.decisions
    assert figures.time_to_decision.median_hours is not None
    assert 0 < figures.conversion.family_help < figures.conversion.assessments
    assert 0 < figures.re_referrals.re_referrals < figures.re_referrals.requests
    assert figures.open_requests >= 20
    assert 0 < figures.open_overdue < figures.open_requests


def test_the_same_seed_gives_the_same_scene_and_loading_again_replaces_it(county):
    first = _snapshot()
    with time_machine.travel(NOW, tick=False):
        scene.demo_frontdoor_ensure(seed=2026, today=TODAY)
    assert _snapshot() == first
    with time_machine.travel(NOW, tick=False):
        scene.demo_frontdoor_ensure(seed=7, today=TODAY)
    assert _snapshot() != first
    assert Request.objects.filter(reference__startswith=scene.REQUEST_PREFIX).count() == len(
        _snapshot()[0]
    )


def test_loading_again_is_not_stopped_by_what_people_trying_the_demo_did(county):
    from familyhelp.families.models import PersonMerge
    from familyhelp.frontdoor.tests.factories import RequestFactory

    officer = User.objects.get(email=scene.OFFICER_EMAIL)
    kept, merged = Person.objects.filter(memberships__family__reference="F-WV-0001")[:2]
    PersonMerge.objects.create(kept=kept, merged=merged, reason="Same person", merged_by=officer)
    own = RequestFactory(children=[kept])
    with time_machine.travel(NOW, tick=False):
        scene.demo_frontdoor_ensure(seed=2026, today=TODAY)
    assert not PersonMerge.objects.exists()
    assert Request.objects.filter(pk=own.pk).exists()
    assert Family.objects.filter(reference="F-WV-0001").exists()
