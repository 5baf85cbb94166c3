"""The people on a draft (each added after the duplicate check) and how they are related."""

from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.families.matching import duplicate_candidates
from familyhelp.families.services.common import FamiliesError
from familyhelp.frontdoor import assessment, presenters_assessment, selectors_assessment
from familyhelp.frontdoor.forms_assessment import (
    CompletedForm,
    MatchForm,
    PersonForm,
    RelationshipForm,
)
from familyhelp.frontdoor.services import assessment as services
from familyhelp.frontdoor.views_assessment.common import (
    Refusal,
    add_field_errors,
    draft_or_404,
    posted_revision,
    render_page,
)

NEEDS_A_CHILD = "Add the child or young person (or unborn baby) before you complete this section"
# Fields the duplicate check page carries forward from the person form, as hidden inputs.
NOT_CARRIED = {"csrfmiddlewaretoken", "match", "revision", "step"}
NEEDS_A_RELATIONSHIP = "Add how the people are related before you complete this section"


def _completed_form(request, draft, key, *, missing: str = ""):
    initial = {"completed": "yes" if key in (draft.sections_completed or []) else None}
    form = CompletedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and form.is_completed and missing:
        form.add_error("completed", missing)
    return form


def _save_completed(request, draft, key, form) -> Refusal | None:
    try:
        services.request_section_save(
            actor=request.user,
            request=draft,
            revision=posted_revision(request),
            section_key=key,
            completed=form.is_completed,
            http_request=request,
        )
    except services.AssessmentError as error:
        return Refusal.of(error)
    return None


@require_http_methods(["GET", "POST"])
@access.protected_view
def people(request, pk):
    draft = draft_or_404(request, pk)
    record = selectors_assessment.assessment_record(draft)
    missing = "" if record.facts.children else NEEDS_A_CHILD
    form = _completed_form(request, draft, "people", missing=missing)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = _save_completed(request, draft, "people", form)
        if refusal is None:
            return redirect("frontdoor:request", pk=draft.pk)
    return render_page(
        request,
        "frontdoor/assessment/people.html",
        draft,
        refusal,
        form=form,
        record=record,
        section=assessment.PEOPLE,
    )


def _candidates(request, draft, form: PersonForm, exclude_ids):
    details = form.details()
    return duplicate_candidates(
        actor=request.user,
        given_names=details["given_names"],
        family_name=details["family_name"],
        date_of_birth=details.get("date_of_birth"),
        expected_date=details.get("expected_date"),
        postcode=details.get("postcode", ""),
        nhs_number=details.get("nhs_number", ""),
        exclude_ids=exclude_ids,
        http_request=request,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def person_add(request, pk):
    """Add a person: their details, then the likely matches (if any) to pick one or confirm a
    new person."""
    draft = draft_or_404(request, pk)
    form = PersonForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        on_request = [entry.person_id for entry in selectors_assessment.request_people(draft)]
        try:
            candidates = _candidates(request, draft, form, on_request)
        except FamiliesError as error:
            candidates, refusal = [], Refusal(message=error.message)
        match_form = MatchForm(
            request.POST if request.POST.get("step") == "match" else None, candidates=candidates
        )
        if refusal is None and candidates and not match_form.is_valid():
            return render_page(
                request,
                "frontdoor/assessment/matches.html",
                draft,
                match_form=match_form,
                rows=presenters_assessment.match_rows(candidates),
                carried=[
                    (name, value) for name, value in request.POST.items() if name not in NOT_CARRIED
                ],
                person_name=" ".join(
                    (form.cleaned_data["given_names"], form.cleaned_data["family_name"])
                ),
            )
        if refusal is None:
            chosen = match_form.chosen() if candidates else None
            try:
                services.request_person_add(
                    actor=request.user,
                    request=draft,
                    revision=posted_revision(request),
                    role=form.cleaned_data["role"],
                    details=None if chosen else form.details(),
                    person=selectors_assessment.person_for_match(chosen.person.pk)
                    if chosen
                    else None,
                    lives_here=form.lives_with_child,
                    http_request=request,
                )
            except services.AssessmentError as error:
                if not add_field_errors(form, error):
                    refusal = Refusal.of(error)
            else:
                return redirect("frontdoor:request-people", pk=draft.pk)
    return render_page(request, "frontdoor/assessment/person.html", draft, refusal, form=form)


@require_POST
@access.protected_view
def person_remove(request, pk, person_id):
    draft = draft_or_404(request, pk)
    try:
        services.request_person_remove(
            actor=request.user,
            request=draft,
            revision=posted_revision(request),
            person_id=person_id,
            http_request=request,
        )
    except services.AssessmentError as error:
        record = selectors_assessment.assessment_record(draft)
        return render_page(
            request,
            "frontdoor/assessment/people.html",
            draft,
            Refusal.of(error),
            form=CompletedForm(),
            record=record,
            section=assessment.PEOPLE,
        )
    return redirect("frontdoor:request-people", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@access.protected_view
def relationships(request, pk):
    """Add how two people are related, or say the section is complete."""
    draft = draft_or_404(request, pk)
    record = selectors_assessment.assessment_record(draft)
    adding = request.POST.get("action") == "add"
    add_form = RelationshipForm(request.POST if adding else None, people=record.people)
    facts = record.facts
    missing = "" if facts.relationships or facts.people <= 1 else NEEDS_A_RELATIONSHIP
    form = CompletedForm(
        None if adding else (request.POST or None),
        initial={"completed": "yes" if "relationships" in draft.sections_completed else None},
    )
    completing = not adding and request.method == "POST" and form.is_valid() and form.is_completed
    if completing and missing:
        form.add_error("completed", missing)
    refusal = None
    if request.method == "POST" and adding and add_form.is_valid():
        try:
            services.request_relationship_add(
                actor=request.user,
                request=draft,
                revision=posted_revision(request),
                http_request=request,
                **add_form.relationship(),
            )
        except services.AssessmentError as error:
            if not add_field_errors(add_form, error):
                refusal = Refusal.of(error)
        else:
            return redirect("frontdoor:request-relationships", pk=draft.pk)
    elif request.method == "POST" and not adding and form.is_valid():
        refusal = _save_completed(request, draft, "relationships", form)
        if refusal is None:
            return redirect("frontdoor:request", pk=draft.pk)
    rows = [
        {
            "key": {"text": relationship.person.full_name},
            "value": {
                "html": presenters_assessment.lines_html(
                    [presenters_assessment.relationship_line(relationship)]
                    + (
                        ["Has parental responsibility"]
                        if relationship.parental_responsibility
                        else []
                    )
                )
            },
        }
        for relationship in record.relationships
    ]
    return render_page(
        request,
        "frontdoor/assessment/relationships.html",
        draft,
        refusal,
        form=form,
        add_form=add_form,
        rows=rows,
        record=record,
        section=assessment.RELATIONSHIPS,
    )
