"""The Early Support Assessment's pages: who may open them, what they show, and bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.fonts.testing import pdf_text
from familyhelp.families.models import Person
from familyhelp.families.tests.factories import PersonFactory
from familyhelp.frontdoor import pdf, selectors_assessment
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.tests.factories import front_door_officer
from familyhelp.frontdoor.tests.test_assessment_services import (
    add_child,
    complete_draft,
    postcodes,
    practitioner_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def practitioner():
    return practitioner_in(full_name="Pat Practitioner", email="pat@school.example")


@pytest.fixture
def draft(practitioner):
    return services.request_start(actor=practitioner)


def _client(client, user):
    return sign_in(client, user)


def _sent(practitioner):
    postcodes()
    draft = complete_draft(practitioner)
    return services.request_submit(
        actor=practitioner, request=draft, revision=draft.revision, declaration_name="Pat"
    )


# "Your requests" --------------------------------------------------------------------------


def test_your_requests_lists_drafts_and_sent_requests_in_constant_queries(
    client, practitioner, django_assert_max_num_queries
):
    postcodes()
    services.request_start(actor=practitioner)
    _client(client, practitioner)
    with django_assert_max_num_queries(20) as one:
        response = client.get(reverse("frontdoor:requests"))
    assert response.status_code == 200
    queries_for_one = len(one.captured_queries)
    for _ in range(3):
        add_child(practitioner, services.request_start(actor=practitioner))
    sent = _sent(practitioner)
    shared = services.request_start(actor=practitioner_in(practitioner.agency))
    services.request_share(actor=shared.created_by, request=shared, email=practitioner.email)
    services.request_start(actor=practitioner_in(practitioner.agency))  # not shared: not listed
    with django_assert_max_num_queries(queries_for_one):
        response = client.get(reverse("frontdoor:requests"))
    page = response.content.decode()
    assert page.count("Sam Smith") == 4
    assert sent.reference in page
    assert shared.reference in page
    assert "Waiting for triage" in page
    drafts, sent_table = page.split('id="drafts"')[1].split('id="sent"')
    assert drafts.count("govuk-tag--blue") == 5
    assert sent_table.count("govuk-tag--yellow") == 1


def test_your_requests_is_not_found_for_people_who_cannot_ask_for_support(client):
    _client(client, UserFactory(roles=["data-analyst"]))
    assert client.get(reverse("frontdoor:requests")).status_code == 404


def test_the_navigation_offers_requests_for_support(client, practitioner):
    _client(client, practitioner)
    page = client.get(reverse("frontdoor:requests")).content.decode()
    assert 'href="/requests/"' in page
    assert "Requests for support" in page


def test_starting_makes_a_draft_and_shows_its_task_list(client, practitioner):
    _client(client, practitioner)
    assert client.get(reverse("frontdoor:request-new")).status_code == 200
    response = client.post(reverse("frontdoor:request-new"))
    draft = Request.objects.get()
    assert response.url == reverse("frontdoor:request", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "Child or young person and family members" in page
    assert page.count("Not started") == 10
    assert "Cannot start yet" in page
    assert "You have completed 0 of 10 sections." in page


# Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["request", "request-people", "request-level", "request-consent", "request-check"]
)
def test_other_people_get_not_found_and_it_is_audited(client, draft, name):
    for other in (
        practitioner_in(draft.agency),  # a colleague it was not shared with
        practitioner_in(),  # another agency's practitioner
        front_door_officer(),  # a draft is not the front door's yet
    ):
        client.logout()
        _client(client, other)
        response = client.get(reverse(f"frontdoor:{name}", args=[draft.pk]))
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            actor=other, record_id=str(draft.pk), values__refused=True
        ).exists()


def test_a_section_of_another_persons_draft_cannot_be_saved(client, draft):
    _client(client, practitioner_in())
    response = client.post(
        reverse("frontdoor:request-section", args=[draft.pk, "reasons"]),
        {"revision": draft.revision, "reasons": "Mine now", "completed": "yes"},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.reasons == ""


def test_an_unknown_section_is_not_found(client, practitioner, draft):
    _client(client, practitioner)
    assert client.get(reverse("frontdoor:request-section", args=[draft.pk, "x"])).status_code == 404


# Sections -----------------------------------------------------------------------------------


def test_a_text_section_is_saved_and_shows_on_the_task_list(client, practitioner, draft):
    _client(client, practitioner)
    url = reverse("frontdoor:request-section", args=[draft.pk, "development"])
    page = client.get(url).content.decode()
    assert "Have you completed this section?" in page
    response = client.post(
        url,
        {
            "revision": draft.revision,
            "development_strengths": "Loves reading",
            "development_needs": "Anxious",
            "completed": "yes",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.development_strengths == "Loves reading"
    task_list = client.get(reverse("frontdoor:request", args=[draft.pk])).content.decode()
    assert "You have completed 1 of 10 sections." in task_list


def test_completing_a_section_with_an_answer_missing_says_what_to_enter(
    client, practitioner, draft
):
    _client(client, practitioner)
    response = client.post(
        reverse("frontdoor:request-section", args=[draft.pk, "development"]),
        {"revision": draft.revision, "development_strengths": "Loves reading", "completed": "yes"},
    )
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Enter the child’s needs, or select ‘No, I’ll come back to it later’" in page
    draft.refresh_from_db()
    assert draft.development_strengths == ""


def test_a_stale_save_says_who_saved_and_keeps_the_answers(client, practitioner, draft):
    colleague = practitioner_in(practitioner.agency, full_name="Chris Colleague")
    services.request_share(actor=practitioner, request=draft, email=colleague.email)
    opened = draft.revision
    services.request_section_save(
        actor=colleague,
        request=draft,
        revision=opened,
        section_key="reasons",
        completed=False,
        answers={"reasons": "What Chris wrote"},
    )
    _client(client, practitioner)
    response = client.post(
        reverse("frontdoor:request-section", args=[draft.pk, "reasons"]),
        {"revision": opened, "reasons": "What Pat wrote", "completed": "yes"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Chris Colleague saved changes to this request at" in page
    assert "What Chris wrote" in page  # what they saved
    assert "What Pat wrote" in page  # the practitioner's own answer, kept in the form
    assert f'name="revision" value="{opened + 1}"' in page
    draft.refresh_from_db()
    assert draft.reasons == "What Chris wrote"


def test_the_level_page_shows_each_level_with_its_descriptors(client, practitioner, draft):
    _client(client, practitioner)
    page = client.get(reverse("frontdoor:request-level", args=[draft.pk])).content.decode()
    assert "Level 2: Early help" in page
    assert "Parents need advice or a short piece of support" in page
    response = client.post(
        reverse("frontdoor:request-level", args=[draft.pk]),
        {"revision": draft.revision, "completed": "yes"},
    )
    assert "Select the level of need you think applies" in response.content.decode()


def test_adding_a_person_shows_likely_matches_with_reasons(client, practitioner, draft):
    postcodes()
    existing = PersonFactory(
        given_names="Sam",
        family_name="Smyth",
        date_of_birth=datetime.date(2016, 5, 4),
        postcode="WX1 1AA",
    )
    _client(client, practitioner)
    url = reverse("frontdoor:request-person-add", args=[draft.pk])
    details = {
        "revision": draft.revision,
        "role": "child",
        "given_names": "Sam",
        "family_name": "Smith",
        "date_of_birth-day": "4",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2016",
        "postcode": "wx1 1aa",
        "lives_here": "yes",
    }
    page = client.post(url, details).content.decode()
    assert "Is Sam Smith one of these people?" in page
    assert "Sam Smyth" in page
    assert "Same date of birth" in page
    assert "similar surname" in page
    assert Person.objects.count() == 1
    # Choosing nothing says so
    page = client.post(url, {**details, "step": "match"}).content.decode()
    assert "Select the record that is this person, or that none of them is" in page
    # Choosing the match puts that record on the request
    response = client.post(url, {**details, "step": "match", "match": str(existing.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert list(draft.family.members.all()) == [existing]
    assert Person.objects.count() == 1


def test_a_persons_bad_details_get_messages_and_nothing_is_added(client, practitioner, draft):
    postcodes()
    _client(client, practitioner)
    future = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("frontdoor:request-person-add", args=[draft.pk]),
        {
            "revision": draft.revision,
            "role": "child",
            "given_names": "Sam",
            "family_name": "Smith",
            "date_of_birth-day": str(future.day),
            "date_of_birth-month": str(future.month),
            "date_of_birth-year": str(future.year),
            "postcode": "ZZ9 9ZZ",
            "nhs_number": "943 476 5918",
            "lives_here": "yes",
        },
    )
    page = response.content.decode()
    assert "Date of birth must be today or in the past" in page
    assert "Enter a real postcode, like WX1 2AB" in page
    assert "Enter a valid NHS number" in page
    assert not Person.objects.exists()


def test_consent_needs_the_assessment_agreed(client, practitioner, draft):
    postcodes()
    add_child(practitioner, draft)
    draft.refresh_from_db()
    _client(client, practitioner)
    response = client.post(
        reverse("frontdoor:request-consent", args=[draft.pk]),
        {"revision": draft.revision, "given_by_name": "Jo Smith", "method": "verbal"},
    )
    page = response.content.decode()
    assert "Select that the family agreed to the assessment" in page
    assert "Enter the date consent was given" in page


def test_sharing_with_another_agencys_practitioner_is_refused_clearly(client, practitioner, draft):
    outsider = practitioner_in(email="sergeant@police.example")
    _client(client, practitioner)
    response = client.post(
        reverse("frontdoor:request-share", args=[draft.pk]), {"email": outsider.email}
    )
    page = response.content.decode()
    assert "You can only share a draft with colleagues in your own agency." in page
    assert not draft.shared_with.exists()


# Sending and reading ------------------------------------------------------------------------


def test_check_your_answers_sends_the_request(client, practitioner):
    postcodes()
    draft = complete_draft(practitioner)
    _client(client, practitioner)
    url = reverse("frontdoor:request-check", args=[draft.pk])
    page = client.get(url).content.decode()
    assert page.count(">Change<") >= 10
    response = client.post(url, {"revision": draft.revision, "declaration_name": ""})
    assert "Enter your full name to confirm the declaration" in response.content.decode()
    response = client.post(url, {"revision": draft.revision, "declaration_name": "Pat P"})
    assert response.url == reverse("frontdoor:request-sent", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert draft.reference in page
    assert "govuk-panel" in page


def test_a_sent_request_is_a_read_only_document_for_the_front_door(client, practitioner):
    sent = _sent(practitioner)
    officer = front_door_officer()
    _client(client, officer)
    response = client.get(reverse("frontdoor:request", args=[sent.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sam Smith" in page
    assert "Download this assessment as a PDF" in page
    assert ">Change<" not in page
    assert AuditEvent.objects.filter(
        actor=officer, action="view", record_id=str(sent.pk), record_type="frontdoor.request"
    ).exists()
    # ...and its sections cannot be edited any more, even by its author
    client.logout()
    _client(client, practitioner)
    url = reverse("frontdoor:request-section", args=[sent.pk, "reasons"])
    assert client.get(url).status_code == 404


def test_the_pdf_has_every_section_and_is_audited(client, practitioner):
    sent = _sent(practitioner)
    _client(client, practitioner)
    before = AuditEvent.objects.filter(action="view", record_id=str(sent.pk)).count()
    response = client.get(reverse("frontdoor:request-pdf", args=[sent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="view", record_id=str(sent.pk)).count() == before + 1
    record = selectors_assessment.assessment_record(sent)
    content = pdf.assessment_pdf(record, compress=False)
    for text in (
        sent.reference,
        "Sam Smith",
        "Reasons for the request",
        "Parenting capacity",
        "Family and environmental factors",
        "The child’s developmental needs",
        "Level 2: Early help",
        "Given by Jo Smith",
    ):
        assert text in pdf_text(content), text


# Shipped Unicode fonts (familyhelp/core/fonts): names in any script reach the PDF.
def test_the_pdf_sets_names_in_any_script(practitioner):
    sent = _sent(practitioner)
    Person.objects.filter(pk=sent.request_people.first().person_id).update(
        given_names="Zoë", family_name="Wiśniewska 李"
    )
    content = pdf.assessment_pdf(selectors_assessment.assessment_record(sent), compress=False)
    assert "Zoë Wiśniewska 李" in pdf_text(content)


def test_someone_else_cannot_download_the_pdf(client, practitioner):
    sent = _sent(practitioner)
    other = practitioner_in()
    _client(client, other)
    assert client.get(reverse("frontdoor:request-pdf", args=[sent.pk])).status_code == 404
    assert AuditEvent.objects.filter(actor=other, values__refused=True).exists()


def test_the_task_list_and_check_pages_read_in_constant_queries(
    client, practitioner, draft, django_assert_max_num_queries
):
    postcodes()
    add_child(practitioner, draft)
    draft.refresh_from_db()
    services.request_person_add(
        actor=practitioner,
        request=draft,
        revision=draft.revision,
        role="family_member",
        details={"given_names": "Jo", "family_name": "Smith"},
    )
    _client(client, practitioner)
    counts = {}
    for name in ("request", "request-check", "request-people", "request-relationships"):
        with django_assert_max_num_queries(40) as first:
            assert client.get(reverse(f"frontdoor:{name}", args=[draft.pk])).status_code == 200
        counts[name] = len(first.captured_queries)
    for given in ("Alex", "Kim", "Lee"):
        draft.refresh_from_db()
        services.request_person_add(
            actor=practitioner,
            request=draft,
            revision=draft.revision,
            role="family_member",
            details={"given_names": given, "family_name": "Smith"},
        )
    for name, count in counts.items():
        with django_assert_max_num_queries(count):
            client.get(reverse(f"frontdoor:{name}", args=[draft.pk]))


def test_an_unborn_baby_needs_an_expected_date_and_can_be_removed(client, practitioner, draft):
    _client(client, practitioner)
    url = reverse("frontdoor:request-person-add", args=[draft.pk])
    details = {
        "revision": draft.revision,
        "role": "unborn",
        "given_names": "Baby",
        "family_name": "Jones",
        "lives_here": "yes",
    }
    page = client.post(url, details).content.decode()
    assert "Enter the baby’s expected date of birth" in page
    expected = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(
        url,
        {
            **details,
            "expected_date-day": expected.day,
            "expected_date-month": expected.month,
            "expected_date-year": expected.year,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    baby = draft.request_people.get()
    assert baby.person.expected_date == expected
    assert draft.family.name == "The Jones family"
    people = client.get(reverse("frontdoor:request-people", args=[draft.pk])).content.decode()
    assert "Unborn baby" in people
    response = client.post(
        reverse("frontdoor:request-person-remove", args=[draft.pk, baby.person_id]),
        {"revision": draft.revision},
    )
    assert response.status_code == 302
    assert not draft.request_people.exists()


def test_the_people_section_cannot_be_completed_without_a_child(client, practitioner, draft):
    _client(client, practitioner)
    response = client.post(
        reverse("frontdoor:request-people", args=[draft.pk]),
        {"revision": draft.revision, "completed": "yes"},
    )
    assert "Add the child or young person (or unborn baby) before you complete this section" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.sections_completed == []
