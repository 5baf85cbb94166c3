from django.views.generic import DetailView
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView, RetrieveAPIView

from familyhelp.accounts.access import RecordAccessMixin, RecordAPIMixin
from familyhelp.accounts.tests.records.models import ProtectedRecord

PERMISSION = "testrecords.view_protectedrecord"


class RecordPage(RecordAccessMixin, DetailView):
    permission_required = PERMISSION
    queryset = ProtectedRecord.objects.select_related("team")
    template_name = "testrecords/record.html"
    context_object_name = "record"


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProtectedRecord
        fields = ["id", "title", "family_id"]


class RecordList(RecordAPIMixin, ListAPIView):
    authentication_classes = [SessionAuthentication]
    permission_required = PERMISSION
    queryset = ProtectedRecord.objects.order_by("pk")
    serializer_class = RecordSerializer
    pagination_class = None


class RecordDetail(RecordAPIMixin, RetrieveAPIView):
    authentication_classes = [SessionAuthentication]
    permission_required = PERMISSION
    queryset = ProtectedRecord.objects.all()
    serializer_class = RecordSerializer
