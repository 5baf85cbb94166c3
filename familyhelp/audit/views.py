"""The audit log's pages: search, who has viewed a record, and a CSV download of a search.

Someone who may not read the log (or, for a team manager, that person's events) gets a 404, so
the pages do not confirm what exists. Each page's selector audits the reading itself.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from familyhelp.audit import presenters
from familyhelp.audit.forms import AuditSearchForm
from familyhelp.audit.rules import reads_whole_log
from familyhelp.audit.selectors import (
    AuditLogRefused,
    audit_event_export,
    audit_event_search,
    audit_log_check,
    audit_unknown_person_check,
    record_viewer_list,
)
from familyhelp.core.forms import date_input_params

RECORD_TYPE_LIMIT = 100
RECORD_ID_LIMIT = 64


def _refuse_unknown_person(request, form, what):
    if form.has_error("person", code="unknown_person"):
        try:
            audit_unknown_person_check(viewer=request.user, what=what, request=request)
        except AuditLogRefused:
            raise Http404("No such page") from None


def _refuse_unless(request, permission, what):
    try:
        audit_log_check(viewer=request.user, permission=permission, what=what, request=request)
    except AuditLogRefused:
        raise Http404("No such page") from None


@require_GET
@login_required
def search(request):
    _refuse_unless(request, "audit.search_log", "search")
    # Every filter is optional: the first visit lists the newest events the person may read.
    form = AuditSearchForm(request.GET)
    context = {"form": form, "date_input_params": date_input_params, "rows": None}
    _refuse_unknown_person(request, form, "search")
    if form.is_valid():
        older_than, newer_than = form.cursors()
        try:
            page = audit_event_search(
                viewer=request.user,
                filters=form.filters(),
                older_than=older_than,
                newer_than=newer_than,
                request=request,
            )
        except AuditLogRefused:
            raise Http404("No such page") from None
        context.update(
            rows=[presenters.EventRow(event) for event in page.events],
            pagination=presenters.pagination(request.GET, page),
            export_query=presenters.query_without_paging(request.GET),
            paged=older_than is not None or newer_than is not None,
        )
    return render(request, "audit/search.html", context)


@require_GET
@login_required
def viewers(request, record_type, record_id):
    _refuse_unless(request, "audit.view_record_history", "viewers")
    if len(record_type) > RECORD_TYPE_LIMIT or len(record_id) > RECORD_ID_LIMIT:
        raise Http404("No such record")
    try:
        people = record_viewer_list(
            viewer=request.user, record_type=record_type, record_id=record_id, request=request
        )
    except AuditLogRefused:
        raise Http404("No such page") from None
    return render(
        request,
        "audit/viewers.html",
        {
            "record_type": record_type,
            "record_id": record_id,
            "viewers": [presenters.ViewerRow(person) for person in people],
            "can_see_everyone": reads_whole_log(request.user),
        },
    )


class _Echo:
    """csv.writer writes each row here and gets the line back, to stream it."""

    def write(self, value):
        return value


@require_GET
@login_required
def export(request):
    _refuse_unless(request, "audit.export_log", "export")
    form = AuditSearchForm(request.GET)
    _refuse_unknown_person(request, form, "export")
    if not form.is_valid():
        return render(
            request,
            "audit/search.html",
            {"form": form, "date_input_params": date_input_params, "rows": None},
        )
    try:
        events = audit_event_export(viewer=request.user, filters=form.filters(), request=request)
    except AuditLogRefused:
        raise Http404("No such page") from None
    writer = csv.writer(_Echo())
    lines = (
        writer.writerow(row)
        for row in presenters.csv_rows(presenters.CSV_HEADER, map(presenters.csv_row, events))
    )
    filename = f"audit-log-{timezone.localtime():%Y-%m-%d-%H%M}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
