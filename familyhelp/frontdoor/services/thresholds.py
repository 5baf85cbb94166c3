"""An administrator edits the threshold guidance (the levels of need) and the front door's
settings (docs/threshold-guidance.md).

Each save carries the revision the page was showing: a save from an out-of-date page is refused
with `StaleEdit`, which says who changed it and when, and nothing is saved. Anyone else is
refused as if the page did not exist, and the attempt is audited.
"""

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.audit.services import audit_record
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.frontdoor.models import Decision, FrontDoorSettings, ThresholdLevel
from familyhelp.frontdoor.services.common import front_door_settings

EDIT_PERMISSION = "frontdoor.edit_thresholds"
LEVEL_RECORD_TYPE = "frontdoor.thresholdlevel"
SETTINGS_RECORD_TYPE = "frontdoor.frontdoorsettings"
REFUSED = "not_allowed"

NAME_MAX_LENGTH = ThresholdLevel._meta.get_field("name").max_length
SUMMARY_MAX_LENGTH = ThresholdLevel._meta.get_field("summary").max_length
DESCRIPTORS_MAX_LENGTH = 5000
MIN_WORKING_DAYS, MAX_WORKING_DAYS = 1, 10

NAME_REQUIRED = "Enter the name of the level"
NAME_TOO_LONG = f"The name must be {NAME_MAX_LENGTH} characters or fewer"
SUMMARY_REQUIRED = "Enter a summary of the level"
SUMMARY_TOO_LONG = f"The summary must be {SUMMARY_MAX_LENGTH} characters or fewer"
DESCRIPTORS_REQUIRED = "Enter at least one descriptor, one on each line"
DESCRIPTORS_TOO_LONG = f"The descriptors must be {DESCRIPTORS_MAX_LENGTH:,} characters or fewer"
TEAM_REQUIRED = "Choose the front door team"
UNKNOWN_KIND = "Choose decisions from the list"
WORKING_DAYS_RANGE = (
    f"Enter a number of working days from {MIN_WORKING_DAYS} to {MAX_WORKING_DAYS}, like 1"
)
STALE = (
    "{who} changed {what} at {time} on {date}, after you opened this page. Nothing you entered "
    "has been saved: check what they saved, then save yours again"
)


class ThresholdsError(Exception):
    """A refused change; the text is what the person is shown. `field` names the answer at
    fault ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class StaleEdit(ThresholdsError):
    """Someone saved after this page was opened: nothing was saved. `current` is their version."""

    def __init__(self, current, *, what: str):
        changed = timezone.localtime(current.updated_at)
        who = current.updated_by
        super().__init__(
            STALE.format(
                who=(who.full_name or who.email) if who else "Someone",
                what=what,
                time=time_12h(changed.time()),
                date=long_date(changed.date()),
            )
        )
        self.current = current


def check_may_edit(actor, *, record_type, record_id, action="change", request=None) -> None:
    """Anyone but an administrator is refused as if the page did not exist, and audited."""
    if access.user_has_perm(actor, EDIT_PERMISSION):
        return
    audit_record(
        actor=actor if access.signed_in(actor) else None,
        actor_label="" if access.signed_in(actor) else "anonymous",
        action=action,
        record_type=record_type,
        record_id=record_id,
        values={"refused": REFUSED, "permission": EDIT_PERMISSION},
        request=request,
    )
    raise access.RecordNotFound(record_type, str(record_id), personal=False)


def descriptors_clean(text: str) -> str:
    """One descriptor a line, each trimmed, blank lines dropped."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    return "\n".join(line for line in lines if line)


def _text(value, *, required: str, too_long: str, limit: int, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ThresholdsError(required, field=field)
    if len(text) > limit:
        raise ThresholdsError(too_long, field=field)
    return text


def threshold_level_update(
    *, actor, number: int, revision: int, name: str, summary: str, descriptors: str, request=None
) -> ThresholdLevel:
    """Change a level's name, summary and descriptors; StaleEdit when someone saved first."""
    check_may_edit(actor, record_type=LEVEL_RECORD_TYPE, record_id=number, request=request)
    name = _text(
        name, required=NAME_REQUIRED, too_long=NAME_TOO_LONG, limit=NAME_MAX_LENGTH, field="name"
    )
    summary = _text(
        summary,
        required=SUMMARY_REQUIRED,
        too_long=SUMMARY_TOO_LONG,
        limit=SUMMARY_MAX_LENGTH,
        field="summary",
    )
    descriptors = descriptors_clean(descriptors)
    if not descriptors:
        raise ThresholdsError(DESCRIPTORS_REQUIRED, field="descriptors")
    if len(descriptors) > DESCRIPTORS_MAX_LENGTH:
        raise ThresholdsError(DESCRIPTORS_TOO_LONG, field="descriptors")
    with transaction.atomic():
        level = (
            ThresholdLevel.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(number=number)
            .first()
        )
        if level is None:
            raise access.RecordNotFound(LEVEL_RECORD_TYPE, str(number), personal=False)
        if revision != level.revision:
            raise StaleEdit(level, what=f"level {level.number}")
        changed = [
            field
            for field, value in (("name", name), ("summary", summary), ("descriptors", descriptors))
            if getattr(level, field) != value
        ]
        level.name, level.summary, level.descriptors = name, summary, descriptors
        level.updated_at, level.updated_by = timezone.now(), actor
        level.revision += 1
        level.full_clean()
        level.save()
        audit_record(
            actor=actor,
            action="change",
            record_type=LEVEL_RECORD_TYPE,
            record_id=level.pk,
            fields_changed=changed,
            # The guidance is the partnership's published text, not anyone's personal data.
            values={"number": level.number, "revision": level.revision, "name": level.name},
            request=request,
        )
    return level


def front_door_settings_update(
    *,
    actor,
    revision: int,
    team,
    decisions_needing_approval: list[str],
    decision_due_working_days: int,
    request=None,
) -> FrontDoorSettings:
    """Choose the front door team, the decisions a manager must approve, and how many working
    days the front door has to decide; StaleEdit when someone saved first."""
    check_may_edit(actor, record_type=SETTINGS_RECORD_TYPE, record_id=1, request=request)
    if team is None:
        raise ThresholdsError(TEAM_REQUIRED, field="team")
    kinds = list(dict.fromkeys(decisions_needing_approval or []))
    if any(kind not in Decision.Kind.values for kind in kinds):
        raise ThresholdsError(UNKNOWN_KIND, field="decisions_needing_approval")
    # In the order the decisions are offered, so the stored list reads the same however sent.
    kinds = [kind for kind in Decision.Kind.values if kind in kinds]
    if not (
        isinstance(decision_due_working_days, int)
        and MIN_WORKING_DAYS <= decision_due_working_days <= MAX_WORKING_DAYS
    ):
        raise ThresholdsError(WORKING_DAYS_RANGE, field="decision_due_working_days")
    front_door_settings()  # the row exists before it is locked
    with transaction.atomic():
        found = (
            FrontDoorSettings.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=1)
        )
        if revision != found.revision:
            raise StaleEdit(found, what="the front door settings")
        before = {
            "team": found.team_id,
            "decisions_needing_approval": found.decisions_needing_approval,
            "decision_due_working_days": found.decision_due_working_days,
        }
        found.team = team
        found.decisions_needing_approval = kinds
        found.decision_due_working_days = decision_due_working_days
        after = {
            "team": team.pk,
            "decisions_needing_approval": kinds,
            "decision_due_working_days": decision_due_working_days,
        }
        found.updated_at, found.updated_by = timezone.now(), actor
        found.revision += 1
        found.full_clean()
        found.save()
        audit_record(
            actor=actor,
            action="change",
            record_type=SETTINGS_RECORD_TYPE,
            record_id=found.pk,
            fields_changed=[name for name in after if before[name] != after[name]],
            values={**after, "revision": found.revision},
            request=request,
        )
    return found
