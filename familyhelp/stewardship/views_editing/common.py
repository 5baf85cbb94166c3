"""What the editing views share: reading the posted revision, saving, and the stale page."""

from dataclasses import dataclass, field

from familyhelp.stewardship.listing import LABELS
from familyhelp.stewardship.services import editing
from familyhelp.stewardship.services.common import StewardshipError


def posted_revision(request) -> int:
    """The revision the page was showing; anything unreadable counts as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@dataclass
class SaveOutcome:
    change: object = None
    # Set when someone else saved first: their answers, and the revision to save against now.
    stale: editing.StaleChange | None = None
    error: str = ""
    theirs: list = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.change is not None


def save(request, change, updates: dict) -> SaveOutcome:
    try:
        saved = editing.change_save(
            actor=request.user,
            change=change,
            revision=posted_revision(request),
            updates=updates,
            request=request,
        )
    except editing.StaleChange as stale:
        theirs = [
            {"label": LABELS.get(name, name), "lines": lines}
            for name, lines in stale.theirs.items()
        ]
        return SaveOutcome(stale=stale, error=str(stale), theirs=theirs)
    except StewardshipError as refused:
        return SaveOutcome(error=str(refused))
    return SaveOutcome(change=saved)


def page_context(change, outcome: SaveOutcome | None = None) -> dict:
    """The revision the page's form carries, and what to say when a save was refused."""
    outcome = outcome or SaveOutcome()
    revision = outcome.stale.change.revision if outcome.stale else change.revision
    return {
        "change": change,
        "revision": revision,
        "problem": outcome.error,
        "theirs": outcome.theirs,
        "stale": outcome.stale,
    }
