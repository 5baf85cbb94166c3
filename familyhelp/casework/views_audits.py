"""Case audit pages under /case-audits/ (docs/case-audits.md). Thin views: parse, call the
service or selector, present."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.casework import selectors_audits as selectors
from familyhelp.casework.forms_audits import (
    AuditQuestionForm,
    AuditSectionForm,
    AuditToolForm,
    CompleteAuditForm,
    ModerateForm,
    RespondForm,
    SampleForm,
)
from familyhelp.casework.models import CaseAudit
from familyhelp.casework.presenters_audits import (
    CaseAuditPresenter,
    ResultsPresenter,
    numbered_sections,
)
from familyhelp.casework.services import audits as service
from familyhelp.core.charts import csv_response
from familyhelp.core.formatting import plural

SAMPLE_CHOSEN = "{month}: {count} chosen (random seed {seed})"
NOTHING_CHOSEN = (
    "{month}: no cases added. Each team already has its sample, or has no cases that month"
)
COMPLETED = "Audit completed. {worker} has been asked to respond"
RESPONDED = "Your response has been saved"
MODERATED = "Audit moderated: final grade {grade}"
TOOL_SAVED = "Audit tool ‘{name}’ saved"
DEFAULT_INSTALLED = "Audit tool ‘{name}’ is ready to use"
SECTION_SAVED = "Section ‘{title}’ saved"
QUESTION_SAVED = "Question saved"
UNKNOWN_TABLE = "Choose a table: teams or months."


def _posted_revision(request) -> int:
    """The revision the page was showing; anything unreadable counts as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


# Lists ------------------------------------------------------------------------------------


@require_GET
@access.protected_view
def case_audits(request):
    audits = selectors.case_audit_list(actor=request.user)
    me = request.user.pk
    to_do = [a for a in audits if a.auditor_id == me and a.status == CaseAudit.Status.ASSIGNED]
    of_mine = [a for a in audits if a.worker_id == me]
    shown = {a.pk for a in to_do + of_mine}
    in_teams = [a for a in audits if a.pk not in shown]
    return render(
        request,
        "casework/audits/list.html",
        {
            "to_do": [CaseAuditPresenter(a) for a in to_do],
            "of_mine": [CaseAuditPresenter(a) for a in of_mine],
            "in_teams": [CaseAuditPresenter(a) for a in in_teams],
            "may_run": selectors.may_run_samples(request.user),
            "may_see_results": selectors.may_run_samples(request.user)
            or selectors.may_audit_cases(request.user),
            "may_configure": selectors.may_configure(request.user),
        },
    )


# Samples ----------------------------------------------------------------------------------


def _sample_form(request, data=None):
    return SampleForm(
        data,
        months=selectors.sample_month_choices(timezone.localdate()),
        tools=selectors.active_tools(),
        people=selectors.auditor_choices(),
        initial={"per_team": 2},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def case_audit_sample(request):
    selectors.check_may_run_samples(request.user, request)
    if request.method == "GET":
        return _sample_page(request, _sample_form(request))
    form = _sample_form(request, request.POST)
    if not form.is_valid():
        return _sample_page(request, form, status=400)
    try:
        result = service.case_audit_sample(actor=request.user, **form.sample(), request=request)
    except service.AuditError as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return _sample_page(request, form, status=400)
    month = f"{result.month:%B %Y}"
    if result.created:
        count = plural(len(result.created), "case")
        messages.success(request, SAMPLE_CHOSEN.format(month=month, count=count, seed=result.seed))
    else:
        messages.success(request, NOTHING_CHOSEN.format(month=month))
    return redirect("casework:case-audits")


def _sample_page(request, form, status=200):
    return render(
        request,
        "casework/audits/sample.html",
        {"form": form, "has_tools": bool(form.fields["tool"].choices)},
        status=status,
    )


# One audit --------------------------------------------------------------------------------


def _detail_page(request, audit, *, respond_form=None, moderate_form=None, error=None, status=200):
    user = request.user
    waiting_for_response = audit.status == CaseAudit.Status.COMPLETED
    may_respond = user.pk == audit.worker_id and waiting_for_response
    may_moderate = audit.status in (
        CaseAudit.Status.COMPLETED,
        CaseAudit.Status.RESPONDED,
    ) and service.may_moderate(user, audit)
    graded = audit.status != CaseAudit.Status.ASSIGNED
    answers = selectors.case_audit_answers(audit) if graded else {}
    return render(
        request,
        "casework/audits/detail.html",
        {
            "audit": CaseAuditPresenter(audit),
            "revision": audit.revision,
            "sections": numbered_sections(selectors.tool_sections(audit.tool), answers),
            "may_complete": user.pk == audit.auditor_id
            and audit.status == CaseAudit.Status.ASSIGNED,
            "respond_form": respond_form or (RespondForm() if may_respond else None),
            "moderate_form": moderate_form
            or (ModerateForm(initial={"grade": audit.grade}) if may_moderate else None),
            "error": error,
            "page_has_errors": bool(
                error
                or (respond_form is not None and respond_form.errors)
                or (moderate_form is not None and moderate_form.errors)
            ),
        },
        status=status,
    )


@require_GET
@access.protected_view
def case_audit(request, pk):
    audit = selectors.case_audit_get(actor=request.user, pk=pk, request=request)
    return _detail_page(request, audit)


def _complete_page(request, audit, form, *, error=None, revision=None, status=200):
    return render(
        request,
        "casework/audits/complete.html",
        {
            "audit": CaseAuditPresenter(audit),
            "form": form,
            "sections": form.sections,
            "revision": audit.revision if revision is None else revision,
            "error": error,
            "page_has_errors": bool(form.errors or error),
        },
        status=status,
    )


def _complete_form(audit, data=None):
    sections = numbered_sections(selectors.tool_sections(audit.tool))
    form = CompleteAuditForm(data, rows=[row for section in sections for row in section.rows])
    form.sections = sections
    return form


@require_http_methods(["GET", "POST"])
@access.protected_view
def case_audit_complete(request, pk):
    audit = selectors.case_audit_get(actor=request.user, pk=pk, request=request)
    if request.method == "GET":
        if request.user.pk != audit.auditor_id or audit.status != CaseAudit.Status.ASSIGNED:
            return redirect("casework:case-audit", pk=audit.pk)
        return _complete_page(request, audit, _complete_form(audit))
    form = _complete_form(audit, request.POST)
    revision = _posted_revision(request)
    if not form.is_valid():
        return _complete_page(request, audit, form, revision=revision, status=400)
    try:
        done = service.case_audit_complete(
            actor=request.user,
            audit=audit,
            revision=revision,
            answers=form.answers(),
            grade=form.cleaned_data["grade"],
            summary=form.cleaned_data["summary"],
            request=request,
        )
    except service.StaleAudit as stale:
        return _detail_page(request, stale.current, error=str(stale), status=409)
    except service.AuditError as refused:
        form.add_error(refused.field, str(refused))
        return _complete_page(request, audit, form, revision=revision, status=400)
    messages.success(request, COMPLETED.format(worker=done.worker.full_name or done.worker.email))
    return redirect("casework:case-audit", pk=done.pk)


@require_POST
@access.protected_view
def case_audit_respond(request, pk):
    audit = selectors.case_audit_get(actor=request.user, pk=pk, request=request)
    form = RespondForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, audit, respond_form=form, status=400)
    try:
        service.case_audit_respond(
            actor=request.user,
            audit=audit,
            revision=_posted_revision(request),
            response=form.cleaned_data["response"],
            request=request,
        )
    except service.StaleAudit as stale:
        return _detail_page(request, stale.current, error=str(stale), status=409)
    except service.AuditError as refused:
        return _detail_page(request, audit, error=str(refused), status=400)
    messages.success(request, RESPONDED)
    return redirect("casework:case-audit", pk=audit.pk)


@require_POST
@access.protected_view
def case_audit_moderate(request, pk):
    audit = selectors.case_audit_get(actor=request.user, pk=pk, request=request)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, audit, moderate_form=form, status=400)
    try:
        done = service.case_audit_moderate(
            actor=request.user,
            audit=audit,
            revision=_posted_revision(request),
            grade=form.cleaned_data["grade"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except service.StaleAudit as stale:
        return _detail_page(request, stale.current, error=str(stale), status=409)
    except service.AuditError as refused:
        return _detail_page(request, audit, error=str(refused), status=400)
    messages.success(request, MODERATED.format(grade=done.get_moderated_grade_display()))
    return redirect("casework:case-audit", pk=done.pk)


# Results ----------------------------------------------------------------------------------


@require_GET
@access.protected_view
def case_audit_results(request):
    results = selectors.case_audit_results(
        actor=request.user, today=timezone.localdate(), request=request
    )
    page = ResultsPresenter(results)
    return render(
        request,
        "casework/audits/results.html",
        {"page": page, "teams": page.table("teams"), "months": page.table("months")},
    )


@require_GET
@access.protected_view
def case_audit_results_download(request):
    """?table=teams|months as CSV."""
    table = request.GET.get("table", "")
    selectors.check_may_see_results(request.user, request)
    if table not in ResultsPresenter.TABLES:
        return HttpResponse(
            UNKNOWN_TABLE + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    results = selectors.case_audit_results(
        actor=request.user, today=timezone.localdate(), request=request
    )
    return csv_response(
        ResultsPresenter(results).table(table), filename=f"case-audits-{table}", on=results.on
    )


# Tools ------------------------------------------------------------------------------------


@require_GET
@access.protected_view
def audit_tools(request):
    tools = selectors.audit_tool_list(actor=request.user, request=request)
    names = {tool.name for tool in tools}
    return render(
        request,
        "casework/audits/tools.html",
        {"tools": tools, "default_missing": service.DEFAULT_TOOL.name not in names},
    )


@require_POST
@access.protected_view
def audit_tool_install_default(request):
    selectors.audit_tool_list(actor=request.user, request=request)
    tool = service.audit_tool_install_default(actor=request.user)
    messages.success(request, DEFAULT_INSTALLED.format(name=tool.name))
    return redirect("casework:audit-tool", pk=tool.pk)


def _tool_page(request, form, tool=None, status=200):
    return render(
        request,
        "casework/audits/tool.html",
        {
            "form": form,
            "tool": tool,
            "sections": numbered_sections(selectors.tool_sections(tool)) if tool else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def audit_tool_new(request):
    selectors.audit_tool_list(actor=request.user, request=request)
    if request.method == "GET":
        return _tool_page(request, AuditToolForm(initial={"active": True}))
    form = AuditToolForm(request.POST)
    if not form.is_valid():
        return _tool_page(request, form, status=400)
    try:
        tool = service.audit_tool_create(actor=request.user, **form.cleaned_data, request=request)
    except service.AuditError as refused:
        form.add_error(refused.field, str(refused))
        return _tool_page(request, form, status=400)
    messages.success(request, TOOL_SAVED.format(name=tool.name))
    return redirect("casework:audit-tool", pk=tool.pk)


@require_http_methods(["GET", "POST"])
@access.protected_view
def audit_tool(request, pk):
    tool = selectors.audit_tool_get(actor=request.user, pk=pk, request=request)
    if request.method == "GET":
        initial = {"name": tool.name, "description": tool.description, "active": tool.active}
        return _tool_page(request, AuditToolForm(initial=initial), tool)
    form = AuditToolForm(request.POST)
    if not form.is_valid():
        return _tool_page(request, form, tool, status=400)
    try:
        tool = service.audit_tool_update(
            actor=request.user, tool=tool, **form.cleaned_data, request=request
        )
    except service.AuditError as refused:
        form.add_error(refused.field, str(refused))
        return _tool_page(request, form, tool, status=400)
    messages.success(request, TOOL_SAVED.format(name=tool.name))
    return redirect("casework:audit-tools")


def _part_page(request, form, tool, *, heading, status=200):
    return render(
        request,
        "casework/audits/part.html",
        {"form": form, "tool": tool, "heading": heading},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def audit_section(request, pk, section_pk=None):
    tool = selectors.audit_tool_get(actor=request.user, pk=pk, request=request)
    section = None
    if section_pk is not None:
        section = selectors.audit_section_get(
            actor=request.user, tool_pk=tool.pk, pk=section_pk, request=request
        )
    heading = "Change section" if section else "Add a section"
    if request.method == "GET":
        initial = {"title": section.title, "order": section.order} if section else {"order": 0}
        return _part_page(request, AuditSectionForm(initial=initial), tool, heading=heading)
    form = AuditSectionForm(request.POST)
    if not form.is_valid():
        return _part_page(request, form, tool, heading=heading, status=400)
    try:
        saved = service.audit_section_save(
            actor=request.user, tool=tool, section=section, **form.cleaned_data, request=request
        )
    except service.AuditError as refused:
        form.add_error(refused.field, str(refused))
        return _part_page(request, form, tool, heading=heading, status=400)
    messages.success(request, SECTION_SAVED.format(title=saved.title))
    return redirect("casework:audit-tool", pk=tool.pk)


@require_http_methods(["GET", "POST"])
@access.protected_view
def audit_question(request, pk, section_pk=None, question_pk=None):
    tool = selectors.audit_tool_get(actor=request.user, pk=pk, request=request)
    question = None
    if question_pk is not None:
        question = selectors.audit_question_get(
            actor=request.user, tool_pk=tool.pk, pk=question_pk, request=request
        )
        section = question.section
    else:
        section = selectors.audit_section_get(
            actor=request.user, tool_pk=tool.pk, pk=section_pk, request=request
        )
    heading = (
        f"Change a question in ‘{section.title}’"
        if question
        else (f"Add a question to ‘{section.title}’")
    )
    if request.method == "GET":
        initial = {"text": question.text, "order": question.order} if question else {"order": 0}
        return _part_page(request, AuditQuestionForm(initial=initial), tool, heading=heading)
    form = AuditQuestionForm(request.POST)
    if not form.is_valid():
        return _part_page(request, form, tool, heading=heading, status=400)
    try:
        service.audit_question_save(
            actor=request.user,
            section=section,
            question=question,
            **form.cleaned_data,
            request=request,
        )
    except service.AuditError as refused:
        form.add_error(refused.field, str(refused))
        return _part_page(request, form, tool, heading=heading, status=400)
    messages.success(request, QUESTION_SAVED)
    return redirect("casework:audit-tool", pk=tool.pk)
