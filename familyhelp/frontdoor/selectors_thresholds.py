"""Reading the threshold guidance and the front door's settings (docs/threshold-guidance.md)."""

from familyhelp.accounts import access
from familyhelp.accounts.models import Team
from familyhelp.accounts.selectors import teams_visible_to
from familyhelp.audit.services import audit_record
from familyhelp.frontdoor.models import FrontDoorSettings, ThresholdLevel
from familyhelp.frontdoor.services.common import front_door_settings
from familyhelp.frontdoor.services.thresholds import (
    EDIT_PERMISSION,
    LEVEL_RECORD_TYPE,
    REFUSED,
    SETTINGS_RECORD_TYPE,
    check_may_edit,
)

VIEW_PERMISSION = "frontdoor.view_thresholds"


def threshold_levels() -> list[ThresholdLevel]:
    """Every level of need in order, in one query: the guidance is the partnership's published
    text, shown beside every decision to whoever is deciding."""
    return list(ThresholdLevel.objects.order_by("number"))


def threshold_level_list(*, actor, request=None) -> list[ThresholdLevel]:
    """The levels with who last changed each, for the guidance page; anyone who may not read
    them gets RecordNotFound (audited)."""
    if not access.user_has_perm(actor, VIEW_PERMISSION):
        audit_record(
            actor=actor if access.signed_in(actor) else None,
            actor_label="" if access.signed_in(actor) else "anonymous",
            action="view",
            record_type=LEVEL_RECORD_TYPE,
            record_id="",
            values={"refused": REFUSED, "permission": VIEW_PERMISSION},
            request=request,
        )
        raise access.RecordNotFound(LEVEL_RECORD_TYPE, None, personal=False)
    return list(ThresholdLevel.objects.select_related("updated_by").order_by("number"))


def threshold_level_get(*, actor, number: int, request=None) -> ThresholdLevel:
    """One level, for an administrator to edit; RecordNotFound for anyone else (audited)."""
    check_may_edit(
        actor, record_type=LEVEL_RECORD_TYPE, record_id=number, action="view", request=request
    )
    found = ThresholdLevel.objects.select_related("updated_by").filter(number=number).first()
    if found is None:
        raise access.RecordNotFound(LEVEL_RECORD_TYPE, str(number), personal=False)
    return found


def may_edit_thresholds(user) -> bool:
    return access.user_has_perm(user, EDIT_PERMISSION)


def front_door_settings_get(*, actor, request=None) -> FrontDoorSettings:
    """The settings, for an administrator to edit; RecordNotFound for anyone else (audited)."""
    check_may_edit(
        actor, record_type=SETTINGS_RECORD_TYPE, record_id=1, action="view", request=request
    )
    front_door_settings()
    return FrontDoorSettings.objects.select_related("team__agency", "updated_by").get(pk=1)


def front_door_team_choices(*, actor):
    """The teams an administrator may choose from as the front door team."""
    return teams_visible_to(actor) if may_edit_thresholds(actor) else Team.objects.none()
