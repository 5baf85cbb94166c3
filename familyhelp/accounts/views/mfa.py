"""The second factor pages: set-up, the code page, recovery codes, and an administrator's reset.

MfaRequiredMiddleware lets a signed-in person reach these before their second factor, so each
page checks for itself where the person is in the journey and sends them on if they are not
meant to be here yet.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from familyhelp.accounts import mfa
from familyhelp.core.forms import GovukForm

CONFIRM_SAVED = "Confirm you have saved your recovery codes"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Enter the 6-digit code",
        help_text="Your authenticator app shows a new code every 30 seconds.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": mfa.CODE_REQUIRED},
    )
    govuk_options = {
        "code": {
            "classes": "govuk-input--width-5 govuk-input--extra-letter-spacing",
            "inputmode": "numeric",
        }
    }

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if not mfa.CODE_PATTERN.fullmatch(code):
            raise forms.ValidationError(mfa.CODE_FORMAT)
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(
        label="Enter a recovery code",
        help_text="One of the 10 codes you saved when you set up your authenticator app.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": mfa.RECOVERY_CODE_REQUIRED},
    )
    govuk_options = {"code": {"classes": "govuk-input--width-10"}}
    label_as_page_heading = ("code",)

    def clean_code(self):
        code = mfa.normalise_recovery_code(self.cleaned_data["code"])
        if not mfa.RECOVERY_CODE_PATTERN.fullmatch(code):
            raise forms.ValidationError(mfa.RECOVERY_CODE_FORMAT)
        return code


class SavedCodesForm(GovukForm):
    saved = forms.BooleanField(
        label="I have saved my recovery codes",
        error_messages={"required": CONFIRM_SAVED},
    )


def _posted(request):
    """The submitted data on a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(request, url_name) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    user = request.user
    if mfa.totp_device_get(user) is not None:
        if mfa.second_factor_satisfied(request):
            return redirect(_next_url(request))
        return redirect(_with_next(request, "accounts:second-factor"))
    device = mfa.totp_device_for_set_up(user=user)
    form = CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            mfa.totp_device_confirm(
                request=request, user=user, device_id=device.pk, token=form.cleaned_data["code"]
            )
        except mfa.MfaError as error:
            form.add_error("code", str(error))
        else:
            return redirect(_with_next(request, "accounts:second-factor-recovery-codes"))
    return render(
        request,
        "accounts/mfa/set_up.html",
        {
            "form": form,
            "qr_code": mfa.totp_qr_code_svg(device),
            "secret": mfa.totp_secret_text(device),
            "submit_text": "Continue",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    if mfa.totp_device_get(user) is None:
        return redirect(_with_next(request, "accounts:second-factor-set-up"))
    if mfa.second_factor_satisfied(request):
        return redirect(_next_url(request))
    form = CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            mfa.totp_verify(request=request, user=user, token=form.cleaned_data["code"])
        except mfa.MfaError as error:
            form.add_error("code", str(error))
        else:
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa/verify.html",
        {
            "form": form,
            "submit_text": "Continue",
            "recovery_code_url": _with_next(request, "accounts:second-factor-recovery-code"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def use_recovery_code(request):
    user = request.user
    if mfa.totp_device_get(user) is None:
        return redirect(_with_next(request, "accounts:second-factor-set-up"))
    if mfa.second_factor_satisfied(request):
        return redirect(_next_url(request))
    form = RecoveryCodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            left = mfa.recovery_code_verify(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except mfa.MfaError as error:
            form.add_error("code", str(error))
        else:
            return render(
                request,
                "accounts/mfa/recovery_code_used.html",
                {
                    "left": left,
                    "next_url": _next_url(request),
                    "new_codes_url": _with_next(
                        request, "accounts:second-factor-new-recovery-codes"
                    ),
                },
            )
    return render(
        request,
        "accounts/mfa/recovery_code.html",
        {
            "form": form,
            "submit_text": "Continue",
            "code_url": _with_next(request, "accounts:second-factor"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Shows the codes just made, once: they leave the session when the person confirms."""
    codes = request.session.get(mfa.NEW_RECOVERY_CODES_SESSION_KEY)
    if not codes or not mfa.second_factor_satisfied(request):
        return redirect(_with_next(request, "accounts:second-factor-new-recovery-codes"))
    form = SavedCodesForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        del request.session[mfa.NEW_RECOVERY_CODES_SESSION_KEY]
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/mfa/recovery_codes.html",
        {"form": form, "codes": codes, "submit_text": "Continue"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request):
    user = request.user
    if mfa.totp_device_get(user) is None:
        return redirect(_with_next(request, "accounts:second-factor-set-up"))
    if not mfa.second_factor_satisfied(request):
        return redirect(_with_next(request, "accounts:second-factor"))
    if request.method == "POST":
        mfa.recovery_codes_renew(request=request, user=user)
        return redirect(_with_next(request, "accounts:second-factor-recovery-codes"))
    return render(
        request,
        "accounts/mfa/new_recovery_codes.html",
        {"left": mfa.recovery_codes_left(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reset_second_factor(request, person_id):
    actor = request.user
    person = mfa.person_get(person_id)
    if person is None:
        raise Http404
    is_self = person.pk == actor.pk
    may_reset = actor.has_perm("accounts.reset_second_factor", person)
    if request.method == "GET" and not is_self and not may_reset:
        raise Http404
    error = mfa.CANNOT_RESET_YOURSELF if is_self and request.method == "GET" else None
    if request.method == "POST":
        try:
            ended = mfa.second_factor_reset(actor=actor, person=person, request=request)
        except mfa.MfaNotPermitted:
            raise Http404 from None
        except mfa.MfaError as refusal:
            error = str(refusal)
        else:
            return render(
                request,
                "accounts/mfa/reset_done.html",
                {"person": person, "sessions_ended": ended},
            )
    return render(
        request,
        "accounts/mfa/reset_confirm.html",
        {
            "person": person,
            "error": error,
            "may_reset": not is_self,
            "page_has_errors": bool(error),
        },
    )
