"""The front door's part of merging two records of one person (families/merging.py).

The people on a request (RequestPerson) move to the kept record, unless it is already on that
request; unmerging moves exactly those rows back.
"""

from familyhelp.families.merging import MergeHandler, register
from familyhelp.frontdoor.models import RequestPerson

LABEL = "frontdoor.requestperson"


def request_people_merge(kept, merged) -> list[int]:
    on_requests_already = RequestPerson.objects.filter(person=kept).values("request_id")
    ids = list(
        RequestPerson.objects.filter(person=merged)
        .exclude(request_id__in=on_requests_already)
        .values_list("pk", flat=True)
    )
    RequestPerson.objects.filter(pk__in=ids).update(person=kept)
    return ids


def request_people_unmerge(kept, merged, ids) -> None:
    RequestPerson.objects.filter(pk__in=ids, person=kept).update(person=merged)


def register_merge_handler() -> None:
    register(MergeHandler(label=LABEL, merge=request_people_merge, unmerge=request_people_unmerge))
