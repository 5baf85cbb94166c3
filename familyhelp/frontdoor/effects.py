"""What happens elsewhere when a front door decision takes effect.

Apps above the front door (case work opens an episode for a Family Help decision) register a
handler here instead of the front door importing them. Handlers run inside the decision's
transaction, so the decision and what it starts commit or roll back together.
"""

from collections.abc import Callable

HANDLERS: list[Callable] = []


def on_decision_in_effect(handler: Callable) -> Callable:
    """Register `handler(*, actor, decision)`; usable as a decorator."""
    HANDLERS.append(handler)
    return handler


def decision_took_effect(*, actor, decision) -> None:
    for handler in HANDLERS:
        handler(actor=actor, decision=decision)
