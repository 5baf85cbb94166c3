"""URLs for the people pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

from django.urls import path

from familyhelp.accounts.views import people

urlpatterns = [
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="people-invite"),
    path("people/<uuid:person_id>/", people.person, name="person"),
    path("people/<uuid:person_id>/invited/", people.invited, name="person-invited"),
    path("people/<uuid:person_id>/details/", people.change_details, name="person-details"),
    path("people/<uuid:person_id>/roles/", people.change_roles, name="person-roles"),
    path("people/<uuid:person_id>/teams/", people.change_teams, name="person-teams"),
    path("people/<uuid:person_id>/deactivate/", people.deactivate, name="person-deactivate"),
    path("people/<uuid:person_id>/reactivate/", people.reactivate, name="person-reactivate"),
    path(
        "people/<uuid:person_id>/resend-invitation/",
        people.resend_invitation,
        name="person-resend-invitation",
    ),
    path("invitations/<str:signed>/", people.accept_invitation, name="invitation"),
]
