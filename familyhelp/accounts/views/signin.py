"""Pages for signing in and out, "Your account", locked accounts and password reset.

Thin views: parse the form, call familyhelp.accounts.signin, render. Every page is a GOV.UK page
that works without JavaScript.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from familyhelp.accounts import password_reset as resets
from familyhelp.accounts import signin
from familyhelp.accounts.models import User
from familyhelp.accounts.services import AccountsError

TEMPLATES = "accounts/signin/"


def _safe_next(request) -> str:
    """The `next` address, only if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    signed_out_reason = request.session.pop(signin.SIGNED_OUT_REASON, None)
    form = signin.SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = signin.sign_in(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        # One answer for a wrong password, an unknown address and a deactivated person.
        form.add_error("email", signin.SIGN_IN_FAILED)
    return render(
        request,
        TEMPLATES + "sign_in.html",
        {
            "form": form,
            "signed_out_reason": signed_out_reason,
            "idle_minutes": signin.idle_minutes(),
            "mfa_skipped_for_demo": settings.MFA_SKIPPED_FOR_DEMO,
        },
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the "Your account is locked" page.

    Shown for any address that reached the limit, with or without an account, so it reveals
    nothing about which addresses have one.
    """
    email = signin.axes_username(request, credentials) or ""
    ends_at = signin.lockout_ends_at(email) if email else None
    return render(
        request,
        TEMPLATES + "locked_out.html",
        {
            "unlocks_at": signin.describe_moment(ends_at) if ends_at else None,
            "cool_off_minutes": _cool_off_minutes(),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _cool_off_minutes():
    cool_off = settings.AXES_COOLOFF_TIME
    return round(cool_off.total_seconds() / 60) if cool_off else None


@require_http_methods(["GET", "POST"])
def sign_out(request):
    if request.method == "POST":
        logout(request)  # the user_logged_out handler writes the audit record
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if not request.user.is_authenticated:
        return redirect("accounts:signed-out")
    # Someone who followed a link to this address confirms with the same POST button.
    return render(request, TEMPLATES + "sign_out.html")


def signed_out(request):
    return render(request, TEMPLATES + "signed_out.html")


@require_POST
def keep_alive(request):
    """The timeout warning's "Stay signed in": the request itself resets the idle clock."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


@login_required
def home(request):
    return render(
        request, TEMPLATES + "home.html", {"account": signin.account_summary(user=request.user)}
    )


@login_required
def locked_accounts(request):
    if not request.user.has_perm("accounts.view_people"):
        raise Http404("No such page")
    return render(
        request,
        TEMPLATES + "locked_accounts.html",
        {
            "accounts": signin.locked_account_list(actor=request.user),
            "cool_off_minutes": _cool_off_minutes(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
    )


@login_required
@require_POST
def unlock_account(request, person_id):
    person = User.objects.filter(pk=person_id).first()
    if person is None or not request.user.has_perm("accounts.view_people"):
        raise Http404("No such person")
    try:
        signin.account_unlock(actor=request.user, user=person, request=request)
    except signin.UnlockNotAllowed:
        raise Http404("No such person") from None
    except AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person} can sign in again.")
    return redirect("accounts:locked-accounts")


# --- Password reset --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = resets.PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resets.password_reset_request(request=request, email=form.cleaned_data["email"])
        return redirect("accounts:password-reset-sent")
    return render(request, TEMPLATES + "password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(
        request,
        TEMPLATES + "password_reset_sent.html",
        {"link_lifetime": resets.reset_link_lifetime()},
    )


@never_cache
def password_reset_link(request, uidb64, token):
    """Check the emailed link, then move its token into the session and out of the address bar
    (so it cannot leak through the Referer header or browser history)."""
    if resets.password_reset_user(uidb64=uidb64, token=token) is None:
        resets.password_reset_refused(request=request, uidb64=uidb64)
        return _reset_link_problem(request)
    request.session[resets.RESET_SESSION_TOKEN] = token
    return redirect("accounts:password-reset-new", uidb64=uidb64)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_new(request, uidb64):
    token = request.session.get(resets.RESET_SESSION_TOKEN, "")
    user = resets.password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        resets.password_reset_refused(request=request, uidb64=uidb64)
        return _reset_link_problem(request)
    form = resets.NewPasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        resets.password_reset_complete(
            request=request, user=user, password=form.cleaned_data["password"]
        )
        request.session.pop(resets.RESET_SESSION_TOKEN, None)
        return redirect("accounts:password-reset-done")
    return render(request, TEMPLATES + "password_reset_new.html", {"form": form})


def password_reset_done(request):
    return render(request, TEMPLATES + "password_reset_done.html")


def _reset_link_problem(request):
    return render(
        request,
        TEMPLATES + "password_reset_problem.html",
        {
            "link_lifetime": resets.reset_link_lifetime(),
            "reset_url": reverse("accounts:password-reset"),
        },
        status=400,
    )
