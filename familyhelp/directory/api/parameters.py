"""Query parameters of the Open Referral UK feed, validated: bad input is a 400 naming the
parameter, an unknown parameter is refused rather than silently ignored."""

from rest_framework import serializers

from familyhelp.core import geo
from familyhelp.directory.selectors.oruk import ServiceFilters

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_PAGE = 100_000
MAX_SEARCH_LENGTH = 200
MAX_PROXIMITY_METRES = 200_000

ERROR_UNKNOWN = "Unknown parameter. This endpoint accepts: {accepted}."
ERROR_REPEATED = "Give this parameter once."
ERROR_DAY = "Enter a day of the week as MO, TU, WE, TH, FR, SA or SU, or its full name."
ERROR_PROXIMITY_NEEDS_POSTCODE = "Give a postcode to measure the proximity from."
ERROR_AGES_REVERSED = "The maximum age must be the same as or more than the minimum age."
ERROR_TIMES_REVERSED = "The end time must be later than the start time."
ERROR_NDJSON_PAGED = "format=ndjson returns every result in one response, without pages."

DAYS = {
    "MO": "MO",
    "MONDAY": "MO",
    "TU": "TU",
    "TUESDAY": "TU",
    "WE": "WE",
    "WEDNESDAY": "WE",
    "TH": "TH",
    "THURSDAY": "TH",
    "FR": "FR",
    "FRIDAY": "FR",
    "SA": "SA",
    "SATURDAY": "SA",
    "SU": "SU",
    "SUNDAY": "SU",
}


def parse(serializer_class, query_params, **context) -> dict:
    """Validate a request's query string with `serializer_class`; raises a 400 on bad input."""
    repeated = {
        name: [ERROR_REPEATED] for name in query_params if len(query_params.getlist(name)) > 1
    }
    if repeated:
        raise serializers.ValidationError(repeated)
    serializer = serializer_class(data=query_params.dict(), context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class Parameters(serializers.Serializer):
    """Refuses parameters it does not declare."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            accepted = ", ".join(sorted(self.fields)) or "no parameters"
            raise serializers.ValidationError(
                {name: [ERROR_UNKNOWN.format(accepted=accepted)] for name in unknown}
            )
        return super().to_internal_value(data)


def _search_field():
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_SEARCH_LENGTH,
        default="",
        help_text="Full text search.",
    )


class ListParameters(Parameters):
    search = _search_field()
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, help_text="Page number, from 1."
    )
    per_page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        help_text=f"Results per page: 1 to {MAX_PER_PAGE}, {DEFAULT_PER_PAGE} if not given.",
    )
    format = serializers.ChoiceField(
        choices=["json", "ndjson"],
        required=False,
        default="json",
        help_text="json (pages) or ndjson (every result, one JSON object a line).",
    )

    def validate(self, attrs):
        if attrs["format"] == "ndjson":
            paged = {n: [ERROR_NDJSON_PAGED] for n in ("page", "per_page") if n in attrs}
            if paged:
                raise serializers.ValidationError(paged)
        attrs.setdefault("page", 1)
        attrs.setdefault("per_page", DEFAULT_PER_PAGE)
        return attrs


class ServiceListParameters(ListParameters):
    taxonomy_term_id = serializers.UUIDField(
        required=False, help_text="Services tagged with this taxonomy term or its child terms."
    )
    taxonomy_id = serializers.UUIDField(
        required=False, help_text="Services tagged with any term of this taxonomy."
    )
    organization_id = serializers.UUIDField(
        required=False, help_text="Services this organisation provides."
    )
    modified_after = serializers.DateTimeField(
        required=False, help_text="Services modified on or after this date and time (ISO 8601)."
    )
    full = serializers.BooleanField(required=False, default=False, help_text="Fully nested.")
    postcode = serializers.CharField(
        required=False,
        max_length=20,
        help_text="A postcode (or its first part): results are sorted nearest first.",
    )
    proximity = serializers.FloatField(
        required=False,
        min_value=1,
        max_value=MAX_PROXIMITY_METRES,
        help_text="Only results within this many metres of the postcode.",
    )
    minimum_age = serializers.IntegerField(
        required=False, min_value=0, max_value=127, help_text="Ages from (years)."
    )
    maximum_age = serializers.IntegerField(
        required=False, min_value=0, max_value=127, help_text="Ages up to (years)."
    )
    day = serializers.CharField(
        required=False, help_text="Open on this day: MO..SU or Monday..Sunday."
    )
    start_time = serializers.TimeField(
        required=False, input_formats=["%H:%M", "%H:%M:%S"], help_text="Open after (HH:MM)."
    )
    end_time = serializers.TimeField(
        required=False, input_formats=["%H:%M", "%H:%M:%S"], help_text="Open before (HH:MM)."
    )

    def validate_day(self, value):
        code = DAYS.get(value.strip().upper())
        if not code:
            raise serializers.ValidationError(ERROR_DAY)
        return code

    def validate_postcode(self, value):
        try:
            return geo.geocode(value)
        except geo.GeocodeError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        if "proximity" in attrs and "postcode" not in attrs:
            errors["proximity"] = [ERROR_PROXIMITY_NEEDS_POSTCODE]
        low, high = attrs.get("minimum_age"), attrs.get("maximum_age")
        if low is not None and high is not None and high < low:
            errors["maximum_age"] = [ERROR_AGES_REVERSED]
        start, end = attrs.get("start_time"), attrs.get("end_time")
        if start and end and end <= start:
            errors["end_time"] = [ERROR_TIMES_REVERSED]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @staticmethod
    def filters(params: dict) -> ServiceFilters:
        return ServiceFilters(
            search=params["search"],
            taxonomy_term_id=params.get("taxonomy_term_id"),
            taxonomy_id=params.get("taxonomy_id"),
            organization_id=params.get("organization_id"),
            modified_after=params.get("modified_after"),
            minimum_age=params.get("minimum_age"),
            maximum_age=params.get("maximum_age"),
            day=params.get("day", ""),
            start_time=params.get("start_time"),
            end_time=params.get("end_time"),
            point=params.get("postcode"),
            proximity_metres=params.get("proximity"),
        )


class ServicesParameters(ServiceListParameters):
    minimal = serializers.BooleanField(
        required=False, default=False, help_text="Only each service's id, name, status and date."
    )


class ServiceAtLocationsParameters(ServiceListParameters):
    pass


class OrganizationsParameters(ListParameters):
    full = serializers.BooleanField(
        required=False, default=False, help_text="With identifiers and services."
    )
    full_service = serializers.BooleanField(
        required=False, default=False, help_text="With fully nested services."
    )


class TaxonomiesParameters(ListParameters):
    pass


class TaxonomyTermsParameters(ListParameters):
    taxonomy_id = serializers.UUIDField(required=False, help_text="Terms of this taxonomy.")
    parent_id = serializers.UUIDField(required=False, help_text="Children of this term.")
    top_only = serializers.BooleanField(
        required=False, default=False, help_text="Only top-level terms (with no parent)."
    )


class NoParameters(Parameters):
    pass


class OrganizationParameters(Parameters):
    full_service = serializers.BooleanField(
        required=False, default=False, help_text="With fully nested services."
    )
