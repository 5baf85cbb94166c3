"""Ask to join the directory, or claim a listing; directory administrators decide (docs/joining.md).

Thin views: parse the form, call the service or a selector, render. The public pages need no
sign-in; the administrators' pages give anyone else a 404 (the service audits the attempt).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.directory.models import Organization
from familyhelp.stewardship import selectors_joining
from familyhelp.stewardship.forms_joining import ClaimForm, JoinForm, RefuseForm
from familyhelp.stewardship.models import JoinRequest
from familyhelp.stewardship.services import joining

CONFIRMATION_SALT = "familyhelp.stewardship.joining.confirmation"
CONFIRMATION_MAX_SECONDS = 24 * 60 * 60
APPROVED_INVITED = (
    "Request {reference} approved. {name} has been sent an invitation to set a password and "
    "edit {organisation}’s listings."
)
APPROVED_LINKED = (
    "Request {reference} approved. {name} can now edit {organisation}’s listings when they sign in."
)
REFUSED = "Request {reference} refused. The contact has been emailed the reason."


STATUS_TAGS = {
    JoinRequest.Status.PENDING: "govuk-tag--blue",
    JoinRequest.Status.APPROVED: "govuk-tag--green",
    JoinRequest.Status.REFUSED: "govuk-tag--red",
}


def _when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {time_12h(local.time())}"


def _paragraphs(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.split("\n\n") if block.strip()]


class JoinRequestPresenter:
    """A request as the administrators' pages show it: every detail the contact gave is text."""

    def __init__(self, join_request: JoinRequest, editors=()):
        self.id = join_request.pk
        self.reference = join_request.reference
        self.kind = join_request.get_kind_display()
        self.is_claim = join_request.kind == JoinRequest.Kind.CLAIM
        self.is_pending = join_request.status == JoinRequest.Status.PENDING
        self.organisation_name = join_request.organisation_name
        self.organization_id = join_request.organization_id
        self.status = join_request.get_status_display()
        self.status_tag = STATUS_TAGS[join_request.status]
        self.received = _when(join_request.created_at)
        self.contact_name = join_request.contact_name
        self.contact_role = join_request.contact_role or "Not given"
        self.contact_email = join_request.contact_email
        self.contact_phone = join_request.contact_phone or "Not given"
        self.charity_number = join_request.charity_number or "Not given"
        self.company_number = join_request.company_number or "Not given"
        self.website = join_request.website or "Not given"
        self.message = _paragraphs(join_request.message)
        decided_by = str(join_request.decided_by) if join_request.decided_by else "someone"
        self.decided = (
            ""
            if self.is_pending
            else f"{self.status} by {decided_by} on {_when(join_request.decided_at)}"
        )
        self.reason = _paragraphs(join_request.reason)
        self.editors = [
            f"{person.get_full_name() or person.email} ({person.email})"
            + ("" if person.is_active else ", deactivated")
            for person in editors
        ]


def _confirmation_url(join_request: JoinRequest) -> str:
    token = signing.dumps({"r": join_request.reference}, salt=CONFIRMATION_SALT)
    return f"{reverse('stewardship:join-sent')}?{urlencode({'reference': token})}"


def _ask(request, *, form, organization=None):
    """Send a join or claim form to the service: (the redirect, 302) when it is kept, else
    (None, the status to show the form again with), the errors added to the form."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    try:
        join_request = joining.join_request_create(
            actor=request.user,
            kind=JoinRequest.Kind.CLAIM if organization else JoinRequest.Kind.JOIN,
            organization_id=organization.pk if organization else None,
            organisation_name=data.get("organisation_name", ""),
            charity_number=data.get("charity_number", ""),
            company_number=data.get("company_number", ""),
            website=data.get("website", ""),
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            contact_role=data["contact_role"],
            message=data["message"],
            honeypot=data["nickname"],
            ip_address=request.META.get("REMOTE_ADDR"),
            http_request=request,
        )
    except joining.JoinRequestRefused as refused:
        form.add_error(None, str(refused))
        return None, 429 if refused.code == joining.RATE_LIMITED else 400
    except ValidationError as error:
        form.add_error(None, error)
        return None, 400
    except joining.StewardshipError as error:
        form.add_error(None, str(error))
        return None, 400
    return redirect(_confirmation_url(join_request)), 302


@require_GET
def join_start(request):
    return render(request, "stewardship/joining/start.html")


@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        response, status = _ask(request, form=form)
        if response:
            return response
    return render(request, "stewardship/joining/join.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def claim(request, organisation_id):
    organization = Organization.objects.filter(pk=organisation_id).first()
    if organization is None:
        raise Http404("No organisation with that id")
    form = ClaimForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        response, status = _ask(request, form=form, organization=organization)
        if response:
            return response
    return render(
        request,
        "stewardship/joining/claim.html",
        {"form": form, "organisation": organization},
        status=status,
    )


@require_GET
def join_sent(request):
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
    return render(request, "stewardship/joining/sent.html", {"reference": data["r"]})


# Directory administrators ---------------------------------------------------------------------


@require_GET
@access.protected_view
def join_requests(request):
    waiting, decided = selectors_joining.join_request_list(actor=request.user, request=request)
    return render(
        request,
        "stewardship/joining/list.html",
        {
            "waiting": [JoinRequestPresenter(r) for r in waiting],
            "decided": [JoinRequestPresenter(r) for r in decided],
        },
    )


def _detail(request, join_request, *, refuse_form=None, status=200):
    return render(
        request,
        "stewardship/joining/detail.html",
        {
            "join_request": JoinRequestPresenter(
                join_request, selectors_joining.organisation_editors(join_request.organization)
            ),
            "similar": (
                selectors_joining.organisations_named_like(join_request.organisation_name)
                if join_request.kind == JoinRequest.Kind.JOIN
                and join_request.status == JoinRequest.Status.PENDING
                else []
            ),
            "refuse_form": refuse_form or RefuseForm(),
        },
        status=status,
    )


@require_GET
@access.protected_view
def join_request(request, join_request_id):
    found = selectors_joining.join_request_get(
        actor=request.user, join_request_id=join_request_id, request=request
    )
    return _detail(request, found)


@require_POST
@access.protected_view
def join_request_approve(request, join_request_id):
    try:
        approval = joining.join_request_approve(
            actor=request.user, join_request_id=join_request_id, request=request
        )
    except joining.StewardshipError as refused:
        messages.error(request, str(refused))
    else:
        decided = approval.join_request
        message = APPROVED_INVITED if approval.invited else APPROVED_LINKED
        messages.success(
            request,
            message.format(
                reference=decided.reference,
                name=decided.contact_name,
                organisation=decided.organisation_name,
            ),
        )
    return redirect("stewardship:join-request", join_request_id=join_request_id)


@require_POST
@access.protected_view
def join_request_refuse(request, join_request_id):
    found = selectors_joining.join_request_get(
        actor=request.user, join_request_id=join_request_id, request=request
    )
    form = RefuseForm(request.POST)
    # A request already decided goes to the service too, which says by whom and changes nothing.
    if form.is_valid() or found.status != JoinRequest.Status.PENDING:
        try:
            refused = joining.join_request_refuse(
                actor=request.user,
                join_request_id=found.pk,
                reason=form.cleaned_data.get("reason", ""),
                request=request,
            )
        except joining.StewardshipError as error:
            if found.status != JoinRequest.Status.PENDING:
                messages.error(request, str(error))
                return redirect("stewardship:join-request", join_request_id=found.pk)
            form.add_error("reason", str(error))
        else:
            messages.success(request, REFUSED.format(reference=refused.reference))
            return redirect("stewardship:join-request", join_request_id=found.pk)
    return _detail(request, found, refuse_form=form, status=400)
