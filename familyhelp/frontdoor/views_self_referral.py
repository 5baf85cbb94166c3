"""Ask for help for your family: the public self-referral form and its confirmation
(docs/self-referral.md). No sign-in; thin views: parse the form, call the service, render."""

from urllib.parse import urlencode

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.frontdoor.forms_self_referral import SelfReferralForm
from familyhelp.frontdoor.services import self_referral

CONFIRMATION_SALT = "familyhelp.frontdoor.self_referral.confirmation"
CONFIRMATION_MAX_SECONDS = 24 * 60 * 60
TEMPLATE = "frontdoor/self_referral/form.html"


def _confirmation_url(request_for_help) -> str:
    token = signing.dumps(
        {
            "r": request_for_help.reference,
            "e": bool(request_for_help.contact_email),
            "t": request_for_help.contact_by_text,
        },
        salt=CONFIRMATION_SALT,
    )
    return f"{reverse('frontdoor:self-referral-sent')}?{urlencode({'reference': token})}"


def _send(request, form):
    """(the redirect, 302) when the request is kept; else (None, the status to show the form
    again with), the reasons added to the form."""
    if not form.is_valid():
        return None, 400
    try:
        kept = self_referral.self_referral_create(
            **form.service_arguments(), ip_address=request.META.get("REMOTE_ADDR")
        )
    except self_referral.SelfReferralRefused as refused:
        form.add_error(None, str(refused))
        return None, 429 if refused.code == self_referral.RATE_LIMITED else 400
    except self_referral.SelfReferralError as error:
        form.add_error(error.field or None, str(error))
        return None, 400
    return redirect(_confirmation_url(kept)), 302


@require_http_methods(["GET", "POST"])
def ask_for_help(request):
    if request.method == "GET":
        form = SelfReferralForm()
        return render(request, TEMPLATE, {"form": form, "token": self_referral.form_token_new()})
    form = SelfReferralForm(request.POST)
    response, status = _send(request, form)
    if response:
        return response
    # A forged or expired token is replaced; a good one is kept, so its clock is not reset.
    token = self_referral.form_token_keep_or_renew(request.POST.get("form_token", ""))
    return render(request, TEMPLATE, {"form": form, "token": token}, status=status)


@require_GET
def self_referral_sent(request):
    try:
        data = signing.loads(
            request.GET.get("reference", ""),
            salt=CONFIRMATION_SALT,
            max_age=CONFIRMATION_MAX_SECONDS,
        )
    except signing.BadSignature:
        raise Http404("No request to confirm") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise Http404("No request to confirm")
    return render(
        request,
        "frontdoor/self_referral/sent.html",
        {"reference": data["r"], "emailed": bool(data.get("e")), "texted": bool(data.get("t"))},
    )
