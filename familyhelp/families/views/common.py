"""What the families views share."""

from django.shortcuts import render

from familyhelp.accounts.access import emergency_access_banner
from familyhelp.core.forms import date_input_params
from familyhelp.families.presenters import summary_rows


def page(request, template, context, *, record=None, status=200):
    if record is not None:
        context.setdefault("emergency_access", emergency_access_banner(request.user, record))
    context.setdefault("date_input_params", date_input_params)
    context.setdefault("summary_rows", summary_rows)
    return render(request, f"families/{template}", context, status=status)
