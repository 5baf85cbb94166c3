"""Adding a person to a family (the duplicate check first), the person page, and editing."""

import datetime

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from familyhelp.accounts.access import RecordNotFound, protected_view
from familyhelp.families import matching, selectors, services
from familyhelp.families.access import PERSON
from familyhelp.families.forms import ChooseRecordForm, EditPersonForm, NewPersonForm
from familyhelp.families.presenters import (
    CandidatePresenter,
    PersonPresenter,
    RelationshipPresenter,
    person_url,
    summary_rows,
    when,
)
from familyhelp.families.services import FamiliesError
from familyhelp.families.views.common import page
from familyhelp.families.views.family import family_url

DETAILS_SALT = "familyhelp.families.add-person"
# Long enough to read the records found and decide; short enough that the details go stale.
DETAILS_MAX_AGE = 60 * 60
ADDED_NEW = "{name} has been added to this family"
ADDED_EXISTING = "{name}’s existing record has been added to this family"
UPDATED = "{name}’s details have been saved"
DETAILS_EXPIRED = "The details you entered have expired. Enter them again"
DATES = ("date_of_birth", "expected_date")
MERGED_SINCE = "That record has been merged into another since the check. Add the person again"


def _pack(family, details, lives_here, candidate_ids) -> str:
    plain = {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in details.items()
    }
    return signing.dumps(
        {"family": family.pk, "details": plain, "lives_here": lives_here, "ids": candidate_ids},
        salt=DETAILS_SALT,
        compress=True,
    )


def _unpack(family, token):
    try:
        data = signing.loads(token, salt=DETAILS_SALT, max_age=DETAILS_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("family") != family.pk:
        return None
    details = data["details"]
    for name in DATES:
        if details.get(name):
            details[name] = datetime.date.fromisoformat(details[name])
    return data


def _check(request, details, family):
    members = [member.person_id for member in selectors.family_members(family)]
    return [
        CandidatePresenter(candidate)
        for candidate in matching.duplicate_candidates(
            actor=request.user,
            given_names=details["given_names"],
            family_name=details["family_name"],
            date_of_birth=details.get("date_of_birth"),
            expected_date=details.get("expected_date"),
            postcode=details.get("postcode", ""),
            nhs_number=details.get("nhs_number", ""),
            unique_pupil_number=details.get("unique_pupil_number", ""),
            exclude_ids=members,
            http_request=request,
        )
    ]


def _new_label(details) -> str:
    return f"None of these: add {details['given_names']} {details['family_name']} as a new person"


def _create(request, family, details, lives_here):
    person = services.person_create(
        actor=request.user,
        family=family,
        details=details,
        lives_here=lives_here,
        http_request=request,
    )
    messages.success(request, ADDED_NEW.format(name=person.full_name))
    return redirect(family_url(family))


@protected_view
@require_http_methods(["GET", "POST"])
def person_add(request, pk):
    family = selectors.family_get(
        request.user, pk, permission="families.change_family", http_request=request
    )
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        details = form.details()
        lives_here = form.cleaned_data["lives_here"] == "yes"
        try:
            candidates = _check(request, details, family)
            if not candidates:
                return _create(request, family, details, lives_here)
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            token = _pack(family, details, lives_here, [c.id for c in candidates])
            choose = ChooseRecordForm(
                initial={"details": token},
                choices=[(str(c.id), c.label) for c in candidates],
                new_label=_new_label(details),
            )
            return _choose_page(request, family, choose, candidates)
    return page(
        request,
        "person_form.html",
        {
            "form": form,
            "title": f"Add a person to {family.name}",
            "intro": "We will check for records that may already be this person.",
            "submit_text": "Continue",
            "cancel_url": family_url(family),
        },
        record=family,
        status=400 if form.errors else 200,
    )


def _choose_page(request, family, form, candidates, status=200):
    return page(
        request,
        "choose_record.html",
        {
            "form": form,
            "family": family,
            "candidates": candidates,
            "action": reverse("families:person-choose", kwargs={"pk": family.pk}),
            "cancel_url": family_url(family),
        },
        record=family,
        status=status,
    )


@protected_view
@require_POST
def person_choose(request, pk):
    """The practitioner picked one of the records found, or confirmed a new person."""
    family = selectors.family_get(
        request.user, pk, permission="families.change_family", http_request=request
    )
    data = _unpack(family, request.POST.get("details", ""))
    if data is None:
        messages.error(request, DETAILS_EXPIRED)
        return redirect(reverse("families:person-add", kwargs={"pk": family.pk}))
    details, lives_here, ids = data["details"], data["lives_here"], data["ids"]
    choices = [(str(candidate_id), str(candidate_id)) for candidate_id in ids]
    form = ChooseRecordForm(request.POST, choices=choices, new_label=_new_label(details))
    if form.is_valid():
        try:
            if form.cleaned_data["choice"] == ChooseRecordForm.NEW:
                return _create(request, family, details, lives_here)
            person = selectors.person_for_family(int(form.cleaned_data["choice"]))
            if person is None:
                raise FamiliesError(MERGED_SINCE)
            services.family_member_add(
                actor=request.user,
                family=family,
                person=person,
                lives_here=lives_here,
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, ADDED_EXISTING.format(name=person.full_name))
            return redirect(family_url(family))
    candidates = _check(request, details, family)
    form.fields["choice"].choices = [(str(c.id), c.label) for c in candidates] + [
        (ChooseRecordForm.NEW, _new_label(details))
    ]
    return _choose_page(request, family, form, candidates, status=400)


@protected_view
def person_detail(request, pk):
    merged = selectors.merged_record(pk)
    if merged is not None:
        kept = selectors.person_get(request.user, merged.merged_into_id, http_request=request)
        return page(
            request,
            "person_merged.html",
            {"record_id": merged.pk, "kept": kept, "kept_url": person_url(kept)},
            record=kept,
        )
    person = selectors.person_get(request.user, pk, http_request=request)
    found = selectors.person_page(request.user, person)
    merges = [
        {
            "record": merge.merged_id,
            "text": f"Record {merge.merged_id} was merged into this one on "
            f"{when(merge.merged_at)} by {merge.merged_by.full_name}: {merge.reason}",
            "unmerge_url": reverse("families:unmerge", kwargs={"merge_pk": merge.pk}),
        }
        for merge in found.merges
    ]
    return page(
        request,
        "person.html",
        {
            "person": PersonPresenter(person),
            "rows": summary_rows(PersonPresenter(person).rows),
            "families": [
                {"name": family.name, "reference": family.reference, "url": family_url(family)}
                for family in found.families
            ],
            "relationships": [RelationshipPresenter(r) for r in found.relationships],
            "merges": merges,
            "may_change": found.may_change,
            "may_merge": found.may_merge,
        },
        record=person,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.person_get(
        request.user, pk, permission="families.change_person", http_request=request
    )
    if person.merged_into_id is not None:
        raise RecordNotFound(PERSON, str(pk), True)
    initial = {**EditPersonForm.initial_for(person), "revision": person.revision}
    form = EditPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                actor=request.user,
                person=person,
                details=form.details(),
                revision=form.cleaned_data["revision"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, UPDATED.format(name=person.full_name))
            return redirect(person_url(person))
    return page(
        request,
        "person_form.html",
        {
            "form": form,
            "title": f"Change {person.full_name}’s details",
            "submit_text": "Save changes",
            "cancel_url": person_url(person),
        },
        record=person,
        status=400 if form.errors else 200,
    )
