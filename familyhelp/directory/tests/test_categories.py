import io

import pytest
from django.core.management import CommandError, call_command

from familyhelp.directory.models import Taxonomy, TaxonomyTerm
from familyhelp.directory.services.categories import DFE_TAXONOMY_NAME

pytestmark = pytest.mark.django_db


def _terms():
    return sorted(
        TaxonomyTerm.objects.values_list("id", "parent__name", "name", "slug", "taxonomy__name"),
        key=lambda row: (row[1] or "", row[2]),
    )


def test_the_vendored_dfe_file_gives_6_categories_and_43_subcategories():
    out = io.StringIO()
    call_command("import_categories", stdout=out)

    taxonomy = Taxonomy.objects.get()
    assert taxonomy.name == DFE_TAXONOMY_NAME
    categories = TaxonomyTerm.objects.filter(parent__isnull=True)
    assert categories.count() == 6
    assert TaxonomyTerm.objects.filter(parent__isnull=False).count() == 43
    family_support = categories.get(name="Family support")
    assert family_support.slug == "family-support"
    assert family_support.children.get(name="Domestic abuse").slug == "domestic-abuse"
    assert set(TaxonomyTerm.objects.values_list("taxonomy", flat=True)) == {taxonomy.id}
    assert "6 categories, 43 sub-categories (50 new records)" in out.getvalue()


def test_rerun_changes_nothing():
    call_command("import_categories", stdout=io.StringIO())
    first = _terms()
    out = io.StringIO()
    call_command("import_categories", stdout=out)
    assert _terms() == first
    assert "(0 new records)" in out.getvalue()


def _write(tmp_path, text):
    path = tmp_path / "categories.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_row_changes_nothing_and_names_row_and_column(tmp_path):
    call_command("import_categories", stdout=io.StringIO())
    before = _terms()
    path = _write(
        tmp_path, "category,subcategory\nHealth,Oral health\nHealth,Dental care\n,Orphan\n"
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_categories", str(path))

    assert str(raised.value) == f'{path}, row 4, column "category": is blank. Nothing was imported.'
    assert _terms() == before


def test_a_duplicate_subcategory_is_refused(tmp_path):
    path = _write(tmp_path, "category,subcategory\nHealth,Oral health\nHealth,Oral  health\n")
    with pytest.raises(
        CommandError, match=r'row 3, column "subcategory": "Oral health" is already'
    ):
        call_command("import_categories", str(path))
    assert not TaxonomyTerm.objects.exists()


def test_a_file_without_the_expected_header_is_refused(tmp_path):
    path = _write(tmp_path, "name,parent\nHealth,\n")
    with pytest.raises(CommandError, match=r"has no category, subcategory column"):
        call_command("import_categories", str(path))
    assert not Taxonomy.objects.exists()
