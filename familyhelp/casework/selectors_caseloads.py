"""Caseloads and drift for the teams a manager is in (docs/caseloads-and-drift.md).

Only people holding `casework.view_caseloads` (team managers) read them, and only for the teams
they are members of; anyone else is refused as if the page did not exist, and the attempt is
audited. Every figure is counted by the database, grouped by team, worker and level of need, so
each page is a fixed number of queries whatever the number of episodes.

A worker's caseload is the open episodes they lead (open or stepped up), the children in them,
and a weight by each episode's level of need (CaseworkSettings.level_weights), divided by their
FTE. A worker has capacity when their weighted caseload per FTE is below their team's.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.accounts.models import RoleAssignment, Team, TeamMembership, User
from familyhelp.audit.services import audit_record
from familyhelp.casework import drift
from familyhelp.casework.models import Episode, EpisodePerson
from familyhelp.casework.services.settings import casework_settings, level_weights, weight_of
from familyhelp.frontdoor.selectors_thresholds import threshold_levels

VIEW_PERMISSION = "casework.view_caseloads"
RECORD_TYPE = "casework.caseloads"
REFUSED = "not_allowed"
KEYWORKER_ROLE = "family-keyworker"
# Episodes a worker carries: those they lead while open or stepped up (not waiting, not closed).
CARRIED = (Episode.Status.OPEN, Episode.Status.STEPPED_UP)
DRIFT_PAGE_SIZE = 50


def _per(amount: Decimal, fte: Decimal) -> Decimal:
    if not fte:
        return Decimal("0")
    return (Decimal(amount) / fte).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class WorkerLoad:
    user: User
    fte: Decimal
    episodes: int = 0
    children: int = 0
    weighted: Decimal = Decimal("0")
    in_team: bool = True
    has_capacity: bool = False

    @property
    def episodes_per_fte(self) -> Decimal:
        return _per(self.episodes, self.fte)

    @property
    def weighted_per_fte(self) -> Decimal:
        return _per(self.weighted, self.fte)


@dataclass
class TeamLoad:
    team: Team
    workers: list[WorkerLoad] = field(default_factory=list)
    awaiting: int = 0
    drifting: int = 0

    @property
    def episodes(self) -> int:
        return sum(worker.episodes for worker in self.workers)

    @property
    def children(self) -> int:
        return sum(worker.children for worker in self.workers)

    @property
    def weighted(self) -> Decimal:
        return sum((worker.weighted for worker in self.workers), Decimal("0"))

    @property
    def fte(self) -> Decimal:
        return sum((worker.fte for worker in self.workers), Decimal("0"))

    @property
    def episodes_per_fte(self) -> Decimal:
        return _per(self.episodes, self.fte)

    @property
    def weighted_per_fte(self) -> Decimal:
        return _per(self.weighted, self.fte)

    def worker(self, user_id) -> WorkerLoad | None:
        return next((w for w in self.workers if w.user.pk == user_id), None)


@dataclass
class Caseloads:
    on: datetime.date
    teams: list[TeamLoad]
    weights: dict[int, Decimal]


@dataclass
class DriftingEpisode:
    episode: Episode
    reasons: list[str]


@dataclass
class DriftList:
    on: datetime.date
    rules: list[drift.ActiveRule]
    # Per team: how many episodes drift, and how many by each rule's code.
    counts: dict[int, dict[str, int]]
    teams: list[Team]
    page: object  # a Paginator page of DriftingEpisode


def check_may_view(actor, *, request=None) -> None:
    """Anyone but a team manager is refused as if the page did not exist, and audited."""
    if access.user_has_perm(actor, VIEW_PERMISSION):
        return
    audit_record(
        actor=actor if access.signed_in(actor) else None,
        actor_label="" if access.signed_in(actor) else "anonymous",
        action="view",
        record_type=RECORD_TYPE,
        record_id="",
        values={"refused": REFUSED, "permission": VIEW_PERMISSION},
        request=request,
    )
    raise access.RecordNotFound(RECORD_TYPE, None, personal=False)


def managed_teams(actor) -> list[Team]:
    return list(Team.objects.filter(memberships__user=actor).order_by("name", "pk"))


def _loads(teams: list[Team], weights) -> list[TeamLoad]:
    """Each team's workers and their loads: five queries whatever the number of episodes."""
    team_ids = [team.pk for team in teams]
    keyworker = RoleAssignment.objects.filter(
        user_id=OuterRef("user_id"), role__code=KEYWORKER_ROLE
    )
    leads = Episode.objects.filter(
        team_id=OuterRef("team_id"), lead_professional_id=OuterRef("user_id"), status__in=CARRIED
    )
    memberships = (
        TeamMembership.objects.filter(team_id__in=team_ids, user__is_active=True)
        .filter(Exists(keyworker) | Exists(leads))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    loads = {team.pk: TeamLoad(team) for team in teams}
    for membership in memberships:
        user = membership.user
        loads[membership.team_id].workers.append(WorkerLoad(user, user.fte))
    # Episodes and children are counted apart: counting both over one join would need
    # COUNT(DISTINCT), which sorts every row.
    level_numbers = {level.pk: level.number for level in threshold_levels()}
    rows = list(
        Episode.objects.filter(team_id__in=team_ids, status__in=Episode.OPEN_STATUSES)
        .values("team_id", "lead_professional_id", "status", "level_id")
        .annotate(episodes=Count("pk"))
        .order_by()
    )
    child_rows = (
        EpisodePerson.objects.filter(
            role=EpisodePerson.Role.CHILD,
            episode__team_id__in=team_ids,
            episode__status__in=Episode.OPEN_STATUSES,
        )
        .values("episode__team_id", "episode__lead_professional_id", "episode__status")
        .annotate(children=Count("pk"))
        .order_by()
    )
    children = {
        (r["episode__team_id"], r["episode__lead_professional_id"], r["episode__status"]): (
            r["children"]
        )
        for r in child_rows
    }
    seen = set()
    for row in rows:
        row["level__number"] = level_numbers.get(row["level_id"])
        key = (row["team_id"], row["lead_professional_id"], row["status"])
        # The children are counted once per worker and status, on the first of their rows.
        row["children"] = children.get(key, 0) if key not in seen else 0
        seen.add(key)
    missing = {}
    for row in rows:
        load = loads[row["team_id"]]
        lead_id = row["lead_professional_id"]
        if row["status"] == Episode.Status.AWAITING_ALLOCATION or lead_id is None:
            load.awaiting += row["episodes"]
            continue
        worker = load.worker(lead_id)
        if worker is None:
            # Someone who left the team (or is no longer active) still leading its episodes.
            missing.setdefault(lead_id, []).append(row)
            continue
        _add(worker, row, weights)
    if missing:
        for user in User.objects.filter(pk__in=list(missing)):
            for row in missing[user.pk]:
                load = loads[row["team_id"]]
                worker = load.worker(user.pk)
                if worker is None:
                    worker = WorkerLoad(user, user.fte, in_team=False)
                    load.workers.append(worker)
                _add(worker, row, weights)
    for load in loads.values():
        average = load.weighted_per_fte
        for worker in load.workers:
            worker.has_capacity = worker.in_team and worker.weighted_per_fte < average
    return [loads[team.pk] for team in teams]


def _add(worker: WorkerLoad, row: dict, weights) -> None:
    worker.episodes += row["episodes"]
    worker.children += row["children"]
    worker.weighted += row["episodes"] * weight_of(weights, row["level__number"])


def caseloads_get(*, actor, request=None) -> Caseloads:
    """Caseloads per worker and per team for every team the manager is in, with how many
    episodes in each drift."""
    check_may_view(actor, request=request)
    today = timezone.localdate()
    weights = level_weights(casework_settings())
    teams = managed_teams(actor)
    loads = _loads(teams, weights)
    counts = drift_counts(teams=teams, rules=drift.active_rules(today))
    for load in loads:
        load.drifting = counts.get(load.team.pk, {}).get("total", 0)
    return Caseloads(on=today, teams=loads, weights=weights)


def team_caseload_get(*, actor, team_id, request=None) -> TeamLoad:
    """One of the manager's teams, for choosing who to reallocate to."""
    check_may_view(actor, request=request)
    teams = [team for team in managed_teams(actor) if team.pk == team_id]
    if not teams:
        raise access.RecordNotFound(RECORD_TYPE, str(team_id), personal=False)
    return _loads(teams, level_weights(casework_settings()))[0]


def drift_counts(*, teams: list[Team], rules: list[drift.ActiveRule]) -> dict[int, dict[str, int]]:
    """{team id: {"total": n, <rule code>: n, …}} for the drifting episodes: one query."""
    if not rules or not teams:
        return {}
    by_rule = {rule.code: Count("pk", filter=drift.condition(rule)) for rule in rules}
    rows = (
        drift.with_drift(Episode.objects.filter(team__in=teams), rules)
        .values("team_id")
        .annotate(total=Count("pk"), **by_rule)
        .order_by()
    )
    return {row.pop("team_id"): row for row in rows}


def drift_list(*, actor, page_number=1, request=None) -> DriftList:
    """The drifting episodes in the manager's teams with their reasons, longest waiting first,
    a page at a time, and the counts per team and rule."""
    check_may_view(actor, request=request)
    today = timezone.localdate()
    rules = drift.active_rules(today)
    teams = managed_teams(actor)
    drifting = (
        drift.with_drift(Episode.objects.filter(team__in=teams), rules)
        .select_related("team", "lead_professional", "level")
        .order_by("team__name", "created_at", "pk")
    )
    counts = drift_counts(teams=teams, rules=rules)
    paginator = Paginator(drifting, DRIFT_PAGE_SIZE)
    # The counts per team already say how many drift: the paginator need not count them again.
    paginator.__dict__["count"] = sum(team.get("total", 0) for team in counts.values())
    page = paginator.get_page(page_number)
    page.object_list = [
        DriftingEpisode(episode, drift.reasons_of(episode, rules)) for episode in page.object_list
    ]
    return DriftList(on=today, rules=rules, counts=counts, teams=teams, page=page)


def worker_episodes_list(*, actor, user_id, request=None) -> tuple[User, list[Episode]]:
    """A worker in one of the manager's teams and the open episodes they lead in those teams."""
    check_may_view(actor, request=request)
    team_ids = [team.pk for team in managed_teams(actor)]
    worker = User.objects.filter(
        Q(team_memberships__team_id__in=team_ids)
        | Q(pk__in=Episode.objects.filter(team_id__in=team_ids).values("lead_professional_id")),
        pk=user_id,
    ).first()
    if worker is None:
        raise access.RecordNotFound("accounts.user", str(user_id), personal=False)
    episodes = list(
        Episode.objects.filter(team_id__in=team_ids, lead_professional=worker, status__in=CARRIED)
        .select_related("team", "level")
        .annotate(
            children=Count(
                "episode_people", filter=Q(episode_people__role=EpisodePerson.Role.CHILD)
            )
        )
        .order_by("allocated_at", "pk")
    )
    return worker, episodes
