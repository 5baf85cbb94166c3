from django.core.management.base import BaseCommand, CommandError

from familyhelp.directory.management.commands.import_hsds import tqdm_progress
from familyhelp.directory.services.hsds import hsds_export


class Command(BaseCommand):
    help = "Export the directory as an HSDS 3.0 tabular data package (CSVs + datapackage.json)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the folder to write (created if missing)")

    def handle(self, *args, path, **options):
        try:
            counts = hsds_export(path=path, progress=tqdm_progress(self))
        except OSError as error:
            raise CommandError(f"Could not write the package to {path}: {error}") from None
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"Exported the directory to {path}."))
