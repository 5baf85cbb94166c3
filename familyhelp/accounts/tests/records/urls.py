from django.urls import path

from familyhelp.accounts.tests.records import views

app_name = "testrecords"

urlpatterns = [
    path("test-records/<int:pk>/", views.RecordPage.as_view(), name="record"),
    path("api/test-records/", views.RecordList.as_view(), name="api-list"),
    path("api/test-records/<int:pk>/", views.RecordDetail.as_view(), name="api-detail"),
]
