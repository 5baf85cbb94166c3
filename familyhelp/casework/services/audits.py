"""Case audits (docs/case-audits.md): audit tools, monthly random samples, and each audit's
life: the auditor grades it, the worker responds, a moderator may change the grade.

Every service checks its permission inside, writes in one transaction with its audit record, and
raises `AuditError` (its text is what the person is shown) or `StaleAudit` when the page they
sent was out of date. Refused attempts are audited outside the rolled-back transaction.
"""

import calendar
import datetime
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from familyhelp.accounts.models import Team, TeamMembership, User
from familyhelp.accounts.rules import is_auditor, is_system_administrator, is_team_manager
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework.audit_tools import DEFAULT_TOOL, ToolDefinition
from familyhelp.casework.models import (
    AuditQuestion,
    AuditSection,
    AuditTool,
    CaseAudit,
    CaseAuditAnswer,
    Episode,
    Grade,
)

CONFIGURE_PERMISSION = "casework.configure"
RUN_PERMISSION = "casework.run_case_audits"
AUDIT_PERMISSION = "casework.audit_cases"

TOOL_RECORD_TYPE = "casework.audittool"
AUDIT_RECORD_TYPE = "casework.caseaudit"

NOT_ALLOWED_TO_CONFIGURE = "Only system administrators can change audit tools."
NOT_ALLOWED_TO_RUN = "Only team managers and system administrators can choose case audit samples."
NAME_REQUIRED = "Enter the tool’s name"
NAME_TAKEN = "There is already an audit tool called ‘{name}’. Choose another name"
TITLE_REQUIRED = "Enter the section’s title"
TEXT_REQUIRED = "Enter the question"
TOOL_INACTIVE = "Choose a tool that is in use: ‘{name}’ is not"
TOOL_EMPTY = "Choose a tool with at least one question: ‘{name}’ has none"
PER_TEAM_RANGE = "Enter a number of cases for each team from 1 to {most}"
AUDITORS_REQUIRED = "Choose at least one auditor"
NOT_AN_AUDITOR = "{name} cannot audit cases: choose people with the auditor or team manager role"
NO_AUDITOR_FOR = (
    "None of the chosen auditors can audit cases in {team}: each case needs an auditor who is "
    "not its lead professional. Choose another auditor"
)
MONTH_IN_FUTURE = "Choose a month that has started"
NOT_YOUR_AUDIT = "Only the auditor assigned to this case audit can complete it."
NOT_ASSIGNED = "This case audit has already been completed."
ANSWERS_MISSING = "Grade every question before completing the audit: {count} not graded"
UNKNOWN_QUESTION = "The audit was sent with a question that is not in its tool. Start again"
GRADE_REQUIRED = "Select an overall grade"
SUMMARY_REQUIRED = "Enter a summary of the audit"
NOT_THE_WORKER = "Only the worker whose case was audited can respond to it."
NOT_WAITING_FOR_RESPONSE = "This case audit is not waiting for a response."
RESPONSE_REQUIRED = "Enter your response"
NOT_A_MODERATOR = (
    "Only a team manager in the case’s team who did not audit it can moderate this case audit."
)
NOT_READY_TO_MODERATE = "This case audit cannot be moderated: {reason}."
NOT_COMPLETED_YET = "the auditor has not completed it"
MODERATED_ALREADY = "it has been moderated already"
MODERATION_NOTE_REQUIRED = "Enter a note saying why you are confirming or changing the grade"
STALE = (
    "Someone changed this case audit while you were working on it: it is now "
    "‘{status}’. Check what changed, then try again."
)

MOST_PER_TEAM = 20
# The monthly job's sample size in each team, and how the audit log names it.
MONTHLY_PER_TEAM = 2
JOB_LABEL = "monthly case audit sample"
GRADES = frozenset(Grade.values)


class AuditError(Exception):
    """A refused step; the text is what the person is shown, `field` the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleAudit(AuditError):
    """The page sent an old revision of the audit; `current` is the audit as it is now."""

    def __init__(self, current: CaseAudit):
        super().__init__(STALE.format(status=current.get_status_display()))
        self.current = current


def _name(user) -> str:
    return user.full_name or user.email


def _refuse(*, actor, record_type, record_id, step, message, request=None, family_id=None):
    """Audit a refused attempt (outside any transaction, so it is kept) and raise."""
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        record_type=record_type,
        record_id=record_id,
        family_id=family_id,
        values={"refused": True, "step": step},
        request=request,
    )
    raise AuditError(message)


def _full_clean(record, field_names: dict[str, str]) -> None:
    """full_clean(), turning a model error into an AuditError on the matching form field."""
    try:
        record.full_clean()
    except ValidationError as invalid:
        errors = getattr(invalid, "message_dict", {})
        for name, form_field in field_names.items():
            if name in errors:
                raise AuditError(errors[name][0], field=form_field) from None
        raise AuditError(" ".join(invalid.messages)) from None


# Audit tools ---------------------------------------------------------------------------------


def _require_configure(actor, *, record_id="", step: str, request=None) -> None:
    if not actor.has_perm(CONFIGURE_PERMISSION):
        _refuse(
            actor=actor,
            record_type=TOOL_RECORD_TYPE,
            record_id=record_id,
            step=step,
            message=NOT_ALLOWED_TO_CONFIGURE,
            request=request,
        )


def _check_tool_fields(name: str, *, tool_id=None) -> str:
    name = (name or "").strip()
    if not name:
        raise AuditError(NAME_REQUIRED, field="name")
    if AuditTool.objects.filter(name__iexact=name).exclude(pk=tool_id).exists():
        raise AuditError(NAME_TAKEN.format(name=name), field="name")
    return name


def _audit_tool_change(*, actor, tool, action, fields, values=None, request=None):
    audit_record(
        actor=actor,
        action=action,
        record_type=TOOL_RECORD_TYPE,
        record_id=tool.pk,
        fields_changed=fields,
        values=values or {},
        request=request,
    )


def audit_tool_create(*, actor, name, description="", active=True, request=None) -> AuditTool:
    """A new audit tool, with no sections yet."""
    _require_configure(actor, step="create_tool", request=request)
    name = _check_tool_fields(name)
    with transaction.atomic():
        tool = AuditTool(name=name, description=(description or "").strip(), active=active)
        _full_clean(tool, {"name": "name", "description": "description"})
        tool.save()
        _audit_tool_change(
            actor=actor,
            tool=tool,
            action=AuditAction.CREATE,
            fields=["name", "description", "active"],
            request=request,
        )
    return tool


def audit_tool_update(*, actor, tool, name, description="", active=True, request=None):
    """Rename, describe, or take a tool in or out of use (audits already made keep it)."""
    _require_configure(actor, record_id=tool.pk, step="update_tool", request=request)
    name = _check_tool_fields(name, tool_id=tool.pk)
    with transaction.atomic():
        tool = AuditTool.objects.select_for_update().get(pk=tool.pk)
        new = {"name": name, "description": (description or "").strip(), "active": bool(active)}
        changed = [key for key, value in new.items() if getattr(tool, key) != value]
        for key, value in new.items():
            setattr(tool, key, value)
        _full_clean(tool, {"name": "name", "description": "description"})
        tool.save()
        if changed:
            _audit_tool_change(
                actor=actor, tool=tool, action=AuditAction.CHANGE, fields=changed, request=request
            )
    return tool


def audit_section_save(*, actor, tool, title, order=0, section=None, request=None):
    """Add a section to a tool, or change one (`section`)."""
    _require_configure(actor, record_id=tool.pk, step="save_section", request=request)
    title = (title or "").strip()
    if not title:
        raise AuditError(TITLE_REQUIRED, field="title")
    with transaction.atomic():
        if section is None:
            section = AuditSection(tool=tool)
        section.title = title
        section.order = order
        _full_clean(section, {"title": "title", "order": "order"})
        section.save()
        _audit_tool_change(
            actor=actor,
            tool=tool,
            action=AuditAction.CHANGE,
            fields=["sections"],
            values={"section": section.pk},
            request=request,
        )
    return section


def audit_question_save(*, actor, section, text, order=0, question=None, request=None):
    """Add a question to a section, or change one (`question`)."""
    _require_configure(actor, record_id=section.tool_id, step="save_question", request=request)
    text = (text or "").strip()
    if not text:
        raise AuditError(TEXT_REQUIRED, field="text")
    with transaction.atomic():
        if question is None:
            question = AuditQuestion(section=section)
        question.text = text
        question.order = order
        _full_clean(question, {"text": "text", "order": "order"})
        question.save()
        _audit_tool_change(
            actor=actor,
            tool=section.tool,
            action=AuditAction.CHANGE,
            fields=["questions"],
            values={"question": question.pk},
            request=request,
        )
    return question


def audit_tool_install_default(*, actor=None, definition: ToolDefinition = DEFAULT_TOOL):
    """The stepped-down cases tool (audit_tools.py), made once: running it again changes nothing.

    `actor` is a system administrator, or None when the demo or a deployment script loads it.
    """
    if actor is not None:
        _require_configure(actor, step="install_default_tool")
    with transaction.atomic():
        tool, created = AuditTool.objects.get_or_create(
            name=definition.name, defaults={"description": definition.description}
        )
        if not created:
            return tool
        for section_order, (title, questions) in enumerate(definition.sections, start=1):
            section = AuditSection.objects.create(tool=tool, title=title, order=section_order)
            AuditQuestion.objects.bulk_create(
                AuditQuestion(section=section, text=text, order=order)
                for order, text in enumerate(questions, start=1)
            )
        audit_record(
            actor=actor,
            actor_label="" if actor is not None else "system",
            action=AuditAction.CREATE,
            record_type=TOOL_RECORD_TYPE,
            record_id=tool.pk,
            fields_changed=["name", "sections", "questions"],
            values={"default_tool": True},
        )
    return tool


# Monthly samples -----------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(first: datetime.date) -> datetime.date:
    """The first day of the following month."""
    days = calendar.monthrange(first.year, first.month)[1]
    return first + datetime.timedelta(days=days)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def may_audit(user) -> bool:
    """Auditors and team managers audit cases (never one they lead: see _auditor_for)."""
    return user.is_active and (is_auditor(user) or is_team_manager(user))


def episodes_in_month(first: datetime.date):
    """Episodes a lead professional was working in the month: allocated before it ended and not
    closed before it began (open, stepped up or closed in the month)."""
    after = _aware(month_end(first))
    return Episode.objects.filter(
        Q(allocated_at__lt=after) | Q(allocated_at__isnull=True, created_at__lt=after),
        lead_professional__isnull=False,
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_aware(first)))


def sample_teams(actor):
    """The teams the person chooses samples for: those they manage, or every team for a system
    administrator."""
    if is_system_administrator(actor):
        return Team.objects.all()
    if is_team_manager(actor):
        return Team.objects.filter(memberships__user=actor)
    return Team.objects.none()


@dataclass
class SampleResult:
    month: datetime.date
    seed: int
    created: list[CaseAudit] = field(default_factory=list)
    # Team name -> how many were chosen now (teams already sampled this month show 0).
    per_team: dict[str, int] = field(default_factory=dict)


def _auditor_for(episode, candidates, load, rng):
    """The chosen person with the fewest audits so far in this sample who may audit this episode
    (never its lead professional or co-worker), ties broken by the sample's random numbers."""
    excluded = {episode.lead_professional_id, episode.co_worker_id}
    eligible = [person for person in candidates if person.pk not in excluded]
    if not eligible:
        return None
    fewest = min(load[person.pk] for person in eligible)
    tied = [person for person in eligible if load[person.pk] == fewest]
    return tied[rng.randrange(len(tied))]


def case_audit_sample(
    *,
    actor,
    month: datetime.date,
    tool: AuditTool,
    per_team: int,
    auditors,
    seed: int | None = None,
    request=None,
) -> SampleResult:
    """Choose up to `per_team` episodes at random in each of the actor's teams among those worked
    in `month`, and assign each an auditor. Reproducible: the same seed over the same episodes
    chooses the same cases (the seed is kept in the audit record). A team already sampled for
    the month gets only what it lacks, so running a month twice adds nothing."""
    if not actor.has_perm(RUN_PERMISSION):
        _refuse(
            actor=actor,
            record_type=AUDIT_RECORD_TYPE,
            record_id="",
            step="sample",
            message=NOT_ALLOWED_TO_RUN,
            request=request,
        )
    first = month_start(month)
    if first > timezone.localdate():
        raise AuditError(MONTH_IN_FUTURE, field="month")
    return _choose_sample(
        actor=actor,
        teams=sample_teams(actor),
        month=first,
        tool=tool,
        per_team=per_team,
        auditors=auditors,
        seed=seed,
        request=request,
    )


def _choose_sample(*, actor, teams, month, tool, per_team, auditors, seed, request=None):
    """The sample itself, for the teams given; `actor` None is the monthly job."""
    first = month
    if not tool.active:
        raise AuditError(TOOL_INACTIVE.format(name=tool.name), field="tool")
    if not AuditQuestion.objects.filter(section__tool=tool).exists():
        raise AuditError(TOOL_EMPTY.format(name=tool.name), field="tool")
    if not isinstance(per_team, int) or not 1 <= per_team <= MOST_PER_TEAM:
        raise AuditError(PER_TEAM_RANGE.format(most=MOST_PER_TEAM), field="per_team")
    candidates = sorted({person.pk: person for person in auditors}.values(), key=lambda p: p.pk)
    if not candidates:
        raise AuditError(AUDITORS_REQUIRED, field="auditors")
    for person in candidates:
        if not may_audit(person):
            raise AuditError(NOT_AN_AUDITOR.format(name=_name(person)), field="auditors")
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    result = SampleResult(month=first, seed=seed)
    load = {person.pk: 0 for person in candidates}
    with transaction.atomic():
        teams = list(teams.order_by("pk"))
        existing = dict(
            CaseAudit.objects.filter(sample_month=first, team__in=teams)
            .order_by()
            .values_list("team_id")
            .annotate(n=Count("pk"))
        )
        already = set(
            CaseAudit.objects.filter(sample_month=first).values_list("episode_id", flat=True)
        )
        for team in teams:
            wanted = per_team - existing.get(team.pk, 0)
            pool = [
                episode
                for episode in episodes_in_month(first).filter(team=team).order_by("pk")
                if episode.pk not in already
            ]
            chosen = rng.sample(pool, min(max(wanted, 0), len(pool)))
            result.per_team[team.name] = len(chosen)
            for episode in chosen:
                auditor = _auditor_for(episode, candidates, load, rng)
                if auditor is None:
                    raise AuditError(NO_AUDITOR_FOR.format(team=team.name), field="auditors")
                load[auditor.pk] += 1
                audit = CaseAudit(
                    tool=tool,
                    episode=episode,
                    sample_month=first,
                    team=team,
                    worker_id=episode.lead_professional_id,
                    auditor=auditor,
                )
                audit.full_clean()
                audit.save()
                result.created.append(audit)
                audit_record(
                    actor=actor,
                    actor_label="" if actor else JOB_LABEL,
                    action=AuditAction.CREATE,
                    record_type=AUDIT_RECORD_TYPE,
                    record_id=audit.pk,
                    family_id=episode.family_id,
                    fields_changed=["episode", "auditor"],
                    values={"sample_month": first.isoformat(), "seed": seed},
                    request=request,
                )
        audit_record(
            actor=actor,
            actor_label="" if actor else JOB_LABEL,
            action=AuditAction.CREATE,
            record_type=AUDIT_RECORD_TYPE,
            record_id=f"sample-{first:%Y-%m}",
            values={
                "step": "sample",
                "sample_month": first.isoformat(),
                "seed": seed,
                "per_team": per_team,
                "tool": tool.pk,
                "auditors": [str(person.pk) for person in candidates],
                "created": len(result.created),
            },
            request=request,
        )
    return result


def case_audit_monthly_job(today: datetime.date) -> dict:
    """The daily job (settings.DAILY_JOBS) that, on the 1st of each month, chooses last month's
    sample in every team: MONTHLY_PER_TEAM cases each, with the first tool in use (the default
    tool when there is one) and everyone holding the auditor role. Other days it does nothing;
    a month already sampled by a manager gets only what each team lacks."""
    if today.day != 1:
        return {}
    tools = AuditTool.objects.filter(active=True, sections__questions__isnull=False).distinct()
    tool = tools.filter(name=DEFAULT_TOOL.name).first() or tools.order_by("name").first()
    auditors = list(
        User.objects.filter(is_active=True, role_assignments__role__code="auditor").distinct()
    )
    if tool is None or not auditors:
        return {"audits_chosen": 0, "no_tool": int(tool is None), "no_auditors": int(not auditors)}
    last_month = month_start(today - datetime.timedelta(days=1))
    result = _choose_sample(
        actor=None,
        teams=Team.objects.all(),
        month=last_month,
        tool=tool,
        per_team=MONTHLY_PER_TEAM,
        auditors=auditors,
        seed=None,
    )
    return {"audits_chosen": len(result.created)}


# One audit -----------------------------------------------------------------------------------


def _audit_change(*, actor, audit, fields, values=None, request=None):
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        record_type=AUDIT_RECORD_TYPE,
        record_id=audit.pk,
        family_id=audit.episode.family_id,
        fields_changed=fields,
        values=values or {},
        request=request,
    )


def _locked(audit: CaseAudit, revision: int) -> CaseAudit:
    current = CaseAudit.objects.select_for_update().select_related("episode").get(pk=audit.pk)
    if current.revision != revision:
        raise StaleAudit(current)
    return current


def _refuse_audit(*, actor, audit, step, message, request=None):
    _refuse(
        actor=actor,
        record_type=AUDIT_RECORD_TYPE,
        record_id=audit.pk,
        family_id=audit.episode.family_id,
        step=step,
        message=message,
        request=request,
    )


def audit_questions(tool: AuditTool) -> list[AuditQuestion]:
    return list(
        AuditQuestion.objects.filter(section__tool=tool)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )


def case_audit_complete(
    *, actor, audit: CaseAudit, revision: int, answers: dict, grade: str, summary: str, request=None
) -> CaseAudit:
    """The auditor grades every question (with comments), gives the overall grade and summary;
    the worker is then asked to respond. `answers` maps a question's id to (grade, comment)."""
    if actor.pk != audit.auditor_id or not actor.has_perm(AUDIT_PERMISSION):
        _refuse_audit(
            actor=actor, audit=audit, step="complete", message=NOT_YOUR_AUDIT, request=request
        )
    questions = {question.pk: question for question in audit_questions(audit.tool)}
    if set(answers) - set(questions):
        raise AuditError(UNKNOWN_QUESTION)
    missing = [pk for pk in questions if (answers.get(pk) or ("", ""))[0] not in GRADES]
    if missing:
        raise AuditError(ANSWERS_MISSING.format(count=len(missing)))
    if grade not in GRADES:
        raise AuditError(GRADE_REQUIRED, field="grade")
    summary = (summary or "").strip()
    if not summary:
        raise AuditError(SUMMARY_REQUIRED, field="summary")
    with transaction.atomic():
        current = _locked(audit, revision)
        if current.status != CaseAudit.Status.ASSIGNED:
            raise AuditError(NOT_ASSIGNED)
        CaseAuditAnswer.objects.bulk_create(
            CaseAuditAnswer(
                audit=current,
                question_id=pk,
                grade=answers[pk][0],
                comment=(answers[pk][1] or "").strip(),
            )
            for pk in questions
        )
        current.status = CaseAudit.Status.COMPLETED
        current.grade = grade
        current.summary = summary
        current.completed_at = timezone.now()
        current.revision = F("revision") + 1
        current.save()
        current.refresh_from_db()
        _audit_change(
            actor=actor,
            audit=current,
            fields=["status", "grade", "summary", "answers"],
            values={"step": "complete", "grade": grade},
            request=request,
        )
    return current


def case_audit_respond(
    *, actor, audit: CaseAudit, revision: int, response: str, request=None
) -> CaseAudit:
    """The worker whose case was audited reads the completed audit and responds."""
    if actor.pk != audit.worker_id:
        _refuse_audit(
            actor=actor, audit=audit, step="respond", message=NOT_THE_WORKER, request=request
        )
    response = (response or "").strip()
    if not response:
        raise AuditError(RESPONSE_REQUIRED, field="response")
    with transaction.atomic():
        current = _locked(audit, revision)
        if current.status != CaseAudit.Status.COMPLETED:
            raise AuditError(NOT_WAITING_FOR_RESPONSE)
        current.status = CaseAudit.Status.RESPONDED
        current.worker_response = response
        current.responded_at = timezone.now()
        current.revision = F("revision") + 1
        current.save()
        current.refresh_from_db()
        _audit_change(
            actor=actor,
            audit=current,
            fields=["status", "worker_response"],
            values={"step": "respond"},
            request=request,
        )
    return current


def may_moderate(user, audit: CaseAudit) -> bool:
    """A team manager in the audit's team who is not its auditor (nor the worker)."""
    return (
        user.is_active
        and is_team_manager(user)
        and user.pk not in (audit.auditor_id, audit.worker_id)
        and TeamMembership.objects.filter(user=user, team_id=audit.team_id).exists()
    )


def case_audit_moderate(
    *, actor, audit: CaseAudit, revision: int, grade: str, note: str, request=None
) -> CaseAudit:
    """A moderator confirms or changes the audit's grade, saying why; the audit is then done."""
    if not may_moderate(actor, audit):
        _refuse_audit(
            actor=actor, audit=audit, step="moderate", message=NOT_A_MODERATOR, request=request
        )
    if grade not in GRADES:
        raise AuditError(GRADE_REQUIRED, field="grade")
    note = (note or "").strip()
    if not note:
        raise AuditError(MODERATION_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        current = _locked(audit, revision)
        if current.status == CaseAudit.Status.ASSIGNED:
            raise AuditError(NOT_READY_TO_MODERATE.format(reason=NOT_COMPLETED_YET))
        if current.status == CaseAudit.Status.MODERATED:
            raise AuditError(NOT_READY_TO_MODERATE.format(reason=MODERATED_ALREADY))
        previous = current.grade
        current.status = CaseAudit.Status.MODERATED
        current.moderated_grade = grade
        current.moderation_note = note
        current.moderated_by = actor
        current.moderated_at = timezone.now()
        current.revision = F("revision") + 1
        current.save()
        current.refresh_from_db()
        _audit_change(
            actor=actor,
            audit=current,
            fields=["status", "moderated_grade", "moderation_note"],
            values={"step": "moderate", "grade": previous, "moderated_grade": grade},
            request=request,
        )
    return current
