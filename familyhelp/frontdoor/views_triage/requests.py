"""A request's triage page (docs/front-door.md): reading it, picking it up or releasing it,
checks with partners, and linking a self-referral to its family."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.families.services.common import FamiliesError
from familyhelp.frontdoor import presenters_triage as present
from familyhelp.frontdoor import selectors_triage
from familyhelp.frontdoor.forms_triage import NEW_FAMILY, LinkFamilyForm, PartnerCheckForm
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services import triage
from familyhelp.frontdoor.services.triage import TriageError
from familyhelp.frontdoor.views_triage.common import may, render_page, request_or_404

PICKED_UP = "You picked up {reference}. It shows as yours in the queue."
RELEASED = "You released {reference}. It is back in the queue for anyone to pick up."
CHECK_RECORDED = "Check with {partner} recorded."
LINKED = "{reference} is now linked to {family}."


@require_GET
@access.protected_view
def request_page(request, pk):
    found = request_or_404(request, pk)
    user = request.user
    may_triage = may(user, "frontdoor.triage_request", found)
    decisions_made = selectors_triage.decisions_of(user=user, request=found)
    current = next((d for d in decisions_made if d.approval != Decision.Approval.RETURNED), None)
    returned = next((d for d in decisions_made if d.approval == Decision.Approval.RETURNED), None)
    context = {
        "found": found,
        "summary": present.request_summary(found),
        "sections": present.request_sections(found),
        "people": present.people_rows(found),
        "status_colour": present.STATUS_COLOURS[found.status],
        "may_triage": may_triage,
        "may_approve": may(user, "frontdoor.approve_decision", found),
        "is_mine": found.picked_up_by_id == user.pk,
        "taken_by": (
            triage.taken_by_message(found)
            if found.picked_up_by_id and found.picked_up_by_id != user.pk
            else ""
        ),
        "decisions": [(d, present.decision_rows(d)) for d in decisions_made],
        "current": current,
        "returned": returned if current is None else None,
        "outcome": present.outcome_line(found, current),
        "checks": selectors_triage.partner_checks_of(user=user, request=found),
    }
    if may_triage:
        context["previous"] = present.previous_rows(
            selectors_triage.previous_involvement(user=user, request=found)
        )
        context["duplicates"] = [
            (person, present.candidate_label(candidate))
            for person, candidate in selectors_triage.duplicates_of(
                user=user, request=found, http_request=request
            )
        ]
    return render_page(request, "request.html", context)


@require_POST
@access.protected_view
def pick_up(request, pk):
    found = request_or_404(request, pk, selectors_triage.TRIAGE)
    try:
        triage.request_pick_up(actor=request.user, request=found, http_request=request)
    except TriageError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, PICKED_UP.format(reference=found.reference))
    return redirect("frontdoor:triage", pk=found.pk)


@require_POST
@access.protected_view
def release(request, pk):
    found = request_or_404(request, pk, selectors_triage.TRIAGE)
    try:
        triage.request_release(actor=request.user, request=found, http_request=request)
    except TriageError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, RELEASED.format(reference=found.reference))
    return redirect("frontdoor:triage", pk=found.pk)


@require_http_methods(["GET", "POST"])
@access.protected_view
def partner_check(request, pk):
    found = request_or_404(request, pk, selectors_triage.TRIAGE)
    form = PartnerCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            triage.partner_check_record(
                actor=request.user,
                request=found,
                partner=form.cleaned_data["partner"],
                outcome=form.cleaned_data["outcome"],
                http_request=request,
            )
        except TriageError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, CHECK_RECORDED.format(partner=form.cleaned_data["partner"]))
            return redirect("frontdoor:triage", pk=found.pk)
    return render_page(
        request,
        "partner_check.html",
        {"found": found, "form": form, "page_has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def link_family(request, pk):
    found = request_or_404(request, pk, selectors_triage.TRIAGE)
    if found.kind != Request.Kind.SELF_REFERRAL or found.family_id is not None:
        return redirect("frontdoor:triage", pk=found.pk)
    posted = request.method == "POST"
    initial = {"postcode": found.postcode}
    # The details are checked first; the choice is checked against what the search finds again.
    posted_choice = request.POST.get("choice", "") if posted else ""
    form = LinkFamilyForm(
        request.POST if posted else None,
        initial=initial,
        candidates=[(posted_choice, "")] if posted_choice not in ("", NEW_FAMILY) else [],
    )
    checked = False
    if posted and form.is_valid():
        data = form.cleaned_data
        candidates = selectors_triage.self_referral_candidates(
            user=request.user,
            given_names=data["given_names"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
            http_request=request,
        )
        checked = True
        choices = [
            (str(candidate.person.pk), present.candidate_label(candidate))
            for candidate in candidates
        ]
        form = LinkFamilyForm(request.POST, initial=initial, candidates=choices)
        form.is_valid()
        choice = form.cleaned_data.get("choice") if not form.errors else None
        if choice:
            person = None
            if choice != NEW_FAMILY:
                person = selectors_triage.person_for_linking(user=request.user, person_id=choice)
            child = {
                "given_names": data["given_names"],
                "family_name": data["family_name"],
                "date_of_birth": data["date_of_birth"],
                "postcode": data["postcode"],
            }
            try:
                linked = triage.request_link_family(
                    actor=request.user,
                    request=found,
                    person=person,
                    child=child,
                    http_request=request,
                )
            except TriageError as refused:
                form.add_error(None, str(refused))
            except FamiliesError as refused:
                for field, problems in (getattr(refused, "errors", None) or {}).items():
                    target = field if field in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
                if not form.errors:
                    form.add_error(None, str(refused))
            else:
                messages.success(
                    request, LINKED.format(reference=found.reference, family=linked.family.name)
                )
                return redirect("frontdoor:triage", pk=found.pk)
    return render_page(
        request,
        "link_family.html",
        {
            "found": found,
            "form": form,
            "checked": checked,
            "page_has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
