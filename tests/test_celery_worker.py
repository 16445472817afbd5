"""A real Celery worker, in its own process, on Redis and the test database: articles ingested here are
extracted there. Under CI a missing Redis fails this test; on a laptop without Redis it is skipped."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from claims.models import Article, WorkStatus
from claims.services.ingest import ingest
from factcheck.celery import app as celery_app
from tests.conftest import SAMPLE_ARTICLE

PROJECT = Path(__file__).resolve().parents[1]
# A Redis database of its own, flushed before use, so that no stale message of an earlier run is delivered.
TEST_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def database_url() -> str:
    """The test database (not the one in DATABASE_URL) as a URL the worker's settings understand."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_or_fail():
    client = redis.Redis.from_url(TEST_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {TEST_BROKER_URL}: {exc}")
        pytest.skip(f"Redis is not reachable at {TEST_BROKER_URL}")
    client.flushdb()


@pytest.fixture
def worker(django_db_setup, tmp_path):
    """The worker process; its log is in `worker.log_path`."""
    with running_worker(tmp_path) as process:
        yield process


@contextlib.contextmanager
def running_worker(tmp_path, *, beat: bool = False, env: dict | None = None):
    """A worker process on the test broker and the test database, and this process's Celery app sending there.
    With `beat`, the worker also runs the periodic tasks (`-B`)."""
    redis_or_fail()
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test"),
        "OMP_NUM_THREADS": "1",
        **(env or {}),
    }
    log_path = tmp_path / f"worker-{node}.log"
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--pool=solo", "-n", node]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
    if beat:
        command += ["-B", "--schedule", str(tmp_path / "beat-schedule")]
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    process.log_path = log_path
    try:
        with using_broker(TEST_BROKER_URL):
            deadline = time.monotonic() + 60
            while not celery_app.control.ping(destination=[node], timeout=1):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}")
            yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log_path.read_text()[-4000:])


@contextlib.contextmanager
def using_broker(url: str):
    """This process's Celery app sends to `url` (tasks not run in process) until the block ends.

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so that is what changes; and
    connections are pooled per app and made on first use (eager tasks of earlier tests make them too), so the app
    forgets them on the way in and out."""
    previous_env = os.environ.get("CELERY_BROKER_URL")
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    os.environ["CELERY_BROKER_URL"] = url
    _reconfigure(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        _reconfigure(**previous)


def _reconfigure(**conf):
    celery_app.conf.update(conf)
    # Not closed: kombu keeps one pool per broker for the whole process and hands the same one out again.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for_extraction(article_id: int, timeout: float = 60) -> Article:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        article = Article.objects.get(pk=article_id)
        if article.extraction_status in (WorkStatus.DONE, WorkStatus.FAILED):
            return article
        time.sleep(0.2)
    pytest.fail(f"Article {article_id} was not extracted within {timeout} s (status {article.extraction_status}).")


def test_a_worker_extracts_the_claims_of_an_ingested_article(worker):
    result = ingest(content=SAMPLE_ARTICLE.read_bytes())
    article = wait_for_extraction(result.article.pk)
    assert article.extraction_status == WorkStatus.DONE, article.extraction_error
    claims = list(article.claims.order_by("start"))
    assert len(claims) == 14
    assert all(article.text[c.start : c.end] == c.text for c in claims)
    # The worker process did the work, not this one (its log line may follow the database write by a moment).
    deadline = time.monotonic() + 10
    while "succeeded" not in (log := worker.log_path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Task claims.extract_article[" in log and "succeeded" in log


def test_articles_stored_while_the_broker_is_down_are_extracted_when_it_is_back(django_db_setup, tmp_path):
    # Nothing listens on port 1: every attempt to queue fails at once.
    with using_broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        results = [ingest(content=f"Meldung {n}\n\nDer Rat sagte, {n} Schulen öffnen.") for n in (1, 2)]
        elapsed = time.monotonic() - started
    articles = [Article.objects.get(pk=result.article.pk) for result in results]
    assert all(article.processing_delayed for article in articles)
    # The request that stored them was not held up for long by the broker being down.
    assert elapsed < 20
    # The broker is back: the periodic sweeper finds them and sends them; nobody calls anything.
    with running_worker(tmp_path, beat=True, env={"SWEEP_EVERY_SECONDS": "1"}) as process:
        for article in articles:
            done = wait_for_extraction(article.pk)
            assert done.extraction_status == WorkStatus.DONE, done.extraction_error
            assert done.claims.count() == 2
    assert "claims.sweep_stranded_work" in process.log_path.read_text()
