"""A real Celery worker, in its own process, on Redis and the test database: articles ingested here are
extracted there. Under CI a missing Redis fails this test; on a laptop without Redis it is skipped."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from claims import services
from claims.models import Article, WorkStatus
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
    redis_or_fail()
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test"),
        "OMP_NUM_THREADS": "1",
    }
    log_path = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=PROJECT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    process.log_path = log_path
    previous = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    use_broker(broker_url=TEST_BROKER_URL, task_always_eager=False)
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[node], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}")
        yield process
    finally:
        use_broker(**previous)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        print(log_path.read_text()[-4000:])


def use_broker(**conf):
    """Point this process's Celery app at another broker. Connections are pooled per app and made on first use
    (eager tasks of earlier tests make them too), so the app forgets them along with the old setting."""
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
    result = services.ingest_article(content=SAMPLE_ARTICLE.read_bytes())
    article = wait_for_extraction(result.article.pk)
    assert article.extraction_status == WorkStatus.DONE, article.extraction_error
    claims = list(article.claims.order_by("start"))
    assert len(claims) == 14
    assert all(article.text[c.start : c.end] == c.text for c in claims)
    # The worker process did the work, not this one.
    log = worker.log_path.read_text()
    assert "Task claims.extract_article[" in log and "succeeded" in log
