"""Reading case audits (docs/case-audits.md): each person's audits, one audit, the tools, and
the results by team and month.

A case audit is opened by its auditor, the worker whose case it is, and the team managers of the
case's team (who moderate); anyone else gets "Page not found" and an audit record. Reads of an
audit (it describes a family's case) are audited. The results are counts only.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from familyhelp.accounts import access
from familyhelp.accounts.models import TeamMembership, User
from familyhelp.accounts.rules import is_team_manager
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import AuditQuestion, AuditSection, AuditTool, CaseAudit
from familyhelp.casework.services.audits import (
    AUDIT_PERMISSION,
    AUDIT_RECORD_TYPE,
    CONFIGURE_PERMISSION,
    RUN_PERMISSION,
    TOOL_RECORD_TYPE,
    month_start,
)

SUMMARY_MONTHS = 12


def _refused(actor, *, record_type, record_id, permission, request=None, family_id=None):
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=record_type,
        record_id=record_id,
        family_id=family_id,
        values={"refused": True, "permission": permission},
        request=request,
    )
    return access.RecordNotFound(record_type, str(record_id), personal=False)


def _managed_team_ids(user):
    if not is_team_manager(user):
        return TeamMembership.objects.none().values("team_id")
    return TeamMembership.objects.filter(user=user).values("team_id")


def _visible(user) -> Q:
    return Q(auditor=user) | Q(worker=user) | Q(team_id__in=_managed_team_ids(user))


def _with_people(queryset):
    return queryset.select_related(
        "episode", "team", "team__agency", "tool", "worker", "auditor", "moderated_by"
    )


def case_audit_list(*, actor) -> list[CaseAudit]:
    """The audits the person does, is audited by, or manages: newest month first."""
    if not access.signed_in(actor):
        return []
    return list(
        _with_people(CaseAudit.objects.filter(_visible(actor))).order_by(
            "-sample_month", "team__name", "episode__reference"
        )
    )


def case_audit_get(*, actor, pk, request=None) -> CaseAudit:
    """One audit for its auditor, its worker or a manager of its team (the read is audited);
    RecordNotFound for anyone else (audited too)."""
    found = _with_people(CaseAudit.objects.filter(pk=pk)).first()
    if found is None:
        raise access.RecordNotFound(AUDIT_RECORD_TYPE, str(pk), personal=False)
    if not CaseAudit.objects.filter(_visible(actor), pk=found.pk).exists():
        raise _refused(
            actor,
            record_type=AUDIT_RECORD_TYPE,
            record_id=found.pk,
            permission="casework.view_case_audit",
            request=request,
            family_id=found.episode.family_id,
        )
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=AUDIT_RECORD_TYPE,
        record_id=found.pk,
        family_id=found.episode.family_id,
        request=request,
    )
    return found


def case_audit_answers(audit: CaseAudit) -> dict[int, object]:
    """The audit's answers by question id."""
    return {answer.question_id: answer for answer in audit.answers.all()}


def tool_sections(tool: AuditTool) -> list[AuditSection]:
    """The tool's sections in order, each with its questions (two queries)."""
    return list(tool.sections.prefetch_related("questions"))


# Samples ----------------------------------------------------------------------------------


def may_run_samples(user) -> bool:
    return access.user_has_perm(user, RUN_PERMISSION)


def may_audit_cases(user) -> bool:
    return access.user_has_perm(user, AUDIT_PERMISSION)


def check_may_run_samples(actor, request=None) -> None:
    if not may_run_samples(actor):
        raise _refused(
            actor,
            record_type=AUDIT_RECORD_TYPE,
            record_id="sample",
            permission=RUN_PERMISSION,
            request=request,
        )


def active_tools() -> list[AuditTool]:
    return list(AuditTool.objects.filter(active=True).order_by("name"))


def auditor_choices() -> list[User]:
    """Everyone who may be chosen to audit: active people with the auditor or team manager role."""
    return list(
        User.objects.filter(
            is_active=True, role_assignments__role__code__in=["auditor", "team-manager"]
        )
        .distinct()
        .order_by("full_name", "email")
    )


def sample_month_choices(today: datetime.date, count: int = SUMMARY_MONTHS) -> list[datetime.date]:
    """This month and the months before it, newest first."""
    months = [month_start(today)]
    while len(months) < count:
        months.append(month_start(months[-1] - datetime.timedelta(days=1)))
    return months


# Tools ------------------------------------------------------------------------------------


def may_configure(user) -> bool:
    return access.user_has_perm(user, CONFIGURE_PERMISSION)


def _check_configure(actor, record_id, request=None) -> None:
    if not may_configure(actor):
        raise _refused(
            actor,
            record_type=TOOL_RECORD_TYPE,
            record_id=record_id,
            permission=CONFIGURE_PERMISSION,
            request=request,
        )


def audit_tool_list(*, actor, request=None) -> list[AuditTool]:
    _check_configure(actor, "", request)
    return list(AuditTool.objects.order_by("name"))


def audit_tool_get(*, actor, pk, request=None) -> AuditTool:
    _check_configure(actor, pk, request)
    found = AuditTool.objects.filter(pk=pk).first()
    if found is None:
        raise access.RecordNotFound(TOOL_RECORD_TYPE, str(pk), personal=False)
    return found


def audit_section_get(*, actor, tool_pk, pk, request=None) -> AuditSection:
    _check_configure(actor, tool_pk, request)
    found = AuditSection.objects.select_related("tool").filter(tool_id=tool_pk, pk=pk).first()
    if found is None:
        raise access.RecordNotFound(TOOL_RECORD_TYPE, str(tool_pk), personal=False)
    return found


def audit_question_get(*, actor, tool_pk, pk, request=None) -> AuditQuestion:
    _check_configure(actor, tool_pk, request)
    found = (
        AuditQuestion.objects.select_related("section", "section__tool")
        .filter(section__tool_id=tool_pk, pk=pk)
        .first()
    )
    if found is None:
        raise access.RecordNotFound(TOOL_RECORD_TYPE, str(tool_pk), personal=False)
    return found


# Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditResults:
    """Counts of completed audits by final grade (moderated if moderated), by team and month."""

    months: list[datetime.date]  # oldest first
    by_team: dict[str, Counter]
    by_month: dict[datetime.date, Counter]
    waiting: int  # sampled in the period, not yet completed
    on: datetime.date


def check_may_see_results(actor, request=None) -> None:
    if not (may_audit_cases(actor) or may_run_samples(actor)):
        raise _refused(
            actor,
            record_type=AUDIT_RECORD_TYPE,
            record_id="results",
            permission=AUDIT_PERMISSION,
            request=request,
        )


def case_audit_results(*, actor, today: datetime.date, request=None) -> AuditResults:
    """The last twelve months' results across every team (counts only, in one query)."""
    check_may_see_results(actor, request)
    months = sorted(sample_month_choices(today))
    rows = (
        CaseAudit.objects.filter(sample_month__gte=months[0], sample_month__lte=months[-1])
        .order_by()
        .values_list("team__name", "sample_month", "grade", "moderated_grade")
    )
    by_team: dict[str, Counter] = {}
    by_month: dict[datetime.date, Counter] = {month: Counter() for month in months}
    waiting = 0
    for team_name, month, grade, moderated in rows:
        final = moderated or grade
        if not final:
            waiting += 1
            continue
        by_team.setdefault(team_name, Counter())[final] += 1
        by_month[month][final] += 1
    return AuditResults(
        months=months,
        by_team=dict(sorted(by_team.items())),
        by_month=by_month,
        waiting=waiting,
        on=today,
    )
