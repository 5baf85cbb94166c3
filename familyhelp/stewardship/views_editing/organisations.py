"""'Your organisations', one organisation's listings, and starting a change (POST only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.core.formatting import long_date
from familyhelp.directory.presenters.search import pagination
from familyhelp.stewardship import freshness, selectors_editing
from familyhelp.stewardship.forms_editing.questions import OrganisationSearchForm
from familyhelp.stewardship.presenters_editing import ServiceRowPresenter
from familyhelp.stewardship.services import editing
from familyhelp.stewardship.services.common import StewardshipError


def _may_edit_listings(request):
    if not access.user_has_perm(request.user, "stewardship.edit_listings"):
        raise Http404("No listings for this person")


def _refused(request, message: str):
    """A refusal from the service (already audited there), said plainly; nothing changed."""
    return render(request, "stewardship/editing/refused.html", {"message": message}, status=403)


@require_GET
@access.protected_view
def organisations(request):
    _may_edit_listings(request)
    form = OrganisationSearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    search = (data.get("q") or "").strip()
    result = selectors_editing.editable_organisations(
        actor=request.user, search=search, page=data.get("page") or 1
    )
    groups = [
        {
            "organization": org_row.organization,
            "rows": [ServiceRowPresenter(row) for row in org_row.rows],
        }
        for org_row in result.organisations
    ]
    return render(
        request,
        "stewardship/editing/organisations.html",
        {
            "form": form,
            "search": search,
            "page": result,
            "groups": groups,
            "show_search": access.user_has_perm(request.user, "directory.administer"),
            "pagination": pagination(request.GET, result.page_number, result.total_pages),
        },
    )


@require_GET
@access.protected_view
def organisation(request, organisation_id):
    _may_edit_listings(request)
    org = selectors_editing.organisation_get(
        actor=request.user, organisation_id=organisation_id, request=request
    )
    rows = [
        ServiceRowPresenter(row)
        for row in selectors_editing.organisation_listings(organization=org)
    ]
    return render(
        request,
        "stewardship/editing/organisation.html",
        {"organization": org, "rows": rows, "trusted": editing.is_trusted(org)},
    )


@require_POST
@access.protected_view
def organisation_add_service(request, organisation_id):
    _may_edit_listings(request)
    org = selectors_editing.organisation_get(
        actor=request.user, organisation_id=organisation_id, request=request
    )
    try:
        change = editing.change_start(actor=request.user, organization=org, request=request)
    except StewardshipError as refused:
        return _refused(request, str(refused))
    return redirect("stewardship:change", change_id=change.pk)


@require_http_methods(["GET", "POST"])
@access.protected_view
def service(request, service_id):
    """The listing of one service, from a reminder's "make changes" link or the organisation's
    page; its button starts a change, or goes on with the one already open."""
    _may_edit_listings(request)
    if request.method == "POST":
        found = selectors_editing.service_for_start(service_id=service_id)
        if found is None:
            raise Http404("No such service")
        try:
            change = editing.change_start(actor=request.user, service=found, request=request)
        except StewardshipError as refused:
            return _refused(request, str(refused))
        return redirect("stewardship:change", change_id=change.pk)
    found = selectors_editing.service_get(
        actor=request.user, service_id=service_id, request=request
    )
    row = ServiceRowPresenter(selectors_editing.service_row(service=found))
    return render(request, "stewardship/editing/service.html", {"service": found, "row": row})


CONFIRMED = "You confirmed that {name} is still correct. It is next due for review on {due}."


@require_POST
@access.protected_view
def service_confirm(request, service_id):
    """ "Yes, this is still correct" for a signed-in editor: the listing's review starts again."""
    _may_edit_listings(request)
    found = selectors_editing.service_for_start(service_id=service_id)
    if found is None:
        raise Http404("No such service")
    try:
        confirmed = editing.listing_confirm(actor=request.user, service=found, request=request)
    except StewardshipError as refused:
        return _refused(request, str(refused))
    due = freshness.freshness_of(confirmed).review_by
    messages.success(request, CONFIRMED.format(name=confirmed.name, due=long_date(due)))
    return redirect("stewardship:service", service_id=confirmed.pk)
