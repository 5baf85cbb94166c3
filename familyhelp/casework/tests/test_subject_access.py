"""The subject access export: what it holds, third-party marking, audit, access, queries."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework import subject_access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import (
    Action,
    ChronologyEntry,
    Document,
    EpisodePerson,
    Goal,
    Plan,
    PlanNeed,
    Review,
)
from familyhelp.casework.subject_access_pdf import MARKER, subject_access_pdf
from familyhelp.casework.tests.factories import CaseNoteFactory, EpisodeFactory
from familyhelp.core.fonts.testing import pdf_text
from familyhelp.families.models import FamilyMember
from familyhelp.families.tests.factories import (
    ConsentFactory,
    PersonFactory,
    PersonRelationshipFactory,
)
from familyhelp.frontdoor.tests.factories import DecisionFactory, RequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor():
    return UserFactory(roles=["auditor"], full_name="Ines Governance")


@pytest.fixture
def case():
    """Sam (the subject) and sister Zoë in one episode; mum Jo in the family."""
    sam = PersonFactory(given_names="Sam", family_name="Wiśniewski")
    zoe = PersonFactory(given_names="Zoë", family_name="Wiśniewska")
    jo = PersonFactory(given_names="Jo", family_name="Wiśniewska", date_of_birth=None)
    episode = EpisodeFactory(children=[sam, zoe])
    FamilyMember.objects.create(family=episode.family, person=jo)
    PersonRelationshipFactory(person=jo, relative=sam)
    ConsentFactory(family=episode.family, given_by=jo, given_by_name="Jo Wiśniewska")
    request = RequestFactory(
        submitted=True, family=episode.family, children=[sam], reasons="Sam misses school."
    )
    DecisionFactory(request=request)
    plan = Plan.objects.create(episode=episode, family_words="We want calmer mornings.")
    PlanNeed.objects.create(plan=plan, domain="parenting", text="Routines at home")
    goal = Goal.objects.create(plan=plan, text="Sam gets to school on time")
    Action.objects.create(
        goal=goal,
        text="Alarm clock",
        owner=episode.lead_professional,
        due_on=datetime.date(2026, 1, 5),
    )
    Review.objects.create(
        episode=episode,
        held_on=datetime.date(2026, 2, 1),
        attendees="Jo (mum)\nKeyworker",
        decision="continue",
        recorded_by=episode.lead_professional,
    )
    alone = CaseNoteFactory(episode=episode, text="Sam on his own: happier at school.")
    alone.people_seen.set([sam])
    both = CaseNoteFactory(episode=episode, text="Zoë told me about her friends.")
    both.people_seen.set([sam, zoe])
    Document.objects.create(
        episode=episode,
        file="casework/x",
        title="School report",
        original_name="report.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=episode.lead_professional,
    )
    chronology_record(
        family_id=episode.family_id,
        episode=episode,
        at=timezone.now(),
        kind=ChronologyEntry.Kind.NOTE,
        summary="Home visit",
        source=alone,
    )
    return {"sam": sam, "zoe": zoe, "jo": jo, "episode": episode, "request": request}


def _export(actor, person, fmt="json"):
    return subject_access.subject_access_export(actor=actor, person_id=person.pk, fmt=fmt)


def test_the_export_holds_everything_about_the_person(auditor, case):
    data = _export(auditor, case["sam"]).data
    assert data["person"]["given_names"] == "Sam"
    assert data["families"][0]["family_reference"] == case["episode"].family.reference
    assert len(data["relationships"]) == 1
    assert len(data["consents"]) == 1
    assert data["requests_for_support"][0]["reference"] == case["request"].reference
    assert data["requests_for_support"][0]["decisions"][0]["decision"] == "No further action"
    episode = data["episodes"][0]
    assert episode["reference"] == case["episode"].reference
    assert episode["plan"]["goals"][0]["actions"][0]["action"]["text"] == "Alarm clock"
    assert len(episode["reviews"]) == 1
    assert len(episode["notes"]) == 2
    assert episode["documents"][0]["file_name"] == "report.pdf"
    assert data["chronology"][0]["summary"] == "Home visit"


def test_third_party_information_is_marked_with_whom_it_concerns(auditor, case):
    data = _export(auditor, case["sam"]).data
    others = {m["name"]: m for m in data["families"][0]["other_members"]}
    assert others["Zoë Wiśniewska"]["third_party"] is True
    assert others["Zoë Wiśniewska"]["concerns"] == [
        {"person_record": case["zoe"].pk, "name": "Zoë Wiśniewska"}
    ]
    assert data["relationships"][0]["third_party"] is True
    assert data["consents"][0]["given_by"]["third_party"] is True
    notes = {n["note"]["text"]: n["note"] for n in data["episodes"][0]["notes"]}
    # Only Sam was seen: his own; Zoë was seen too: marked, naming her.
    assert notes["Sam on his own: happier at school."]["third_party"] is False
    assert notes["Zoë told me about her friends."]["third_party"] is True
    assert notes["Zoë told me about her friends."]["concerns"][0]["person_record"] == case["zoe"].pk
    # The plan covers both children: the practitioner's words are marked.
    assert data["episodes"][0]["plan"]["needs"][0]["third_party"] is True
    # The request was about Sam alone: its text is his.
    assert data["requests_for_support"][0]["assessment"][0]["third_party"] is False


def test_the_export_is_audited_without_personal_values(auditor, case):
    document = _export(auditor, case["sam"], "pdf")
    event = AuditEvent.objects.get(action="export", record_id=str(case["sam"].pk))
    assert event.actor == auditor
    assert event.record_type == "families.person"
    assert event.values == {
        "format": "pdf",
        "items": document.item_count,
        "third_party_items": document.third_party_count,
    }
    assert "Sam" not in json.dumps(event.values)


def test_the_pdf_marks_third_party_items_in_any_script(auditor, case):
    document = _export(auditor, case["sam"], "pdf")
    text = pdf_text(subject_access_pdf(document, compress=False))
    assert "Subject access export: Sam Wiśniewski" in text
    assert MARKER in text
    assert "Zoë told me about her friends." in text
    assert text.count(MARKER) == document.third_party_count


def test_the_queries_do_not_grow_with_the_history(auditor, case, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _export(auditor, case["sam"])  # the audit chain's first event reads differently
    with CaptureQueriesContext(connection) as few:
        _export(auditor, case["sam"])
    episode = case["episode"]
    for n in range(15):
        note = CaseNoteFactory(episode=episode, text=f"Visit {n}")
        note.people_seen.set([case["sam"], case["zoe"]])
        chronology_record(
            family_id=episode.family_id,
            episode=episode,
            at=timezone.now(),
            kind=ChronologyEntry.Kind.NOTE,
            summary="Home visit",
            source=note,
        )
        Review.objects.create(
            episode=episode,
            held_on=datetime.date(2026, 3, 1),
            attendees="Keyworker",
            decision="continue",
            recorded_by=episode.lead_professional,
        )
    second = EpisodeFactory(family=episode.family, children=[case["sam"]])
    Plan.objects.create(episode=second)
    request = RequestFactory(submitted=True, family=episode.family, children=[case["sam"]])
    DecisionFactory(request=request)
    with django_assert_num_queries(len(few.captured_queries)):
        data = _export(auditor, case["sam"]).data
    assert len(data["episodes"]) == 2
    assert len(data["episodes"][0]["notes"]) + len(data["episodes"][1]["notes"]) == 17


# Pages ----------------------------------------------------------------------------------------


def test_the_auditor_finds_the_person_and_downloads_both_formats(client, auditor, case):
    sign_in(client, auditor)
    sam = case["sam"]
    response = client.get(reverse("casework:subject-access-start"), {"person": sam.pk})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Sam Wiśniewski" in page.content.decode()
    assert "third party" in page.content.decode()
    url = reverse("casework:subject-access-download", args=[sam.pk, "json"])
    response = client.get(url)
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["person"]["person_record"] == sam.pk
    response = client.get(reverse("casework:subject-access-download", args=[sam.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", record_id=str(sam.pk)).count() == 2


def test_a_bad_record_number_gets_a_clear_message(client, auditor):
    sign_in(client, auditor)
    response = client.get(reverse("casework:subject-access-start"), {"person": "abc"})
    assert response.status_code == 200
    assert "Enter the person’s record number, like 1234" in response.content.decode()
    assert client.get(reverse("casework:subject-access", args=[999999])).status_code == 404
    bad = reverse("casework:subject-access-download", args=[999999, "json"])
    assert client.get(bad).status_code == 404


def test_an_unknown_format_is_not_found(client, auditor, case):
    sign_in(client, auditor)
    url = reverse("casework:subject-access-download", args=[case["sam"].pk, "xml"])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["practitioner", "family-keyworker", "team-manager"])
def test_nobody_else_may_export_and_refusals_are_audited(client, case, role):
    user = UserFactory(roles=[role])
    sign_in(client, user)
    sam = case["sam"]
    assert client.get(reverse("casework:subject-access-start")).status_code == 404
    assert client.get(reverse("casework:subject-access", args=[sam.pk])).status_code == 404
    url = reverse("casework:subject-access-download", args=[sam.pk, "json"])
    response = client.get(url)
    assert response.status_code == 404
    assert b"Sam" not in response.content
    refused = AuditEvent.objects.filter(actor=user, record_id=str(sam.pk), values__refused=True)
    assert set(refused.values_list("action", flat=True)) == {"view", "export"}


def test_the_lead_professional_may_not_export_their_own_case(client, case):
    lead = case["episode"].lead_professional
    sign_in(client, lead)
    url = reverse("casework:subject-access-download", args=[case["sam"].pk, "pdf"])
    assert client.get(url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, case):
    response = client.get(reverse("casework:subject-access", args=[case["sam"].pk]))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


def test_a_person_in_no_episode_still_gets_their_record(auditor):
    alone = PersonFactory(given_names="Lee")
    data = _export(auditor, alone).data
    assert data["person"]["given_names"] == "Lee"
    assert data["episodes"] == [] and data["families"] == []
    assert not EpisodePerson.objects.filter(person=alone).exists()
