"""The published fact-checks, for readers without a login: under /factchecks/ (factcheck/urls.py)."""

from django.urls import path

from reviews.views import public

app_name = "public"
urlpatterns = [
    path("", public.factcheck_list, name="factcheck-list"),
    path("feed/", public.factcheck_feed, name="factcheck-feed"),
    path("<int:pk>-<slug:slug>/", public.factcheck_detail, name="factcheck"),
    # The short address: it leads to the page with its slug.
    path("<int:pk>/", public.factcheck_detail, name="factcheck-short"),
]
