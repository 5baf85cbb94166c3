"""The front door's figures for managers (docs/front-door-figures.md).

Thin views: check the period, call the selectors, present. The front door team, analysts and
system administrators may see them; anyone else signed in gets "Page not found" (audited).
"""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from familyhelp.accounts import access
from familyhelp.core.charts import csv_response
from familyhelp.frontdoor import selectors_figures as selectors
from familyhelp.frontdoor.forms_figures import TABLES, DownloadForm, PeriodForm
from familyhelp.frontdoor.presenters_figures import FiguresPresenter

PERIOD_FIELDS = ("start", "end")
TEMPLATE = "frontdoor/figures/figures.html"


def _allowed_only(request):
    if not selectors.figures_allowed(actor=request.user, http_request=request):
        raise Http404("No such page")


def _download_url(request, table: str) -> str:
    query = {name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)}
    return reverse("frontdoor:figures-download") + "?" + urlencode({**query, "table": table})


@require_GET
@access.protected_view
def figures(request):
    _allowed_only(request)
    form = PeriodForm(request.GET, today=timezone.localdate())
    context = {"form": form, "page": None}
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    found = selectors.figures_get(actor=request.user, period=form.period())
    context.update(
        page=FiguresPresenter(found),
        downloads={name: _download_url(request, name) for name in TABLES},
    )
    return render(request, TEMPLATE, context)


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


@require_GET
@access.protected_view
def figures_download(request):
    """One of the page's tables as CSV: ?table=summary|weeks|sources|decisions|ages, for the
    same period as the page."""
    _allowed_only(request)
    choice = DownloadForm(request.GET)
    if not choice.is_valid():
        return _bad_request(" ".join(choice.errors["table"]))
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        messages = [str(message) for errors in form.errors.values() for message in errors]
        return _bad_request(" ".join(messages))
    found = selectors.figures_get(actor=request.user, period=form.period())
    name = choice.cleaned_data["table"]
    table = FiguresPresenter(found).table(name)
    return csv_response(table, filename=f"front-door-figures-{name}", on=found.on)
