"""Recording a family's consent, and withdrawing it (a reason is required)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from familyhelp.accounts.access import RecordNotFound, protected_view
from familyhelp.families import selectors, services
from familyhelp.families.access import FAMILY
from familyhelp.families.forms import ConsentForm, withdraw_form
from familyhelp.families.presenters import ConsentPresenter
from familyhelp.families.services import FamiliesError
from familyhelp.families.views.common import page
from familyhelp.families.views.family import family_url

RECORDED = "Consent recorded: {scope}"
WITHDRAWN = "Consent withdrawn: {scope}. It no longer covers anything from now on."


def _family(request, pk):
    return selectors.family_get(
        request.user, pk, permission="families.record_consent", http_request=request
    )


@protected_view
@require_http_methods(["GET", "POST"])
def consent_add(request, pk):
    family = _family(request, pk)
    people = [member.person for member in selectors.family_members(family)]
    agencies = selectors.agencies_for_consent()
    form = ConsentForm(request.POST or None, people=people, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(person.pk): person for person in people}
        chosen = {str(agency.pk): agency for agency in agencies}
        try:
            consent = services.consent_record(
                actor=request.user,
                family=family,
                scope=data["scope"],
                given_by_name=data["given_by_name"],
                given_on=data["given_on"],
                method=data["method"],
                person=by_id.get(data["person"]),
                agencies=[chosen[pk] for pk in data["agencies"]],
                expires_on=data["expires_on"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, RECORDED.format(scope=consent.get_scope_display()))
            return redirect(family_url(family))
    return page(
        request,
        "consent_form.html",
        {"form": form, "family": family, "cancel_url": family_url(family)},
        record=family,
        status=400 if form.errors else 200,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    family = _family(request, pk)
    consent = selectors.consent_in_family(family, consent_pk)
    if consent is None:
        raise RecordNotFound(FAMILY, str(pk), True)
    form = withdraw_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.user,
                consent=consent,
                reason=form.cleaned_data["reason"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, WITHDRAWN.format(scope=consent.get_scope_display()))
            return redirect(family_url(family))
    shown = ConsentPresenter(consent)
    return page(
        request,
        "reason_form.html",
        {
            "form": form,
            "title": "Withdraw consent",
            "caption": family.name,
            "summary": [
                ("Consent to", shown.scope),
                ("About", shown.about),
                ("Given", shown.given),
            ],
            "warning": "Once withdrawn, it stops covering anything, including sharing it allowed.",
            "submit_text": "Withdraw consent",
            "cancel_url": family_url(family),
        },
        record=family,
        status=400 if form.errors else 200,
    )
