"""What the front door's pages share: rendering, permission checks, opening a request."""

from django.shortcuts import render

from familyhelp.accounts import access
from familyhelp.frontdoor import selectors_triage


def render_page(request, template, context, status=200):
    return render(request, f"frontdoor/triage/{template}", context, status=status)


def may(user, permission, record=None) -> bool:
    return access.user_has_perm(user, permission, record)


def request_or_404(request, pk, permission=selectors_triage.VIEW):
    return selectors_triage.request_get(
        user=request.user, pk=pk, http_request=request, permission=permission
    )
