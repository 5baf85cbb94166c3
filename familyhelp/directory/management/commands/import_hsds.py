from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from familyhelp.directory.services.hsds import ImportProblems, hsds_import


def tqdm_progress(command: BaseCommand):
    """Progress bars on the command's stderr (tqdm needs the raw stream, not Django's wrapper)."""
    stream = getattr(command.stderr, "_out", command.stderr)

    def progress(iterable, description):
        return tqdm(iterable, desc=description, unit=" rows", file=stream, mininterval=0.5)

    return progress


class Command(BaseCommand):
    help = (
        "Import an HSDS 3.0 tabular data package (CSV files and datapackage.json) into the "
        "directory, upserting by id. All or nothing: one invalid row and nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the folder holding datapackage.json and the CSV files")
        parser.add_argument(
            "--show-errors", type=int, default=20, help="how many problems to list (default 20)"
        )

    def handle(self, *args, path, show_errors, **options):
        try:
            result = hsds_import(path=path, progress=tqdm_progress(self))
        except ImportProblems as problems:
            raise CommandError(problems.summary(shown=show_errors)) from None
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported the package in {path}."))
