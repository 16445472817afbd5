from django.urls import path

from claims import views

app_name = "claims"
urlpatterns = [
    path("articles/", views.article_list, name="article-list"),
    path("articles/new/", views.article_ingest, name="article-ingest"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/retry/", views.article_retry_extraction, name="article-retry"),
]
