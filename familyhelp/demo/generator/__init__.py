"""Generates the demo county's organisations, venues and services as unsaved model instances.

Separate random streams (county, organisations, services) keep each part stable on its own: the
same seed gives the same towns and postcodes whatever the number of services asked for. The only
input besides the seed is today's date, from which upcoming sessions and "last checked" dates are
counted.
"""

from familyhelp.demo.generator.organisations import OrganisationGenerator
from familyhelp.demo.generator.services import ServiceGenerator

__all__ = ["OrganisationGenerator", "ServiceGenerator"]
