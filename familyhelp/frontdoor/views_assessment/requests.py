"""The practitioner's requests: "Your requests", starting one, its task list (or, once sent, the
read-only document and its PDF), sharing a draft, check your answers and sending."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.frontdoor import pdf, presenters_assessment, selectors_assessment
from familyhelp.frontdoor.forms_assessment import DeclarationForm, ShareForm
from familyhelp.frontdoor.models import Request
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.views_assessment.common import (
    Refusal,
    add_field_errors,
    draft_or_404,
    posted_revision,
    render_page,
)

SHARED = "The draft is now shared with {email}."


def _may_make_requests(request) -> None:
    if not access.user_has_perm(request.user, "frontdoor.make_request"):
        raise access.RecordNotFound("frontdoor.request", None, personal=False)


@require_GET
@access.protected_view
def request_list(request):
    _may_make_requests(request)
    rows = presenters_assessment.request_rows(selectors_assessment.request_list(actor=request.user))
    drafts = [row for row in rows if row.request.status == Request.Status.DRAFT]
    sent = [row for row in rows if row.request.status != Request.Status.DRAFT]
    return render(request, "frontdoor/assessment/list.html", {"drafts": drafts, "sent": sent})


@require_http_methods(["GET", "POST"])
@access.protected_view
def request_new(request):
    _may_make_requests(request)
    if request.method == "POST":
        draft = services.request_start(actor=request.user, http_request=request)
        return redirect("frontdoor:request", pk=draft.pk)
    return render(request, "frontdoor/assessment/start.html", {})


@require_GET
@access.protected_view
def request_detail(request, pk):
    """A draft's task list for those who may edit it; otherwise the read-only document."""
    found = selectors_assessment.request_for_reading(
        actor=request.user, pk=pk, http_request=request
    )
    record = selectors_assessment.assessment_record(found)
    if found.status == Request.Status.DRAFT and selectors_assessment.may_edit(request.user, found):
        done, total = presenters_assessment.completed_count(record)
        return render(
            request,
            "frontdoor/assessment/task_list.html",
            {
                "draft": found,
                "record": record,
                "groups": presenters_assessment.task_list(record),
                "done": done,
                "total": total,
            },
        )
    return render(
        request,
        "frontdoor/assessment/document.html",
        {
            "found": found,
            "record": record,
            "status_tag": presenters_assessment.status_tag(found),
            "about": presenters_assessment.SummarySection(
                "about", "About this request", presenters_assessment.about_rows(record)
            ),
            "sections": presenters_assessment.summary_sections(record),
            "decision": presenters_assessment.decision_section(
                selectors_assessment.decision_for_requester(actor=request.user, request=found)
            ),
            "emergency_access": access.emergency_access_banner(request.user, found),
        },
    )


@require_GET
@access.protected_view
def request_pdf(request, pk):
    found = selectors_assessment.request_for_reading(
        actor=request.user, pk=pk, http_request=request
    )
    if found.status == Request.Status.DRAFT:
        raise Http404("A draft has no PDF yet")
    content = pdf.assessment_pdf(selectors_assessment.assessment_record(found))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="assessment-{found.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@access.protected_view
def request_share(request, pk):
    draft = draft_or_404(request, pk)
    form = ShareForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            colleague = services.request_share(
                actor=request.user,
                request=draft,
                email=form.cleaned_data["email"],
                http_request=request,
            )
        except services.AssessmentError as error:
            if not add_field_errors(form, error):
                refusal = Refusal.of(error)
        else:
            messages.success(request, SHARED.format(email=colleague.email))
            return redirect("frontdoor:request", pk=draft.pk)
    return render_page(
        request,
        "frontdoor/assessment/share.html",
        draft,
        refusal,
        form=form,
        shared_with=list(draft.shared_with.order_by("full_name", "email")),
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def request_check(request, pk):
    draft = draft_or_404(request, pk)
    record = selectors_assessment.assessment_record(draft)
    form = DeclarationForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_submit(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                declaration_name=form.cleaned_data["declaration_name"],
                http_request=request,
            )
        except services.AssessmentError as error:
            if not add_field_errors(form, error):
                refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request-sent", pk=draft.pk)
    return render_page(
        request,
        "frontdoor/assessment/check.html",
        draft,
        refusal,
        form=form,
        sections=presenters_assessment.summary_sections(record),
        incomplete=presenters_assessment.incomplete_links(record),
    )


@require_GET
@access.protected_view
def request_sent(request, pk):
    found = selectors_assessment.request_for_reading(
        actor=request.user, pk=pk, http_request=request
    )
    if found.status == Request.Status.DRAFT:
        return redirect("frontdoor:request", pk=found.pk)
    return render(request, "frontdoor/assessment/sent.html", {"found": found})
