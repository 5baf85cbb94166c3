"""Case work's settings: the review interval, caseload weights by level of need, and the drift
rules (docs/caseloads-and-drift.md).

`casework_settings()` is the one row everyone reads (made with the defaults the first time).
`casework_settings_update` is the system administrator's save: it carries the revision the page
was showing, so a save from an out-of-date page is refused with `StaleEdit` (saying who changed it
and when) and nothing is saved. Anyone else is refused as if the page did not exist, audited.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import CaseworkSettings, DriftRule
from familyhelp.core.formatting import long_date, time_12h

CONFIGURE_PERMISSION = "casework.configure"
RECORD_TYPE = "casework.caseworksettings"
REFUSED = "not_allowed"

# A caseload weight by level of need when the partnership has not set one.
DEFAULT_LEVEL_WEIGHTS = {"1": "1", "2": "1", "3": "1.5", "4": "2"}
DEFAULT_WEIGHT = Decimal("1")
MIN_WEIGHT, MAX_WEIGHT = Decimal("0"), Decimal("10")
MIN_INTERVAL_WEEKS, MAX_INTERVAL_WEEKS = 1, 52
MIN_DRIFT_DAYS, MAX_DRIFT_DAYS = 0, 260

INTERVAL_RANGE = (
    f"Enter a number of weeks from {MIN_INTERVAL_WEEKS} to {MAX_INTERVAL_WEEKS}, like 6"
)
WEIGHT_RANGE = (
    f"Enter a weight from {MIN_WEIGHT} to {MAX_WEIGHT} with at most 2 decimal places, like 1.5"
)
DRIFT_DAYS_RANGE = (
    f"Enter a number of working days from {MIN_DRIFT_DAYS} to {MAX_DRIFT_DAYS}, like 20"
)
STALE = (
    "{who} changed the case work settings at {time} on {date}, after you opened this page. "
    "Nothing you entered has been saved: check what they saved, then save yours again"
)


class SettingsError(Exception):
    """A refused change; the text is what the person is shown. `field` names the answer at
    fault ("" for the whole form)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class StaleEdit(SettingsError):
    """Someone saved after this page was opened: nothing was saved. `current` is their row."""

    def __init__(self, current: CaseworkSettings):
        changed = timezone.localtime(current.updated_at)
        who = current.updated_by
        super().__init__(
            STALE.format(
                who=(who.full_name or who.email) if who else "Someone",
                time=time_12h(changed.time()),
                date=long_date(changed.date()),
            )
        )
        self.current = current


def casework_settings() -> CaseworkSettings:
    """The one row of case work settings, made with the defaults the first time it is read."""
    found, _ = CaseworkSettings.objects.get_or_create(
        pk=1, defaults={"level_weights": dict(DEFAULT_LEVEL_WEIGHTS)}
    )
    return found


def level_weights(found: CaseworkSettings) -> dict[int, Decimal]:
    """Weight by level number: the saved ones over the defaults."""
    weights = {**DEFAULT_LEVEL_WEIGHTS, **(found.level_weights or {})}
    return {int(number): Decimal(str(weight)) for number, weight in weights.items()}


def weight_of(weights: dict[int, Decimal], level_number: int | None) -> Decimal:
    """An episode's caseload weight; one with no level of need recorded counts as 1."""
    if level_number is None:
        return DEFAULT_WEIGHT
    return weights.get(level_number, DEFAULT_WEIGHT)


def check_may_configure(actor, *, action="change", request=None) -> None:
    """Anyone but a system administrator is refused as if the page did not exist, and audited."""
    if access.user_has_perm(actor, CONFIGURE_PERMISSION):
        return
    audit_record(
        actor=actor if access.signed_in(actor) else None,
        actor_label="" if access.signed_in(actor) else "anonymous",
        action=action,
        record_type=RECORD_TYPE,
        record_id=1,
        values={"refused": REFUSED, "permission": CONFIGURE_PERMISSION},
        request=request,
    )
    raise access.RecordNotFound(RECORD_TYPE, "1", personal=False)


def _checked_weight(value) -> Decimal:
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SettingsError(WEIGHT_RANGE) from None
    if not weight.is_finite() or not (MIN_WEIGHT <= weight <= MAX_WEIGHT):
        raise SettingsError(WEIGHT_RANGE)
    if weight != weight.quantize(Decimal("0.01")):
        raise SettingsError(WEIGHT_RANGE)
    return weight.normalize()


def _is_whole(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def casework_settings_update(
    *,
    actor,
    revision: int,
    review_interval_weeks: int,
    level_weights: dict[int, object],
    drift_rules: dict[str, tuple[int, bool]],
    request=None,
) -> CaseworkSettings:
    """Save the review interval, the weights by level number, and each drift rule's working days
    and whether it is on ({code: (working_days, enabled)}); StaleEdit when someone saved first."""
    check_may_configure(actor, request=request)
    if not _is_whole(review_interval_weeks, MIN_INTERVAL_WEEKS, MAX_INTERVAL_WEEKS):
        raise SettingsError(INTERVAL_RANGE, field="review_interval_weeks")
    weights = {}
    for number, value in level_weights.items():
        try:
            weights[str(int(number))] = str(_checked_weight(value))
        except SettingsError as refused:
            raise SettingsError(str(refused), field=f"weight_{number}") from None
    for code, (days, _enabled) in drift_rules.items():
        if code not in DriftRule.Code.values:
            raise SettingsError(f"There is no drift rule called {code}")
        if not _is_whole(days, MIN_DRIFT_DAYS, MAX_DRIFT_DAYS):
            raise SettingsError(DRIFT_DAYS_RANGE, field=f"days_{code}")
    casework_settings()  # the row exists before it is locked
    with transaction.atomic():
        found = (
            CaseworkSettings.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=1)
        )
        if revision != found.revision:
            raise StaleEdit(found)
        now = timezone.now()
        before = {
            "review_interval_weeks": found.review_interval_weeks,
            "level_weights": found.level_weights,
        }
        found.review_interval_weeks = review_interval_weeks
        found.level_weights = {**(found.level_weights or {}), **weights}
        found.updated_at, found.updated_by = now, actor
        found.revision += 1
        found.full_clean()
        found.save()
        changed = [name for name, value in before.items() if getattr(found, name) != value]
        rules_before, rules_after = {}, {}
        for rule in DriftRule.objects.select_for_update().filter(code__in=list(drift_rules)):
            days, enabled = drift_rules[rule.code]
            if (rule.working_days, rule.enabled) == (days, bool(enabled)):
                continue
            rules_before[rule.code] = [rule.working_days, rule.enabled]
            rule.working_days, rule.enabled = days, bool(enabled)
            rule.updated_at, rule.updated_by = now, actor
            rule.full_clean()
            rule.save()
            rules_after[rule.code] = [rule.working_days, rule.enabled]
        if rules_after:
            changed.append("drift_rules")
        audit_record(
            actor=actor,
            action="change",
            record_type=RECORD_TYPE,
            record_id=found.pk,
            fields_changed=changed,
            # Settings of the partnership's procedures: nobody's personal data.
            values={
                "revision": found.revision,
                "review_interval_weeks": found.review_interval_weeks,
                "level_weights": found.level_weights,
                "drift_rules_before": rules_before,
                "drift_rules": rules_after,
            },
            request=request,
        )
    return found
