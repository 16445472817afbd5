"""A URL whose view loses its database connection: a real query to a PostgreSQL port nobody listens on."""

from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.urls import path


def lost(request):
    settings = {**connections["default"].settings_dict}
    settings.update(ENGINE="django.db.backends.postgresql", HOST="127.0.0.1", PORT="1", NAME="gone", OPTIONS={})
    wrapper = DatabaseWrapper(settings, alias="gone")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        wrapper.close()


urlpatterns = [path("lost/", lost)]
