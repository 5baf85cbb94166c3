"""manage.py load_demo: the fictional county of Wessex Vale, for trying Family Help out."""

import logging

from django.core.management.base import BaseCommand, CommandError

from familyhelp.demo.services import DEFAULT_SEED, DEFAULT_SERVICES, DemoError, demo_load


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Load the fictional demo county (Wessex Vale): postcodes, towns, the DfE categories, "
        "organisations and services, then rebuild the search index. Deterministic for a seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if there are already services"
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete every directory record, postcode and place first",
        )
        parser.add_argument(
            "--services",
            type=_positive,
            default=DEFAULT_SERVICES,
            help=f"services to generate (default {DEFAULT_SERVICES}; 100000 for benchmarks)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)

    def handle(self, *args, if_empty, reset, services, seed, verbosity, **options):
        if verbosity < 2:
            # One "Sent email" line per demo reminder would bury the summary; they are in /outbox/.
            logging.getLogger("familyhelp.core.notifications").setLevel(logging.WARNING)
        try:
            summary = demo_load(
                seed=seed,
                services=services,
                reset=reset,
                if_empty=if_empty,
                show_progress=verbosity > 0,
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        if not summary.loaded:
            self.stdout.write("The directory already has services, so the demo was not loaded.")
            return
        self.stdout.write(
            f"Loaded the fictional county of Wessex Vale: {summary.places} towns, "
            f"{summary.postcodes:,} postcodes, {summary.organisations:,} organisations, "
            f"{summary.services:,} services in {summary.load_seconds:.1f} s; "
            f"search index rebuilt in {summary.index_seconds:.1f} s."
        )
        steward = summary.stewardship
        self.stdout.write(
            f"Stewardship: {steward.drafts} draft, {steward.waiting} changes waiting for "
            f"approval, {steward.changes_requested} sent back, {steward.problem_reports} open "
            f"problem reports, {steward.join_requests} requests to join, "
            f"{steward.reminders_sent} review reminders sent (see the outbox at /outbox/)."
        )
