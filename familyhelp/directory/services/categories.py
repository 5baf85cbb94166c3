"""Importing the DfE family services categories as the directory's default taxonomy."""

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from familyhelp.directory.models import Taxonomy, TaxonomyTerm

DFE_TAXONOMY_NAME = "DfE family services categories"
DFE_TAXONOMY_DESCRIPTION = (
    "The 6 categories and 43 sub-categories of family services used by the Department for "
    "Education's Family Hubs service directory."
)
DEFAULT_CATEGORIES_PATH = Path(settings.BASE_DIR) / "standards" / "service-categories.csv"
# Stable ids, so every install (and the demo county) gives the same term the same UUID.
_ID_NAMESPACE = uuid.UUID("8f9c2f3e-5a51-4f0e-9a8e-3c6f1b7d2a10")
REQUIRED_COLUMNS = ("category", "subcategory")
MAX_NAME_LENGTH = 255

ERROR_FILE = "{file}: {problem}"
ERROR_ROW = '{file}, row {row}, column "{column}": {problem}'
PROBLEM_CANNOT_READ = "cannot be read ({reason})"
PROBLEM_NOT_UTF8 = "is not a UTF-8 CSV file"
PROBLEM_MISSING_COLUMNS = "has no {columns} column (expected the header category,subcategory)"
PROBLEM_NO_ROWS = "has no categories"
PROBLEM_BLANK = "is blank"
PROBLEM_TOO_LONG = "is longer than 255 characters"
PROBLEM_DUPLICATE = '"{name}" is already listed under "{category}" on row {first_row}'
PROBLEM_SLUG_CLASH = '"{name}" would have the same web address ({slug}) as "{other}"'


class CategoryImportError(ValueError):
    pass


@dataclass(frozen=True)
class CategoryImportResult:
    taxonomy: Taxonomy
    categories: int
    subcategories: int
    created: int


def term_id(*names: str) -> uuid.UUID:
    """The stable id of a category (one name) or sub-category (category, sub-category)."""
    return uuid.uuid5(_ID_NAMESPACE, "/".join((DFE_TAXONOMY_NAME, *names)))


def taxonomy_import_categories(
    *, path: str | Path = DEFAULT_CATEGORIES_PATH
) -> CategoryImportResult:
    """Create or update the DfE categories taxonomy from its CSV; all or nothing, idempotent."""
    path = Path(path)
    tree = _read(path)
    created = 0
    with transaction.atomic():
        taxonomy, was_created = Taxonomy.objects.update_or_create(
            id=term_id(),
            defaults={"name": DFE_TAXONOMY_NAME, "description": DFE_TAXONOMY_DESCRIPTION},
        )
        created += was_created
        for category, subcategories in tree.items():
            parent, was_created = _upsert_term(taxonomy, None, category, term_id(category))
            created += was_created
            for subcategory in subcategories:
                _, was_created = _upsert_term(
                    taxonomy, parent, subcategory, term_id(category, subcategory)
                )
                created += was_created
    return CategoryImportResult(
        taxonomy=taxonomy,
        categories=len(tree),
        subcategories=sum(len(children) for children in tree.values()),
        created=created,
    )


def _upsert_term(taxonomy, parent, name, id_):
    return TaxonomyTerm.objects.update_or_create(
        id=id_,
        defaults={
            "taxonomy": taxonomy,
            "parent": parent,
            "name": name,
            "description": name,
            "code": slugify(name),
            "slug": slugify(name),
        },
    )


def _read(path: Path) -> dict[str, list[str]]:
    """{category: [sub-category, ...]} in file order, after checking every row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            if missing:
                problem = PROBLEM_MISSING_COLUMNS.format(columns=", ".join(missing))
                raise CategoryImportError(ERROR_FILE.format(file=path, problem=problem))
            reader.fieldnames = header
            return _tree(path, reader)
    except OSError as error:
        problem = PROBLEM_CANNOT_READ.format(reason=error.strerror)
        raise CategoryImportError(ERROR_FILE.format(file=path, problem=problem)) from error
    except UnicodeDecodeError as error:
        raise CategoryImportError(ERROR_FILE.format(file=path, problem=PROBLEM_NOT_UTF8)) from error


def _tree(path: Path, reader: csv.DictReader) -> dict[str, list[str]]:
    tree: dict[str, list[str]] = {}
    seen: dict[tuple[str, str], int] = {}
    slugs: dict[str, str] = {}

    def fail(row_number, column, problem):
        raise CategoryImportError(
            ERROR_ROW.format(file=path, row=row_number, column=column, problem=problem)
        )

    for row in reader:
        row_number = reader.line_num
        values = {}
        for column in REQUIRED_COLUMNS:
            value = " ".join((row.get(column) or "").split())
            if not value:
                fail(row_number, column, PROBLEM_BLANK)
            if len(value) > MAX_NAME_LENGTH:
                fail(row_number, column, PROBLEM_TOO_LONG)
            values[column] = value
        category, subcategory = values["category"], values["subcategory"]
        if (category, subcategory) in seen:
            problem = PROBLEM_DUPLICATE.format(
                name=subcategory, category=category, first_row=seen[category, subcategory]
            )
            fail(row_number, "subcategory", problem)
        seen[category, subcategory] = row_number
        for column, name in (("category", category), ("subcategory", subcategory)):
            slug = slugify(name)
            if slugs.setdefault(slug, name) != name:
                problem = PROBLEM_SLUG_CLASH.format(name=name, slug=slug, other=slugs[slug])
                fail(row_number, column, problem)
        tree.setdefault(category, []).append(subcategory)
    if not tree:
        raise CategoryImportError(ERROR_FILE.format(file=path, problem=PROBLEM_NO_ROWS))
    return tree
