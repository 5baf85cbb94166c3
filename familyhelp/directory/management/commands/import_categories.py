"""manage.py import_categories [FILE]: the DfE family services categories as the taxonomy."""

from django.core.management.base import BaseCommand, CommandError

from familyhelp.directory.services.categories import (
    DEFAULT_CATEGORIES_PATH,
    CategoryImportError,
    taxonomy_import_categories,
)


class Command(BaseCommand):
    help = (
        "Import the DfE family services categories (CSV with the header category,subcategory) "
        "as the default taxonomy. All or nothing; re-running updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_CATEGORIES_PATH))

    def handle(self, *args, file, **options):
        try:
            result = taxonomy_import_categories(path=file)
        except CategoryImportError as error:
            raise CommandError(f"{error}. Nothing was imported.") from error
        self.stdout.write(
            f'"{result.taxonomy.name}": {result.categories} categories, '
            f"{result.subcategories} sub-categories ({result.created} new records)."
        )
