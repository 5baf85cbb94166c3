"""Families and people (namespace `families`; docs/families.md)."""

from django.urls import path

from familyhelp.families.views import consent, family, merging, people

app_name = "families"

urlpatterns = [
    path("families/<int:pk>/", family.family_detail, name="family"),
    path("families/<int:pk>/people/add/", people.person_add, name="person-add"),
    path("families/<int:pk>/people/add/choose/", people.person_choose, name="person-choose"),
    path(
        "families/<int:pk>/people/<int:person_pk>/remove/",
        family.member_remove,
        name="member-remove",
    ),
    path("families/<int:pk>/relationships/add/", family.relationship_add, name="relationship-add"),
    path(
        "families/<int:pk>/relationships/<int:rel_pk>/remove/",
        family.relationship_remove,
        name="relationship-remove",
    ),
    path("families/<int:pk>/consents/add/", consent.consent_add, name="consent-add"),
    path(
        "families/<int:pk>/consents/<int:consent_pk>/withdraw/",
        consent.consent_withdraw,
        name="consent-withdraw",
    ),
    path("families/people/<int:pk>/", people.person_detail, name="person"),
    path("families/people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("families/people/<int:pk>/merge/", merging.merge_choose, name="merge-choose"),
    path(
        "families/people/<int:pk>/merge/<int:other_pk>/",
        merging.merge_confirm,
        name="merge-confirm",
    ),
    path("families/merges/<int:merge_pk>/unmerge/", merging.unmerge, name="unmerge"),
]
