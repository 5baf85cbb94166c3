"""Deciding a request, managers' approvals, and the public page of the services an advice
decision sent (docs/front-door.md)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.frontdoor import presenters_triage as present
from familyhelp.frontdoor import selectors_triage
from familyhelp.frontdoor.forms_triage import APPROVE, ApprovalForm, DecisionForm
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.selectors_thresholds import threshold_levels
from familyhelp.frontdoor.services import decisions, triage
from familyhelp.frontdoor.services.triage import TriageError
from familyhelp.frontdoor.views_triage.common import may, render_page, request_or_404

DECIDED = "Decision recorded for {reference}: {kind}."
SENT_FOR_APPROVAL = "Decision on {reference} sent to a manager for approval."
APPROVED = "Decision on {reference} approved. The requester and family have been told."
RETURNED = "Decision on {reference} returned to {officer}."


def _decision_form(request, found, data=None):
    query = (data or request.GET).get("q", "")
    found_services = selectors_triage.directory_search(query)
    chosen_ids = data.getlist("services") if data is not None else []
    chosen = selectors_triage.services_by_ids(
        [pk for pk in chosen_ids if pk not in {str(s.pk) for s in found_services}]
    )
    return DecisionForm(
        data,
        levels=threshold_levels(),
        teams=selectors_triage.team_choices(),
        services=[*chosen, *found_services],
        initial={"q": query},
    ), query


def _decided_already(request, pk):
    """Front door staff asking to decide a request that has left the queue are told so (it is no
    longer theirs to open, so nothing about it is shown)."""
    if may(request.user, "frontdoor.view_queue") and selectors_triage.request_is_decided(pk=pk):
        return render_page(request, "decided_already.html", {}, status=409)
    return None


@require_http_methods(["GET", "POST"])
@access.protected_view
def decide(request, pk):
    try:
        found = request_or_404(request, pk, selectors_triage.TRIAGE)
    except access.RecordNotFound:
        response = _decided_already(request, pk)
        if response is None:
            raise
        return response
    posted = request.method == "POST"
    form, query = _decision_form(request, found, request.POST if posted else None)
    problem, status = "", 200
    if posted and form.is_valid():
        try:
            decision = decisions.request_decide(
                actor=request.user, request=found, http_request=request, **form.decision()
            )
        except TriageError as refused:
            field = DecisionForm.FIELD_OF.get(str(refused))
            if field:
                form.add_error(field, str(refused))
                status = 400
            else:
                problem, status = str(refused), 409
        else:
            done = SENT_FOR_APPROVAL if decision.approval == Decision.Approval.AWAITING else DECIDED
            messages.success(
                request,
                done.format(reference=found.reference, kind=decision.get_kind_display()),
            )
            if decision.in_effect:
                # A decided request leaves the front door: back to the queue for the next one.
                return redirect("frontdoor:queue")
            return redirect("frontdoor:triage", pk=found.pk)
    elif posted:
        status = 400
    if problem:
        try:
            found = request_or_404(request, pk, selectors_triage.TRIAGE)
        except access.RecordNotFound:
            return render_page(request, "decided_already.html", {}, status=409)
    problem = problem or decisions.why_not_decidable(found, request.user)
    return render_page(
        request,
        "decision.html",
        {
            "found": found,
            "form": form if not problem else None,
            "query": query,
            "searched": bool(query.strip()),
            "search_results": [str(pk) for pk, _ in form.fields["services"].choices],
            "problem": problem,
            "guidance": present.level_guidance(threshold_levels()),
            "page_has_errors": bool(form.errors) or (posted and bool(problem)),
        },
        status=status,
    )


@require_GET
@access.protected_view
def approvals(request):
    if not may(request.user, "frontdoor.view_queue"):
        raise Http404("No such page")
    waiting = selectors_triage.approval_queue(user=request.user)
    rows = []
    for found in waiting:
        decision = found.awaiting[0] if found.awaiting else None
        rows.append(
            {
                "found": found,
                "kind": decision.get_kind_display() if decision else "",
                "decided_by": triage.name_of(decision.decided_by) if decision else "",
                "decided_at": triage.when(decision.decided_at) if decision else "",
            }
        )
    return render_page(request, "approvals.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@access.protected_view
def approval(request, pk):
    found = request_or_404(request, pk, "frontdoor.approve_decision")
    form = ApprovalForm(request.POST if request.method == "POST" else None)
    problem, status = "", 200
    if request.method == "POST" and form.is_valid():
        outcome, note = form.cleaned_data["outcome"], form.cleaned_data["note"]
        try:
            if outcome == APPROVE:
                decision = decisions.decision_approve(
                    actor=request.user, request=found, note=note, http_request=request
                )
                done = APPROVED.format(reference=found.reference)
            else:
                decision = decisions.decision_return(
                    actor=request.user, request=found, note=note, http_request=request
                )
                done = RETURNED.format(
                    reference=found.reference, officer=triage.name_of(decision.decided_by)
                )
        except TriageError as refused:
            if str(refused) == decisions.NOTE_REQUIRED:
                form.add_error("note", str(refused))
                status = 400
            else:
                problem, status = str(refused), 409
        else:
            messages.success(request, done)
            return redirect("frontdoor:approvals")
    elif request.method == "POST":
        status = 400
    awaiting = [
        d
        for d in selectors_triage.decisions_of(user=request.user, request=found)
        if d.approval == Decision.Approval.AWAITING
    ]
    if not awaiting and not problem:
        problem = decisions.NOT_AWAITING
    return render_page(
        request,
        "approval.html",
        {
            "found": found,
            "summary": present.request_summary(found),
            "decision_rows": present.decision_rows(awaiting[0]) if awaiting else [],
            "form": form if awaiting else None,
            "problem": problem,
            "page_has_errors": bool(form.errors) or bool(problem and request.method == "POST"),
        },
        status=status,
    )


@require_GET
def signposted_services(request, token):
    """Public: the services chosen for a family, by a signed link that expires. No personal data."""
    decision_id = decisions.signposting_decision_id(token)
    services = (
        selectors_triage.signposted_services(decision_id=decision_id)
        if decision_id is not None
        else None
    )
    if services is None:
        return render_page(request, "signposted_expired.html", {}, status=404)
    return render_page(
        request,
        "signposted.html",
        {"services": services, "expires_in_days": decisions.SIGNPOSTING_DAYS},
    )
