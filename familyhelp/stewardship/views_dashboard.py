"""The directory administrators' dashboard: freshness at a glance (docs/dashboard.md).

Thin views: check the filters, call the selector, present. Only directory administrators may
see it; anyone else signed in gets "Page not found", as on the other directory-admin pages.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from familyhelp.accounts import access
from familyhelp.core.charts import csv_response
from familyhelp.stewardship import selectors_dashboard as selectors
from familyhelp.stewardship.forms_dashboard import TABLES, DashboardFilterForm, DownloadForm
from familyhelp.stewardship.presenters_dashboard import DashboardPresenter

FILTER_FIELDS = ("category", "area", "organisation")


def _administrator_only(request):
    if not access.user_has_perm(request.user, selectors.ADMINISTER):
        raise Http404("No such page")


def _reverse_or_none(name: str) -> str | None:
    # The queue's page belongs to the moderation area: the dashboard works without it.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _checked_filters(request):
    """(the filter form, its categories, the filters) — the filters are None if invalid."""
    categories = selectors.category_choices()
    form = DashboardFilterForm(request.GET, categories=categories, areas=selectors.area_choices())
    if not form.is_valid():
        return form, categories, None
    filters = form.filters()
    if filters.organisation and not selectors.organisations_matching(filters.organisation):
        form.organisation_unknown()
        return form, categories, None
    return form, categories, filters


def _download_url(request, table: str) -> str:
    query = {name: request.GET[name] for name in FILTER_FIELDS if request.GET.get(name)}
    return reverse("stewardship:dashboard-download") + "?" + urlencode({**query, "table": table})


@require_GET
@access.protected_view
def dashboard(request):
    _administrator_only(request)
    form, categories, filters = _checked_filters(request)
    context = {"form": form, "page": None}
    if filters is None:
        return render(request, "stewardship/dashboard/dashboard.html", context, status=400)
    found = selectors.dashboard_get(actor=request.user, filters=filters, categories=categories)
    context.update(
        page=DashboardPresenter(found),
        chosen=form.chosen(),
        narrowed=filters.narrowed,
        queue_url=_reverse_or_none("stewardship:queue"),
        problems_url=_reverse_or_none("directory:problem-reports"),
        downloads={name: _download_url(request, name) for name in TABLES},
    )
    return render(request, "stewardship/dashboard/dashboard.html", context)


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


@require_GET
@access.protected_view
def dashboard_download(request):
    """One of the dashboard's tables as CSV: ?table=summary|categories|areas|reminders, with the
    same filters as the page."""
    _administrator_only(request)
    choice = DownloadForm(request.GET)
    if not choice.is_valid():
        return _bad_request(" ".join(choice.errors["table"]))
    form, categories, filters = _checked_filters(request)
    if filters is None:
        messages = [str(message) for errors in form.errors.values() for message in errors]
        return _bad_request(" ".join(messages))
    found = selectors.dashboard_get(actor=request.user, filters=filters, categories=categories)
    table_name = choice.cleaned_data["table"]
    table = DashboardPresenter(found).table(table_name)
    return csv_response(table, filename=f"directory-dashboard-{table_name}", on=found.on)
