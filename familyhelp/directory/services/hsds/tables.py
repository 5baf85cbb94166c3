"""The tables of the HSDS 3.0 tabular data package, matched to the directory models.

Column names and file names come from the Open Referral UK 3.0 schemas in `standards/`; the
model fields the ORUK profile leaves out follow (HSDS 3.0 names), and Family Help's own
extensions are prefixed `x_` so no partner mistakes them for the standard. The same tables are
used by the CSV import, the CSV export and the ORUK feed import.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models as dj

from familyhelp.directory import models

SCHEMA_DIR = Path(settings.BASE_DIR) / "standards" / "oruk-3.0" / "schema"
EXTENSION_PREFIX = "x_"
EXTENSION_NOTE = "Family Help extension, not part of HSDS 3.0 or Open Referral UK 3.0."

# Attribute rows name the record they tag by link_id + link_entity (HSDS), not three columns.
LINK_ENTITIES = {
    "service": "service_id",
    "organization": "organization_id",
    "location": "location_id",
}


@dataclass(frozen=True)
class Column:
    name: str  # the CSV column and ORUK JSON key
    field: dj.Field | None  # None for the attribute's link_entity
    attname: str  # where the value goes on the model ("" for link_id / link_entity)
    required: bool
    extension: bool = False
    in_schema: bool = True
    target: str = ""  # for a foreign key: the name of the table it points to

    @property
    def kind(self) -> str:
        if self.field is None:
            return "link_entity"
        if isinstance(self.field, (dj.ForeignKey, dj.UUIDField)):
            return "uuid"
        return type(self.field).__name__


@dataclass
class Table:
    name: str  # the schema's name: "service"
    path: str  # the schema's file name in a package: "services.csv"
    model: type[dj.Model]
    title: str
    columns: list[Column] = field(default_factory=list)
    ignored: frozenset[str] = frozenset()  # schema columns derived from others, read and ignored

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


# name, model, schema column -> model field renames, Family Help extension fields,
# model fields left out (bookkeeping that an import sets itself), schema columns ignored.
SPECS = [
    ("taxonomy", models.Taxonomy, {}, set(), set(), set()),
    ("taxonomy_term", models.TaxonomyTerm, {}, {"slug"}, set(), {"taxonomy", "term"}),
    ("organization", models.Organization, {}, set(), {"last_modified"}, set()),
    ("organization_identifier", models.OrganizationIdentifier, {}, set(), set(), set()),
    (
        "service",
        models.Service,
        {"fees": "fees_description"},
        {"delivered_in_person", "delivered_online", "delivered_by_telephone"},
        set(),
        set(),
    ),
    ("location", models.Location, {}, {"is_confidential"}, set(), set()),
    ("address", models.Address, {}, set(), set(), set()),
    ("accessibility", models.Accessibility, {}, set(), set(), {"accessibility"}),
    ("service_at_location", models.ServiceAtLocation, {}, set(), set(), set()),
    ("contact", models.Contact, {}, set(), set(), set()),
    ("phone", models.Phone, {}, set(), set(), set()),
    ("schedule", models.Schedule, {}, set(), set(), set()),
    ("service_area", models.ServiceArea, {}, set(), set(), {"service_area"}),
    ("cost_option", models.CostOption, {}, set(), set(), set()),
    ("language", models.Language, {}, set(), set(), set()),
    ("funding", models.Funding, {}, set(), set(), set()),
    ("attribute", models.Attribute, {}, set(), set(), set()),
]


def _field_required(f: dj.Field) -> bool:
    if f.primary_key:
        return True
    if isinstance(f, dj.BooleanField):
        return False
    return not f.null and not f.blank and not f.has_default()


def _build_table(name, model, renames, extensions, excluded, ignored) -> Table:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    table = Table(
        name=name,
        path=schema["path"],
        model=model,
        title=schema.get("description", ""),
        ignored=frozenset(ignored),
    )
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    used = set()
    required_in_schema = set(schema.get("required", []))
    for prop, spec in schema["properties"].items():
        if spec.get("type") in ("array", "object") or "$ref" in spec or prop in ignored:
            continue
        if model is models.Attribute and prop == "link_id":
            table.columns.append(Column("link_id", None, "", True))
            table.columns.append(Column("link_entity", None, "", True, in_schema=False))
            continue
        attname = renames.get(prop, prop)
        f = by_attname[attname]
        used.add(attname)
        table.columns.append(_column(prop, f, required_in_schema))
    for attname, f in by_attname.items():
        if attname in used or attname in excluded:
            continue
        if model is models.Attribute and attname in LINK_ENTITIES.values():
            continue
        extension = attname in extensions
        col_name = EXTENSION_PREFIX + attname if extension else attname
        table.columns.append(
            _column(col_name, f, set(), extension=extension, in_schema=False, attname=attname)
        )
    return table


def _column(name, f, required_in_schema, *, extension=False, in_schema=True, attname=None):
    target = ""
    if isinstance(f, dj.ForeignKey):
        target = next(s[0] for s in SPECS if s[1] is f.related_model)
    return Column(
        name=name,
        field=f,
        attname=attname or f.attname,
        required=_field_required(f) or name in required_in_schema and not f.null and not f.blank,
        extension=extension,
        in_schema=in_schema,
        target=target,
    )


@cache
def tables() -> dict[str, Table]:
    """Every table, parents before children (the order they are written in)."""
    return {spec[0]: _build_table(*spec) for spec in SPECS}


def table_for_model(model) -> Table:
    return next(t for t in tables().values() if t.model is model)
