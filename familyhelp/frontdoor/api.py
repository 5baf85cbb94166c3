"""The practitioners' API for requests for support, mounted at /api/frontdoor/ (signed in).

A partner's system (or a practitioner's browser session) can follow the requests its person may
see: their own, or, for front door staff, the open ones. Lists are narrowed by the same
permission as the pages (`frontdoor.view_request`), a record the person may not open is a 404,
and every record returned is an audited read. What was decided is included only for people who
may see the family (a requester loses it when the family withdraws consent to share with their
agency).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from familyhelp.accounts import access
from familyhelp.core.api import InvalidParameters
from familyhelp.families.models import Family
from familyhelp.frontdoor.models import Decision, Request

PERMISSION = "frontdoor.view_request"


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["kind", "decided_at", "approval", "team"]


class RequestSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", default=None)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "agency",
            "family",
            "submitted_at",
            "decision_due_on",
            "is_re_referral",
            "safeguarding",
            "decision",
        ]

    @extend_schema(
        responses=DecisionSerializer(allow_null=True),
        description="The decision in force, for people who may see the family; else null.",
    )
    def get_decision(self, request) -> dict | None:
        if request.family_id not in self.context["families_visible"]:
            return None
        decision = next(
            (d for d in request.decisions.all() if d.approval != Decision.Approval.RETURNED), None
        )
        return DecisionSerializer(decision).data if decision else None


class StatusFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Request.Status.choices, required=False)


class RequestPages(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "per_page"


class _RequestAPI(access.RecordAPIMixin):
    authentication_classes = [SessionAuthentication]
    permission_required = PERMISSION
    serializer_class = RequestSerializer
    queryset = Request.objects.select_related("agency").prefetch_related("decisions")

    def families_visible(self, requests) -> set:
        family_ids = {r.family_id for r in requests if r.family_id is not None}
        if not family_ids:
            return set()
        families = Family.objects.filter(pk__in=family_ids)
        visible = access.visible_to(self.request.user, "families.view_family", families)
        return set(visible.values_list("pk", flat=True))


@extend_schema(
    tags=["Requests for support"],
    parameters=[OpenApiParameter("status", enum=Request.Status.values)],
    summary="The requests for support you may see",
)
class RequestListView(_RequestAPI, ListAPIView):
    pagination_class = RequestPages

    def get_queryset(self):
        query = StatusFilter(data=self.request.query_params)
        if not query.is_valid():
            raise InvalidParameters(query.errors)
        queryset = super().get_queryset().order_by("-created_at", "-pk")
        if "status" in query.validated_data:
            queryset = queryset.filter(status=query.validated_data["status"])
        return queryset

    def list(self, request, *args, **kwargs):
        requests = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        # Every request listed is a read of a personal record.
        access.records_viewed(request.user, requests, request=request)
        context = self.get_serializer_context()
        context["families_visible"] = self.families_visible(requests)
        serializer = self.get_serializer(requests, many=True, context=context)
        return self.get_paginated_response(serializer.data)


@extend_schema(tags=["Requests for support"], summary="One request for support")
class RequestDetailView(_RequestAPI, RetrieveAPIView):
    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        context = self.get_serializer_context()
        context["families_visible"] = self.families_visible([record])
        return Response(self.get_serializer(record, context=context).data)
