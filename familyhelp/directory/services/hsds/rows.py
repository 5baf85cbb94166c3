"""Turning raw rows (CSV strings or ORUK JSON values) into checked model values.

Every value is checked in Python without touching the database, so a 100,000-service package
is validated in seconds; references to other records are checked afterwards, in bulk.
"""

import datetime
import decimal
import math
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models as dj

from familyhelp.directory.services.hsds.tables import LINK_ENTITIES, Column, Table

REQUIRED = "is required"
NOT_UUID = "is not a UUID, like 2989d3ed-c547-48f8-8f9d-432d81c7892e"
NOT_WHOLE_NUMBER = "is not a whole number"
NEGATIVE = "must be 0 or more"
TOO_LARGE = "is too large"
NOT_NUMBER = "is not a number"
NOT_DATE = "is not a real date in the form YYYY-MM-DD"
NOT_TIME = "is not a time in the form HH:MM or HH:MM:SS"
NOT_DATETIME = "is not a date and time in ISO 8601 form, like 2026-03-03T10:30:00Z"
NOT_BOOLEAN = "is not true or false"
NOT_EMAIL = "is not an email address"
NOT_URL = "is not a web address starting http:// or https://"
TOO_LONG = "is longer than {limit} characters"
NOT_CHOICE = "is not one of: {choices}"
NOT_TEXT = "is not text"
AMOUNT_DIGITS = "has more than {places} decimal places or is too large"
AGES_OUT_OF_ORDER = "minimum_age is greater than maximum_age"
OPENS_AFTER_CLOSES = "opens_at is not before closes_at"
STARTS_AFTER_UNTIL = "dtstart is after until"
LATITUDE_RANGE = "must be between -90 and 90"
LONGITUDE_RANGE = "must be between -180 and 180"
COORDINATES_PAIRED = "latitude and longitude must be given together"
ATTRIBUTE_LINK = "link_id must be given with link_entity"

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}
_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
# Django's validators cost ~40 µs a value; these plain shapes (each a strict subset of what they
# accept) let the common case through in 1 µs, and anything else still goes to Django's.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN_EMAIL = re.compile(
    rf"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
)
PLAIN_URL = re.compile(rf"https?://(?:{_LABEL}\.)+[A-Za-z]{{2,63}}(?::[0-9]{{1,4}})?(?:[/?#]\S*)?")
PLAIN_LIMIT = 200


class RowError(ValueError):
    """A value that cannot be stored; the message says why."""


def _text(column: Column):
    f = column.field
    limit = getattr(f, "max_length", None)
    choices = [str(c) for c, _ in f.choices] if f.choices else None
    checker = (
        _email if isinstance(f, dj.EmailField) else _url if isinstance(f, dj.URLField) else None
    )

    plain = PLAIN_EMAIL if checker is _email else PLAIN_URL

    def convert(raw):
        if not isinstance(raw, str):
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                raw = str(raw)
            else:
                raise RowError(NOT_TEXT)
        if limit and len(raw) > limit:
            raise RowError(TOO_LONG.format(limit=limit))
        if choices is not None and raw not in choices:
            raise RowError(NOT_CHOICE.format(choices=", ".join(choices)))
        if checker:
            if len(raw) <= PLAIN_LIMIT and plain.fullmatch(raw):
                return raw
            try:
                checker(raw)
            except ValidationError:
                raise RowError(NOT_EMAIL if checker is _email else NOT_URL) from None
        return raw

    return convert


CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid(raw) -> str:
    """The canonical text form (lower case, hyphens), so ids compare as plain strings."""
    if isinstance(raw, uuid.UUID):
        return str(raw)
    if isinstance(raw, str):
        if CANONICAL_UUID.fullmatch(raw):
            return raw
        try:
            return str(uuid.UUID(raw.strip()))
        except ValueError:
            pass
    raise RowError(NOT_UUID)


def _integer(column: Column):
    upper = 32767 if isinstance(column.field, dj.PositiveSmallIntegerField) else 2147483647

    def convert(raw):
        if isinstance(raw, bool):
            raise RowError(NOT_WHOLE_NUMBER)
        if isinstance(raw, float):
            if not raw.is_integer():
                raise RowError(NOT_WHOLE_NUMBER)
            raw = int(raw)
        if isinstance(raw, str):
            try:
                raw = int(raw.strip())
            except ValueError:
                raise RowError(NOT_WHOLE_NUMBER) from None
        if not isinstance(raw, int):
            raise RowError(NOT_WHOLE_NUMBER)
        if raw < 0:
            raise RowError(NEGATIVE)
        if raw > upper:
            raise RowError(TOO_LARGE)
        return raw

    return convert


def _float(raw):
    if isinstance(raw, bool):
        raise RowError(NOT_NUMBER)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise RowError(NOT_NUMBER) from None
    if not math.isfinite(value):
        raise RowError(NOT_NUMBER)
    return value


def _decimal(column: Column):
    places = column.field.decimal_places
    digits = column.field.max_digits

    def convert(raw):
        if isinstance(raw, bool):
            raise RowError(NOT_NUMBER)
        try:
            value = decimal.Decimal(str(raw).strip())
        except decimal.InvalidOperation:
            raise RowError(NOT_NUMBER) from None
        if not value.is_finite():
            raise RowError(NOT_NUMBER)
        if value < 0:
            raise RowError(NEGATIVE)
        exponent = value.as_tuple().exponent
        if -exponent > places or len(value.quantize(decimal.Decimal(1)).as_tuple().digits) > (
            digits - places
        ):
            raise RowError(AMOUNT_DIGITS.format(places=places))
        return value.quantize(decimal.Decimal(1).scaleb(-places))

    return convert


def _boolean(raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise RowError(NOT_BOOLEAN)


def _date(raw):
    try:
        if not isinstance(raw, str) or len(raw) != 10:
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise RowError(NOT_DATE) from None


def _time(raw):
    try:
        if not isinstance(raw, str) or len(raw) not in (5, 8):
            raise ValueError
        return datetime.time.fromisoformat(raw)
    except ValueError:
        raise RowError(NOT_TIME) from None


def _datetime(raw):
    try:
        if not isinstance(raw, str) or len(raw) < 16:
            raise ValueError
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise RowError(NOT_DATETIME) from None
    if value.tzinfo is None:
        # A feed without an offset means UTC, as ORUK's examples do.
        value = value.replace(tzinfo=datetime.UTC)
    return value


def converter(column: Column):
    kind = column.kind
    if kind == "uuid":
        return _uuid
    if kind == "link_entity":
        return _uuid if column.name == "link_id" else _link_entity
    if kind in ("PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"):
        return _integer(column)
    if kind == "FloatField":
        return _float
    if kind == "DecimalField":
        return _decimal(column)
    if kind == "BooleanField":
        return _boolean
    if kind == "DateField":
        return _date
    if kind == "TimeField":
        return _time
    if kind == "DateTimeField":
        return _datetime
    return _text(column)


def _link_entity(raw):
    if raw not in LINK_ENTITIES:
        raise RowError(NOT_CHOICE.format(choices=", ".join(LINK_ENTITIES)))
    return raw


def empty_value(column: Column):
    f = column.field
    if f is None or f.null:
        return None
    if f.has_default():
        return f.get_default()
    return ""


class RowChecker:
    """Converts one table's raw rows to {attname: value} and reports each problem."""

    def __init__(self, table: Table, columns: list[str]):
        self.table = table
        self.source_columns = columns
        self.present = [table.column(name) for name in columns if table.column(name)]
        self.missing = [c for c in table.columns if c.name not in columns]
        self.plan = [
            (c.name, c.attname, converter(c), c.required, empty_value(c)) for c in self.present
        ]
        self.missing_required = [c.name for c in self.missing if c.required]
        self.references = [(c.name, c.target) for c in self.present if c.target]

    def check(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:
        """(values by column name, [(column, problem)])."""
        values = {}
        errors = []
        for name, _attname, convert, required, empty in self.plan:
            value = raw.get(name)
            if value is None or value == "":
                if required:
                    errors.append((name, REQUIRED))
                values[name] = empty
                continue
            try:
                values[name] = convert(value)
            except RowError as error:
                errors.append((name, str(error)))
        if not errors:
            errors.extend(self._cross_checks(values))
        return values, errors

    def _cross_checks(self, v: dict):
        name = self.table.name
        if name == "service":
            low, high = v.get("minimum_age"), v.get("maximum_age")
            if low is not None and high is not None and low > high:
                yield "minimum_age", AGES_OUT_OF_ORDER
        elif name == "schedule":
            opens, closes = v.get("opens_at"), v.get("closes_at")
            if opens is not None and closes is not None and opens >= closes:
                yield "opens_at", OPENS_AFTER_CLOSES
            start, until = v.get("dtstart"), v.get("until")
            if start is not None and until is not None and start > until:
                yield "dtstart", STARTS_AFTER_UNTIL
        elif name == "location":
            lat, lon = v.get("latitude"), v.get("longitude")
            if lat is not None and not -90 <= lat <= 90:
                yield "latitude", LATITUDE_RANGE
            if lon is not None and not -180 <= lon <= 180:
                yield "longitude", LONGITUDE_RANGE
            if (lat is None) != (lon is None) and "latitude" in v:
                yield "latitude", COORDINATES_PAIRED
