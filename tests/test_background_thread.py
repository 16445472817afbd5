"""The embedded default's background thread (`TASKS_IN_THREAD`, what `manage.py demo` serves with): a task sent
runs after the request that sent it has returned, on one thread, in the order sent, with its own database
connection."""

import threading

import pytest
from django.urls import reverse

from claims.models import Article, WorkStatus
from factcheck import queueing
from factcheck.celery import app

# The thread has a connection of its own: it sees only what the test committed.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

started, release, ran = threading.Event(), threading.Event(), []


@app.task(name="tests.wait_for_release")
def wait_for_release(label: str) -> None:
    started.set()
    release.wait(timeout=30)
    ran.append(label)


@app.task(name="tests.note")
def note(label: str) -> None:
    ran.append(label)


@pytest.fixture
def in_thread(settings):
    settings.TASKS_IN_THREAD = True
    started.clear(), release.clear(), ran.clear()
    yield
    release.set()
    queueing.wait_for_background_tasks(timeout=60)


def test_send_returns_before_the_task_has_run_and_tasks_run_in_the_order_sent(in_thread):
    assert queueing.send("tests.wait_for_release", "first")
    assert queueing.send("tests.note", "second")
    assert started.wait(timeout=10)
    assert ran == []  # both sent, the first still running: the sender went on
    release.set()
    queueing.wait_for_background_tasks(timeout=10)
    assert ran == ["first", "second"]


def test_without_the_thread_a_task_runs_inside_send(settings):
    settings.TASKS_IN_THREAD = False
    ran.clear()
    queueing.send("tests.note", "at once")
    assert ran == ["at once"]


@committed
def test_an_article_pasted_in_the_web_form_is_extracted_on_the_thread(in_thread, client, alice):
    client.force_login(alice)
    text = "Wohnungsbau\n\nDie Senatorin sagte am Montag, die Stadt habe 2024 genau 4.100 Wohnungen gebaut."
    response = client.post(reverse("reviews:article-ingest"), {"text": text})
    assert response.status_code == 302
    queueing.wait_for_background_tasks(timeout=120)
    article = Article.objects.get()
    assert article.extraction_status == WorkStatus.DONE
    assert article.claims.filter(text__contains="4.100 Wohnungen").exists()
