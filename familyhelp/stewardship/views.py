"""Freshness pages: the reminder's confirm link (no sign-in) and the administrators' list.

Opening a confirm link never changes anything (email scanners open links to check them): the page
shows the listing and a "Yes, this is still correct" button that posts. Pages whose address
carries a link's token are never cached and send it to no other site: the site-wide
Referrer-Policy is "same-origin" (not "no-referrer", which would make the button's post arrive
with "Origin: null" and fail the CSRF check).
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.core.formatting import long_date
from familyhelp.directory.presenters.search import pagination
from familyhelp.stewardship import freshness, reminders, selectors


def _private(response):
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _problem(request, problem: reminders.ReminderLinkError):
    status = 404 if problem.code in (reminders.TAMPERED, reminders.UNKNOWN) else 410
    return _private(
        render(request, "stewardship/link_problem.html", {"message": str(problem)}, status=status)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, signed):
    if request.method == "POST":
        try:
            reminders.link_confirm(signed=signed, request=request)
        except reminders.ReminderLinkError as problem:
            return _problem(request, problem)
        return _private(redirect("stewardship:confirmed", signed=signed))
    try:
        link = reminders.link_open(signed=signed, request=request)
    except reminders.ReminderLinkError as problem:
        return _problem(request, problem)
    service = link.reminder.service
    state = freshness.freshness_of(service)
    context = {
        "service": service,
        "service_url": reverse("directory:service", args=[service.pk]) if not state.hidden else "",
        "last_checked": long_date(service.assured_date) or "Never",
        "review_by": long_date(state.review_by),
        "hidden": state.hidden,
        "changes_url": reminders.changes_path(service),
    }
    return _private(render(request, "stewardship/confirm.html", context))


@require_GET
def confirmed(request, signed):
    link = reminders.link_confirmed(signed=signed)
    if link is None:
        return redirect("stewardship:confirm", signed=signed)
    service = link.reminder.service
    state = freshness.freshness_of(service)
    context = {
        "service": service,
        "service_url": reverse("directory:service", args=[service.pk]),
        "next_review": long_date(state.review_by),
    }
    return _private(render(request, "stewardship/confirmed.html", context))


@require_GET
@access.protected_view
def overdue(request):
    if not access.user_has_perm(request.user, "directory.administer"):
        raise Http404("No such page")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    result = selectors.overdue_listings(page=page)
    return render(
        request,
        "stewardship/overdue.html",
        {
            "page": result,
            "pagination": pagination(request.GET, result.page_number, result.total_pages),
            "grace_days": freshness.grace_days(),
        },
    )
