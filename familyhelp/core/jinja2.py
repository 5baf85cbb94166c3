"""The Jinja2 environment: app templates first, then the GOV.UK Frontend macros under a prefix."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from familyhelp.core import formatting
from familyhelp.core.forms import error_summary_items, field_component


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options):
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    env = Environment(**options)  # noqa: S701 - autoescape is on in settings
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "service_name": settings.SERVICE_NAME,
            "organisation_name": settings.ORGANISATION_NAME,
            "fictional_data_banner": settings.FICTIONAL_DATA_BANNER,
            "field_component": field_component,
            "error_summary_items": error_summary_items,
        }
    )
    env.filters.update(
        {
            "long_date": formatting.long_date,
            "time_12h": formatting.time_12h,
            "miles": formatting.miles,
            "money": formatting.money,
            "plural": formatting.plural,
        }
    )
    return env
