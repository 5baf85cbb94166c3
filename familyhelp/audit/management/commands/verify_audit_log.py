from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from familyhelp.audit.chain import chain_verify
from familyhelp.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain from the first event to the last; exit non-zero "
        "naming the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, **options):
        total = AuditEvent.objects.count()
        progress = None
        if not options["no_progress"]:
            # tqdm needs the raw stream, not Django's wrapper.
            stream = getattr(self.stderr, "_out", self.stderr)

            def progress(events):
                return tqdm(
                    events,
                    total=total,
                    desc="Verifying",
                    unit=" events",
                    file=stream,
                    mininterval=0.5,
                )

        report = chain_verify(progress=progress)
        if report.first_broken is not None:
            raise CommandError(
                f"Audit log chain BROKEN. First broken link: {report.first_broken.describe()}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit log chain OK: {report.checked} events verified.")
        )
