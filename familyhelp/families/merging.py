"""What other apps move when two records of one person are merged (and move back on unmerge).

`families` owns people, but other apps hold rows about them (the front door's RequestPerson, later
case work's). Those apps sit above this one, so they register a handler here instead of this app
importing them:

    merging.register(MergeHandler(
        label="frontdoor.requestperson",
        merge=lambda kept, merged: [ids of the rows moved from merged to kept],
        unmerge=lambda kept, merged, ids: None,   # move exactly those rows back
    ))

The merge service records each handler's ids in PersonMerge.moved under its label, so undoing a
merge moves back exactly what it moved. A handler leaves a row where it is when moving it would
break a constraint (the kept record is already on that request, say); it stays with the merged
record, which is hidden, and is there again when the merge is undone.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MergeHandler:
    label: str
    merge: Callable[[object, object], list[int]]
    unmerge: Callable[[object, object, list[int]], None]


HANDLERS: dict[str, MergeHandler] = {}


def register(handler: MergeHandler) -> MergeHandler:
    """Add an app's handler (called from its AppConfig.ready); registering again replaces it."""
    HANDLERS[handler.label] = handler
    return handler
