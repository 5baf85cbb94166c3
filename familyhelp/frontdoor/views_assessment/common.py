"""What the assessment's pages share: the draft being edited, the revision a form carries, and
the page shown when a save was refused."""

from dataclasses import dataclass

from django.shortcuts import render

from familyhelp.frontdoor import selectors_assessment
from familyhelp.frontdoor.services.assessment import AssessmentError, StaleRequest


def draft_or_404(request, pk):
    """The draft the signed-in person may edit; anyone else sees "Page not found" (audited)."""
    return selectors_assessment.request_for_editing(actor=request.user, pk=pk, http_request=request)


def posted_revision(request):
    return request.POST.get("revision", "")


@dataclass
class Refusal:
    """A save the service refused: what to say, and (when someone saved first) who."""

    message: str = ""
    stale: StaleRequest | None = None

    @classmethod
    def of(cls, error: AssessmentError) -> "Refusal":
        return cls(message=error.message, stale=error if isinstance(error, StaleRequest) else None)


def add_field_errors(form, error: AssessmentError, names: dict | None = None) -> bool:
    """Put the service's field errors beside the form's fields; False when it named none."""
    names = names or {}
    placed = False
    for name, messages in error.errors.items():
        field = names.get(name, name)
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
            placed = True
    return placed


def render_page(request, template, draft, refusal: Refusal | None = None, **context):
    """A section page: the form carries the draft's current revision, so after a refused stale
    save the person's answers (still in the form) can be saved again."""
    refusal = refusal or Refusal()
    current = refusal.stale.request if refusal.stale else draft
    context.update(
        draft=draft,
        revision=current.revision,
        problem=refusal.message,
        stale=refusal.stale,
    )
    return render(request, template, context, status=409 if refusal.stale else 200)
