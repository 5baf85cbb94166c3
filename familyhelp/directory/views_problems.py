"""Report a problem with a service page, and the pages that track reports until resolved.

Thin views: parse the form, call the service or a selector, render. The public form needs no
sign-in; the tracking pages are for directory administrators (every report) and organisation
editors (their organisations' reports); anyone else, or any other report, gets a 404.
See docs/problem-reports.md.
"""

import math
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.directory.forms_problems import (
    ProblemFilterForm,
    ReportProblemForm,
    ResolveProblemForm,
)
from familyhelp.directory.presenters import pagination
from familyhelp.directory.presenters.problems import ProblemReportPresenter
from familyhelp.directory.selectors.problems import (
    problem_report_get,
    problem_report_list,
    problem_service_get,
)
from familyhelp.directory.services import problems

REPORTS_PER_PAGE = 25
RESOLVED = "Problem {reference} resolved."
RESOLVED_AND_TOLD = "Problem {reference} resolved. The person who reported it has been emailed."


def _published_service_or_404(service_id):
    service = problem_service_get(service_id=service_id)
    if service is None:
        raise Http404("No published service with that id")
    return service


@require_http_methods(["GET", "POST"])
def report_problem(request, service_id):
    service = _published_service_or_404(service_id)
    form_token = problems.form_token_issue(service_id=service.pk)
    status = 200
    if request.method == "POST":
        form = ReportProblemForm(request.POST)
        # Keep the token the form was shown with, so the time it was open still counts.
        form_token = request.POST.get("started", "") or form_token
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = problems.problem_report_create(
                    actor=request.user,
                    service_id=service.pk,
                    kind=data["kind"],
                    details=data["details"],
                    reporter_email=data["email"],
                    form_token=data["started"],
                    honeypot=data["website"],
                    ip_address=request.META.get("REMOTE_ADDR"),
                    http_request=request,
                )
            except problems.ServiceNotPublished:
                raise Http404("No published service with that id") from None
            except problems.ProblemReportRefused as refused:
                form.add_error(None, refused.message)
                status = 429 if refused.code == problems.RATE_LIMITED else 400
                if refused.fresh_form:
                    form_token = problems.form_token_issue(service_id=service.pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                sent = reverse("directory:report-problem-sent", kwargs={"service_id": service.pk})
                token = problems.confirmation_token(report)
                return redirect(f"{sent}?{urlencode({'reference': token})}")
    else:
        form = ReportProblemForm()
    return render(
        request,
        "directory/problems/report.html",
        {"form": form, "service": service, "form_token": form_token},
        status=status,
    )


@require_GET
def report_problem_sent(request, service_id):
    service = _published_service_or_404(service_id)
    reference = problems.confirmation_reference(request.GET.get("reference"), service_id=service.pk)
    if reference is None:
        raise Http404("No report to confirm")
    return render(
        request, "directory/problems/sent.html", {"service": service, "reference": reference}
    )


@require_GET
@access.protected_view
def problem_reports(request):
    if not access.user_has_perm(request.user, "directory.view_problem_reports"):
        raise Http404("No problem reports for this person")
    form = ProblemFilterForm(request.GET)
    context = {"form": form, "rows": [], "total": 0, "pagination": None}
    if form.is_valid():
        status = form.status_filter()
        found = problem_report_list(actor=request.user, status=status)
        total = found.count()
        total_pages = max(1, math.ceil(total / REPORTS_PER_PAGE))
        page = form.cleaned_data["page"] or 1
        if page > total_pages:
            form.page_out_of_range(page)
        else:
            start = (page - 1) * REPORTS_PER_PAGE
            context.update(
                total=total,
                status=status,
                rows=[ProblemReportPresenter(r) for r in found[start : start + REPORTS_PER_PAGE]],
                pagination=pagination(request.GET, page, total_pages),
            )
    return render(request, "directory/problems/list.html", context)


@require_http_methods(["GET", "POST"])
@access.protected_view
def problem_report_detail(request, report_id):
    report = problem_report_get(actor=request.user, report_id=report_id)
    if report is None:
        raise access.RecordNotFound(problems.RECORD_TYPE, str(report_id), personal=False)
    form = ResolveProblemForm(request.POST if request.method == "POST" else None)
    # A report already resolved goes to the service too, which says by whom and changes nothing.
    still_open = report.status == report.Status.OPEN
    if request.method == "POST" and (form.is_valid() or not still_open):
        try:
            resolved = problems.problem_report_resolve(
                actor=request.user,
                report_id=report.pk,
                note=form.cleaned_data.get("note", ""),
                http_request=request,
            )
        except problems.ProblemReportError as refused:
            if refused.code != "note":
                messages.error(request, refused.message)
                return redirect(request.path)
            form.add_error("note", refused.message)
        else:
            told = resolved.reporter_told_at is not None
            message = RESOLVED_AND_TOLD if told else RESOLVED
            messages.success(request, message.format(reference=resolved.reference))
            return redirect(request.path)
    return render(
        request,
        "directory/problems/detail.html",
        {"report": ProblemReportPresenter(report), "form": form},
    )
