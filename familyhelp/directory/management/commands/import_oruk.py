from django.core.management.base import BaseCommand, CommandError

from familyhelp.directory.management.commands.import_hsds import tqdm_progress
from familyhelp.directory.services.hsds import ImportProblems
from familyhelp.directory.services.oruk_import import (
    TIMEOUT_SECONDS,
    OrukFeedError,
    oruk_feed_download,
    oruk_feed_import,
)


class Command(BaseCommand):
    help = (
        "Pull a whole Open Referral UK 3.0 feed from another directory (URL of its API, e.g. "
        "https://example.org/api/oruk) and upsert every record by id. The feed is read in full "
        "first; one invalid record and nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="the base URL of the ORUK API (its api details endpoint)")
        parser.add_argument(
            "--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per HTTP request"
        )
        parser.add_argument(
            "--show-errors", type=int, default=20, help="how many problems to list (default 20)"
        )

    def handle(self, *args, url, timeout, show_errors, **options):
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"{url} is not a web address starting http:// or https://")
        progress = tqdm_progress(self)
        try:
            feed = oruk_feed_download(base_url=url, timeout=timeout, progress=progress)
            result = oruk_feed_import(feed=feed, progress=progress)
        except OrukFeedError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        except ImportProblems as problems:
            raise CommandError(problems.summary(shown=show_errors)) from None
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported the feed at {url}."))
