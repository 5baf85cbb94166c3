"""System checks of the core building blocks (`manage.py check`, and every management command)."""

import datetime

from django.core import checks
from django.utils import timezone

from familyhelp.core.working_days import holidays_known_until

BANK_HOLIDAYS_WARNING_DAYS = 180


@checks.register()
def bank_holidays_are_known_ahead(app_configs=None, **kwargs):
    """Due dates count working days: warn while there is time to upgrade the holiday list."""
    known_until = holidays_known_until()
    if known_until - timezone.localdate() >= datetime.timedelta(days=BANK_HOLIDAYS_WARNING_DAYS):
        return []
    return [
        checks.Warning(
            f"England and Wales bank holidays are known only until {known_until:%d %B %Y}: "
            "due dates after that will count bank holidays as working days.",
            hint="Upgrade the govuk-bank-holidays package (uv lock --upgrade-package "
            "govuk-bank-holidays) to get the years GOV.UK has published since.",
            id="core.W001",
        )
    ]
