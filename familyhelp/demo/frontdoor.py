"""The demo county's families and front door, so the queue, triage and the managers' figures mean
something after `make run`.

300 fictional families live at the demo county's postcodes: parents (one now and then living
elsewhere, a step-parent without parental responsibility, a grandparent who holds it), children,
and a few unborn babies. Over the last six months their schools, health visitors, police and a
family charity asked the front door for help, and some families referred themselves. Requests are
in every state: Hannah Price's drafts (dsl@valeprimary.example), requests waiting (some overdue),
some picked up by Lewis Grant (frontdoor@wessexvale.example), step-ups to social care waiting for
Chris Doyle's approval (a manager must approve them in the demo's settings), and decisions of each
kind, a few re-referrals among them; some self-referrals are linked to their family, some not yet.

Everything is made in bulk (a few hundred families in seconds) with the invariants the services
keep: name keys (`families.matching.name_key`), the fields a submission sets (due day in working
days, re-referral flag, youngest child), one decision in force per request, consent before an
assessment. NHS numbers use the 999 range the NHS keeps for tests. Deterministic: the same seed
and day give the same families and requests. Loading it again replaces what it made before (its
references start "WV-" for requests and "F-WV-" for families), with whatever people trying the
demo attached to its people (merges, links from their own requests); nothing else is touched.
The load is one "import" audit record (and one for each of the three requesting practitioners it
adds in other agencies, who have no role and cannot sign in).
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from familyhelp.accounts.models import Agency, Team, User
from familyhelp.audit.services import audit_record
from familyhelp.core.models import Postcode
from familyhelp.core.working_days import add_working_days
from familyhelp.demo.county import FIRST_NAMES, LAST_NAMES, STREETS, TOWNS
from familyhelp.demo.people import COUNCIL, DEMO_JOB, HEALTH, POLICE, SCHOOL, VOLUNTARY
from familyhelp.directory.models import Service
from familyhelp.families.matching import name_key
from familyhelp.families.models import (
    Consent,
    Family,
    FamilyMember,
    Person,
    PersonMerge,
    PersonRelationship,
)
from familyhelp.families.validators import upn_check_letter
from familyhelp.frontdoor.models import (
    Decision,
    FrontDoorSettings,
    PartnerCheck,
    Request,
    RequestPerson,
    ThresholdLevel,
)

FAMILIES = 300
MONTHS = 6
REQUEST_PREFIX = "WV-"
FAMILY_PREFIX = "F-WV-"
PRACTITIONER_EMAIL = "dsl@valeprimary.example"
OFFICER_EMAIL = "frontdoor@wessexvale.example"
MANAGER_EMAIL = "manager@wessexvale.example"
KEYWORKER_EMAIL = "keyworker@wessexvale.example"
FRONT_DOOR_TEAM = "Front Door"
FAMILY_HELP_TEAMS = ("Family Help North", "Family Help South")
DRAFTS = 4
# Practitioners in the other agencies who made the requests: authors only, with no role and no
# password (the demo keeps one person who can sign in for each role, in people.py).
REQUESTERS = (
    ("hv.morgan@valehealth.example", "Jess Morgan", "Health visitor", HEALTH),
    ("pc.lewis@wessexvalepolice.example", "Dan Lewis", "Early help liaison officer", POLICE),
    ("ola.bakare@valefamilytrust.example", "Ola Bakare", "Family support worker", VOLUNTARY),
)
SOURCE_WEIGHTS = ((SCHOOL, 34), (HEALTH, 22), (POLICE, 14), (VOLUNTARY, 8), (COUNCIL, 7))
SELF_REFERRAL_SHARE = 0.15
RECENT_SHARE = 0.14
KIND_WEIGHTS = (
    (Decision.Kind.ADVICE, 34),
    (Decision.Kind.FAMILY_HELP, 38),
    (Decision.Kind.SOCIAL_CARE, 10),
    (Decision.Kind.NO_FURTHER_ACTION, 18),
)
ETHNICITY_WEIGHTS = (
    (Person.Ethnicity.WHITE_BRITISH, 70),
    (Person.Ethnicity.WHITE_OTHER, 7),
    (Person.Ethnicity.ASIAN_PAKISTANI, 4),
    (Person.Ethnicity.ASIAN_INDIAN, 3),
    (Person.Ethnicity.BLACK_AFRICAN, 3),
    (Person.Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, 3),
    (Person.Ethnicity.WHITE_GYPSY_TRAVELLER, 1),
    (Person.Ethnicity.OTHER_ARAB, 1),
    (Person.Ethnicity.NOT_STATED, 8),
)
LANGUAGES = {
    Person.Ethnicity.WHITE_OTHER: ("Polish", "Romanian"),
    Person.Ethnicity.ASIAN_PAKISTANI: ("Urdu", "English"),
    Person.Ethnicity.OTHER_ARAB: ("Arabic",),
}
SCHOOLS = (
    "Vale Primary School",
    "Ashcombe Academy",
    "Brackenford Church of England Primary",
    "Dunsmere Community College",
    "Hartsford Infant School",
)
REASONS = (
    "Attendance has fallen to 82% this term and mum says mornings have become a battle.",
    "Dad has asked for help with his son's angry outbursts at home since the family moved.",
    "The family are in rent arrears and have been told they may lose their tenancy.",
    "Mum is struggling with low mood after the baby was born and has little support nearby.",
    "Police were called to a loud argument at the home; no offences, the children were present.",
    "The children often arrive hungry and in the same clothes; mum works nights.",
    "A young carer is looking after a parent with multiple sclerosis and is falling behind.",
    "Parents are separating and the eldest has started self-harming, now seen by CAMHS.",
)
STRENGTHS = "Warm relationships, and both children are keen to come to school."
NEEDS = "Routines at home have broken down; the family would like help to put them back."
PARTNERS = ("Police", "Health visiting", "School", "Housing")
DECISION_RATIONALES = {
    Decision.Kind.ADVICE: "Needs are at level 2: the family would like to try the local "
    "parenting group and the debt advice service first.",
    Decision.Kind.FAMILY_HELP: "Needs across two domains at level 3; the family agree to a "
    "keyworker and a plan.",
    Decision.Kind.SOCIAL_CARE: "Level 4: the risk described meets the threshold for a "
    "statutory assessment; referred with the assessment attached.",
    Decision.Kind.NO_FURTHER_ACTION: "Support already in place meets the needs described.",
}


@dataclass(frozen=True)
class FrontDoorSummary:
    families: int = 0
    people: int = 0
    requests: int = 0
    by_status: dict = field(default_factory=dict)
    decisions: int = 0


@dataclass
class _Scene:
    """What the generator builds in memory before it is inserted."""

    today: datetime.date
    now: datetime.datetime
    rng: random.Random
    people: list = field(default_factory=list)
    families: list = field(default_factory=list)
    members: list = field(default_factory=list)  # (family index, person index, lives here)
    relationships: list = field(default_factory=list)  # (person i, relative i, kind, PR)
    consents: list = field(default_factory=list)  # (family index, Consent, agency ids)
    requests: list = field(default_factory=list)
    request_people: list = field(default_factory=list)  # (request i, person i, role)
    decisions: list = field(default_factory=list)  # (request i, Decision, service ids)
    checks: list = field(default_factory=list)  # (request i, PartnerCheck)


def demo_frontdoor_ensure(*, seed: int, today: datetime.date) -> FrontDoorSummary:
    """Set the front door scene (replacing the one an earlier load made)."""
    postcodes = list(
        Postcode.objects.filter(outward_code__in=[t.outward_code for t in TOWNS])
        .order_by("postcode")
        .values_list("postcode", flat=True)
    )
    if not postcodes:
        return FrontDoorSummary()
    with transaction.atomic():
        _delete_earlier_scene()
        actors = _actors()
        _settings(actors)
        scene = _Scene(
            today=today,
            now=timezone.make_aware(datetime.datetime.combine(today, datetime.time(15, 30))),
            rng=random.Random(f"{seed}-frontdoor"),  # noqa: S311 - demo data, not security
        )
        levels = {level.number: level for level in ThresholdLevel.objects.all()}
        services = list(
            Service.objects.filter(status=Service.Status.ACTIVE)
            .order_by("id")
            .values_list("id", flat=True)[:200]
        )
        for index in range(FAMILIES):
            _family(scene, index, postcodes, actors, levels, services)
        _drafts(scene, actors, levels, postcodes)
        _self_referrals_not_linked(scene, postcodes)
        summary = _insert(scene)
        audit_record(
            actor_label=DEMO_JOB,
            action="import",
            record_type="frontdoor.request",
            record_id="",
            values={"families": summary.families, "requests": summary.requests},
        )
    return summary


# Who is who ----------------------------------------------------------------------------------


def _actors() -> dict:
    users = {u.email: u for u in User.objects.filter(email__in=_demo_emails())}
    agencies = {a.name: a for a in Agency.objects.filter(name__in=[a for a, _ in SOURCE_WEIGHTS])}
    for email, name, title, agency_name in REQUESTERS:
        if email not in users:
            person = User(
                email=email, full_name=name, job_title=title, agency=agencies[agency_name]
            )
            person.set_unusable_password()
            person.save()
            audit_record(
                actor_label=DEMO_JOB,
                action="import",
                record_type="accounts.user",
                record_id=person.pk,
                fields_changed=["email", "full_name", "job_title", "agency"],
            )
            users[email] = person
    requesters = {
        SCHOOL: users[PRACTITIONER_EMAIL],
        COUNCIL: users[KEYWORKER_EMAIL],
        **{agency: users[email] for email, _, _, agency in REQUESTERS},
    }
    teams = {
        t.name: t
        for t in Team.objects.filter(
            agency__name=COUNCIL, name__in=[FRONT_DOOR_TEAM, *FAMILY_HELP_TEAMS]
        )
    }
    return {
        "officer": users[OFFICER_EMAIL],
        "manager": users[MANAGER_EMAIL],
        "practitioner": users[PRACTITIONER_EMAIL],
        "requesters": requesters,
        "agencies": agencies,
        "teams": teams,
    }


def _demo_emails():
    return [
        PRACTITIONER_EMAIL,
        OFFICER_EMAIL,
        MANAGER_EMAIL,
        KEYWORKER_EMAIL,
        *(email for email, _, _, _ in REQUESTERS),
    ]


def _settings(actors) -> None:
    """The Front Door team of Wessex Vale Council triages; a step-up to social care needs a
    manager's approval; a decision is due within one working day."""
    FrontDoorSettings.objects.update_or_create(
        pk=1,
        defaults={
            "team": actors["teams"][FRONT_DOOR_TEAM],
            "decisions_needing_approval": [Decision.Kind.SOCIAL_CARE],
            "decision_due_working_days": 1,
        },
    )


# Families ------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _nhs_number(rng: random.Random) -> str:
    """A number in the NHS's test range (999…) with a valid check digit."""
    while True:
        digits = [9, 9, 9, *(rng.randrange(10) for _ in range(6))]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _born(rng: random.Random, today: datetime.date, youngest_years: float, oldest_years: float):
    days = rng.randint(int(youngest_years * 365.25), int(oldest_years * 365.25))
    return today - datetime.timedelta(days=days)


def _person(scene: _Scene, family_name: str, address: dict, **values) -> int:
    rng = scene.rng
    given = values.pop("given_names", None) or rng.choice(FIRST_NAMES)
    ethnicity = values.pop("ethnicity")
    language = rng.choice(LANGUAGES.get(ethnicity, ("English",)))
    person = Person(
        given_names=given,
        family_name=family_name,
        family_name_key=name_key(family_name),
        given_name_key=name_key(given),
        ethnicity=ethnicity,
        first_language=language,
        interpreter_needed=language not in ("English",) and rng.random() < 0.5,
        nhs_number=_nhs_number(rng),
        created_at=scene.now - datetime.timedelta(days=200),
        updated_at=scene.now - datetime.timedelta(days=200),
        **address,
        **values,
    )
    scene.people.append(person)
    return len(scene.people) - 1


def _address(rng: random.Random, postcodes: list[str]) -> dict:
    postcode = rng.choice(postcodes)
    town = {t.outward_code: t.name for t in TOWNS}[postcode.split()[0]]
    return {
        "address_line_1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "town": town,
        "postcode": postcode,
    }


def _family(scene: _Scene, index: int, postcodes, actors, levels, services) -> None:
    rng, today = scene.rng, scene.today
    family_name = rng.choice(LAST_NAMES)
    address = _address(rng, postcodes)
    ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
    family = Family(
        reference=f"{FAMILY_PREFIX}{index + 1:04d}",
        name=f"The {family_name} family",
        created_at=scene.now - datetime.timedelta(days=200),
        updated_at=scene.now - datetime.timedelta(days=200),
    )
    scene.families.append(family)
    f = len(scene.families) - 1

    mother = _person(
        scene,
        family_name,
        address,
        sex=Person.Sex.FEMALE,
        date_of_birth=_born(rng, today, 20, 45),
        ethnicity=ethnicity,
    )
    parents = [mother]
    scene.members.append((f, mother, True))
    shape = rng.random()
    if shape < 0.55:  # two parents at home
        father = _person(
            scene,
            family_name,
            address,
            sex=Person.Sex.MALE,
            date_of_birth=_born(rng, today, 21, 50),
            ethnicity=ethnicity,
        )
        parents.append(father)
        scene.members.append((f, father, True))
        scene.relationships.append((mother, father, PersonRelationship.Kind.PARTNER, False))
    elif shape < 0.70:  # a father who lives elsewhere, and still holds responsibility
        father = _person(
            scene,
            rng.choice(LAST_NAMES),
            _address(rng, postcodes),
            sex=Person.Sex.MALE,
            date_of_birth=_born(rng, today, 21, 50),
            ethnicity=ethnicity,
        )
        parents.append(father)
        scene.members.append((f, father, False))
    children = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(40, 35, 18, 7))[0]):
        child = _person(
            scene,
            family_name,
            address,
            sex=rng.choice((Person.Sex.FEMALE, Person.Sex.MALE)),
            date_of_birth=_born(rng, today, 0.2, 16.5),
            ethnicity=ethnicity,
            special_educational_needs=_weighted(
                rng,
                (
                    (Person.SpecialEducationalNeeds.NONE, 70),
                    (Person.SpecialEducationalNeeds.SEN_SUPPORT, 18),
                    (Person.SpecialEducationalNeeds.EHC_PLAN, 5),
                    (Person.SpecialEducationalNeeds.NOT_KNOWN, 7),
                ),
            ),
        )
        born = scene.people[child].date_of_birth
        if (today - born).days > 4 * 365:
            scene.people[child].school_or_setting = rng.choice(SCHOOLS)
            rest = f"{rng.randrange(10**12):012d}"
            scene.people[child].unique_pupil_number = upn_check_letter(rest) + rest
        children.append(child)
        scene.members.append((f, child, True))
    if rng.random() < 0.07:  # mum is expecting
        unborn = _person(
            scene,
            family_name,
            address,
            given_names="Baby",
            expected_date=today + datetime.timedelta(days=rng.randint(20, 150)),
            ethnicity=ethnicity,
        )
        children.append(unborn)
        scene.members.append((f, unborn, True))
    for parent in parents:
        for child in children:
            scene.relationships.append((parent, child, PersonRelationship.Kind.PARENT, True))
    if len(parents) == 1 and rng.random() < 0.3:  # a grandparent who cares for them
        grandparent = _person(
            scene,
            family_name,
            address,
            sex=Person.Sex.FEMALE,
            date_of_birth=_born(rng, today, 50, 75),
            ethnicity=ethnicity,
        )
        scene.members.append((f, grandparent, True))
        for child in children:
            scene.relationships.append(
                (grandparent, child, PersonRelationship.Kind.GRANDPARENT, True)
            )
    elif len(parents) == 1 and rng.random() < 0.2:  # mum's new partner: no responsibility
        partner = _person(
            scene,
            rng.choice(LAST_NAMES),
            address,
            sex=Person.Sex.MALE,
            date_of_birth=_born(rng, today, 22, 50),
            ethnicity=_weighted(rng, ETHNICITY_WEIGHTS),
        )
        scene.members.append((f, partner, True))
        scene.relationships.append((partner, mother, PersonRelationship.Kind.PARTNER, False))
        for child in children:
            scene.relationships.append((partner, child, PersonRelationship.Kind.STEP_PARENT, False))
    for older, younger in zip(children, children[1:], strict=False):
        scene.relationships.append((older, younger, PersonRelationship.Kind.SIBLING, False))

    _requests_for_family(scene, f, mother, parents, children, actors, levels, services)


# Requests ------------------------------------------------------------------------------------


def _working_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _reference(index: int) -> str:
    return f"{REQUEST_PREFIX}{index + 1:05d}"


def _new_request(scene: _Scene, **values) -> int:
    request = Request(reference=_reference(len(scene.requests)), **values)
    scene.requests.append(request)
    return len(scene.requests) - 1


def _open_status(rng: random.Random) -> str:
    """The state of a request still open: waiting, picked up, or decided and waiting for a
    manager's approval."""
    return _weighted(
        rng,
        (
            (Request.Status.SUBMITTED, 50),
            (Request.Status.IN_TRIAGE, 32),
            (Request.Status.AWAITING_APPROVAL, 18),
        ),
    )


def _requests_for_family(scene, f, mother, parents, children, actors, levels, services) -> None:
    rng, today = scene.rng, scene.today
    horizon = MONTHS * 30
    self_referral = rng.random() < SELF_REFERRAL_SHARE
    # How long ago the family first asked (one in seven in the last week, so the queue has
    # work in it); one in nine families ask again later.
    first = rng.randint(0, 7) if rng.random() < RECENT_SHARE else rng.randint(0, horizon)
    asks = [first]
    if first > 45 and rng.random() < 0.11:
        asks.append(rng.randint(0, first - 30))
    decided_children_at: list[datetime.datetime] = []
    for days_ago in asks:
        by_family = self_referral and days_ago == first
        submitted_day = today - datetime.timedelta(days=days_ago)
        if not by_family and submitted_day.weekday() >= 5:
            # Practitioners send their assessments on working days.
            submitted_day -= datetime.timedelta(days=submitted_day.weekday() - 4)
        submitted_at = _working_time(rng, submitted_day)
        if submitted_at > scene.now:
            submitted_at = scene.now - datetime.timedelta(minutes=rng.randint(10, 300))
        due = add_working_days(timezone.localdate(submitted_at), 1)
        # Recent requests are mostly still open, and a few older ones are stuck.
        open_request = (
            days_ago <= 1
            or (days_ago <= 7 and rng.random() < 0.6)
            or (days_ago <= 20 and rng.random() < 0.3)
        )
        source = _weighted(rng, SOURCE_WEIGHTS)
        values = {
            "family": scene.families[f],
            "submitted_at": submitted_at,
            "decision_due_on": due,
            "created_at": submitted_at - datetime.timedelta(hours=rng.randint(1, 72)),
            "updated_at": submitted_at,
            "revision": 2,
            "area": scene.people[mother].postcode.split()[0],
            "is_re_referral": any(
                submitted_at - datetime.timedelta(days=365) <= at <= submitted_at
                for at in decided_children_at
            ),
            "youngest_child_born_on": _youngest(scene, children),
        }
        if by_family:
            values.update(
                kind=Request.Kind.SELF_REFERRAL,
                contact_name=scene.people[mother].full_name,
                contact_phone=f"07700 900{rng.randrange(1000):03d}",
                safe_to_leave_message=rng.random() < 0.7,
                contact_by_text=rng.random() < 0.5,
                consent_given=True,
                who_needs_help=f"My {rng.choice(('son', 'daughter'))}, and me",
                help_with=rng.choice(REASONS),
                postcode=scene.people[mother].postcode,
                created_at=submitted_at,
            )
        else:
            requester = actors["requesters"][source]
            level = levels.get(rng.choice((2, 2, 3, 3, 4)))
            values.update(
                kind=Request.Kind.ASSESSMENT,
                created_by=requester,
                agency=actors["agencies"][source],
                reasons=rng.choice(REASONS),
                development_strengths=STRENGTHS,
                development_needs=NEEDS,
                parenting_strengths=STRENGTHS,
                parenting_needs=NEEDS,
                environment_strengths="A supportive grandmother lives nearby.",
                environment_needs="Damp in the children's bedroom; the landlord is slow to act.",
                child_views="Says home is 'shouty' in the mornings and wants to stay at school.",
                family_views="Mum wants help with routines and would like to meet other parents.",
                support_in_place="School pastoral support once a week.",
                suggested_level=level,
                sections_completed=[
                    "people",
                    "relationships",
                    "reasons",
                    "development",
                    "parenting",
                    "environment",
                    "views",
                    "support",
                    "level",
                    "consent",
                ],
                declaration_name=requester.full_name,
            )
            _consents(scene, f, mother, actors["agencies"][source], submitted_at)
        status = _open_status(rng) if open_request else Request.Status.DECIDED
        if status in (Request.Status.SUBMITTED, Request.Status.IN_TRIAGE):
            values["status"] = status
            if status == Request.Status.IN_TRIAGE:
                values["picked_up_by"] = actors["officer"]
                values["picked_up_at"] = min(
                    submitted_at + datetime.timedelta(minutes=40), scene.now
                )
            r = _new_request(scene, **values)
            _people_on(scene, r, children, parents)
            if status == Request.Status.IN_TRIAGE and rng.random() < 0.5:
                _partner_check(scene, r, actors, submitted_at + datetime.timedelta(hours=1))
            continue
        waiting_for_manager = status == Request.Status.AWAITING_APPROVAL
        kind = Decision.Kind.SOCIAL_CARE if waiting_for_manager else _weighted(rng, KIND_WEIGHTS)
        # Most are decided the same or the next working day; about one in seven late.
        hours = rng.choice((1, 2, 3, 4, 5, 6, 20, 22, 24)) if rng.random() > 0.15 else 70
        decided_at = min(submitted_at + datetime.timedelta(hours=hours), scene.now)
        values.update(
            status=status,
            picked_up_by=actors["officer"],
            picked_up_at=min(submitted_at + datetime.timedelta(minutes=30), decided_at),
            updated_at=decided_at,
            revision=3,
        )
        r = _new_request(scene, **values)
        _people_on(scene, r, children, parents)
        _partner_check(scene, r, actors, submitted_at + datetime.timedelta(minutes=50))
        if (
            not waiting_for_manager and rng.random() < 0.04
        ):  # a manager returned an earlier decision to the officer
            returned = Decision(
                kind=Decision.Kind.FAMILY_HELP,
                level=levels.get(3),
                team=actors["teams"][FAMILY_HELP_TEAMS[0]],
                rationale=DECISION_RATIONALES[Decision.Kind.FAMILY_HELP],
                decided_at=decided_at - datetime.timedelta(minutes=30),
                decided_by=actors["officer"],
                approval=Decision.Approval.RETURNED,
                approved_by=actors["manager"],
                approved_at=decided_at - datetime.timedelta(minutes=10),
                approval_note="Please check with the school first.",
            )
            scene.decisions.append((r, returned, []))
        decision = _decision(scene, kind, decided_at, actors, levels, waiting_for_manager)
        chosen = rng.sample(services, min(2, len(services))) if kind == "advice" else []
        scene.decisions.append((r, decision, chosen))
        decided_children_at.append(decision.decided_at)


def _decision(scene, kind, decided_at, actors, levels, waiting_for_manager) -> Decision:
    rng = scene.rng
    decision = Decision(
        kind=kind,
        level=levels.get(
            {"advice": 2, "family_help": 3, "social_care": 4, "no_further_action": 1}[kind]
        ),
        rationale=DECISION_RATIONALES[kind],
        decided_at=decided_at,
        decided_by=actors["officer"],
    )
    if kind == Decision.Kind.FAMILY_HELP:
        decision.team = actors["teams"][rng.choice(FAMILY_HELP_TEAMS)]
    elif kind == Decision.Kind.NO_FURTHER_ACTION:
        decision.no_further_action_reason = _weighted(
            rng,
            (
                (Decision.NoFurtherActionReason.NEEDS_MET, 5),
                (Decision.NoFurtherActionReason.BELOW_THRESHOLD, 3),
                (Decision.NoFurtherActionReason.DECLINED, 2),
                (Decision.NoFurtherActionReason.NO_CONTACT, 1),
            ),
        )
    elif kind == Decision.Kind.SOCIAL_CARE:
        if waiting_for_manager:
            decision.approval = Decision.Approval.AWAITING
        else:
            decision.approval = Decision.Approval.APPROVED
            decision.approved_by = actors["manager"]
            decision.approved_at = min(
                decided_at + datetime.timedelta(hours=rng.randint(1, 5)), scene.now
            )
            decision.referred_to_social_care_at = decision.approved_at
    return decision


def _youngest(scene: _Scene, children: list[int]):
    expected = [scene.people[c].expected_date for c in children if scene.people[c].expected_date]
    born = [scene.people[c].date_of_birth for c in children if scene.people[c].date_of_birth]
    return max(expected) if expected else max(born, default=None)


def _people_on(scene: _Scene, r: int, children: list[int], parents: list[int]) -> None:
    for child in children:
        role = RequestPerson.Role.UNBORN if scene.people[child].is_unborn else "child"
        scene.request_people.append((r, child, role))
    for parent in parents:
        scene.request_people.append((r, parent, RequestPerson.Role.FAMILY_MEMBER))


def _partner_check(scene, r, actors, at) -> None:
    check = PartnerCheck(
        partner=scene.rng.choice(PARTNERS),
        outcome="No further information held beyond what the request says.",
        checked_at=min(at, scene.now),
        checked_by=actors["officer"],
    )
    scene.checks.append((r, check))


def _consents(scene, f, mother, agency, submitted_at) -> None:
    """The family's consent to the assessment and to sharing it with the requesting agency;
    about one family in thirty later withdrew the sharing."""
    rng = scene.rng
    given_on = timezone.localdate(submitted_at) - datetime.timedelta(days=rng.randint(0, 5))
    common = {
        "given_by_name": scene.people[mother].full_name,
        "given_on": given_on,
        "method": rng.choice((Consent.Method.VERBAL, Consent.Method.WRITTEN)),
        "recorded_at": submitted_at - datetime.timedelta(hours=1),
    }
    scene.consents.append((f, mother, Consent(scope=Consent.Scope.ASSESSMENT, **common), []))
    sharing = Consent(scope=Consent.Scope.SHARING, **common)
    if rng.random() < 0.035:
        sharing.withdrawn_at = min(submitted_at + datetime.timedelta(days=3), scene.now)
        sharing.withdrawal_reason = "Mum asked that the police are not told any more."
    scene.consents.append((f, mother, sharing, [agency.pk]))
    if rng.random() < 0.4:
        scene.consents.append(
            (f, mother, Consent(scope=Consent.Scope.CONTACT_BY_TEXT, **common), [])
        )


def _drafts(scene: _Scene, actors, levels, postcodes) -> None:
    """Hannah Price's drafts, at different steps of the task list, each about a family of its
    own (a mother and one or two children)."""
    rng = scene.rng
    steps = (
        ["people"],
        ["people", "relationships", "reasons"],
        ["people", "relationships", "reasons", "development", "parenting"],
        ["people", "relationships", "reasons", "development", "parenting", "environment"],
    )
    for number in range(DRAFTS):
        family_name = rng.choice(LAST_NAMES)
        address = _address(rng, postcodes)
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        scene.families.append(
            Family(
                reference=f"{FAMILY_PREFIX}{FAMILIES + number + 1:04d}",
                name=f"The {family_name} family",
                created_at=scene.now - datetime.timedelta(days=number + 1),
                updated_at=scene.now - datetime.timedelta(days=number + 1),
            )
        )
        f = len(scene.families) - 1
        mother = _person(
            scene,
            family_name,
            address,
            sex=Person.Sex.FEMALE,
            date_of_birth=_born(rng, scene.today, 22, 40),
            ethnicity=ethnicity,
        )
        child = _person(
            scene,
            family_name,
            address,
            sex=rng.choice((Person.Sex.FEMALE, Person.Sex.MALE)),
            date_of_birth=_born(rng, scene.today, 5, 11),
            ethnicity=ethnicity,
            school_or_setting=SCHOOLS[0],
        )
        scene.members += [(f, mother, True), (f, child, True)]
        scene.relationships.append((mother, child, PersonRelationship.Kind.PARENT, True))
        completed = steps[number % len(steps)]
        started = scene.now - datetime.timedelta(days=number + 1, hours=2)
        r = _new_request(
            scene,
            kind=Request.Kind.ASSESSMENT,
            status=Request.Status.DRAFT,
            family=scene.families[f],
            created_by=actors["practitioner"],
            agency=actors["agencies"][SCHOOL],
            created_at=started,
            updated_at=started + datetime.timedelta(minutes=25),
            revision=len(completed) + 1,
            reasons=rng.choice(REASONS) if "reasons" in completed else "",
            development_strengths=STRENGTHS if "development" in completed else "",
            development_needs=NEEDS if "development" in completed else "",
            parenting_strengths=STRENGTHS if "parenting" in completed else "",
            parenting_needs=NEEDS if "parenting" in completed else "",
            sections_completed=completed,
        )
        _people_on(scene, r, [child], [mother])


def _self_referrals_not_linked(scene: _Scene, postcodes) -> None:
    """Families who asked from the public site and whom the front door has not yet found or
    added: nobody is on the request yet."""
    rng = scene.rng
    for number in range(6):
        postcode = rng.choice(postcodes)
        submitted_at = scene.now - datetime.timedelta(hours=3 + number * 11)
        given, family_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        _new_request(
            scene,
            kind=Request.Kind.SELF_REFERRAL,
            status=Request.Status.SUBMITTED,
            contact_name=f"{given} {family_name}",
            contact_email=f"{given.lower()}.{family_name.lower()}@example.com",
            contact_phone=f"07700 900{rng.randrange(1000):03d}" if number % 2 else "",
            safe_to_leave_message=bool(number % 2),
            contact_by_text=bool(number % 2) and rng.random() < 0.5,
            safe_contact_notes="Please call after 3pm when my partner is at work."
            if number == 1
            else "",
            consent_given=True,
            who_needs_help=f"My {rng.choice(('son', 'daughter'))}, who is {rng.randint(4, 15)}",
            help_with=rng.choice(REASONS),
            postcode=postcode,
            area=postcode.split()[0],
            created_at=submitted_at,
            updated_at=submitted_at,
            submitted_at=submitted_at,
            decision_due_on=add_working_days(timezone.localdate(submitted_at), 1),
            revision=2,
        )


# Inserting -----------------------------------------------------------------------------------

BATCH = 500


def _insert(scene: _Scene) -> FrontDoorSummary:
    Person.objects.bulk_create(scene.people, batch_size=BATCH)
    Family.objects.bulk_create(scene.families, batch_size=BATCH)
    people, families = scene.people, scene.families
    FamilyMember.objects.bulk_create(
        [
            FamilyMember(family=families[f], person=people[p], lives_here=here, added_at=at)
            for f, p, here in scene.members
            for at in [families[f].created_at]
        ],
        batch_size=BATCH,
    )
    PersonRelationship.objects.bulk_create(
        [
            PersonRelationship(
                person=people[a], relative=people[b], kind=kind, parental_responsibility=pr
            )
            for a, b, kind, pr in scene.relationships
        ],
        batch_size=BATCH,
    )
    consents = []
    for f, giver, consent, _agencies in scene.consents:
        consent.family = families[f]
        consent.given_by = people[giver]
        consents.append(consent)
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    Consent.agencies.through.objects.bulk_create(
        [
            Consent.agencies.through(consent_id=consent.pk, agency_id=agency_id)
            for (_, _, consent, agencies) in scene.consents
            for agency_id in agencies
        ],
        batch_size=BATCH,
    )
    Request.objects.bulk_create(scene.requests, batch_size=BATCH)
    requests = scene.requests
    RequestPerson.objects.bulk_create(
        [
            RequestPerson(request=requests[r], person=people[p], role=role)
            for r, p, role in scene.request_people
        ],
        batch_size=BATCH,
    )
    checks = []
    for r, check in scene.checks:
        check.request = requests[r]
        checks.append(check)
    PartnerCheck.objects.bulk_create(checks, batch_size=BATCH)
    decisions = []
    for r, decision, _ in scene.decisions:
        decision.request = requests[r]
        decisions.append(decision)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    Decision.services.through.objects.bulk_create(
        [
            Decision.services.through(decision_id=decision.pk, service_id=service_id)
            for _, decision, service_ids in scene.decisions
            for service_id in service_ids
        ],
        batch_size=BATCH,
    )
    by_status: dict[str, int] = {}
    for request in requests:
        by_status[request.status] = by_status.get(request.status, 0) + 1
    return FrontDoorSummary(
        families=len(families),
        people=len(people),
        requests=len(requests),
        by_status=by_status,
        decisions=len(decisions),
    )


def _delete_earlier_scene() -> None:
    """Remove what an earlier load made, and whatever people trying the demo hung on it (their
    merges of demo people, demo people added to their own requests), which would otherwise
    stop the people being deleted."""
    # Case work's episodes hold these families, people and decisions (familyhelp/demo/casework.py).
    from familyhelp.demo.casework import demo_casework_clear

    demo_casework_clear()
    requests = Request.objects.filter(reference__startswith=REQUEST_PREFIX)
    families = Family.objects.filter(reference__startswith=FAMILY_PREFIX)
    person_ids = list(
        Person.objects.filter(memberships__family__in=families).values_list("pk", flat=True)
    )
    Decision.services.through.objects.filter(decision__request__in=requests).delete()
    Decision.objects.filter(request__in=requests).delete()
    requests.delete()
    RequestPerson.objects.filter(person_id__in=person_ids).delete()
    PersonMerge.objects.filter(Q(kept_id__in=person_ids) | Q(merged_id__in=person_ids)).delete()
    Person.objects.filter(merged_into_id__in=person_ids).update(merged_into=None)
    Consent.objects.filter(family__in=families).delete()
    families.delete()
    FamilyMember.objects.filter(person_id__in=person_ids).delete()
    Person.objects.filter(pk__in=person_ids).delete()
