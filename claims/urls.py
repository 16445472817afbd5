from django.urls import path

from claims import views

app_name = "claims"
urlpatterns = [
    path("articles/", views.article_list, name="article-list"),
    path("articles/new/", views.article_ingest, name="article-ingest"),
]
