from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reviews:article-list"), name="home"),
    path("", include("reviews.urls")),
    # The published fact-checks, for readers: no login.
    path("factchecks/", include("reviews.public_urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The liveness and readiness probes, /healthz and /readyz.
    path("", include("factcheck.health")),
]

# Requests refused while reading them (a body too large, too many fields): in the API's error shape under /api/,
# a body too large elsewhere the styled 413 page.
handler400 = "factcheck.middleware.bad_request"
