"""What the families services share: their error, the permission check that audits a refusal,
and the audit record of a change (never with personal values in it)."""

from django.core.exceptions import ValidationError

from familyhelp.accounts.access import user_has_perm
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.families.access import FAMILY, PERSON

NOT_ALLOWED = "You cannot change this family’s records."
NOT_ALLOWED_PERSON = "You cannot change this person’s record."
NOT_ALLOWED_ADD = "You cannot add people or families."
NOT_ALLOWED_CONSENT = "You cannot record or withdraw this family’s consent."
NOT_ALLOWED_MERGE = "Only a team manager who may change both records can merge or unmerge them."

# values["refused"] of an audited refusal.
REFUSED_PERMISSION = "permission"


class FamiliesError(Exception):
    """A refused or invalid use case; the text is what the person is shown.

    `errors` maps a field name to its messages when the details entered were invalid, so a form
    can show each beside its field.
    """

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}

    @classmethod
    def from_validation(cls, error: ValidationError) -> "FamiliesError":
        if hasattr(error, "error_dict"):
            errors = {name: list(messages) for name, messages in error.message_dict.items()}
            first = next(iter(errors.values()))[0]
            return cls(first, errors)
        return cls(error.messages[0])


def audit(*, actor, action, record_type, record_id, family_id, actor_label="", **kwargs):
    return audit_record(
        actor=actor,
        actor_label=actor_label if actor is None else "",
        action=action,
        record_type=record_type,
        record_id=record_id,
        family_id=family_id,
        **kwargs,
    )


def require(
    actor,
    permission: str,
    record,
    *,
    message: str,
    action=AuditAction.CHANGE,
    family_id=None,
    http_request=None,
):
    """Refuse, audited, unless the actor has the permission (on `record`, when given).

    Call it before the change's transaction opens, so the refusal's audit record is kept.
    """
    allowed = user_has_perm(actor, permission, record)
    if allowed:
        return
    record_type = PERSON if record is not None and record._meta.model_name == "person" else FAMILY
    audit(
        actor=actor,
        actor_label="anonymous",
        action=action,
        record_type=record_type,
        record_id=record.pk if record is not None else "",
        family_id=family_id,
        values={"refused": REFUSED_PERMISSION, "permission": permission},
        request=http_request,
    )
    raise FamiliesError(message)
