"""Case notes, chronology rows and documents as the pages show them."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhelp.casework.models import CaseNote, ChronologyEntry, Document
from familyhelp.casework.selectors_chronology import ChronologyRow
from familyhelp.casework.services.documents import size_text
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.frontdoor.models import Decision, Request

REQUEST_KINDS = dict(Request.Kind.choices)
DECISION_KINDS = dict(Decision.Kind.choices)
KIND_LABELS = dict(ChronologyEntry.Kind.choices)


def when(moment) -> str:
    """ "3 March 2026 at 2:30pm"."""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} at {time_12h(local.time())}"


def name_of(user) -> str:
    return (user.full_name or user.email) if user is not None else "Unknown"


def _url(name, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class NotePresenter:
    def __init__(self, note: CaseNote):
        self.id = f"note-{note.pk}"
        self.kind = note.get_kind_display()
        self.when = when(note.happened_at)
        self.text = note.text
        self.paragraphs = [line.strip() for line in note.text.splitlines() if line.strip()]
        self.significant = note.significant
        self.recorded = f"Recorded by {name_of(note.created_by)} on {when(note.created_at)}"
        names = [person.full_name for person in note.people_seen.all()]
        self.seen = ", ".join(names) if names else "Nobody from the family"
        self.child_seen_alone = "Yes" if note.child_seen_alone else "No"


class DocumentPresenter:
    def __init__(self, document: Document):
        self.title = document.title
        self.original_name = document.original_name
        self.kind = document.get_kind_display()
        self.size = size_text(document.size)
        self.uploaded = f"{when(document.uploaded_at)} by {name_of(document.uploaded_by)}"
        self.download_url = reverse(
            "casework:document-download",
            kwargs={"pk": document.episode_id, "document_pk": document.pk},
        )


def chronology_summary(row: ChronologyRow) -> str:
    if row.kind == ChronologyEntry.Kind.REQUEST:
        return f"{REQUEST_KINDS.get(row.detail, 'Request')} {row.summary} submitted"
    if row.kind == ChronologyEntry.Kind.DECISION:
        return f"{DECISION_KINDS.get(row.detail, 'Decision')} (request {row.summary})"
    return row.summary


def chronology_link(row: ChronologyRow) -> str | None:
    """Where the row's source is shown, when there is a page for it."""
    if row.source_type == "frontdoor.request":
        return _url("frontdoor:request", pk=int(row.source_id))
    if row.source_type == "frontdoor.decision":
        return _url("frontdoor:request", pk=int(row.source_id))
    if row.episode_id is None:
        return None
    if row.source_type == "casework.casenote":
        url = _url("casework:notes", pk=row.episode_id)
        return f"{url}#note-{row.source_id}" if url else None
    if row.source_type == "casework.document":
        return _url("casework:documents", pk=row.episode_id)
    return _url("casework:episode", pk=row.episode_id)


class ChronologyRowPresenter:
    def __init__(self, row: ChronologyRow):
        local = timezone.localtime(row.at)
        self.date = long_date(local.date())
        self.time = time_12h(local.time())
        self.kind = KIND_LABELS.get(row.kind, row.kind)
        self.summary = chronology_summary(row)
        self.significant = row.significant
        self.url = chronology_link(row)


def csv_row(row: ChronologyRow) -> list[str]:
    local = timezone.localtime(row.at)
    return [
        local.strftime("%Y-%m-%d %H:%M"),
        KIND_LABELS.get(row.kind, row.kind),
        chronology_summary(row),
        "yes" if row.significant else "no",
    ]


CSV_HEADER = ["When", "Type", "What happened", "Significant"]


def timeline_pagination(query, *, newer: str | None, older: str | None) -> dict | None:
    """GOV.UK pagination for a keyset page: "Newer events" and "Older events" links."""
    if newer is None and older is None:
        return None
    params: dict = {}
    if newer is not None:
        params["previous"] = {"href": _with(query, before=newer), "text": "Newer events"}
    if older is not None:
        params["next"] = {"href": _with(query, after=older), "text": "Older events"}
    return params


def _with(query, **values) -> str:
    params = query.copy()
    for key in ("after", "before", "page"):
        params.pop(key, None)
    params.update(values)
    return "?" + params.urlencode()


def pagination(query, number: int, total_pages: int, window: int = 2) -> dict | None:
    """Parameters for the GOV.UK pagination component, keeping the rest of the query string."""
    if total_pages <= 1:
        return None

    def href(page_number):
        params = query.copy()
        params["page"] = str(page_number)
        return "?" + params.urlencode()

    items = []
    previous_number = 0
    for page_number in range(1, total_pages + 1):
        if page_number in (1, total_pages) or abs(page_number - number) <= window:
            if page_number - previous_number > 1:
                items.append({"ellipsis": True})
            items.append(
                {"number": page_number, "href": href(page_number), "current": page_number == number}
            )
            previous_number = page_number
    params: dict = {"items": items}
    if number > 1:
        params["previous"] = {"href": href(number - 1)}
    if number < total_pages:
        params["next"] = {"href": href(number + 1)}
    return params
