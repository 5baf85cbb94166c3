import io

import pytest
from django.core.management import CommandError, call_command

from familyhelp.core.models import Postcode
from familyhelp.core.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db

HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,lat,long,imd\n"


def _write(tmp_path, body, header=HEADER, name="onspd.csv"):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def _import(path):
    call_command("import_postcodes", str(path), verbosity=0)


def _table():
    return list(
        Postcode.objects.order_by("postcode").values_list(
            "postcode", "outward_code", "latitude", "longitude", "local_authority_code"
        )
    )


def test_imports_normalised_postcodes_with_outward_code_and_authority(tmp_path):
    path = _write(
        tmp_path,
        "WX1 2AB,WX1  2AB,wx1 2ab,199801,,E06099001,W1,51.100000,-2.050000,1\n"
        "WX101AA,WX10 1AA,WX101AA,199801,,E06099001,W1,51.2,-1.9,2\n",
    )
    _import(path)
    assert _table() == [
        ("WX1 2AB", "WX1", 51.1, -2.05, "E06099001"),
        ("WX10 1AA", "WX10", 51.2, -1.9, "E06099001"),
    ]


def test_newest_local_authority_column_wins_over_older_ones(tmp_path):
    path = _write(
        tmp_path,
        "WX1 2AB,51.1,-2.05,E06000001,E06000002\n",
        header="pcds,lat,long,lad23cd,lad25cd\n",
    )
    _import(path)
    assert Postcode.objects.get().local_authority_code == "E06000002"


def test_rerun_is_idempotent_and_updates_in_place(tmp_path):
    body = "WX1 2AB,,WX1 2AB,,,E06099001,,51.1,-2.05,\nWX1 2AD,,WX1 2AD,,,E06099001,,51.2,-2.1,\n"
    _import(_write(tmp_path, body))
    first = _table()
    _import(_write(tmp_path, body))
    assert _table() == first
    _import(_write(tmp_path, "WX1 2AB,,WX1 2AB,,,E06099001,,51.3,-2.2,\n"))
    assert Postcode.objects.get(postcode="WX1 2AB").latitude == 51.3
    assert Postcode.objects.count() == 2


def test_rows_without_a_location_are_skipped_and_counted(tmp_path):
    path = _write(
        tmp_path,
        "WX1 2AB,,WX1 2AB,,,E06099001,,51.1,-2.05,\n"
        # ONSPD's marker for a postcode with no grid reference, often a terminated one.
        "WX1 9ZZ,,WX1 9ZZ,198001,199912,E06099001,,99.999999,0.000000,\n",
    )
    out = io.StringIO()
    call_command("import_postcodes", str(path), verbosity=0, stdout=out)
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["WX1 2AB"]
    assert "Imported 1 postcodes; skipped 1 with no location" in out.getvalue()


@pytest.mark.parametrize(
    ("bad_row", "column", "problem"),
    [
        ("NOT A CODE,,NOT A CODE,,,E06099001,,51.1,-2.05,", "pcds", '"NOT A CODE" is not a full'),
        ("WX1 2AE,,WX1 2AE,,,E06099001,,north,-2.05,", "lat", '"north" is not a number'),
        ("WX1 2AE,,WX1 2AE,,,E06099001,,51.1,-200,", "long", "-200.0 is outside the range"),
        ("WX1 2AE,,WX1 2AE,,,E06099001,,nan,-2,", "lat", '"nan" is not a number'),
        ("WX1 2AE,,WX1 2AE,,,E0609900199,,51.1,-2,", "oslaua", "longer than 9 characters"),
        ("WX1 2AE,,WX1 2AE", "lat", "is missing: the row has only 3 values"),
    ],
)
def test_a_bad_row_in_the_middle_changes_nothing(tmp_path, bad_row, column, problem):
    PostcodeFactory(postcode="WX1 2AB", latitude=50.0, longitude=-1.0)
    before = _table()
    rows = [f"WX1 {n}AA,,WX1 {n}AA,,,E06099001,,51.1,-2.05," for n in range(1, 6)]
    rows.insert(3, bad_row)
    path = _write(tmp_path, "\n".join(rows) + "\nWX1 2AB,,WX1 2AB,,,E06099001,,51.9,-2.9,\n")

    with pytest.raises(CommandError) as raised:
        _import(path)

    message = str(raised.value)
    assert message.startswith(f'{path}, row 5, column "{column}": ')
    assert problem in message
    assert message.endswith("Nothing was imported.")
    assert _table() == before


def test_a_file_without_a_required_column_is_refused(tmp_path):
    path = _write(tmp_path, "WX1 2AB,51.1\n", header="pcds,lat\n")
    with pytest.raises(CommandError, match=r"has no long column"):
        _import(path)
    assert not Postcode.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"missing.csv: cannot be read"):
        _import(tmp_path / "missing.csv")


def test_large_files_are_upserted_in_batches(tmp_path):
    postcodes = [f"WX2 {n % 10}{chr(65 + n // 10 % 20)}{chr(65 + n // 200)}" for n in range(1200)]
    path = _write(tmp_path, "".join(f"{p},,{p},,,E06099001,,51.1,-2,\n" for p in postcodes))
    call_command("import_postcodes", str(path), "--batch-size", "250", verbosity=0)
    assert Postcode.objects.count() == 1200
