"""manage.py import_postcodes FILE: load the ONS Postcode Directory (or a file in its layout)."""

from django.core.management.base import BaseCommand, CommandError

from familyhelp.core.services import PostcodeImportError, postcodes_import


class Command(BaseCommand):
    help = (
        "Import postcodes from a CSV in the ONS Postcode Directory layout (pcds, lat, long and "
        "the local authority code column). All or nothing; re-running updates in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the ONSPD CSV file")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, file, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            result = postcodes_import(path=file, batch_size=batch_size, show_progress=verbosity > 0)
        except PostcodeImportError as error:
            raise CommandError(f"{error}. Nothing was imported.") from error
        self.stdout.write(
            f"Imported {result.imported:,} postcodes; skipped {result.skipped_no_location:,} "
            f"with no location; {result.seconds:.1f} seconds."
        )
