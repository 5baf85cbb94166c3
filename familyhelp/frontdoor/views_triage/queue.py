"""The front door queue (docs/front-door.md): open requests, sorted and filtered."""

from django.http import Http404
from django.views.decorators.http import require_GET

from familyhelp.accounts import access
from familyhelp.accounts.rules import is_team_manager
from familyhelp.frontdoor import presenters_triage as present
from familyhelp.frontdoor import selectors_queue
from familyhelp.frontdoor.forms_triage import QueueForm
from familyhelp.frontdoor.views_triage.common import may, render_page


@require_GET
@access.protected_view
def queue(request):
    if not may(request.user, "frontdoor.view_queue"):
        raise Http404("No such page")
    user = request.user
    choices = selectors_queue.queue_choices(user=user)
    form = QueueForm(request.GET or None, agencies=choices.agencies, areas=choices.areas)
    filters = form.filters()
    counts = selectors_queue.queue_counts(user=user, filters=filters)
    page = selectors_queue.request_queue(
        user=user, filters=filters, counts=counts, page=request.GET.get("page") or 1
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "queue.html",
        {
            "form": form,
            "page": page,
            "rows": present.queue_rows(page),
            "counts": counts,
            "shows_approvals": is_team_manager(user),
            "query": query.urlencode(),
        },
    )
