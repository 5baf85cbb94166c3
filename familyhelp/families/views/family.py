"""The family page, and changing who is in the family and how they are related."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from familyhelp.accounts.access import RecordNotFound, protected_view
from familyhelp.families import selectors, services
from familyhelp.families.access import FAMILY
from familyhelp.families.forms import RelationshipForm
from familyhelp.families.presenters import (
    ConsentPresenter,
    InvolvementPresenter,
    MemberPresenter,
    RelationshipPresenter,
)
from familyhelp.families.services import FamiliesError
from familyhelp.families.views.common import page

MEMBER_REMOVED = "{name} is no longer in this family. Their record has not been deleted."
RELATIONSHIP_ADDED = "Relationship added: {sentence}"
RELATIONSHIP_REMOVED = "Relationship removed: {sentence}"


def family_url(family) -> str:
    return reverse("families:family", kwargs={"pk": family.pk})


@protected_view
def family_detail(request, pk):
    family = selectors.family_get(request.user, pk, http_request=request)
    found = selectors.family_page(request.user, family)
    members = [
        MemberPresenter(member, family=family, may_change=found.may_change)
        for member in found.members
    ]
    relationships = [
        RelationshipPresenter(
            relationship,
            remove_url=reverse(
                "families:relationship-remove", kwargs={"pk": family.pk, "rel_pk": relationship.pk}
            )
            if found.may_change
            else None,
        )
        for relationship in found.relationships
    ]
    consents = [
        ConsentPresenter(
            consent,
            withdraw_url=reverse(
                "families:consent-withdraw", kwargs={"pk": family.pk, "consent_pk": consent.pk}
            )
            if found.may_record_consent
            else None,
        )
        for consent in found.consents
    ]
    rows = [InvolvementPresenter(row) for row in found.involvement]
    current = [row for row in rows if row.current]
    past = [row for row in rows if not row.current]
    return page(
        request,
        "family.html",
        {
            "family": family,
            "full": found.full,
            "members": members,
            "relationships": relationships,
            "consents": consents,
            "current": current,
            "past": past,
            "may_change": found.may_change,
            "may_record_consent": found.may_record_consent,
        },
        record=family,
    )


def _family_to_change(request, pk):
    return selectors.family_get(
        request.user, pk, permission="families.change_family", http_request=request
    )


@protected_view
@require_http_methods(["GET", "POST"])
def member_remove(request, pk, person_pk):
    family = _family_to_change(request, pk)
    person = selectors.person_in_family(family, person_pk)
    if person is None:
        raise RecordNotFound(FAMILY, str(pk), True)
    error = None
    if request.method == "POST":
        try:
            services.family_member_remove(
                actor=request.user, family=family, person=person, http_request=request
            )
        except FamiliesError as refused:
            error = refused.message
        else:
            messages.success(request, MEMBER_REMOVED.format(name=person.full_name))
            return redirect(family_url(family))
    return page(
        request,
        "confirm.html",
        {
            "title": f"Remove {person.full_name} from {family.name}?",
            "body": "Their record stays, with any other families they are in.",
            "button": "Remove from family",
            "cancel_url": family_url(family),
            "error": error,
        },
        record=family,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def relationship_add(request, pk):
    family = _family_to_change(request, pk)
    people = [member.person for member in selectors.family_members(family)]
    by_id = {str(person.pk): person for person in people}
    form = RelationshipForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_add(
                actor=request.user,
                person=by_id[data["person"]],
                relative=by_id[data["relative"]],
                kind=data["kind"],
                parental_responsibility=data["parental_responsibility"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, RELATIONSHIP_ADDED.format(sentence=relationship))
            return redirect(family_url(family))
    return page(
        request,
        "relationship_form.html",
        {"form": form, "family": family, "cancel_url": family_url(family)},
        record=family,
        status=400 if form.errors else 200,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def relationship_remove(request, pk, rel_pk):
    family = _family_to_change(request, pk)
    relationship = selectors.relationship_in_family(family, rel_pk)
    if relationship is None:
        raise RecordNotFound(FAMILY, str(pk), True)
    sentence = RelationshipPresenter(relationship).sentence
    error = None
    if request.method == "POST":
        try:
            services.relationship_remove(
                actor=request.user, relationship=relationship, http_request=request
            )
        except FamiliesError as refused:
            error = refused.message
        else:
            messages.success(request, RELATIONSHIP_REMOVED.format(sentence=sentence))
            return redirect(family_url(family))
    return page(
        request,
        "confirm.html",
        {
            "title": "Remove this relationship?",
            "body": sentence,
            "button": "Remove relationship",
            "cancel_url": family_url(family),
            "error": error,
        },
        record=family,
    )
