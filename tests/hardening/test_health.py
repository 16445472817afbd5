"""/healthz answers without the database; /readyz checks the database and the broker, and names what failed."""

import socket

import pytest
from django.test import override_settings


def closed_port() -> int:
    """A local port nothing listens on: bound once to get a free number, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="memory://localhost/")
def test_readyz_is_ready_with_the_database_and_no_broker_configured(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "not configured"}


@pytest.mark.django_db
def test_readyz_is_not_ready_when_the_broker_cannot_be_reached(client):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("unavailable (")


@pytest.mark.django_db
@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_readyz_is_ready_with_a_reachable_redis_broker(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/15"):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_the_probes_answer_over_plain_http_when_production_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/articles/").status_code == 301


def test_the_probes_take_only_get(client):
    assert client.post("/healthz").status_code == 405
