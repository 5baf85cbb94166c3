"""Break-glass pages: asking for emergency access to a record, and managers reviewing each use."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from familyhelp.accounts import access, break_glass, relationships
from familyhelp.accounts.models import BreakGlassAccess
from familyhelp.core import formatting
from familyhelp.core.forms import GovukForm


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need this record urgently?",
        help_text="Say what has happened and why it cannot wait. Your manager will read this.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def clean_reason(self):
        try:
            return break_glass.clean_reason(self.cleaned_data["reason"])
        except break_glass.BreakGlassError as error:
            raise forms.ValidationError(error.message) from None


class ReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Was this emergency access appropriate?",
        choices=BreakGlassAccess.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": break_glass.OUTCOME_MISSING},
    )
    note = forms.CharField(
        label="Note (optional if appropriate)",
        help_text="Needed if it was not appropriate: say what you have done about it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    govuk_options = {"outcome": {"classes": "govuk-radios--inline"}}


def _safe_next(request, fallback):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@access.protected_view
def break_glass_request_page(request, record_type, record_id):
    # Someone whose role does not allow it gets the plain 404: nothing here for them.
    if not access.user_has_perm(request.user, access.BREAK_GLASS_PERMISSION):
        return access.not_found_page(request)
    form = BreakGlassForm(request.POST or None)
    next_url = _safe_next(request, "")
    if request.method == "POST" and form.is_valid():
        try:
            emergency = break_glass.break_glass_request(
                actor=request.user,
                record_type=record_type,
                record_id=record_id,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except break_glass.BreakGlassError as error:
            form.add_error(error.field, error.message)
        else:
            if emergency is None:
                # The same page anyone gets for a record that does not exist.
                return access.not_found_page(request)
            return redirect(next_url or _record_url(record_type, record_id))
    return render(
        request,
        "accounts/access/break_glass_request.html",
        {
            "form": form,
            "next_url": next_url,
            "minutes": break_glass.break_glass_minutes(),
            "submit_text": "Open the record",
        },
    )


def _record_url(record_type, record_id):
    record = break_glass.find_record(record_type, record_id)
    return record.get_absolute_url() if hasattr(record, "get_absolute_url") else "/"


class BreakGlassUse:
    """One use of emergency access, as the review pages show it."""

    def __init__(self, emergency: BreakGlassAccess):
        self.emergency = emergency
        self.pk = emergency.pk
        self.person = emergency.user.get_full_name()
        self.person_email = emergency.user.email
        self.record = relationships.describe(emergency.record_type, emergency.record_id)
        self.granted = _when(emergency.granted_at)
        self.expires = _when(emergency.expires_at)
        self.expires_label = (
            "Access ends" if emergency.expires_at > timezone.now() else "Access ended"
        )
        self.reason = emergency.reason
        self.reviewed = emergency.reviewed_at is not None
        self.outcome = emergency.get_outcome_display() if self.reviewed else "To review"
        self.outcome_tag = {
            BreakGlassAccess.Outcome.APPROPRIATE: "govuk-tag--green",
            BreakGlassAccess.Outcome.NOT_APPROPRIATE: "govuk-tag--red",
        }.get(emergency.outcome, "govuk-tag--yellow")
        self.reviewed_by = emergency.reviewed_by.get_full_name() if self.reviewed else ""
        self.reviewed_when = _when(emergency.reviewed_at) if self.reviewed else ""
        self.review_note = emergency.review_note


def _when(moment):
    local = timezone.localtime(moment)
    return f"{formatting.long_date(local.date())} at {formatting.time_12h(local.time())}"


REVIEWED_SHOWN = 50


@access.protected_view
def break_glass_reviews_page(request):
    if not access.user_has_perm(request.user, "accounts.view_break_glass_reviews"):
        return access.not_found_page(request)
    waiting = [BreakGlassUse(e) for e in break_glass.break_glass_uses_waiting(actor=request.user)]
    reviewed = [
        BreakGlassUse(e)
        for e in break_glass.break_glass_uses_reviewed(actor=request.user)[:REVIEWED_SHOWN]
    ]
    return render(
        request,
        "accounts/access/reviews.html",
        {"waiting": waiting, "reviewed": reviewed, "reviewed_shown": REVIEWED_SHOWN},
    )


@access.protected_view
def break_glass_review_page(request, pk):
    emergency = break_glass.break_glass_use_get(actor=request.user, pk=pk, request=request)
    use = BreakGlassUse(emergency)
    form = ReviewForm(request.POST or None)
    if not use.reviewed and request.method == "POST" and form.is_valid():
        try:
            break_glass.break_glass_review(
                actor=request.user,
                emergency=emergency,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except break_glass.BreakGlassError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Review recorded for {use.person}'s emergency access")
            return redirect(reverse("accounts:break-glass-reviews"))
    return render(
        request,
        "accounts/access/review.html",
        {
            "use": use,
            "form": form,
            "views": break_glass.break_glass_views(emergency),
            "submit_text": "Save review",
        },
    )
