from django.urls import reverse
from rest_framework.response import Response
from rest_framework.views import APIView


class ApiDetailsView(APIView):
    def get(self, request):
        return Response(
            {
                "version": "HSDS-UK-3.0",
                "profile": "https://openreferraluk.org/specifications/3.0",
                "openapi_url": request.build_absolute_uri(reverse("api-schema")),
            }
        )
