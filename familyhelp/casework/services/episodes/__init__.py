"""Episodes and their lifecycle (docs/case-work.md): opening, allocation, the team around the
family, step-up and step-down, closure and re-opening. Every step is permission-checked, audited,
recorded as an EpisodeTransition and in the family's chronology, in one transaction."""

from familyhelp.casework.services.episodes.allocation import (
    episode_allocate,
    episode_reallocate,
    taf_member_add,
    taf_member_remove,
)
from familyhelp.casework.services.episodes.common import EpisodeError, lead_candidates
from familyhelp.casework.services.episodes.moves import (
    episode_close,
    episode_reopen,
    episode_step_down,
    episode_step_up,
)
from familyhelp.casework.services.episodes.opening import (
    episode_open_from_decision,
    episode_step_down_create,
)

__all__ = [
    "EpisodeError",
    "episode_allocate",
    "episode_close",
    "episode_open_from_decision",
    "episode_reallocate",
    "episode_reopen",
    "episode_step_down",
    "episode_step_down_create",
    "episode_step_up",
    "lead_candidates",
    "taf_member_add",
    "taf_member_remove",
]
