"""The public directory pages: parse the query, call a selector, render through presenters."""

import math

from django.http import Http404
from django.shortcuts import render

from familyhelp.directory import presenters
from familyhelp.directory.forms import ServiceSearchForm, WhatsOnForm, term_key
from familyhelp.directory.selectors.events import event_list
from familyhelp.directory.selectors.services import (
    category_list,
    language_list,
    organization_get,
    service_get,
    service_search,
)
from familyhelp.stewardship.freshness import freshness_of

RESULTS_PER_PAGE = 20
EVENTS_PER_PAGE = 30
FILTER_PARAMETERS = ("category", "subcategory", "age", "free", "delivery", "day", "language")


def _tiles(categories):
    return [
        presenters.CategoryTile(
            term, term_key(term), [(child, term_key(child)) for child in term.children.all()]
        )
        for term in categories
    ]


def home(request):
    categories = category_list()
    form = ServiceSearchForm(categories=categories)
    return render(request, "directory/home.html", {"form": form, "tiles": _tiles(categories)})


def search_results(request):
    categories = category_list()
    form = ServiceSearchForm(request.GET, categories=categories, languages=language_list())
    context = {"form": form, "services": [], "pagination": None, "suggestions": []}
    if form.is_valid():
        filters = form.filters()
        result = service_search(filters=filters, page=form.page, per_page=RESULTS_PER_PAGE)
        total_pages = max(1, math.ceil(result.total / RESULTS_PER_PAGE))
        if form.page > total_pages:
            form.page_out_of_range(form.page)
        else:
            chosen = set(form.cleaned_data["category"])
            context.update(
                total=result.total,
                title=presenters.results_title(
                    result.total,
                    filters.text,
                    filters.point.label if filters.point else "",
                    [t.name for t in categories if term_key(t) in chosen],
                ),
                services=[presenters.ServiceSummary(s) for s in result.services],
                has_place=filters.point is not None,
                pagination=presenters.pagination(request.GET, form.page, total_pages),
                suggestions=[]
                if result.total
                else presenters.widen_suggestions(
                    request.GET,
                    has_place=filters.point is not None,
                    radius=filters.radius,
                    has_filters=any(request.GET.get(k) for k in FILTER_PARAMETERS),
                    has_text=bool(filters.text),
                ),
            )
    return render(request, "directory/results.html", context)


def service_detail(request, service_id):
    service = service_get(service_id=service_id)
    if service is None:
        raise Http404("No published service with that id")
    # Freshness (familyhelp/stewardship): "This information may be out of date".
    freshness = freshness_of(service)
    return render(
        request,
        "directory/service.html",
        {"service": presenters.ServiceDetail(service), "freshness": freshness},
    )


def organisation_detail(request, organisation_id):
    organisation = organization_get(organization_id=organisation_id)
    if organisation is None:
        raise Http404("No organisation with that id")
    return render(
        request,
        "directory/organisation.html",
        {"organisation": presenters.OrganisationDetail(organisation)},
    )


def whats_on(request):
    categories = category_list()
    form = WhatsOnForm(request.GET, categories=categories)
    context = {"form": form, "days": [], "pagination": None}
    if form.is_valid():
        data = form.cleaned_data
        occurrences = event_list(
            date_from=data["date_from"],
            date_to=data["date_to"],
            term_ids=form.term_ids(),
            age=data["age"],
            point=data["where"],
            radius=data["radius"],
        )
        total_pages = max(1, math.ceil(len(occurrences) / EVENTS_PER_PAGE))
        if form.page > total_pages:
            form.page_out_of_range(form.page)
        else:
            start = (form.page - 1) * EVENTS_PER_PAGE
            context.update(
                total=len(occurrences),
                summary=presenters.whats_on_summary(
                    len(occurrences),
                    data["date_from"],
                    data["date_to"],
                    data["where"].label if data["where"] else "",
                ),
                days=presenters.events_by_day(occurrences[start : start + EVENTS_PER_PAGE]),
                pagination=presenters.pagination(request.GET, form.page, total_pages),
            )
    return render(request, "directory/whats_on.html", context)
