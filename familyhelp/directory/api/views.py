"""The Open Referral UK 3.0 feed: read-only, no login, cacheable.

Views stay thin: validate the query string, ask the selectors for a page of ids and then that
page's rows, turn the rows into JSON with the plain functions in `serializers`.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions
from rest_framework import serializers as drf_serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from familyhelp.directory.api import parameters, serializers
from familyhelp.directory.changes import directory_version
from familyhelp.directory.selectors import oruk

VERSION = "HSDS-UK-3.0"
PROFILE = "https://openreferraluk.org/specifications/3.0"
SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"
NDJSON_CHUNK = 200

ERROR_NOT_FOUND = "No record was found with that id."
ERROR_BAD_ID = "Enter the id as a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2."
ERROR_NO_ENDPOINT = "There is no such endpoint in this API."

ERROR_SHAPE = inline_serializer(
    name="Error",
    fields={
        "status": drf_serializers.IntegerField(),
        "errors": drf_serializers.ListField(
            child=inline_serializer(
                name="ErrorItem",
                fields={
                    "parameter": drf_serializers.CharField(required=False),
                    "message": drf_serializers.CharField(),
                },
            )
        ),
    },
)
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _documented(summary: str, schema: str, query=None, *, detail: bool = False):
    """The OpenAPI description of an endpoint; its operation id is the ORUK schema's name."""
    responses = {
        200: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description=f"Valid against the Open Referral UK schema {SCHEMA_BASE}{schema}.json",
        ),
        304: OpenApiResponse(description="Not modified since If-None-Match / If-Modified-Since."),
        400: OpenApiResponse(ERROR_SHAPE, description="A parameter is invalid."),
    }
    if detail:
        responses[404] = OpenApiResponse(ERROR_SHAPE, description="No record has that id.")
    if query is parameters.NoParameters:
        query = None
    return extend_schema(
        operation_id=schema,
        summary=summary,
        tags=["Open Referral UK 3.0"],
        parameters=[p for p in (query, ID_PARAMETER if detail else None) if p] or None,
        responses=responses,
    )


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise drf_serializers.ValidationError({"id": [ERROR_BAD_ID]}) from None


def _found(record):
    if record is None:
        raise exceptions.NotFound(ERROR_NOT_FOUND)
    return record


def _response_cache_key(request) -> str:
    query = sorted((name, sorted(values)) for name, values in request.GET.lists())
    raw = json.dumps([directory_version(), request.path, query]).encode()
    return "oruk:" + hashlib.sha256(raw).hexdigest()


def _respond(request, body: bytes, etag: str, timestamp: int | None) -> HttpResponse:
    """The JSON answer with its validators, or 304 Not Modified when the partner has it."""
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=settings.ORUK_CACHE_SECONDS)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


def _latest(*moments):
    present = [m for m in moments if m is not None]
    return max(present) if present else None


class OpenReferralView(APIView):
    """Public and read-only: no authentication, JSON only, cache headers on every answer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def perform_content_negotiation(self, request, force=False):
        # `format` is an ORUK parameter (format=ndjson), not DRF's renderer override.
        return JSONRenderer(), "application/json"

    def dispatch(self, request, *args, **kwargs):
        """Answer a question partners have already asked from the response cache, until the
        directory next changes (its version is part of the key)."""
        if request.method not in ("GET", "HEAD") or not settings.ORUK_RESPONSE_CACHE_SECONDS:
            return super().dispatch(request, *args, **kwargs)
        key = _response_cache_key(request)
        cached = cache.get(key)
        if cached is not None:
            body, etag, last_modified = cached
            return _respond(request, body, etag, parse_http_date_safe(last_modified or ""))
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and response.has_header("ETag"):
            entry = (response.content, response["ETag"], response.get("Last-Modified"))
            cache.set(key, entry, settings.ORUK_RESPONSE_CACHE_SECONDS)
        return response

    def json(self, request, data, *, last_modified=None) -> HttpResponse:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        timestamp = int(last_modified.timestamp()) if last_modified else None
        return _respond(request, body, etag, timestamp)

    def page(
        self,
        request,
        params: dict,
        ids,
        fetch: Callable[[list], list],
        serialize: Callable,
        last_modified: Callable | None = None,
        *,
        filtered: bool = False,
    ):
        if params["format"] == "ndjson":
            return self.ndjson(ids, fetch, serialize)
        page_ids, total = oruk.paginate(
            ids, page=params["page"], per_page=params["per_page"], filtered=filtered
        )
        rows = fetch(page_ids) if page_ids else []
        page = oruk.Page(rows, total, params["page"], params["per_page"])
        data = {
            "total_items": total,
            "total_pages": page.total_pages,
            "page_number": page.page_number,
            "size": len(rows),
            "first_page": page.page_number == 1,
            "last_page": page.page_number >= page.total_pages,
            "empty": not rows,
            "contents": [serialize(row) for row in rows],
        }
        moment = _latest(*(last_modified(row) for row in rows)) if last_modified else None
        return self.json(request, data, last_modified=moment)

    def ndjson(self, ids, fetch, serialize) -> StreamingHttpResponse:
        def lines() -> Iterable[bytes]:
            all_ids = list(ids.values_list("id", flat=True))
            for start in range(0, len(all_ids), NDJSON_CHUNK):
                for row in fetch(all_ids[start : start + NDJSON_CHUNK]):
                    yield json.dumps(serialize(row), ensure_ascii=False).encode() + b"\n"

        response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
        patch_cache_control(response, public=True, max_age=settings.ORUK_CACHE_SECONDS)
        return response


def _service_moment(service):
    return _latest(service.last_modified, service.organization.last_modified)


def _service_row_moment(row):
    return _latest(row["last_modified"], row["organization"]["last_modified"])


class ApiDetailsView(OpenReferralView):
    @_documented("About this API", "api_details", parameters.NoParameters)
    def get(self, request):
        parameters.parse(parameters.NoParameters, request.query_params)
        return self.json(
            request,
            {
                "version": VERSION,
                "profile": PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("api-schema")),
            },
        )


class ServiceListView(OpenReferralView):
    @_documented("Published services", "service_list", parameters.ServicesParameters)
    def get(self, request):
        params = parameters.parse(parameters.ServicesParameters, request.query_params)
        filters = parameters.ServicesParameters.filters(params)
        if params["full"] and not params["minimal"]:
            fetch, serialize = oruk.services_fetch, serializers.service_full
            moment = _service_moment
        else:  # one-to-one fields only: plain rows, no model instances
            fetch, moment = oruk.service_rows, _service_row_moment
            if params["minimal"]:
                serialize = serializers.service_minimal_row
            else:
                serialize = serializers.service_summary_row
        return self.page(
            request,
            params,
            oruk.service_search(filters),
            fetch,
            serialize,
            moment,
            filtered=filters.filtered,
        )


class ServiceDetailView(OpenReferralView):
    @_documented("A service, fully nested", "service", parameters.NoParameters, detail=True)
    def get(self, request, id):
        parameters.parse(parameters.NoParameters, request.query_params)
        service = _found(oruk.service_get(_parse_id(id)))
        return self.json(
            request, serializers.service_full(service), last_modified=_service_moment(service)
        )


class ServiceAtLocationListView(OpenReferralView):
    @_documented(
        "Services at locations", "service_at_location_list", parameters.ServiceAtLocationsParameters
    )
    def get(self, request):
        params = parameters.parse(parameters.ServiceAtLocationsParameters, request.query_params)
        filters = parameters.ServiceAtLocationsParameters.filters(params)
        if params["full"]:
            fetch = oruk.service_at_locations_fetch
            serialize = serializers.service_at_location_full
            moment = lambda row: _service_moment(row.service)  # noqa: E731
        else:  # one-to-one fields only: plain rows, no model instances
            fetch = oruk.service_at_location_rows
            serialize = serializers.service_at_location_summary_row
            moment = lambda row: _service_row_moment(row["service"])  # noqa: E731
        return self.page(
            request,
            params,
            oruk.service_at_location_search(filters),
            fetch,
            serialize,
            moment,
            filtered=filters.filtered,
        )


class ServiceAtLocationDetailView(OpenReferralView):
    @_documented(
        "A service at a location, fully nested",
        "service_at_location",
        parameters.NoParameters,
        detail=True,
    )
    def get(self, request, id):
        parameters.parse(parameters.NoParameters, request.query_params)
        row = _found(oruk.service_at_location_get(_parse_id(id)))
        return self.json(
            request,
            serializers.service_at_location_full(row),
            last_modified=_service_moment(row.service),
        )


def _organization_moment(organization):
    services = getattr(organization, "published_services", [])
    return _latest(organization.last_modified, *(s.last_modified for s in services))


class OrganizationListView(OpenReferralView):
    @_documented("Organisations", "organization_list", parameters.OrganizationsParameters)
    def get(self, request):
        params = parameters.parse(parameters.OrganizationsParameters, request.query_params)
        full, full_service = params["full"], params["full_service"]
        if full or full_service:

            def serialize(organization):
                return serializers.organization_full(organization, full_service=full_service)
        else:
            serialize = serializers.organization_summary
        return self.page(
            request,
            params,
            oruk.organization_search(text=params["search"]),
            lambda ids: oruk.organizations_fetch(ids, full=full, full_service=full_service),
            serialize,
            _organization_moment,
        )


class OrganizationDetailView(OpenReferralView):
    @_documented(
        "An organisation with its services",
        "organization",
        parameters.OrganizationParameters,
        detail=True,
    )
    def get(self, request, id):
        params = parameters.parse(parameters.OrganizationParameters, request.query_params)
        organization = _found(
            oruk.organization_get(_parse_id(id), full_service=params["full_service"])
        )
        return self.json(
            request,
            serializers.organization_full(organization, full_service=params["full_service"]),
            last_modified=_organization_moment(organization),
        )


class TaxonomyListView(OpenReferralView):
    @_documented("Taxonomies", "taxonomy_list", parameters.TaxonomiesParameters)
    def get(self, request):
        params = parameters.parse(parameters.TaxonomiesParameters, request.query_params)
        return self.page(
            request,
            params,
            oruk.taxonomy_search(text=params["search"]),
            lambda ids: oruk.taxonomies_fetch(ids, with_terms=False),
            lambda item: serializers.taxonomy(item, with_terms=False),
        )


class TaxonomyDetailView(OpenReferralView):
    @_documented("A taxonomy with its terms", "taxonomy", parameters.NoParameters, detail=True)
    def get(self, request, id):
        parameters.parse(parameters.NoParameters, request.query_params)
        taxonomy = _found(oruk.taxonomy_get(_parse_id(id)))
        return self.json(request, serializers.taxonomy(taxonomy, with_terms=True))


class TaxonomyTermListView(OpenReferralView):
    @_documented("Taxonomy terms", "taxonomy_term_list", parameters.TaxonomyTermsParameters)
    def get(self, request):
        params = parameters.parse(parameters.TaxonomyTermsParameters, request.query_params)
        return self.page(
            request,
            params,
            oruk.taxonomy_term_search(
                text=params["search"],
                taxonomy_id=params.get("taxonomy_id"),
                parent_id=params.get("parent_id"),
                top_only=params["top_only"],
            ),
            oruk.taxonomy_terms_fetch,
            serializers.taxonomy_term,
        )


class TaxonomyTermDetailView(OpenReferralView):
    @_documented("A taxonomy term", "taxonomy_term", parameters.NoParameters, detail=True)
    def get(self, request, id):
        parameters.parse(parameters.NoParameters, request.query_params)
        term = _found(oruk.taxonomy_term_get(_parse_id(id)))
        return self.json(request, serializers.taxonomy_term(term))


def undocumented(view_class):
    """The same endpoint at a second address (with a final slash), left out of the OpenAPI
    document so that it lists each path once, as the standard spells it."""
    alias = type(f"{view_class.__name__}WithSlash", (view_class,), {})
    return extend_schema_view(get=extend_schema(exclude=True))(alias)


@extend_schema(exclude=True)
class NoEndpointView(OpenReferralView):
    def get(self, request, rest=""):
        raise exceptions.NotFound(ERROR_NO_ENDPOINT)
