"""Use cases of the demo: load the fictional county, clear it, and keep the demo logins."""

import csv
import datetime
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from tqdm import tqdm

from familyhelp.accounts.models import Role
from familyhelp.core.models import Place, Postcode
from familyhelp.core.services import postcodes_import
from familyhelp.demo.casework import demo_casework_ensure
from familyhelp.demo.county import LOCAL_AUTHORITY_CODE, TOWNS, postcodes_for
from familyhelp.demo.frontdoor import demo_frontdoor_ensure
from familyhelp.demo.generator import OrganisationGenerator, ServiceGenerator
from familyhelp.demo.people import PEOPLE, demo_people_ensure
from familyhelp.demo.stewardship import SECOND_EDITOR, StewardshipSummary, demo_stewardship_ensure
from familyhelp.directory import models as directory
from familyhelp.directory.search import index_services
from familyhelp.directory.services.categories import taxonomy_import_categories
from familyhelp.stewardship import models as stewardship

DEFAULT_SEED = 2026
DEFAULT_SERVICES = 500
SERVICES_PER_BATCH = 5000
INSERT_BATCH_SIZE = 1000

ADMIN_USERNAME = "admin@wessexvale.example"
ADMIN_EMAIL = "admin@wessexvale.example"
# A published demo password for a fictional county on a developer's machine, never production.
ADMIN_PASSWORD = "wessex-vale-demo"  # noqa: S105
ADMIN_URL = "http://127.0.0.1:8000/django-admin/"
SIGN_IN_URL = "http://127.0.0.1:8000/sign-in/"

ERROR_NOT_EMPTY = (
    "The directory already has records ({count:,} services). Use --reset to replace "
    "them with the demo county, or --if-empty to leave them alone."
)

# Children before parents, so nothing is deleted while something still points at it.
DIRECTORY_MODELS = (
    stewardship.ReminderLink,
    stewardship.Reminder,
    stewardship.ListingVersion,
    stewardship.ListingChange,
    stewardship.TrustedOrganisation,
    stewardship.JoinRequest,
    stewardship.BulkUpload,
    stewardship.CategoryReviewPeriod,
    directory.ProblemReport,
    directory.OrganisationEditor,
    directory.Attribute,
    directory.Language,
    directory.Phone,
    directory.Contact,
    directory.Schedule,
    directory.ServiceArea,
    directory.CostOption,
    directory.Funding,
    directory.Accessibility,
    directory.Address,
    directory.ServiceAtLocation,
    directory.OrganizationIdentifier,
    directory.Service,
    directory.Location,
    directory.Organization,
    directory.TaxonomyTerm,
    directory.Taxonomy,
)


# Field types whose Python values (str, int, float, bool, None) the database drivers take as is.
_PLAIN_TYPES = {
    "CharField",
    "TextField",
    "EmailField",
    "URLField",
    "SlugField",
    "BooleanField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "FloatField",
}


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    url: str


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool
    organisations: int = 0
    services: int = 0
    postcodes: int = 0
    places: int = 0
    load_seconds: float = 0.0
    index_seconds: float = 0.0
    stewardship: StewardshipSummary = StewardshipSummary()


def demo_load(
    *,
    seed: int = DEFAULT_SEED,
    services: int = DEFAULT_SERVICES,
    reset: bool = False,
    if_empty: bool = False,
    today: datetime.date | None = None,
    show_progress: bool = False,
) -> DemoSummary:
    """Load the fictional county of Wessex Vale, with `services` services, all or nothing."""
    today = today or timezone.localdate()
    started = time.monotonic()
    with transaction.atomic():
        existing = directory.Service.objects.count()
        occupied = existing or any(
            model.objects.exists() for model in (directory.Organization, directory.Location)
        )
        if occupied and if_empty and not reset:
            demo_admin_ensure()
            return DemoSummary(loaded=False)
        if occupied and not reset:
            raise DemoError(ERROR_NOT_EMPTY.format(count=existing))
        if reset:
            _delete_demo_data()
        postcodes = postcodes_for(random.Random(f"{seed}-county"))
        postcode_count = _import_postcodes(postcodes, show_progress)
        # Upserted, so towns already loaded (by a council, or an earlier demo) do not stop it.
        Place.objects.bulk_create(
            [
                Place(
                    name=town.name,
                    search_name=town.name.lower(),
                    latitude=town.latitude,
                    longitude=town.longitude,
                    local_authority_code=LOCAL_AUTHORITY_CODE,
                )
                for town in TOWNS
            ],
            update_conflicts=True,
            unique_fields=["search_name"],
            update_fields=["name", "latitude", "longitude", "local_authority_code"],
        )
        terms, category_terms = _import_categories()
        organisation_count = max(12, services * 3 // 10)
        organisations = OrganisationGenerator(
            seed=seed, count=organisation_count, postcodes=postcodes
        ).generate()
        for rows in (
            [o.record for o in organisations.organisations],
            organisations.identifiers,
            organisations.locations,
            organisations.addresses,
            organisations.accessibility,
            organisations.phones,
        ):
            _insert(rows)
        generator = ServiceGenerator(
            seed=seed,
            organisations=organisations.organisations,
            terms=terms,
            category_terms=category_terms,
            today=today,
        )
        with tqdm(
            total=services,
            desc="Generating services",
            unit=" services",
            file=sys.stderr,
            disable=not show_progress,
        ) as progress:
            for batch in generator.batches(services, SERVICES_PER_BATCH):
                for rows in batch.in_insert_order():
                    _insert(rows)
                progress.update(len(batch.services))
        loaded = time.monotonic()
        index_services()
        demo_admin_ensure()
        stewardship = demo_stewardship_ensure(password=ADMIN_PASSWORD, today=today)
        # Front door (familyhelp/demo/frontdoor.py): families and requests in every state.
        demo_frontdoor_ensure(seed=seed, today=today)
        # Case work (familyhelp/demo/casework.py): episodes in every state on those families.
        demo_casework_ensure(seed=seed, today=today)
    # Fresh planner statistics after a bulk load: without them PostgreSQL picks sequential plans
    # for proximity searches (seconds instead of milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return DemoSummary(
        loaded=True,
        organisations=organisation_count,
        services=services,
        postcodes=postcode_count,
        places=len(TOWNS),
        load_seconds=loaded - started,
        index_seconds=time.monotonic() - loaded,
        stewardship=stewardship,
    )


def demo_admin_ensure() -> DemoLogin:
    """The demo's superuser and a person for each role exist, with the demo password."""
    user_model = get_user_model()
    with transaction.atomic():
        # Email is the login (accounts.User); a system administrator belongs to no agency.
        user = user_model.objects.filter(email__iexact=ADMIN_EMAIL).first() or user_model(
            email=ADMIN_EMAIL, full_name="Demo administrator"
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(ADMIN_PASSWORD)
        user.save()
        demo_people_ensure(ADMIN_PASSWORD)
    return demo_logins()[0]


def demo_logins() -> list[DemoLogin]:
    """The superuser for the Django admin, then one person for each role, in the roles' order."""
    people = [
        DemoLogin(role=name, username=email, password=ADMIN_PASSWORD, url=SIGN_IN_URL)
        for name, email in _role_names_and_emails()
    ]
    # The demo's second organisation editor, whose organisation publishes without approval.
    people.append(
        DemoLogin(
            role="Organisation editor (trusted organisation)",
            username=SECOND_EDITOR[0],
            password=ADMIN_PASSWORD,
            url=SIGN_IN_URL,
        )
    )
    return [
        DemoLogin(
            role="Django admin (superuser)",
            username=ADMIN_USERNAME,
            password=ADMIN_PASSWORD,
            url=ADMIN_URL,
        ),
        *people,
    ]


def _role_names_and_emails():
    names = dict(Role.objects.values_list("code", "name"))
    return [(names.get(person.role, person.role), person.email) for person in PEOPLE]


def _import_postcodes(postcodes, show_progress) -> int:
    # The demo goes through the same import as a council's real ONS Postcode Directory file.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wessex-vale-onspd.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["pcd", "pcds", "dointr", "doterm", "lad25cd", "lat", "long"])
            for town_postcodes in postcodes.values():
                for p in town_postcodes:
                    writer.writerow(
                        [
                            p.postcode.replace(" ", ""),
                            p.postcode,
                            "202601",
                            "",
                            LOCAL_AUTHORITY_CODE,
                            f"{p.latitude:.6f}",
                            f"{p.longitude:.6f}",
                        ]
                    )
        return postcodes_import(path=path, show_progress=show_progress).imported


def _import_categories():
    taxonomy = taxonomy_import_categories().taxonomy
    terms = {}
    category_terms: dict[str, list[str]] = {}
    for term in directory.TaxonomyTerm.objects.filter(
        taxonomy=taxonomy, parent__isnull=False
    ).select_related("parent"):
        terms[term.name] = term.id
        category_terms.setdefault(term.parent.name, []).append(term.name)
    for names in category_terms.values():
        names.sort()
    return terms, category_terms


def _insert(rows):
    """Insert new model instances in bulk, skipping the ORM's per-row SQL compilation.

    bulk_create on SQLite is limited to 999 parameters per statement (about 30 rows here), which
    made 100,000 services take minutes; one prepared INSERT run by executemany (SQLite) or COPY
    (PostgreSQL) takes seconds. Values go through each field's get_db_prep_save as in the ORM.
    """
    if not rows:
        return
    meta = rows[0]._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(f.column) for f in fields)
    database = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    columns = [(f.pre_save, _preparer(f, database)) for f in fields]
    # pre_save fills auto_now timestamps, as save() would.
    values = [[prepare(pre_save(row, True)) for pre_save, prepare in columns] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is PostgreSQL's bulk load path, several times faster than INSERT.
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"
            for start in range(0, len(values), INSERT_BATCH_SIZE):
                cursor.executemany(sql, values[start : start + INSERT_BATCH_SIZE])


def _preparer(field, database):
    """How a value of `field` goes to the database; text, numbers and booleans go as they are."""
    if field.get_internal_type() in _PLAIN_TYPES:
        return _unchanged
    return partial(_prepare, field.get_db_prep_save, database)


def _prepare(prepare, database, value):
    return prepare(value, database)


def _unchanged(value):
    return value


def _delete_demo_data():
    """Empty the directory, postcodes and places in bulk, without loading rows into Python."""
    tables = [
        connection.ops.quote_name(m._meta.db_table) for m in (*DIRECTORY_MODELS, Postcode, Place)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # DELETE would queue a deferred foreign key check per row (half a minute for 100,000
            # services); TRUNCATE empties the tables, and whatever indexes them, at once.
            # Pending checks from earlier writes in this transaction would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
