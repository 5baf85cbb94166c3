"""Case audit pages: who sees what, forms and their errors, the results and CSV."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import AuditQuestion, AuditTool, CaseAudit
from familyhelp.casework.services import audits as service
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tool():
    return service.audit_tool_install_default()


@pytest.fixture
def world(tool):
    team = TeamFactory(name="North")
    boss = manager(team, full_name="Morgan Manager")
    worker = keyworker(team, full_name="Kim Keyworker")
    episodes = [
        EpisodeFactory(
            team=team,
            lead_professional=worker,
            allocated_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)),
        )
        for _ in range(3)
    ]
    checker = UserFactory(roles=["auditor"], full_name="Ada Auditor")
    return {"team": team, "boss": boss, "worker": worker, "episodes": episodes, "auditor": checker}


def sample(world, tool, per_team=1):
    return service.case_audit_sample(
        actor=world["boss"],
        month=MARCH,
        tool=tool,
        per_team=per_team,
        auditors=[world["auditor"]],
        seed=9,
    ).created


def complete_data(tool, revision=1, *, leave_out=0):
    questions = list(AuditQuestion.objects.filter(section__tool=tool).order_by("pk"))
    data = {"revision": str(revision), "grade": "good", "summary": "Solid work."}
    for question in questions[leave_out:]:
        data[f"q{question.pk}_grade"] = "good"
        data[f"q{question.pk}_comment"] = ""
    return data


def refused_views():
    return AuditEvent.objects.filter(
        record_type=service.AUDIT_RECORD_TYPE, action="view", values__refused=True
    )


def test_the_list_shows_each_person_their_audits(
    client, world, tool, django_assert_max_num_queries
):
    sample(world, tool, per_team=3)
    sign_in(client, world["auditor"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("casework:case-audits"))
    text = page.content.decode()
    assert "Audits for you to complete" in text
    assert text.count("Waiting for the auditor") == 3
    assert "Choose this month" not in text
    sign_in(client, world["worker"])
    text = client.get(reverse("casework:case-audits")).content.decode()
    assert "Audits of your cases" in text and "Audits for you to complete" not in text
    sign_in(client, world["boss"])
    text = client.get(reverse("casework:case-audits")).content.decode()
    assert "Audits in your teams" in text and "Choose this month" in text
    # Nobody else's audits show.
    sign_in(client, keyworker(TeamFactory()))
    assert "You have no case audits" in client.get(reverse("casework:case-audits")).content.decode()


def test_case_audits_is_in_the_header_for_auditors(client, world):
    sign_in(client, world["auditor"])
    page = client.get(reverse("casework:case-audits"))
    assert 'href="/case-audits/"' in page.content.decode()


def test_a_manager_chooses_a_sample_on_the_page(client, world, tool):
    sign_in(client, world["boss"])
    url = reverse("casework:case-audit-sample")
    assert client.get(url).status_code == 200
    posted = {"month": "2026-03", "tool": str(tool.pk), "per_team": "2"}
    missing = client.post(url, posted)
    assert missing.status_code == 400
    assert "Error: " in missing.content.decode() and service.AUDITORS_REQUIRED in (
        missing.content.decode()
    )
    assert not CaseAudit.objects.exists()
    done = client.post(url, {**posted, "auditors": [str(world["auditor"].pk)]}, follow=True)
    assert CaseAudit.objects.count() == 2
    assert "March 2026: 2 cases chosen (random seed" in done.content.decode()


def test_the_sample_page_is_not_found_for_a_keyworker(client, world):
    sign_in(client, world["worker"])
    assert client.get(reverse("casework:case-audit-sample")).status_code == 404
    assert refused_views().filter(actor=world["worker"]).exists()


def test_an_audit_is_not_found_for_anyone_unrelated_and_that_is_audited(client, world, tool):
    (audit,) = sample(world, tool)
    url = reverse("casework:case-audit", args=[audit.pk])
    stranger = keyworker(TeamFactory())
    other_auditor = UserFactory(roles=["auditor"])
    for person in (stranger, other_auditor, manager(TeamFactory())):
        sign_in(client, person)
        assert client.get(url).status_code == 404
        assert client.post(
            reverse("casework:case-audit-moderate", args=[audit.pk])
        ).status_code == (404)
        assert refused_views().filter(actor=person, record_id=str(audit.pk)).exists()
    for person in (world["auditor"], world["worker"], world["boss"]):
        sign_in(client, person)
        assert client.get(url).status_code == 200
        assert AuditEvent.objects.filter(
            actor=person, action="view", record_id=str(audit.pk), values={}
        ).exists()


def test_completing_needs_every_question_graded(client, world, tool):
    (audit,) = sample(world, tool)
    sign_in(client, world["auditor"])
    url = reverse("casework:case-audit-complete", args=[audit.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Complete the audit of" in page.content.decode()
    wrong = client.post(url, complete_data(tool, leave_out=1))
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "Select a grade for question 1" in text and "Error: " in text
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.ASSIGNED
    done = client.post(url, complete_data(tool), follow=True)
    assert "Audit completed. Kim Keyworker has been asked to respond" in done.content.decode()
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.COMPLETED and audit.answers.count() == 10


def test_someone_else_cannot_complete_and_a_stale_page_is_told(client, world, tool):
    (audit,) = sample(world, tool)
    sign_in(client, world["boss"])
    url = reverse("casework:case-audit-complete", args=[audit.pk])
    refused = client.post(url, complete_data(tool))
    assert refused.status_code == 400 and service.NOT_YOUR_AUDIT in refused.content.decode()
    sign_in(client, world["auditor"])
    stale = client.post(url, complete_data(tool, revision=0))
    assert stale.status_code == 409 and "Someone changed this case audit" in stale.content.decode()
    assert not audit.answers.exists()


def test_the_worker_responds_and_the_manager_moderates(client, world, tool):
    (audit,) = sample(world, tool)
    sign_in(client, world["auditor"])
    client.post(reverse("casework:case-audit-complete", args=[audit.pk]), complete_data(tool))
    sign_in(client, world["worker"])
    detail = reverse("casework:case-audit", args=[audit.pk])
    assert "Respond to the audit" in client.get(detail).content.decode()
    respond = reverse("casework:case-audit-respond", args=[audit.pk])
    empty = client.post(respond, {"revision": "2", "response": ""})
    assert empty.status_code == 400 and service.RESPONSE_REQUIRED in empty.content.decode()
    client.post(respond, {"revision": "2", "response": "I agree and will act."})
    sign_in(client, world["boss"])
    page = client.get(detail).content.decode()
    assert "I agree and will act." in page and "Moderate the grade" in page
    moderate = reverse("casework:case-audit-moderate", args=[audit.pk])
    no_note = client.post(moderate, {"revision": "3", "grade": "outstanding", "note": ""})
    assert no_note.status_code == 400
    done = client.post(
        moderate, {"revision": "3", "grade": "outstanding", "note": "Exemplary."}, follow=True
    )
    assert "Audit moderated: final grade Outstanding" in done.content.decode()
    audit.refresh_from_db()
    assert audit.final_grade == "outstanding"


def test_results_page_and_csv(client, world, tool, django_assert_max_num_queries):
    audits = sample(world, tool, per_team=2)
    for audit in audits:
        service.case_audit_complete(
            actor=world["auditor"],
            audit=audit,
            revision=1,
            answers={q.pk: ("good", "") for q in AuditQuestion.objects.all()},
            grade="good",
            summary="ok",
        )
    sign_in(client, world["auditor"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("casework:case-audit-results"))
    text = page.content.decode()
    assert "Completed audits by final grade" in text and "2 of 2" in text
    download = reverse("casework:case-audit-results-download")
    csv = client.get(download + "?table=teams").content.decode("utf-8-sig")
    assert csv.splitlines()[1] == "North,0,2,0,0,2"
    months = client.get(download + "?table=months").content.decode("utf-8-sig")
    assert "March 2026,0,2,0,0,2" in months
    assert client.get(download + "?table=people").status_code == 400
    sign_in(client, world["worker"])
    assert client.get(reverse("casework:case-audit-results")).status_code == 404


def test_an_administrator_builds_a_tool_on_the_pages(client, world):
    admin = UserFactory(roles=["system-administrator"], agency=None)
    sign_in(client, admin)
    tools = client.get(reverse("casework:audit-tools")).content.decode()
    assert "Stepped-down cases" in tools
    empty = client.post(reverse("casework:audit-tool-new"), {"name": "", "active": "true"})
    assert empty.status_code == 400 and service.NAME_REQUIRED in empty.content.decode()
    client.post(reverse("casework:audit-tool-new"), {"name": "Plans", "active": "true"})
    plans = AuditTool.objects.get(name="Plans")
    client.post(
        reverse("casework:audit-section-new", args=[plans.pk]), {"title": "Goals", "order": "1"}
    )
    section = plans.sections.get()
    bad = client.post(
        reverse("casework:audit-question-new", args=[plans.pk, section.pk]),
        {"text": "Goals in the family's words?", "order": "x"},
    )
    assert bad.status_code == 400
    client.post(
        reverse("casework:audit-question-new", args=[plans.pk, section.pk]),
        {"text": "Goals in the family's words?", "order": "1"},
    )
    page = client.get(reverse("casework:audit-tool", args=[plans.pk])).content.decode()
    assert "1. Goals in the family" in page
    question = AuditQuestion.objects.get(section=section)
    client.post(
        reverse("casework:audit-question", args=[plans.pk, question.pk]),
        {"text": "Are goals written with the family?", "order": "2"},
    )
    question.refresh_from_db()
    assert question.text == "Are goals written with the family?"
    client.post(reverse("casework:audit-tool", args=[plans.pk]), {"name": "Plans"})
    plans.refresh_from_db()
    assert not plans.active
    # A manager may not change tools.
    sign_in(client, world["boss"])
    assert client.get(reverse("casework:audit-tools")).status_code == 404
    assert client.get(reverse("casework:audit-tool", args=[plans.pk])).status_code == 404


def test_the_auditor_opens_the_case_while_auditing_it_and_the_read_is_audited(client, world, tool):
    (audit,) = sample(world, tool)
    episode_url = reverse("casework:episode", args=[audit.episode_id])
    sign_in(client, world["auditor"])
    assert (
        f'href="{episode_url}"'
        in client.get(reverse("casework:case-audit", args=[audit.pk])).content.decode()
    )
    assert client.get(episode_url).status_code == 200
    assert AuditEvent.objects.filter(
        actor=world["auditor"],
        action="view",
        record_type="casework.episode",
        record_id=str(audit.episode_id),
        values={},
    ).exists()
    # Another auditor, not assigned, gets "Page not found" (audited).
    other = UserFactory(roles=["auditor"])
    sign_in(client, other)
    assert client.get(episode_url).status_code == 404
    assert AuditEvent.objects.filter(
        actor=other, record_type="casework.episode", values__refused=True
    ).exists()
    # Once the audit is moderated the auditor's access ends.
    done = service.case_audit_complete(
        actor=world["auditor"],
        audit=audit,
        revision=1,
        answers={q.pk: ("good", "") for q in AuditQuestion.objects.all()},
        grade="good",
        summary="ok",
    )
    service.case_audit_moderate(
        actor=world["boss"], audit=done, revision=2, grade="good", note="ok"
    )
    sign_in(client, world["auditor"])
    assert client.get(episode_url).status_code == 404
