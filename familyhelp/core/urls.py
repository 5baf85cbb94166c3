from django.urls import path

from familyhelp.core import views, views_outbox

app_name = "core"

urlpatterns = [
    path("accessibility/", views.content_page("accessibility"), name="accessibility"),
    path("privacy/", views.content_page("privacy"), name="privacy"),
    path("cookies/", views.content_page("cookies"), name="cookies"),
    path("feedback/", views.content_page("feedback"), name="feedback"),
    path("outbox/", views_outbox.outbox_page, name="outbox"),
]
