"""The Early Support Assessment's services: each rule, as the practitioner would meet it."""

import datetime
import re

import pytest
from django.utils import timezone

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.core.tests.factories import PostcodeFactory
from familyhelp.families.models import Consent, Family, FamilyMember, Person, PersonRelationship
from familyhelp.families.services import consent_withdraw
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor import assessment
from familyhelp.frontdoor.models import Request, RequestPerson
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.tests.factories import level

pytestmark = pytest.mark.django_db

CHILD = {
    "given_names": "Sam",
    "family_name": "Smith",
    "date_of_birth": datetime.date(2016, 5, 4),
    "postcode": "WX1 1AA",
}
MUM = {"given_names": "Jo", "family_name": "Smith", "date_of_birth": datetime.date(1988, 2, 1)}
TEXT = {
    "reasons": "Attendance has dropped since September.",
    "development": {
        "development_strengths": "Loves reading.",
        "development_needs": "Anxious about school.",
    },
}


# Builders shared with the view tests ------------------------------------------------------


def practitioner_in(agency=None, **kwargs):
    if agency is not None:
        kwargs["agency"] = agency
    return UserFactory(roles=["practitioner"], **kwargs)


def postcodes():
    for code in ("WX1 1AA", "WX1 2AB"):
        PostcodeFactory(postcode=code)


def add_child(actor, draft, details=None):
    draft.refresh_from_db()
    return services.request_person_add(
        actor=actor,
        request=draft,
        revision=draft.revision,
        role=RequestPerson.Role.CHILD,
        details=details or dict(CHILD),
    )


def complete_all_but_consent(actor, draft):
    """Every section but consent, answered and marked complete, through the services."""
    add_child(actor, draft)
    for key, section in assessment.TEXT_SECTIONS.items():
        draft.refresh_from_db()
        services.request_section_save(
            actor=actor,
            request=draft,
            revision=draft.revision,
            section_key=key,
            completed=True,
            answers={name: f"{section.title}: {name}" for name in section.field_names},
        )
    for key, answers in (
        ("people", {}),
        ("relationships", {}),
        ("level", {"suggested_level": level(2)}),
    ):
        draft.refresh_from_db()
        services.request_section_save(
            actor=actor,
            request=draft,
            revision=draft.revision,
            section_key=key,
            completed=True,
            answers=answers,
        )
    draft.refresh_from_db()
    return draft


def record_consent(actor, draft, **kwargs):
    draft.refresh_from_db()
    values = {
        "given_by_name": "Jo Smith",
        "given_on": timezone.localdate(),
        "method": Consent.Method.VERBAL,
    }
    values.update(kwargs)
    return services.request_consent_record(
        actor=actor, request=draft, revision=draft.revision, **values
    )


def complete_draft(actor, draft=None):
    draft = draft or services.request_start(actor=actor)
    complete_all_but_consent(actor, draft)
    record_consent(actor, draft)
    draft.refresh_from_db()
    return draft


# Starting ---------------------------------------------------------------------------------


def test_a_practitioner_starts_a_draft_for_their_agency():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    assert draft.status == Request.Status.DRAFT
    assert draft.kind == Request.Kind.ASSESSMENT
    assert draft.created_by == practitioner
    assert draft.agency == practitioner.agency
    assert len(draft.reference) == 9
    assert AuditEvent.objects.filter(record_type="frontdoor.request", action="create").exists()


def test_someone_who_may_not_ask_for_support_cannot_start_one():
    with pytest.raises(services.AssessmentError, match=re.escape(services.NOT_ALLOWED_START)):
        services.request_start(actor=UserFactory(roles=["data-analyst"]))
    assert not Request.objects.exists()


# Saving sections ----------------------------------------------------------------------------


def test_a_section_is_saved_and_marked_complete():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    saved = services.request_section_save(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        section_key="development",
        completed=True,
        answers=TEXT["development"],
    )
    assert saved.development_needs == "Anxious about school."
    assert saved.sections_completed == ["development"]
    assert saved.revision == draft.revision + 1
    facts = services.assessment_facts(saved)
    assert assessment.section_status(assessment.DEVELOPMENT, saved, facts).value == "Completed"
    assert assessment.section_status(assessment.REASONS, saved, facts).value == "Not started"


def test_a_section_marked_complete_with_an_answer_missing_stays_in_progress():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    saved = services.request_section_save(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        section_key="development",
        completed=True,
        answers={"development_strengths": "Loves reading.", "development_needs": ""},
    )
    facts = services.assessment_facts(saved)
    assert assessment.section_status(assessment.DEVELOPMENT, saved, facts).value == "In progress"


def test_a_stale_save_is_refused_naming_who_saved_and_changes_nothing():
    author = practitioner_in(full_name="Alex Author")
    colleague = practitioner_in(author.agency, full_name="Chris Colleague")
    draft = services.request_start(actor=author)
    services.request_share(actor=author, request=draft, email=colleague.email)
    opened_at = draft.revision
    services.request_section_save(
        actor=colleague,
        request=draft,
        revision=opened_at,
        section_key="reasons",
        completed=False,
        answers={"reasons": "Chris's reasons"},
    )
    with pytest.raises(services.StaleRequest) as refused:
        services.request_section_save(
            actor=author,
            request=draft,
            revision=opened_at,
            section_key="reasons",
            completed=True,
            answers={"reasons": "Alex's reasons"},
        )
    assert refused.value.saved_by == "Chris Colleague"
    assert str(refused.value).startswith("Chris Colleague saved changes to this request at ")
    draft.refresh_from_db()
    assert draft.reasons == "Chris's reasons"
    assert draft.sections_completed == []


def test_an_unknown_section_or_answer_is_refused():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    with pytest.raises(services.AssessmentError, match="no section called 'nope'"):
        services.request_section_save(
            actor=practitioner, request=draft, revision=1, section_key="nope", completed=True
        )
    with pytest.raises(services.AssessmentError, match="no question called 'status'"):
        services.request_section_save(
            actor=practitioner,
            request=draft,
            revision=1,
            section_key="reasons",
            completed=True,
            answers={"status": "decided"},
        )


def test_nobody_else_may_save_and_the_attempt_is_audited():
    draft = services.request_start(actor=practitioner_in())
    for other in (practitioner_in(draft.agency), practitioner_in()):
        with pytest.raises(services.AssessmentError, match=re.escape(services.NOT_ALLOWED)):
            services.request_section_save(
                actor=other,
                request=draft,
                revision=draft.revision,
                section_key="reasons",
                completed=False,
                answers={"reasons": "Not mine"},
            )
        assert AuditEvent.objects.filter(actor=other, values__refused="permission").exists()
    draft.refresh_from_db()
    assert draft.reasons == ""


def test_a_sent_request_cannot_be_changed():
    practitioner = practitioner_in()
    postcodes()
    draft = complete_draft(practitioner)
    services.request_submit(
        actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
    )
    draft.refresh_from_db()
    with pytest.raises(services.AssessmentError, match=re.escape(services.NOT_A_DRAFT)):
        services.request_section_save(
            actor=practitioner,
            request=draft,
            revision=draft.revision,
            section_key="reasons",
            completed=True,
            answers={"reasons": "Changed after sending"},
        )


# People -------------------------------------------------------------------------------------


def test_the_first_child_makes_the_family_named_after_them():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    on_request = add_child(practitioner, draft)
    draft.refresh_from_db()
    assert draft.family.name == "The Smith family"
    assert on_request.person.family_name_key
    assert FamilyMember.objects.filter(family=draft.family, person=on_request.person).exists()
    mum = services.request_person_add(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        role=RequestPerson.Role.FAMILY_MEMBER,
        details=dict(MUM),
        lives_here=True,
    )
    assert Family.objects.count() == 1
    assert {entry.person for entry in draft.request_people.all()} == {on_request.person, mum.person}


def test_a_family_member_cannot_come_before_the_child():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    with pytest.raises(services.AssessmentError, match=re.escape(services.CHILD_FIRST)):
        services.request_person_add(
            actor=practitioner,
            request=draft,
            revision=draft.revision,
            role=RequestPerson.Role.FAMILY_MEMBER,
            details=dict(MUM),
        )
    assert not Family.objects.exists()
    assert not Person.objects.exists()


def test_bad_details_are_refused_by_field_and_nothing_is_kept():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    details = dict(CHILD, nhs_number="9434765918", postcode="ZZ9 9ZZ")
    with pytest.raises(services.AssessmentError) as refused:
        add_child(practitioner, draft, details)
    assert set(refused.value.errors) == {"nhs_number", "postcode"}
    assert not Family.objects.exists()
    assert not Person.objects.exists()
    draft.refresh_from_db()
    assert draft.family is None


def test_an_existing_record_chosen_from_the_matches_joins_the_family():
    existing = PersonFactory(given_names="Sam", family_name="Smith")
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    services.request_person_add(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        role=RequestPerson.Role.CHILD,
        person=existing,
    )
    draft.refresh_from_db()
    assert draft.family.name == "The Smith family"
    assert list(draft.family.members.all()) == [existing]
    with pytest.raises(services.AssessmentError, match="Sam Smith is already on this request"):
        services.request_person_add(
            actor=practitioner,
            request=draft,
            revision=draft.revision,
            role=RequestPerson.Role.FAMILY_MEMBER,
            person=existing,
        )


def test_relationships_are_between_people_on_the_request():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    child = add_child(practitioner, draft).person
    draft.refresh_from_db()
    mum = services.request_person_add(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        role=RequestPerson.Role.FAMILY_MEMBER,
        details=dict(MUM),
    ).person
    draft.refresh_from_db()
    services.request_relationship_add(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        person=mum,
        relative=child,
        kind=PersonRelationship.Kind.PARENT,
        parental_responsibility=True,
    )
    assert PersonRelationship.objects.get().parental_responsibility
    draft.refresh_from_db()
    with pytest.raises(services.AssessmentError, match=re.escape(services.NOT_ON_REQUEST)):
        services.request_relationship_add(
            actor=practitioner,
            request=draft,
            revision=draft.revision,
            person=PersonFactory(),
            relative=child,
            kind=PersonRelationship.Kind.GRANDPARENT,
            parental_responsibility=False,
        )
    assert PersonRelationship.objects.count() == 1


# Consent ------------------------------------------------------------------------------------


def test_consent_is_recorded_for_each_thing_agreed_to():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    add_child(practitioner, draft)
    school = practitioner_in().agency
    record_consent(practitioner, draft, sharing_agencies=[school], contact_by_text=True)
    draft.refresh_from_db()
    scopes = set(Consent.objects.filter(family=draft.family).values_list("scope", flat=True))
    assert scopes == {"assessment", "sharing", "contact_by_text"}
    assert list(Consent.objects.get(scope="sharing").agencies.all()) == [school]
    assert draft.contact_by_text
    assert "consent" in draft.sections_completed


def test_consent_needs_the_family_first():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    with pytest.raises(services.AssessmentError, match=re.escape(services.NO_FAMILY)):
        record_consent(practitioner, draft)


def test_consent_given_in_the_future_is_refused_by_field():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    add_child(practitioner, draft)
    with pytest.raises(services.AssessmentError) as refused:
        record_consent(
            practitioner, draft, given_on=timezone.localdate() + datetime.timedelta(days=2)
        )
    assert "given_on" in refused.value.errors
    assert not Consent.objects.exists()


def test_consent_not_sought_needs_a_reason_and_makes_it_safeguarding():
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    with pytest.raises(services.AssessmentError, match=re.escape(services.REASON_REQUIRED)):
        services.request_consent_not_sought(
            actor=practitioner, request=draft, revision=draft.revision, reason="  "
        )
    saved = services.request_consent_not_sought(
        actor=practitioner, request=draft, revision=draft.revision, reason="Dad is violent."
    )
    assert saved.safeguarding
    assert "consent" in saved.sections_completed


# Sharing ------------------------------------------------------------------------------------


def test_a_draft_is_shared_only_with_a_colleague_in_the_same_agency():
    author = practitioner_in()
    colleague = practitioner_in(author.agency)
    outsider = practitioner_in(email="outsider@police.example")
    draft = services.request_start(actor=author)
    with pytest.raises(services.AssessmentError) as refused:
        services.request_share(actor=author, request=draft, email="outsider@police.example")
    assert str(refused.value) == services.SHARE_OTHER_AGENCY.format(email=outsider.email)
    with pytest.raises(services.AssessmentError, match=re.escape(services.SHARE_UNKNOWN)):
        services.request_share(actor=author, request=draft, email="nobody@example.com")
    services.request_share(actor=author, request=draft, email=colleague.email.upper())
    assert list(draft.shared_with.all()) == [colleague]
    assert colleague.has_perm("frontdoor.edit_request", Request.objects.get(pk=draft.pk))
    assert not outsider.has_perm("frontdoor.edit_request", Request.objects.get(pk=draft.pk))


# Sending ------------------------------------------------------------------------------------


def test_a_complete_request_is_sent_and_the_practitioner_emailed(
    django_capture_on_commit_callbacks,
):
    postcodes()
    practitioner = practitioner_in(email="pat@school.example")
    draft = complete_draft(practitioner)
    with pytest.raises(services.AssessmentError, match=re.escape(services.DECLARATION_REQUIRED)):
        services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision, declaration_name=" "
        )
    with pytest.raises(services.StaleRequest):
        services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision - 1, declaration_name="Pat"
        )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat Smith"
        )
    assert sent.status == Request.Status.SUBMITTED
    assert sent.submitted_at is not None
    assert sent.decision_due_on is not None
    assert sent.youngest_child_born_on == CHILD["date_of_birth"]
    assert not sent.safeguarding
    (message,) = outbox(template="request_received")
    assert message.to == "pat@school.example"
    assert message.personalisation["reference"] == sent.reference
    assert message.personalisation["link"].endswith(f"/requests/{sent.pk}/")
    assert "Sam" not in str(message.personalisation)
    assert AuditEvent.objects.filter(values__step="submitted").exists()


def test_an_incomplete_request_is_not_sent():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    add_child(practitioner, draft)
    record_consent(practitioner, draft)
    draft.refresh_from_db()
    with pytest.raises(services.AssessmentError) as refused:
        services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
        )
    assert str(refused.value).startswith("Complete every section before you send the request: ")
    assert "reasons for the request" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == Request.Status.DRAFT
    assert not outbox(template="request_received")


def test_a_withdrawn_consent_is_refused_with_a_clear_message():
    postcodes()
    practitioner = practitioner_in()
    draft = complete_draft(practitioner)
    consent = Consent.objects.get(family=draft.family, scope="assessment")
    consent_withdraw(actor=practitioner, consent=consent, reason="Mum changed her mind")
    with pytest.raises(services.AssessmentError, match=re.escape(services.CONSENT_WITHDRAWN)):
        services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
        )
    draft.refresh_from_db()
    assert draft.status == Request.Status.DRAFT


def test_consent_not_sought_sends_it_as_safeguarding():
    postcodes()
    practitioner = practitioner_in()
    draft = services.request_start(actor=practitioner)
    complete_all_but_consent(practitioner, draft)
    with pytest.raises(services.AssessmentError, match=re.escape(services.CONSENT_MISSING)):
        services.request_submit(
            actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
        )
    services.request_consent_not_sought(
        actor=practitioner, request=draft, revision=draft.revision, reason="Risk from dad."
    )
    draft.refresh_from_db()
    sent = services.request_submit(
        actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
    )
    assert sent.safeguarding
    assert sent.status == Request.Status.SUBMITTED
