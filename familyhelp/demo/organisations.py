"""The kinds of organisation in the demo county and how each is named and identified."""

import random
from dataclasses import dataclass

from familyhelp.demo.catalogue import (
    CHARITY,
    COMMUNITY,
    COUNCIL,
    FAITH,
    HEALTH,
    HUB,
    SCHOOL,
    SPORTS,
)
from familyhelp.demo.county import COUNTY

# How common each kind is among the county's organisations; the council and one family hub per
# town are always there.
KIND_WEIGHTS = {
    SCHOOL: 20,
    HEALTH: 10,
    CHARITY: 27,
    FAITH: 12,
    COMMUNITY: 14,
    SPORTS: 9,
}
SAINTS = ("Andrew", "Mary", "Peter", "John", "Michael", "Luke", "Margaret", "Aldhelm", "Edith")
CHARITY_FIRST = (
    "Bright Futures",
    "Little Steps",
    "Open Door",
    "Stepping Stones",
    "New Leaf",
    "Kindred",
    "Sunrise",
    "Harbour",
    "Oakleaf",
    "Together",
    "Lighthouse",
    "Springboard",
    "Compass",
)
CHARITY_LAST = ("Trust", "Project", "Foundation", "Network", "Family Support", "Partnership")
NAMES = {
    HUB: ("{town} Family Hub",),
    SCHOOL: (
        "{town} Primary School",
        "{town} C of E Primary School",
        "St {saint}'s Catholic Primary School, {town}",
        "{town} Academy",
        "{town} Infant School",
        "{town} Community College",
    ),
    HEALTH: (
        "{town} Health Visiting Team",
        "{town} School Nursing Team",
        "{town} Children's Therapy Team",
        "{town} Community Midwifery Team",
    ),
    CHARITY: ("{charity}", "{charity} {town}", "{town} {charity_last}"),
    FAITH: (
        "St {saint}'s Church, {town}",
        "{town} Methodist Church",
        "{town} Baptist Church",
        "{town} Mosque and Community Centre",
        "{town} Gurdwara",
        "{town} Quaker Meeting",
    ),
    COMMUNITY: (
        "{town} Community Centre",
        "{town} Village Hall",
        "{town} Community Association",
        "{town} Youth and Community Trust",
    ),
    SPORTS: (
        "{town} Athletic Youth FC",
        "{town} Swimming Club",
        "{town} Tennis Club",
        "{town} Gymnastics Academy",
        "{town} Rugby Club Juniors",
        "{town} Leisure Centre",
    ),
}
DESCRIPTIONS = {
    HUB: "The family hub for {town} and the villages around it: one place for families with "
    "children and young people aged 0 to 19 (25 with SEND) to get help, advice and activities.",
    SCHOOL: "A school serving {town} that opens its doors to families for clubs and support.",
    HEALTH: f"Part of {COUNTY} Community Health, an NHS service for children and families.",
    CHARITY: "A local charity supporting children, young people and families in {town} and "
    f"across {COUNTY}.",
    FAITH: "A faith community in {town} whose halls host groups open to everyone, whatever "
    "their faith or none.",
    COMMUNITY: "A community venue run by volunteers for the people of {town}.",
    SPORTS: "A community sports club in {town} with sessions for children and young people.",
    COUNCIL: f"The fictional unitary council for {COUNTY}, which runs its family hubs, "
    "early help, youth services and registration.",
}
LEGAL_STATUS = {
    HUB: "Local authority service",
    SCHOOL: "Academy trust",
    HEALTH: "NHS trust",
    CHARITY: "Registered charity",
    FAITH: "Registered charity",
    COMMUNITY: "Charitable incorporated organisation",
    SPORTS: "Community amateur sports club",
    COUNCIL: "Local authority",
}
VENUES = {
    HUB: "{name}",
    SCHOOL: "{name}",
    HEALTH: "{town} Health Centre",
    CHARITY: "{name} office",
    FAITH: "{name} hall",
    COMMUNITY: "{name}",
    SPORTS: "{name}",
    COUNCIL: "{town} Council Offices",
}


@dataclass(frozen=True)
class Identifier:
    scheme: str
    type: str
    value: str


def organisation_name(rng: random.Random, kind: str, town: str) -> str:
    template = rng.choice(NAMES[kind])
    return template.format(
        town=town,
        saint=rng.choice(SAINTS),
        charity=f"{rng.choice(CHARITY_FIRST)} {rng.choice(CHARITY_LAST)}",
        charity_last=rng.choice(CHARITY_FIRST),
    )


def identifiers_for(rng: random.Random, kind: str) -> list[Identifier]:
    """Fictional registration numbers: charity numbers start with 9 and company numbers with
    ZZ, neither of which the real registers issue."""
    if kind in (CHARITY, FAITH, COMMUNITY):
        found = [Identifier("GB-CHC", "Charity number", f"9{rng.randrange(10**6):06d}")]
        if kind == COMMUNITY or rng.random() < 0.3:
            found.append(Identifier("GB-COH", "Company number", f"ZZ{rng.randrange(10**6):06d}"))
        return found
    if kind == SCHOOL:
        return [Identifier("GB-URN", "Unique reference number", f"99{rng.randrange(10**4):04d}")]
    if kind == SPORTS:
        return [Identifier("GB-COH", "Company number", f"ZZ{rng.randrange(10**6):06d}")]
    return []
