"""Postcodes and distance: normalise, validate, geocode, and great-circle distance.

Distance search runs the same on SQLite and PostgreSQL without extensions: a bounding box on
indexed latitude/longitude narrows the rows in SQL, then the exact haversine distance is computed.
"""

import math
import re
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Value
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from familyhelp.core.models import Place, Postcode

EARTH_RADIUS_MILES = 3958.7613
METRES_PER_MILE = 1609.344

# The UK postcode format (BS 7666), plus the outward code alone ("WX1").
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

ERROR_EMPTY = "Enter a postcode or the name of a town, like WX1 2AB or Ashcombe"
ERROR_NOT_FOUND = (
    "We could not find {value}. Enter a postcode in the area, like WX1 2AB, or a town name"
)
ERROR_FORMAT = "Enter a full postcode, like WX1 2AB, or the first part, like WX1"


class GeocodeError(ValueError):
    pass


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str


def normalise_postcode(value: str) -> str | None:
    """'wx12ab ' -> 'WX1 2AB'; 'wx1' -> 'WX1'; anything that is not a postcode -> None."""
    parts = (value or "").upper().split()
    if len(parts) == 2:  # "WX1 2AB": each part must be whole
        outward, inward = parts
        return f"{outward} {inward}" if _FULL.match(outward + inward) and len(inward) == 3 else None
    if len(parts) != 1:
        return None
    compact = parts[0]
    match = _FULL.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if _OUTWARD.match(compact):
        return compact
    return None


def looks_like_postcode(value: str) -> bool:
    return bool(re.match(r"^\s*[A-Za-z]{1,2}[0-9]", value or ""))


def geocode(value: str) -> Point:
    """A full or partial postcode, or a place name, as a point. Raises GeocodeError."""
    text = (value or "").strip()
    if not text:
        raise GeocodeError(ERROR_EMPTY)
    if len(text) > 100:
        raise GeocodeError(ERROR_NOT_FOUND.format(value="that place"))
    postcode = normalise_postcode(text)
    if postcode and " " in postcode:
        row = Postcode.objects.filter(postcode=postcode).values("latitude", "longitude").first()
        if row:
            return Point(row["latitude"], row["longitude"], postcode)
        raise GeocodeError(ERROR_NOT_FOUND.format(value=postcode))
    if postcode:
        centre = Postcode.objects.filter(outward_code=postcode).aggregate(
            latitude=Avg("latitude"), longitude=Avg("longitude"), n=Count("pk")
        )
        if centre["n"]:
            return Point(centre["latitude"], centre["longitude"], postcode)
    place = (
        Place.objects.filter(search_name=text.lower())
        .values("name", "latitude", "longitude")
        .first()
    )
    if place:
        return Point(place["latitude"], place["longitude"], place["name"])
    if looks_like_postcode(text) and not postcode:
        raise GeocodeError(ERROR_FORMAT)
    raise GeocodeError(ERROR_NOT_FOUND.format(value=postcode or text))


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, miles: float):
    """(min_lat, max_lat, min_lon, max_lon) enclosing every point within `miles`."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos_lat = max(math.cos(math.radians(latitude)), 1e-6)
    dlon = math.degrees(miles / (EARTH_RADIUS_MILES * cos_lat))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def within(queryset, point: Point, miles: float, lat_field="latitude", lon_field="longitude"):
    """Filter to rows within `miles` of `point` and annotate `distance_miles` (exact, in SQL)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(point.latitude, point.longitude, miles)
    queryset = queryset.filter(
        **{
            f"{lat_field}__gte": min_lat,
            f"{lat_field}__lte": max_lat,
            f"{lon_field}__gte": min_lon,
            f"{lon_field}__lte": max_lon,
        }
    )
    return annotate_distance(queryset, point, lat_field, lon_field).filter(
        distance_miles__lte=miles
    )


def distance_sql(point: Point, *, vendor: str) -> tuple[str, list]:
    """The same distance as `annotate_distance`, as raw SQL over columns named latitude and
    longitude, for queries the ORM cannot express (the search index's own tables)."""
    sql = (
        "acos(max(min(%s * sin(radians(latitude)) + %s * cos(radians(latitude))"
        " * cos(radians(longitude) - %s), 1.0), -1.0)) * %s"
    )
    if vendor == "postgresql":
        sql = sql.replace("max(min(", "greatest(least(")
    lat = math.radians(point.latitude)
    return sql, [math.sin(lat), math.cos(lat), math.radians(point.longitude), EARTH_RADIUS_MILES]


def annotate_distance(queryset, point: Point, lat_field="latitude", lon_field="longitude"):
    """Spherical law of cosines, clamped to [-1, 1] so identical points do not give NaN."""
    lat = Radians(Value(point.latitude, output_field=FloatField()))
    lon = Radians(Value(point.longitude, output_field=FloatField()))
    row_lat = Radians(F(lat_field))
    row_lon = Radians(F(lon_field))
    cosine = Sin(lat) * Sin(row_lat) + Cos(lat) * Cos(row_lat) * Cos(row_lon - lon)
    clamped = Greatest(Least(cosine, Value(1.0)), Value(-1.0))
    return queryset.annotate(
        distance_miles=ACos(clamped, output_field=FloatField()) * Value(EARTH_RADIUS_MILES)
    )
