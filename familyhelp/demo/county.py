"""The fictional county of Wessex Vale: its towns, its WX postcodes, streets and people's names.

Everything is drawn from a random.Random seeded by the caller, so a seed always gives the same
county. Coordinates sit in real-looking countryside, but every name and postcode is invented.
"""

import random
import string
from dataclasses import dataclass

COUNTY = "Wessex Vale"
COUNCIL = "Wessex Vale Council"
# A fictional local authority code in the ONS format (E06 = English unitary authority).
LOCAL_AUTHORITY_CODE = "E06099001"
POSTCODE_AREA = "WX"
# The letters Royal Mail uses in the inward part of a postcode (never C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Hints across the site say "like WX1 2AB", so that postcode exists, in Ashcombe.
EXAMPLE_INWARD = "2AB"


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    size: int  # 3 a market town, 2 a small town, 1 a village
    outward_code: str


@dataclass(frozen=True)
class DemoPostcode:
    postcode: str
    latitude: float
    longitude: float


_TOWNS = (
    ("Ashcombe", 51.2312, -2.0341, 3),
    ("Brackenford", 51.3058, -2.2127, 3),
    ("Dunsmere", 51.0846, -2.3012, 3),
    ("Hartsford", 51.1532, -1.8215, 3),
    ("Kingsmere", 51.3621, -1.9473, 2),
    ("Larkbourne", 51.0417, -1.9052, 2),
    ("Merrowfield", 51.2655, -2.3348, 2),
    ("Stourley", 51.1198, -2.1386, 2),
    ("Wyvern Abbas", 51.3317, -1.7836, 2),
    ("Coldharbour St Mary", 51.1874, -2.2609, 1),
    ("Eastwick Down", 51.2106, -1.7544, 1),
    ("Fernhollow", 51.0612, -2.1824, 1),
    ("Glenbury", 51.3872, -2.1451, 1),
    ("Ivelcombe", 51.0214, -2.3687, 1),
    ("Netherwick", 51.2893, -2.0762, 1),
    ("Oakhollow Magna", 51.1407, -2.3839, 1),
    ("Pelham Wick", 51.0935, -1.7421, 1),
    ("Quillbury", 51.2468, -1.8832, 1),
    ("Ravensholt", 51.3449, -2.3016, 1),
    ("Thornvale", 51.1763, -1.9958, 1),
)
TOWNS = tuple(
    Town(name, lat, lon, size, f"{POSTCODE_AREA}{number}")
    for number, (name, lat, lon, size) in enumerate(_TOWNS, start=1)
)
POSTCODES_PER_TOWN = {3: 320, 2: 170, 1: 70}
# How far (degrees of latitude) a town's postcodes spread from its centre.
TOWN_SPREAD = {3: 0.018, 2: 0.011, 1: 0.005}

STREETS = (
    "High Street",
    "Church Lane",
    "Station Road",
    "Mill Lane",
    "Market Place",
    "Vicarage Road",
    "Chapel Street",
    "The Green",
    "Orchard Close",
    "Victoria Road",
    "Queen Street",
    "Bridge Street",
    "Meadow Way",
    "School Lane",
    "Park Road",
    "Castle Street",
    "Kingsway",
    "Silver Street",
    "Elm Grove",
    "Water Lane",
    "North Street",
    "London Road",
    "Fore Street",
    "Sheep Street",
)
FIRST_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Femi",
    "Grace",
    "Harpreet",
    "Isla",
    "Jakub",
    "Kerry",
    "Liam",
    "Maya",
    "Nadia",
    "Oliver",
    "Priya",
    "Rhys",
    "Sophie",
    "Tomasz",
    "Yasmin",
    "Zoe",
    "Aled",
    "Bronwen",
    "Callum",
    "Deepa",
    "Ewan",
    "Fatima",
    "Gemma",
    "Hassan",
    "Imogen",
)
LAST_NAMES = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Popescu",
    "Haddad",
)


def postcodes_for(rng: random.Random) -> dict[str, list[DemoPostcode]]:
    """A few thousand fictional postcodes, clustered around each town, by town name."""
    by_town = {}
    for town in TOWNS:
        inward = sorted(
            {
                f"{rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                for _ in range(POSTCODES_PER_TOWN[town.size] * 2)
            }
        )
        chosen = rng.sample(inward, POSTCODES_PER_TOWN[town.size])
        if town is TOWNS[0] and EXAMPLE_INWARD not in chosen:
            chosen[0] = EXAMPLE_INWARD
        chosen.sort()
        spread = TOWN_SPREAD[town.size]
        by_town[town.name] = [
            DemoPostcode(
                postcode=f"{town.outward_code} {code}",
                latitude=round(town.latitude + rng.uniform(-spread, spread), 6),
                longitude=round(town.longitude + rng.uniform(-spread, spread) * 1.6, 6),
            )
            for code in chosen
        ]
    return by_town


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def phone_number(rng: random.Random) -> str:
    # Ofcom reserves 01632 960000 to 960999 for drama, so these numbers never ring anyone.
    return f"01632 960{rng.randrange(1000):03d}"


def slug(text: str) -> str:
    allowed = string.ascii_lowercase + string.digits
    words = "".join(c if c in allowed else " " for c in text.lower()).split()
    return "-".join(words)
