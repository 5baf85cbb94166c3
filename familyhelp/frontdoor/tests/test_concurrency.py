"""Two people acting on one request at the same moment (PostgreSQL): exactly one wins.

Each thread is held at a barrier after it has passed the service's checks (so both believe the
request is still theirs to take or decide), then both race for the conditional UPDATE. The row
lock makes the second wait for the first to commit; its UPDATE then matches nothing and it is
told clearly what happened. Each thread has its own database connection and closes it.
"""

import threading

import pytest
from django.db import connection

from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services import decisions, triage
from familyhelp.frontdoor.services.triage import TriageError
from familyhelp.frontdoor.tests.factories import RequestFactory, front_door_officer, level

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent updates are tested on PostgreSQL")


def race(monkeypatch, module, name, actions):
    """Run each action in its own thread, all released together once past `module.name`."""
    barrier = threading.Barrier(len(actions), timeout=30)
    checked = getattr(module, name)

    def then_wait(*args, **kwargs):
        result = checked(*args, **kwargs)
        barrier.wait()  # every thread has passed the checks before any writes
        return result

    monkeypatch.setattr(module, name, then_wait)
    outcomes, errors = [], []

    def run(action):
        try:
            outcomes.append(("ok", action()))
        except TriageError as refused:
            outcomes.append(("refused", str(refused)))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outcomes


def test_two_decisions_at_the_same_moment_record_exactly_one(monkeypatch):
    officer = front_door_officer()
    request = triage.request_pick_up(actor=officer, request=RequestFactory(submitted=True))

    def decide(kind, **extra):
        def action():
            # Each click loads the request as its page showed it: in triage, with this officer.
            shown = Request.objects.get(pk=request.pk)
            return decisions.request_decide(
                actor=officer,
                request=shown,
                kind=kind,
                level=level(2),
                rationale="Decided in two tabs at once.",
                **extra,
            )

        return action

    outcomes = race(
        monkeypatch,
        decisions,
        "needs_approval",
        [
            decide(Decision.Kind.NO_FURTHER_ACTION, no_further_action_reason="needs_met"),
            decide(Decision.Kind.SOCIAL_CARE),
        ],
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    (refusal,) = [message for kind, message in outcomes if kind == "refused"]
    assert refusal == decisions.ALREADY_DECIDED
    assert Decision.objects.filter(request=request).count() == 1
    request.refresh_from_db()
    assert request.status == Request.Status.DECIDED


def test_two_officers_picking_up_at_the_same_moment_one_takes_it(monkeypatch):
    request = RequestFactory(submitted=True)
    first = front_door_officer(full_name="Priya Shah")
    second = front_door_officer(full_name="Tom Reed")

    def pick_up(officer):
        return lambda: triage.request_pick_up(
            actor=officer, request=Request.objects.get(pk=request.pk)
        )

    outcomes = race(monkeypatch, triage, "require_triage", [pick_up(first), pick_up(second)])
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    request.refresh_from_db()
    winner = request.picked_up_by.full_name
    (refusal,) = [message for kind, message in outcomes if kind == "refused"]
    assert refusal.startswith(f"{winner} picked up this request at ")
