"""The people pages (agency and system administrators) and the invitation link.

Thin views: parse the form, call a service or selector, render. Someone who may not see the
people pages, or a person they may not manage, gets a 404; the selector audits the attempt.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from familyhelp.accounts import invitations, mfa, selectors, services
from familyhelp.accounts.forms_people import (
    DeactivateForm,
    DetailsForm,
    InviteForm,
    PeopleSearchForm,
    RolesForm,
    SetPasswordForm,
    TeamsForm,
)
from familyhelp.accounts.models import User
from familyhelp.core.formatting import long_date

PEOPLE_PER_PAGE = 25
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def optional_url(name, **kwargs) -> str | None:
    """The URL of a page another area builds, or None while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _require_view_people(request):
    if not request.user.has_perm("accounts.view_people"):
        raise Http404("No people pages for this person")


def _person_or_404(request, person_id) -> User:
    _require_view_people(request)
    person = selectors.person_get(actor=request.user, person_id=person_id, request=request)
    if person is None:
        raise Http404("No person with that id")
    return person


@dataclass(frozen=True)
class PersonRow:
    """One person as the list and the person page show them."""

    person: User

    @property
    def name(self) -> str:
        return self.person.full_name or self.person.email

    @property
    def status(self) -> str:
        return selectors.user_status(self.person)

    @property
    def status_text(self) -> str:
        return selectors.STATUSES[self.status]

    @property
    def status_tag_class(self) -> str:
        return {
            selectors.STATUS_ACTIVE: "govuk-tag--green",
            selectors.STATUS_INVITED: "govuk-tag--blue",
            selectors.STATUS_DEACTIVATED: "govuk-tag--grey",
        }[self.status]

    @property
    def status_html(self) -> str:
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', self.status_tag_class, self.status_text
        )

    @property
    def email_html(self) -> str:
        return format_html('<span class="app-break-word">{}</span>', self.person.email)

    @property
    def link_html(self) -> str:
        return format_html('<a class="govuk-link" href="{}">{}</a>', self.url, self.name)

    @property
    def roles(self) -> list[str]:
        return sorted(a.role.name for a in self.person.role_assignments.all())

    @property
    def teams(self) -> list[str]:
        return [m.team.name for m in self.person.team_memberships.all()]

    @property
    def fte(self) -> str:
        return f"{self.person.fte.normalize():f}"

    @property
    def url(self) -> str:
        return reverse("accounts:person", kwargs={"person_id": self.person.pk})


def _pagination(query, page: int, total_pages: int) -> dict | None:
    if total_pages <= 1:
        return None

    def href(number):
        params = query.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    items, previous = [], 0
    for number in range(1, total_pages + 1):
        if number in (1, total_pages) or abs(number - page) <= 2:
            if number - previous > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": href(number), "current": number == page})
            previous = number
    params: dict = {"items": items}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < total_pages:
        params["next"] = {"href": href(page + 1)}
    return params


@login_required
def people(request):
    _require_view_people(request)
    is_system_administrator = selectors.user_is_system_administrator(request.user)
    form = PeopleSearchForm(
        request.GET,
        agencies=selectors.agencies_visible_to(request.user) if is_system_administrator else None,
    )
    context = {
        "form": form,
        "rows": [],
        "total": 0,
        "pagination": None,
        "show_agency": is_system_administrator,
        "may_invite": request.user.has_perm("accounts.invite_person"),
    }
    if form.is_valid():
        data = form.cleaned_data
        found = selectors.user_list(
            actor=request.user,
            agency=data.get("agency"),
            search=data["q"],
            status=data["status"],
        )
        total = found.count()
        total_pages = max(1, math.ceil(total / PEOPLE_PER_PAGE))
        page = data["page"] or 1
        if page > total_pages:
            form.page_out_of_range(page)
        else:
            start = (page - 1) * PEOPLE_PER_PAGE
            context.update(
                total=total,
                rows=[PersonRow(p) for p in found[start : start + PEOPLE_PER_PAGE]],
                pagination=_pagination(request.GET, page, total_pages),
                searched=bool(data["q"] or data["status"] or data.get("agency")),
            )
    return render(request, "accounts/people/list.html", context)


@login_required
def invite(request):
    if not request.user.has_perm("accounts.invite_person"):
        raise Http404("No people pages for this person")
    actor = request.user
    is_system_administrator = selectors.user_is_system_administrator(actor)
    fixed_agency = None if is_system_administrator else actor.agency
    if fixed_agency is None and not is_system_administrator:
        raise Http404("No agency to invite people to")
    form = InviteForm(
        request.POST or None,
        agencies=selectors.agencies_visible_to(actor),
        teams=selectors.teams_visible_to(actor),
        grantable_roles=selectors.roles_grantable_by(actor),
        fixed_agency=fixed_agency,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = invitations.invitation_send(
                actor=actor,
                email=data["email"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                fte=data["fte"],
                agency=data["agency"],
                teams=list(data.get("teams") or ()),
                roles=list(data["roles"]),
                request=request,
            )
        except services.AccountsError as error:
            field = "email" if str(error) == invitations.EMAIL_ALREADY_USED else "roles"
            form.add_error(field, str(error))
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            return redirect("accounts:person-invited", person_id=sent.invitation.user_id)
    return render(
        request,
        "accounts/people/invite.html",
        {"form": form, "agency": fixed_agency, "expiry_days": invitations.expiry_days()},
    )


@login_required
def invited(request, person_id):
    person = _person_or_404(request, person_id)
    invitation = selectors.invitation_latest(person)
    if invitation is None:
        raise Http404("No invitation for this person")
    return render(
        request,
        "accounts/people/invited.html",
        {
            "row": PersonRow(person),
            "expires": long_date(timezone.localtime(invitation.expires_at).date()),
        },
    )


@login_required
def person(request, person_id):
    person = _person_or_404(request, person_id)
    actor = request.user
    invitation = selectors.invitation_latest(person)
    row = PersonRow(person)
    return render(
        request,
        "accounts/people/person.html",
        {
            "row": row,
            "person": person,
            "agency": person.agency.name if person.agency else "No agency",
            "status_html": _status_with_expiry(row, invitation),
            "may_deactivate": person.is_active
            and actor.has_perm("accounts.deactivate_person", person),
            "reset_second_factor_url": (
                optional_url("accounts:reset-second-factor", person_id=person.pk)
                if person.is_active
                and actor.has_perm("accounts.reset_second_factor", person)
                and _has_second_factor(person)
                else None
            ),
            "audit_url": _audit_url(actor, person),
        },
    )


def _status_with_expiry(row: PersonRow, invitation) -> str:
    if invitation is None or row.status != selectors.STATUS_INVITED:
        return row.status_html
    expires_at = timezone.localtime(invitation.expires_at)
    wording = "expired on" if expires_at <= timezone.now() else "expires on"
    return format_html(
        '{}<p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">'
        "Invitation link {} {}</p>",
        row.status_html,
        wording,
        long_date(expires_at.date()),
    )


def _has_second_factor(person) -> bool:
    # Someone who never set one up (invited, or signed in through a trusted provider) has
    # nothing to reset: no link to a page that can only refuse.
    return mfa.totp_device_get(person) is not None or mfa.recovery_codes_left(person) > 0


def _audit_url(actor, person) -> str | None:
    # Agency administrators manage people but do not read the log: no link to a "Page not found".
    if not actor.has_perm("audit.search_log"):
        return None
    search = optional_url("audit:search")
    return f"{search}?person={person.pk}" if search else None


@login_required
def change_details(request, person_id):
    person = _person_or_404(request, person_id)
    initial = {"full_name": person.full_name, "job_title": person.job_title, "fte": person.fte}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_change_details(
                actor=request.user, user=person, request=request, **form.cleaned_data
            )
        except services.AccountsError as error:
            if str(error) != services.NOTHING_CHANGED:
                raise
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, f"{person.get_full_name()}’s details have been changed")
        if not form.errors:
            return redirect("accounts:person", person_id=person.pk)
    return render(request, "accounts/people/details.html", {"form": form, "row": PersonRow(person)})


@login_required
def change_roles(request, person_id):
    person = _person_or_404(request, person_id)
    grantable = selectors.roles_grantable_by(request.user)
    grantable_ids = {role.pk for role in grantable}
    held = [a.role for a in person.role_assignments.all()]
    form = RolesForm(
        request.POST or None,
        grantable_roles=grantable,
        initial={"roles": [role.pk for role in held if role.pk in grantable_ids]},
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_choices(request, form, person, "roles", services.user_set_roles)
        if saved:
            return saved
    return render(
        request,
        "accounts/people/roles.html",
        {
            "form": form,
            "row": PersonRow(person),
            "other_roles": sorted(role.name for role in held if role.pk not in grantable_ids),
        },
    )


def _save_choices(request, form, person, field, save):
    """Save a person's roles or teams through `save`; the redirect back, or None on an error.

    Choosing what they already have is not an error: it goes back without a message."""
    try:
        save(actor=request.user, user=person, request=request, **{field: form.cleaned_data[field]})
    except services.AccountsError as error:
        if str(error) != services.NOTHING_CHANGED:
            form.add_error(field, str(error))
            return None
    else:
        messages.success(request, f"{person.get_full_name()}’s {field} have been changed")
    return redirect("accounts:person", person_id=person.pk)


@login_required
def change_teams(request, person_id):
    person = _person_or_404(request, person_id)
    teams = selectors.teams_of(person.agency)
    form = TeamsForm(
        request.POST or None,
        teams=teams,
        initial={"teams": [m.team_id for m in person.team_memberships.all()]},
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_choices(request, form, person, "teams", services.user_set_teams)
        if saved:
            return saved
    return render(
        request,
        "accounts/people/teams.html",
        {
            "form": form,
            "row": PersonRow(person),
            "agency": person.agency,
            "has_teams": teams.exists(),
        },
    )


@login_required
def deactivate(request, person_id):
    person = _person_or_404(request, person_id)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_deactivate(
                actor=request.user,
                user=person,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.AccountsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{person.get_full_name()} has been deactivated and signed out"
            )
            return redirect("accounts:person", person_id=person.pk)
    return render(
        request, "accounts/people/deactivate.html", {"form": form, "row": PersonRow(person)}
    )


@login_required
@require_POST
def reactivate(request, person_id):
    person = _person_or_404(request, person_id)
    try:
        services.user_reactivate(actor=request.user, user=person, request=request)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person.get_full_name()} has been reactivated")
    return redirect("accounts:person", person_id=person.pk)


@login_required
@require_POST
def resend_invitation(request, person_id):
    person = _person_or_404(request, person_id)
    try:
        invitations.invitation_resend(actor=request.user, person=person, request=request)
    except services.AccountsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"A new invitation has been sent to {person.email}. The old link no longer works",
        )
    return redirect("accounts:person", person_id=person.pk)


def accept_invitation(request, signed):
    """The page the emailed link opens: set a password, then be signed in."""
    try:
        invitation = invitations.invitation_open(signed=signed, request=request)
    except invitations.InvitationError as problem:
        return _invitation_problem(request, problem)
    person = invitation.user
    form = SetPasswordForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person = invitations.invitation_accept(
                signed=signed, password=form.cleaned_data["password"], request=request
            )
        except invitations.InvitationError as problem:
            return _invitation_problem(request, problem)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, person, backend=SIGN_IN_BACKEND)
            return redirect(optional_url(settings.LOGIN_REDIRECT_URL) or "/")
    return render(
        request,
        "accounts/people/accept.html",
        {
            "form": form,
            "name": person.get_full_name(),
            "email": person.email,
            "agency": person.agency.name if person.agency else settings.ORGANISATION_NAME,
        },
    )


def _invitation_problem(request, problem: invitations.InvitationError):
    status = 404 if problem.code in (invitations.TAMPERED, invitations.UNKNOWN) else 410
    return render(
        request,
        "accounts/people/invitation_problem.html",
        {
            "message": str(problem),
            "sign_in_url": optional_url(settings.LOGIN_URL)
            if problem.code == invitations.ALREADY_USED
            else None,
        },
        status=status,
    )


def _add_model_errors(form, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_errors:
            if field == "email" and "already exists" in message:
                message = invitations.EMAIL_ALREADY_USED
            form.add_error(target, message)
