"""Case audits: tools, monthly samples, completing, responding, moderating and the results."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.casework import selectors_audits as selectors
from familyhelp.casework.audit_tools import STEPPED_DOWN_CASES
from familyhelp.casework.models import AuditQuestion, AuditTool, CaseAudit, CaseAuditAnswer, Episode
from familyhelp.casework.services import audits as service
from familyhelp.casework.tests.factories import EpisodeFactory, keyworker, manager

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tool():
    return service.audit_tool_install_default()


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def team_with_cases(count, *, name=None, allocated=datetime.date(2026, 1, 5)):
    team = TeamFactory(**({"name": name} if name else {}))
    boss = manager(team)
    workers = [keyworker(team) for _ in range(2)]
    episodes = [
        EpisodeFactory(team=team, lead_professional=workers[i % 2], allocated_at=at(allocated))
        for i in range(count)
    ]
    return team, boss, episodes


def auditor(**kwargs):
    return UserFactory(roles=["auditor"], **kwargs)


def last_event(record_type=service.AUDIT_RECORD_TYPE):
    return AuditEvent.objects.filter(record_type=record_type).order_by("-pk").first()


# The default tool -----------------------------------------------------------------------------


def test_the_stepped_down_cases_tool_is_installed_once(tool):
    again = service.audit_tool_install_default()
    assert again.pk == tool.pk and AuditTool.objects.count() == 1
    sections = list(tool.sections.all())
    assert [s.title for s in sections] == [title for title, _ in STEPPED_DOWN_CASES.sections]
    assert AuditQuestion.objects.filter(section__tool=tool).count() == sum(
        len(questions) for _, questions in STEPPED_DOWN_CASES.sections
    )
    assert "child's voice" in " ".join(s.title for s in sections).lower()


def test_only_a_system_administrator_changes_tools():
    team, boss, _ = team_with_cases(0)
    with pytest.raises(service.AuditError, match=service.NOT_ALLOWED_TO_CONFIGURE):
        service.audit_tool_create(actor=boss, name="Quality of plans")
    assert not AuditTool.objects.exists()
    refused = last_event(service.TOOL_RECORD_TYPE)
    assert refused.actor == boss and refused.values["refused"] is True


def test_an_administrator_builds_a_tool_and_names_are_unique():
    admin = UserFactory(roles=["system-administrator"], agency=None)
    tool = service.audit_tool_create(actor=admin, name="Quality of plans", description="Plans")
    section = service.audit_section_save(actor=admin, tool=tool, title="Goals", order=1)
    question = service.audit_question_save(
        actor=admin, section=section, text="Are goals in the family's words?", order=1
    )
    assert question.section.tool == tool
    with pytest.raises(service.AuditError) as taken:
        service.audit_tool_create(actor=admin, name="quality of plans")
    assert str(taken.value) == service.NAME_TAKEN.format(name="quality of plans")
    assert taken.value.field == "name"
    with pytest.raises(service.AuditError, match=service.TEXT_REQUIRED):
        service.audit_question_save(actor=admin, section=section, text="  ")
    updated = service.audit_tool_update(
        actor=admin, tool=tool, name="Plans", description="", active=False
    )
    assert updated.name == "Plans" and not updated.active


# Samples --------------------------------------------------------------------------------------


def test_a_sample_is_random_per_team_reproducible_and_idempotent(tool):
    team_a, boss, episodes_a = team_with_cases(6, name="North")
    team_b, _, episodes_b = team_with_cases(5, name="South")
    # The manager manages both teams.
    team_b.memberships.create(user=boss)
    auditors = [auditor(), auditor()]

    first = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=2, auditors=auditors, seed=42
    )
    chosen = sorted(audit.episode_id for audit in first.created)
    assert first.seed == 42 and first.per_team == {"North": 2, "South": 2}
    assert CaseAudit.objects.filter(team=team_a, sample_month=MARCH).count() == 2
    assert CaseAudit.objects.filter(team=team_b, sample_month=MARCH).count() == 2
    # The auditors share the work.
    assert sorted(CaseAudit.objects.values_list("auditor_id", flat=True)) == sorted(
        [auditors[0].pk] * 2 + [auditors[1].pk] * 2
    )
    # The seed and the sample are recorded.
    sampled = AuditEvent.objects.get(record_id="sample-2026-03")
    assert sampled.values["seed"] == 42 and sampled.values["created"] == 4

    # Running the month again adds nothing.
    again = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=2, auditors=auditors, seed=7
    )
    assert again.created == [] and CaseAudit.objects.count() == 4

    # The same seed over the same cases chooses the same cases.
    CaseAudit.objects.all().delete()
    replay = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=2, auditors=auditors, seed=42
    )
    assert sorted(audit.episode_id for audit in replay.created) == chosen
    # Another month is sampled separately.
    service.case_audit_sample(
        actor=boss, month=FEBRUARY, tool=tool, per_team=2, auditors=auditors, seed=1
    )
    assert CaseAudit.objects.filter(sample_month=FEBRUARY).count() == 4


def test_a_team_with_fewer_cases_gives_what_it_has_and_a_top_up_adds_the_rest(tool):
    team, boss, episodes = team_with_cases(3)
    helper = auditor()
    service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=1, auditors=[helper], seed=1
    )
    more = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=5, auditors=[helper], seed=1
    )
    assert len(more.created) == 2
    assert CaseAudit.objects.filter(sample_month=MARCH).count() == 3
    assert len(set(CaseAudit.objects.values_list("episode_id", flat=True))) == 3


def test_only_cases_worked_in_the_month_are_sampled(tool):
    team, boss, (worked,) = team_with_cases(1)
    lead = worked.lead_professional
    EpisodeFactory(team=team, lead_professional=lead, allocated_at=at(datetime.date(2026, 4, 2)))
    EpisodeFactory(team=team, awaiting=True)
    closed_before = EpisodeFactory(
        team=team,
        lead_professional=lead,
        allocated_at=at(datetime.date(2025, 10, 1)),
        status=Episode.Status.CLOSED,
        closed_at=at(datetime.date(2026, 2, 20)),
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )
    closed_during = EpisodeFactory(
        team=team,
        lead_professional=lead,
        allocated_at=at(datetime.date(2025, 10, 1)),
        status=Episode.Status.CLOSED,
        closed_at=at(datetime.date(2026, 3, 3)),
        closure_reason=Episode.ClosureReason.NEEDS_MET,
    )
    result = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=10, auditors=[auditor()], seed=3
    )
    assert {a.episode_id for a in result.created} == {worked.pk, closed_during.pk}
    assert closed_before.pk not in {a.episode_id for a in result.created}
    assert all(a.worker_id == lead.pk for a in result.created)


def test_nobody_audits_a_case_they_lead(tool):
    team, boss, episodes = team_with_cases(6)
    # The manager, chosen as an auditor, also leads a case.
    led_by_boss = EpisodeFactory(team=team, lead_professional=boss, allocated_at=at(FEBRUARY))
    result = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=7, auditors=[boss, auditor()], seed=11
    )
    assert len(result.created) == 7
    for audit in CaseAudit.objects.all():
        assert audit.auditor_id != audit.episode.lead_professional_id
    assert CaseAudit.objects.get(episode=led_by_boss).auditor_id != boss.pk


def test_a_sample_that_cannot_find_an_auditor_changes_nothing(tool):
    team, boss, (episode,) = team_with_cases(1)
    # The only auditor chosen leads the only case.
    Episode.objects.filter(pk=episode.pk).update(lead_professional=boss)
    with pytest.raises(service.AuditError) as refused:
        service.case_audit_sample(
            actor=boss, month=MARCH, tool=tool, per_team=1, auditors=[boss], seed=1
        )
    assert str(refused.value) == service.NO_AUDITOR_FOR.format(team=team.name)
    assert refused.value.field == "auditors"
    assert not CaseAudit.objects.exists()


def test_sample_refusals(tool):
    team, boss, _ = team_with_cases(2)
    worker = keyworker(team)
    with pytest.raises(service.AuditError, match=service.NOT_ALLOWED_TO_RUN):
        service.case_audit_sample(
            actor=worker, month=MARCH, tool=tool, per_team=1, auditors=[auditor()]
        )
    assert last_event().values == {"refused": True, "step": "sample"}
    with pytest.raises(service.AuditError) as not_auditor:
        service.case_audit_sample(actor=boss, month=MARCH, tool=tool, per_team=1, auditors=[worker])
    assert str(not_auditor.value) == service.NOT_AN_AUDITOR.format(name=worker.full_name)
    with pytest.raises(service.AuditError, match=service.MONTH_IN_FUTURE):
        service.case_audit_sample(
            actor=boss, month=datetime.date(2026, 4, 1), tool=tool, per_team=1, auditors=[boss]
        )
    with pytest.raises(service.AuditError, match=service.AUDITORS_REQUIRED):
        service.case_audit_sample(actor=boss, month=MARCH, tool=tool, per_team=1, auditors=[])
    assert not CaseAudit.objects.exists()


# One audit ------------------------------------------------------------------------------------


@pytest.fixture
def sampled(tool):
    team, boss, (episode,) = team_with_cases(1)
    checker = auditor(full_name="Ada Auditor")
    (audit,) = service.case_audit_sample(
        actor=boss, month=MARCH, tool=tool, per_team=1, auditors=[checker], seed=5
    ).created
    return audit, boss, checker


def all_good(tool, grade="good"):
    return {q.pk: (grade, "") for q in AuditQuestion.objects.filter(section__tool=tool)}


def test_the_auditor_completes_the_worker_responds_and_a_manager_moderates(sampled, tool):
    audit, boss, checker = sampled
    answers = all_good(tool)
    first = next(iter(answers))
    answers[first] = ("requires_improvement", "The child's voice is missing from the plan.")
    done = service.case_audit_complete(
        actor=checker,
        audit=audit,
        revision=audit.revision,
        answers=answers,
        grade="good",
        summary="Good work; record the child's views.",
    )
    assert done.status == CaseAudit.Status.COMPLETED and done.revision == 2
    assert CaseAuditAnswer.objects.filter(audit=audit).count() == len(answers)
    assert CaseAuditAnswer.objects.get(audit=audit, question_id=first).comment.startswith("The")
    assert last_event().values == {"step": "complete", "grade": "good"}

    worker = audit.worker
    responded = service.case_audit_respond(
        actor=worker, audit=done, revision=done.revision, response="I will add Sam's views."
    )
    assert responded.status == CaseAudit.Status.RESPONDED

    moderated = service.case_audit_moderate(
        actor=boss,
        audit=responded,
        revision=responded.revision,
        grade="requires_improvement",
        note="The child's voice is central.",
    )
    assert moderated.status == CaseAudit.Status.MODERATED
    assert moderated.final_grade == "requires_improvement" and moderated.grade == "good"
    assert moderated.moderated_by == boss
    assert last_event().values["moderated_grade"] == "requires_improvement"


def test_grading_without_every_question_answered_changes_nothing(sampled, tool):
    audit, _, checker = sampled
    answers = all_good(tool)
    answers.popitem()
    with pytest.raises(service.AuditError) as refused:
        service.case_audit_complete(
            actor=checker, audit=audit, revision=1, answers=answers, grade="good", summary="x"
        )
    assert str(refused.value) == service.ANSWERS_MISSING.format(count=1)
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.ASSIGNED and not audit.answers.exists()


def test_only_the_auditor_completes_and_a_stale_page_is_refused(sampled, tool):
    audit, boss, checker = sampled
    with pytest.raises(service.AuditError, match=service.NOT_YOUR_AUDIT):
        service.case_audit_complete(
            actor=boss, audit=audit, revision=1, answers=all_good(tool), grade="good", summary="x"
        )
    assert last_event().values == {"refused": True, "step": "complete"}
    with pytest.raises(service.StaleAudit):
        service.case_audit_complete(
            actor=checker,
            audit=audit,
            revision=0,
            answers=all_good(tool),
            grade="good",
            summary="x",
        )
    assert not CaseAuditAnswer.objects.exists()


def test_responding_and_moderating_refusals(sampled, tool):
    audit, boss, checker = sampled
    with pytest.raises(service.AuditError, match=service.NOT_WAITING_FOR_RESPONSE):
        service.case_audit_respond(actor=audit.worker, audit=audit, revision=1, response="Hi")
    with pytest.raises(service.AuditError, match="the auditor has not completed it"):
        service.case_audit_moderate(actor=boss, audit=audit, revision=1, grade="good", note="n")
    done = service.case_audit_complete(
        actor=checker, audit=audit, revision=1, answers=all_good(tool), grade="good", summary="x"
    )
    with pytest.raises(service.AuditError, match=service.NOT_THE_WORKER):
        service.case_audit_respond(actor=boss, audit=done, revision=2, response="Hi")
    with pytest.raises(service.AuditError, match=service.RESPONSE_REQUIRED):
        service.case_audit_respond(actor=done.worker, audit=done, revision=2, response=" ")
    # The auditor may not moderate their own audit, nor a manager of another team.
    with pytest.raises(service.AuditError, match=service.NOT_A_MODERATOR):
        service.case_audit_moderate(actor=checker, audit=done, revision=2, grade="good", note="n")
    outsider = manager(TeamFactory())
    with pytest.raises(service.AuditError, match=service.NOT_A_MODERATOR):
        service.case_audit_moderate(actor=outsider, audit=done, revision=2, grade="good", note="n")
    with pytest.raises(service.AuditError, match=service.MODERATION_NOTE_REQUIRED):
        service.case_audit_moderate(actor=boss, audit=done, revision=2, grade="good", note="")
    done.refresh_from_db()
    assert done.status == CaseAudit.Status.COMPLETED and not done.moderated_grade


# Results --------------------------------------------------------------------------------------


def test_the_results_match_a_hand_count(tool):
    north, _, _ = team_with_cases(0, name="North")
    south, _, _ = team_with_cases(0, name="South")
    worker = keyworker(north)
    checker = auditor()

    def audit(team, month, grade="", moderated=""):
        episode = EpisodeFactory(team=team, lead_professional=worker)
        return CaseAudit.objects.create(
            tool=tool,
            episode=episode,
            sample_month=month,
            team=team,
            worker=worker,
            auditor=checker,
            grade=grade,
            moderated_grade=moderated,
            status="moderated" if moderated else ("completed" if grade else "assigned"),
        )

    audit(north, MARCH, "good")
    audit(north, MARCH, "good", "inadequate")  # moderated: counts as inadequate
    audit(north, FEBRUARY, "outstanding")
    audit(south, MARCH, "requires_improvement")
    audit(south, MARCH)  # not completed yet
    audit(south, datetime.date(2024, 1, 1), "good")  # too old to show

    results = selectors.case_audit_results(actor=checker, today=NOW.date())
    assert results.waiting == 1
    assert results.by_team == {
        "North": {"good": 1, "inadequate": 1, "outstanding": 1},
        "South": {"requires_improvement": 1},
    }
    assert results.by_month[MARCH] == {"good": 1, "inadequate": 1, "requires_improvement": 1}
    assert results.by_month[FEBRUARY] == {"outstanding": 1}
    assert len(results.months) == 12 and results.months[-1] == MARCH


# Access to the episode ------------------------------------------------------------------------


def test_the_assigned_auditor_reads_the_episode_until_the_audit_is_moderated(sampled, tool):
    audit, boss, checker = sampled
    episode = Episode.objects.get(pk=audit.episode_id)
    assert checker.has_perm("casework.view_episode", episode)
    assert not checker.has_perm("casework.record_work", episode)
    assert list(access.visible_to(checker, "casework.view_episode", Episode.objects.all())) == [
        episode
    ]
    other_auditor = auditor()
    assert not other_auditor.has_perm("casework.view_episode", Episode.objects.get(pk=episode.pk))
    done = service.case_audit_complete(
        actor=checker, audit=audit, revision=1, answers=all_good(tool), grade="good", summary="x"
    )
    service.case_audit_moderate(actor=boss, audit=done, revision=2, grade="good", note="Agreed")
    fresh = Episode.objects.get(pk=episode.pk)
    assert not checker.has_perm("casework.view_episode", fresh)
    assert not access.visible_to(checker, "casework.view_episode", Episode.objects.all()).exists()


# The monthly job ------------------------------------------------------------------------------

JOB = "familyhelp.casework.services.audits.case_audit_monthly_job"


def test_the_monthly_job_samples_last_month_on_the_first(tool):
    from familyhelp.core.jobs import daily_jobs, run_daily_job

    assert JOB in daily_jobs()
    team, boss, episodes = team_with_cases(4)
    checker = auditor()
    assert run_daily_job(JOB, datetime.date(2026, 3, 10)).run.counts == {}
    with time_machine.travel(datetime.datetime(2026, 4, 1, 6, tzinfo=datetime.UTC), tick=False):
        outcome = run_daily_job(JOB, datetime.date(2026, 4, 1))
    assert outcome.run.counts == {"audits_chosen": service.MONTHLY_PER_TEAM}
    audits = CaseAudit.objects.all()
    assert {a.sample_month for a in audits} == {MARCH}
    assert {a.auditor_id for a in audits} == {checker.pk}
    sampled = AuditEvent.objects.get(record_id="sample-2026-03")
    assert sampled.actor is None and sampled.actor_label == service.JOB_LABEL
    assert isinstance(sampled.values["seed"], int)
