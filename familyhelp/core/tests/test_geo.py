import pytest

from familyhelp.core import geo
from familyhelp.core.models import Place, Postcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("wx12ab", "WX1 2AB"),
        ("  WX1   2AB ", "WX1 2AB"),
        ("wx10 1aa", "WX10 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("wx1", "WX1"),
        ("not a postcode", None),
        ("", None),
        ("WX1 2A", None),
    ],
)
def test_normalise_postcode(raw, expected):
    assert geo.normalise_postcode(raw) == expected


def test_haversine_known_distance():
    # London (51.5074, -0.1278) to Bristol (51.4545, -2.5879): about 106 miles.
    assert geo.haversine_miles(51.5074, -0.1278, 51.4545, -2.5879) == pytest.approx(106, abs=1)


@pytest.mark.django_db
def test_geocode_full_partial_and_place():
    Postcode.objects.create(postcode="WX1 2AB", outward_code="WX1", latitude=51.0, longitude=-2.0)
    Postcode.objects.create(postcode="WX1 3CD", outward_code="WX1", latitude=51.2, longitude=-2.2)
    Place.objects.create(name="Ashcombe", search_name="ashcombe", latitude=51.1, longitude=-2.1)

    assert geo.geocode("wx1 2ab") == geo.Point(51.0, -2.0, "WX1 2AB")
    centre = geo.geocode("WX1")
    assert centre.latitude == pytest.approx(51.1)
    assert centre.longitude == pytest.approx(-2.1)
    assert geo.geocode("ashcombe").label == "Ashcombe"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", geo.ERROR_EMPTY),
        ("WX9 9ZZ", geo.ERROR_NOT_FOUND.format(value="WX9 9ZZ")),
        ("Nowhere", geo.ERROR_NOT_FOUND.format(value="Nowhere")),
        ("WX1 2", geo.ERROR_FORMAT),
    ],
)
def test_geocode_errors_are_specific(value, message):
    with pytest.raises(geo.GeocodeError) as error:
        geo.geocode(value)
    assert str(error.value) == message


@pytest.mark.django_db
def test_within_filters_by_exact_distance_and_annotates_it():
    origin = geo.Point(51.0, -2.0, "origin")
    Postcode.objects.create(postcode="WX1 1AA", outward_code="WX1", latitude=51.0, longitude=-2.0)
    # ~0.69 miles north, and ~2.8 miles north-east (inside the 2-mile box's corner? no: outside)
    Postcode.objects.create(postcode="WX1 1AB", outward_code="WX1", latitude=51.01, longitude=-2.0)
    Postcode.objects.create(
        postcode="WX1 1AC", outward_code="WX1", latitude=51.025, longitude=-1.96
    )
    rows = geo.within(Postcode.objects.all(), origin, 2).order_by("distance_miles")
    found = [(r.postcode, round(r.distance_miles, 2)) for r in rows]
    assert [p for p, _ in found] == ["WX1 1AA", "WX1 1AB"]
    assert found[0][1] == 0
    assert found[1][1] == pytest.approx(0.69, abs=0.01)


@pytest.mark.django_db
def test_raw_distance_sql_agrees_with_the_orm_expression():
    from django.db import connection

    origin = geo.Point(51.0, -2.0, "origin")
    Postcode.objects.create(
        postcode="WX1 1AC", outward_code="WX1", latitude=51.025, longitude=-1.96
    )
    orm = geo.annotate_distance(Postcode.objects.all(), origin).get().distance_miles
    sql, params = geo.distance_sql(origin, vendor=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM core_postcode", params)  # noqa: S608
        raw = cursor.fetchone()[0]
    assert raw == pytest.approx(orm)
    assert raw == pytest.approx(geo.haversine_miles(51.0, -2.0, 51.025, -1.96), rel=1e-6)
