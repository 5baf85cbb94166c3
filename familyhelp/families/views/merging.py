"""Merging two records of one person, and undoing it (team managers; docs/families.md)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from familyhelp.accounts.access import protected_view
from familyhelp.families import matching, selectors, services
from familyhelp.families.forms import OtherRecordForm, merge_form, unmerge_form
from familyhelp.families.presenters import CandidatePresenter, PersonPresenter, person_url
from familyhelp.families.services import FamiliesError
from familyhelp.families.views.common import page

MERGED = "Record {merged} has been merged into this one. You can undo this from this page."
UNMERGED = "The merge has been undone: record {merged} stands on its own again."


@protected_view
@require_http_methods(["GET"])
def merge_choose(request, pk):
    person = selectors.person_get_for_merge(request.user, pk, http_request=request)
    form = OtherRecordForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect(
            reverse(
                "families:merge-confirm", kwargs={"pk": pk, "other_pk": form.cleaned_data["record"]}
            )
        )
    candidates = [
        CandidatePresenter(candidate)
        for candidate in matching.duplicate_candidates(
            actor=request.user,
            given_names=person.given_names,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            expected_date=person.expected_date,
            postcode=person.postcode,
            nhs_number=person.nhs_number,
            unique_pupil_number=person.unique_pupil_number,
            exclude_ids=[person.pk],
            http_request=request,
        )
    ]
    for candidate in candidates:
        candidate.merge_url = reverse(
            "families:merge-confirm", kwargs={"pk": pk, "other_pk": candidate.id}
        )
    return page(
        request,
        "merge_choose.html",
        {
            "person": person,
            "candidates": candidates,
            "form": form,
            "cancel_url": person_url(person),
        },
        record=person,
        status=400 if form.errors else 200,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def merge_confirm(request, pk, other_pk):
    kept = selectors.person_get_for_merge(request.user, pk, http_request=request)
    merged = selectors.person_get_for_merge(request.user, other_pk, http_request=request)
    form = merge_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_merge(
                actor=request.user,
                kept=kept,
                merged=merged,
                reason=form.cleaned_data["reason"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, MERGED.format(merged=merged.pk))
            return redirect(person_url(kept))
    return page(
        request,
        "merge_confirm.html",
        {
            "form": form,
            "kept": PersonPresenter(kept),
            "merged": PersonPresenter(merged),
            "cancel_url": person_url(kept),
        },
        record=kept,
        status=400 if form.errors else 200,
    )


@protected_view
@require_http_methods(["GET", "POST"])
def unmerge(request, merge_pk):
    merge = selectors.merge_get(request.user, merge_pk, http_request=request)
    form = unmerge_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_unmerge(
                actor=request.user,
                merge=merge,
                reason=form.cleaned_data["reason"],
                http_request=request,
            )
        except FamiliesError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, UNMERGED.format(merged=merge.merged_id))
            return redirect(person_url(merge.kept))
    return page(
        request,
        "reason_form.html",
        {
            "form": form,
            "title": f"Undo the merge of record {merge.merged_id}",
            "caption": merge.kept.full_name,
            "summary": [
                ("Merged", f"Record {merge.merged_id} into record {merge.kept_id}"),
                ("Why", merge.reason),
            ],
            "warning": "Everything the merge moved goes back to record "
            f"{merge.merged_id}, exactly as it was.",
            "submit_text": "Undo merge",
            "cancel_url": person_url(merge.kept),
        },
        record=merge.kept,
        status=400 if form.errors else 200,
    )
