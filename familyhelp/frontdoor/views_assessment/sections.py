"""The task list's question sections: the written answers, the level of need, and consent."""

from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from familyhelp.accounts import access
from familyhelp.frontdoor import assessment, presenters_assessment, selectors_assessment
from familyhelp.frontdoor.forms_assessment import (
    ConsentForm,
    ConsentNotSoughtForm,
    LevelForm,
    TextSectionForm,
)
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.views_assessment.common import (
    Refusal,
    add_field_errors,
    draft_or_404,
    posted_revision,
    render_page,
)


def _completed_initial(draft, key) -> str | None:
    return "yes" if key in (draft.sections_completed or []) else None


def _saved_rows(request, section) -> list[dict]:
    """What is saved now in this section (shown beside a refused stale save)."""
    return [
        {
            "key": {"text": answer.label},
            "value": {"text": getattr(request, answer.name) or "Not given"},
        }
        for answer in section.answers
    ]


@require_http_methods(["GET", "POST"])
@access.protected_view
def text_section(request, pk, key):
    section = assessment.TEXT_SECTIONS.get(key)
    if section is None:
        raise Http404("No such section")
    draft = draft_or_404(request, pk)
    initial = {name: getattr(draft, name) for name in section.field_names}
    initial["completed"] = _completed_initial(draft, key)
    form = TextSectionForm(request.POST or None, section=section, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_section_save(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                section_key=key,
                completed=form.is_completed,
                answers=form.answers(),
                http_request=request,
            )
        except services.AssessmentError as error:
            refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request", pk=draft.pk)
    theirs = _saved_rows(refusal.stale.request, section) if refusal and refusal.stale else []
    return render_page(
        request,
        "frontdoor/assessment/section.html",
        draft,
        refusal,
        form=form,
        section=section,
        theirs=theirs,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def level(request, pk):
    draft = draft_or_404(request, pk)
    levels = selectors_assessment.threshold_levels()
    initial = {
        "suggested_level": str(draft.suggested_level_id or ""),
        "completed": _completed_initial(draft, "level"),
    }
    form = LevelForm(request.POST or None, levels=levels, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_section_save(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                section_key="level",
                completed=form.is_completed,
                answers={"suggested_level": form.level()} if form.level() else {},
                http_request=request,
            )
        except services.AssessmentError as error:
            refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request", pk=draft.pk)
    return render_page(
        request,
        "frontdoor/assessment/level.html",
        draft,
        refusal,
        form=form,
        section=assessment.LEVEL,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def consent(request, pk):
    draft = draft_or_404(request, pk)
    record = selectors_assessment.assessment_record(draft)
    form = ConsentForm(request.POST or None, agencies=selectors_assessment.agencies_queryset())
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_consent_record(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                given_by_name=data["given_by_name"],
                given_on=data["given_on"],
                method=data["method"],
                sharing_agencies=list(data["agencies"]),
                contact_by_text=data["contact_by_text"],
                http_request=request,
            )
        except services.AssessmentError as error:
            if not add_field_errors(form, error):
                refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request", pk=draft.pk)
    consents = [
        {
            "key": {"text": consent.get_scope_display()},
            "value": {
                "html": presenters_assessment.lines_html(
                    presenters_assessment.consent_lines(consent)
                )
            },
        }
        for consent in record.consents
    ]
    return render_page(
        request,
        "frontdoor/assessment/consent.html",
        draft,
        refusal,
        form=form,
        consents=consents,
        section=assessment.CONSENT,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def consent_not_sought(request, pk):
    draft = draft_or_404(request, pk)
    form = ConsentNotSoughtForm(
        request.POST or None, initial={"reason": draft.consent_not_sought_reason}
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            services.request_consent_not_sought(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                reason=form.cleaned_data["reason"],
                http_request=request,
            )
        except services.AssessmentError as error:
            if not add_field_errors(form, error):
                refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request", pk=draft.pk)
    return render_page(
        request, "frontdoor/assessment/consent_not_sought.html", draft, refusal, form=form
    )
