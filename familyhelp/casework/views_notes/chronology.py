"""The chronology: one timeline of a family's significant events, filtered, paged and as CSV."""

import csv

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from familyhelp.accounts.access import protected_view
from familyhelp.casework import selectors_chronology as selectors
from familyhelp.casework.forms_notes import ChronologyFilterForm
from familyhelp.casework.presenters_notes import (
    CSV_HEADER,
    ChronologyRowPresenter,
    csv_row,
    timeline_pagination,
)
from familyhelp.casework.views_notes.common import episode_url, page
from familyhelp.core.charts import csv_cell


def _filters(form) -> selectors.ChronologyFilters:
    if not form.is_valid():
        return selectors.ChronologyFilters()
    data = form.cleaned_data
    return selectors.ChronologyFilters(
        kinds=tuple(data["kind"]),
        date_from=data["date_from"],
        date_to=data["date_to"],
        significant_only=data["significant_only"],
    )


def _show(request, scope, *, csv_url, back_url, back_text):
    form = ChronologyFilterForm(request.GET)
    filters = _filters(form)
    found = None
    if not form.errors:
        # A filter that cannot be read shows the error, not a timeline it did not ask for.
        found = selectors.chronology_page(
            request.user,
            scope,
            filters,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return page(
        request,
        "chronology/timeline.html",
        {
            "form": form,
            "scope": scope,
            "family": scope.family,
            "episode": scope.episode,
            "rows": [ChronologyRowPresenter(row) for row in found.rows] if found else [],
            "total": found.total if found else 0,
            "filtered": any(query.values()),
            "pagination": timeline_pagination(query, newer=found.newer, older=found.older)
            if found
            else None,
            "csv_url": csv_url + ("?" + query.urlencode() if query else ""),
            "clear_url": request.path,
            "back_url": back_url,
            "back_text": back_text,
        },
        record=scope.family,
        status=400 if form.errors else 200,
    )


@require_GET
@protected_view
def family_chronology(request, pk):
    scope = selectors.chronology_scope_for_family(request.user, pk, http_request=request)
    return _show(
        request,
        scope,
        csv_url=reverse("casework:chronology-csv", kwargs={"pk": pk}),
        back_url=reverse("families:family", kwargs={"pk": pk}),
        back_text="Back to the family",
    )


@require_GET
@protected_view
def episode_chronology(request, pk):
    scope = selectors.chronology_scope_for_episode(request.user, pk, http_request=request)
    return _show(
        request,
        scope,
        csv_url=reverse("casework:episode-chronology-csv", kwargs={"pk": pk}),
        back_url=episode_url(scope.episode) or reverse("casework:notes", kwargs={"pk": pk}),
        back_text="Back to the episode",
    )


class _Echo:
    def write(self, value):
        return value


def _csv(request, scope):
    form = ChronologyFilterForm(request.GET)
    filters = _filters(form)
    rows = selectors.chronology_export(request.user, scope, filters, http_request=request)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow(CSV_HEADER)
        for row in rows:
            yield writer.writerow([csv_cell(cell) for cell in csv_row(row)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"chronology-{scope.family.reference}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@protected_view
def family_chronology_csv(request, pk):
    scope = selectors.chronology_scope_for_family(request.user, pk, http_request=request)
    return _csv(request, scope)


@require_GET
@protected_view
def episode_chronology_csv(request, pk):
    scope = selectors.chronology_scope_for_episode(request.user, pk, http_request=request)
    return _csv(request, scope)
