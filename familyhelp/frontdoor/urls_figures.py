"""Routes: the front door's figures for managers (docs/front-door-figures.md)."""

from django.urls import path

from familyhelp.frontdoor import views_figures

urlpatterns = [
    path("front-door/figures/", views_figures.figures, name="figures"),
    path("front-door/figures/figures.csv", views_figures.figures_download, name="figures-download"),
]
