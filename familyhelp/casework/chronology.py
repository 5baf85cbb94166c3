"""The one way every case work service writes a family's chronology.

Call `chronology_record(...)` inside the service's own transaction, right after saving the thing
that happened: the entry then commits (or rolls back) with it. Summaries carry no more personal
detail than needed ("Home visit", "Plan changed: 2 goals"), because the chronology is read by
everyone who may see the family and exported as CSV.
"""

from django.db import IntegrityError, transaction

from familyhelp.casework.models import ChronologyEntry

SUMMARY_MAX = ChronologyEntry._meta.get_field("summary").max_length


def _source_key(source):
    if source is None or source.pk is None:
        raise ValueError("chronology_record needs a saved source model instance.")
    return source._meta.label_lower, str(source.pk)


def _shorten(summary):
    summary = " ".join(str(summary).split())
    if len(summary) <= SUMMARY_MAX:
        return summary
    return summary[: SUMMARY_MAX - 1].rstrip() + "…"


def chronology_record(
    *, family_id, episode=None, at, kind, summary, source, significant=True
) -> ChronologyEntry:
    """Write (or update) the chronology entry for `source` and `kind`: one entry per pair.

    Calling it again for the same source and kind (an edited note, a re-saved review) updates that
    entry instead of adding a second one.
    """
    source_type, source_id = _source_key(source)
    values = {
        "family_id": family_id,
        "episode": episode,
        "at": at,
        "summary": _shorten(summary),
        "significant": significant,
    }
    with transaction.atomic():
        entry = (
            ChronologyEntry.objects.select_for_update()
            .filter(source_type=source_type, source_id=source_id, kind=kind)
            .first()
        )
        if entry is None:
            entry = ChronologyEntry(
                source_type=source_type, source_id=source_id, kind=kind, **values
            )
            entry.full_clean(validate_constraints=False)
            try:
                # A savepoint, so losing a race with a concurrent writer leaves the caller's
                # transaction usable; the winner's row is then updated below.
                with transaction.atomic():
                    entry.save()
                return entry
            except IntegrityError:
                entry = ChronologyEntry.objects.select_for_update().get(
                    source_type=source_type, source_id=source_id, kind=kind
                )
        for name, value in values.items():
            setattr(entry, name, value)
        entry.full_clean(validate_constraints=False)
        entry.save()
        return entry
