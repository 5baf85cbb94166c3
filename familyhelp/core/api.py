"""One error shape for every API error.

{"status": 400, "errors": [{"parameter": "per_page", "message": "..."}]}
"""

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class InvalidParameters(exceptions.APIException):
    """Raised with {parameter: [messages]} when query parameters fail validation."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Invalid query parameters."

    def __init__(self, errors: dict[str, list[str] | str]):
        self.errors = errors
        super().__init__(detail=errors)


def _flatten(detail, parameter=None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = parameter if key == "non_field_errors" else key
            yield from _flatten(value, name)
    elif isinstance(detail, list):
        for item in detail:
            yield from _flatten(item, parameter)
    else:
        yield (
            {"parameter": parameter, "message": str(detail)}
            if parameter
            else {"message": str(detail)}
        )


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("No record was found with that id.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = list(_flatten(exc.detail if hasattr(exc, "detail") else response.data))
    return Response(
        {"status": response.status_code, "errors": errors},
        status=response.status_code,
        headers=dict(response.items()),
    )
