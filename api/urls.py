"""The REST API, version 1, under /api/v1/ (docs/API.md)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.exceptions import not_found
from api.views import articles, claims, registry

app_name = "api"


class Router(SimpleRouter):
    """Both `claims/lookup` and `claims/lookup/`: clients write it either way."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = Router()
router.register("claims", claims.ClaimViewSet, basename="claim")
router.register("articles", articles.ArticleViewSet, basename="article")
router.register("sources", registry.SourceViewSet, basename="source")
router.register("documents", registry.DocumentViewSet, basename="document")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    # Swagger UI from the sidecar's static files, its script a file of its own (no inline script, no CDN).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
