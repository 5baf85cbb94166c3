from django.urls import path

from familyhelp.stewardship import views

app_name = "stewardship"

urlpatterns = [
    path("listings/confirm/<str:signed>/", views.confirm, name="confirm"),
    path("listings/confirm/<str:signed>/done/", views.confirmed, name="confirmed"),
    path("directory-admin/overdue/", views.overdue, name="overdue"),
]
