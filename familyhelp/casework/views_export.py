"""The subject access export: find the person by record number, see what will be exported, and
download it as JSON or PDF (information governance only; every download audited)."""

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from familyhelp.accounts import access
from familyhelp.casework import subject_access
from familyhelp.casework.subject_access_pdf import SECTIONS, subject_access_pdf
from familyhelp.core.forms import GovukForm

PERSON_REQUIRED = "Enter the person’s record number, like 1234"


class FindPersonForm(GovukForm):
    person = forms.IntegerField(
        label="Person record number",
        help_text="The number shown as “Record” on the person’s page.",
        min_value=1,
        error_messages={
            "required": PERSON_REQUIRED,
            "invalid": PERSON_REQUIRED,
            "min_value": PERSON_REQUIRED,
        },
    )
    govuk_options = {"person": {"classes": "govuk-input--width-10", "inputmode": "numeric"}}


def _may_export(request) -> None:
    if not access.user_has_perm(request.user, subject_access.PERMISSION):
        raise access.RecordNotFound(subject_access.RECORD_TYPE, None, personal=False)


@require_GET
@access.protected_view
def subject_access_start(request):
    _may_export(request)
    form = FindPersonForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("casework:subject-access", person_pk=form.cleaned_data["person"])
    return render(request, "casework/export/start.html", {"form": form})


@require_GET
@access.protected_view
def subject_access_person(request, person_pk):
    person = subject_access.subject_access_person(
        actor=request.user, person_id=person_pk, http_request=request
    )
    document = subject_access.subject_access_document(person=person, actor=request.user)
    counts = [
        {"title": title, "count": len(document.data[key]) if key != "person" else 1}
        for key, title in SECTIONS
    ]
    return render(
        request,
        "casework/export/person.html",
        {
            "person": person,
            "counts": counts,
            "items": document.item_count,
            "third_party": document.third_party_count,
        },
    )


@require_GET
@access.protected_view
def subject_access_download(request, person_pk, fmt):
    if fmt not in subject_access.FORMATS:
        raise Http404("No such format")
    document = subject_access.subject_access_export(
        actor=request.user, person_id=person_pk, fmt=fmt, http_request=request
    )
    if fmt == "json":
        content = json.dumps(document.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(subject_access_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{document.person.pk}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response
