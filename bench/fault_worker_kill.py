"""Workers killed with SIGKILL in the middle of extraction and of proposals: is every piece of work redelivered and
finished, with nothing duplicated and no article left without a final status?

    CELERY_BROKER_URL=redis://127.0.0.1:6379/12 DATABASE_URL=postgres://app:app@127.0.0.1:5432/bench_faults \\
        SECRET_KEY=bench .venv/bin/python bench/fault_worker_kill.py [--articles 100] [--kills 6]

The database named in DATABASE_URL is created when missing, migrated and emptied, and the Redis database flushed:
give both to this script alone. It imports the demo registry, ingests --articles articles (the demo articles, each
with a line of its own so that no two are the same) through the ingest service, which queues their extraction on
Redis, and starts a worker (prefork, two processes, with beat for the sweeper). Then, --kills times, it waits until
an extraction (odd kills) or a proposal run (even kills) is running, kills the worker's whole process group with
SIGKILL, and starts a new worker. Redis hands the unacknowledged tasks out again after the visibility timeout
(--visibility, seconds); the redelivered task takes the abandoned run over. At the end it checks every article's
status, its claims against an analysis of the same text in this process, and the proposals against duplicates.
Exit status 1 when a check fails.
"""

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import django  # noqa: E402

from bench.bench_proposals import ensure_database  # noqa: E402


def start_worker(log_path: Path, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-B", "--concurrency=2"]
    command += ["--schedule", str(log_path.parent / "beat-schedule"), "--without-gossip", "--without-mingle"]
    command += ["--loglevel=INFO"]
    return subprocess.Popen(
        command,
        cwd=PROJECT,
        env=env,
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL to the worker and its pool processes at once: no warm shutdown, no task acknowledged."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--visibility", type=int, default=15, help="seconds before Redis redelivers a lost task")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds to wait for all the work to finish")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--log", type=Path, default=Path("/tmp/fault_worker_kill.log"))
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database of this script's own.")
    ensure_database(os.environ.get("DATABASE_URL", ""))
    django.setup()

    import redis
    from django.core.management import call_command
    from django.db import connection

    from claims.analysis.pipeline import analyse_article
    from claims.models import Article, Claim, Proposal, WorkStatus
    from claims.services.ingest import ingest
    from claims.services.registry import embed_documents, import_registry

    random.seed(args.seed)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE claims_article, claims_claim, claims_proposal, claims_source, claims_document, claims_speaker, "
            "reviews_claimevent, reviews_evidence, reviews_comment RESTART IDENTITY CASCADE"
        )
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()
    demo = PROJECT / "claims" / "demo"
    import_registry(data=json.loads((demo / "registry.json").read_text("utf-8")))
    embed_documents()
    bases = [path.read_text("utf-8").rstrip("\n") for path in sorted(demo.glob("*.txt"))]
    texts = [f"{bases[n % len(bases)]}\n\nStand der Meldung: Ausgabe {n + 1}." for n in range(args.articles)]
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "CELERY_VISIBILITY_TIMEOUT": str(args.visibility),
        "SWEEP_EVERY_SECONDS": "10",
    }
    args.log.write_text("")
    started = time.monotonic()
    worker = start_worker(args.log, env)
    article_ids = [ingest(content=text).article.pk for text in texts]
    print(f"ingested {len(article_ids)} articles; worker log in {args.log}")

    kills = {"extraction": 0, "proposals": 0}
    for number in range(args.kills):
        target = "extraction" if number % 2 == 0 else "proposals"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if target == "extraction":
                running = Article.objects.filter(extraction_status=WorkStatus.RUNNING).exists()
            else:
                running = Claim.objects.filter(proposals_status=WorkStatus.RUNNING).exists()
            if running:
                break
            time.sleep(0.05)
        else:
            print(f"kill {number + 1}: no {target} running within 120 s; skipped")
            continue
        # Somewhere inside the run, not always at its first instruction.
        time.sleep(random.uniform(0.0, 0.5))
        kill(worker)
        kills[target] += 1
        print(f"kill {number + 1}: SIGKILL during {target} at {time.monotonic() - started:.1f} s")
        worker = start_worker(args.log, env)
        time.sleep(random.uniform(2, 6))

    deadline = time.monotonic() + args.timeout
    final = (WorkStatus.DONE, WorkStatus.FAILED)
    while time.monotonic() < deadline:
        articles_open = Article.objects.exclude(extraction_status__in=final).count()
        claims_open = Claim.objects.filter(language__in=("de", "en")).exclude(proposals_status__in=final).count()
        if not articles_open and not claims_open:
            break
        time.sleep(1)
    elapsed = time.monotonic() - started
    kill(worker)

    failures = []
    articles = Article.objects.filter(pk__in=article_ids)
    statuses = dict(articles.values_list("pk", "extraction_status"))
    not_done = [pk for pk, status in statuses.items() if status != WorkStatus.DONE]
    if not_done:
        failures.append(f"{len(not_done)} articles without a DONE extraction: {not_done[:10]}")
    expected = {}
    for article in articles:
        base = article.text.rsplit("\n", 1)[0]
        if base not in expected:
            expected[base] = len(analyse_article(article.text).sentences)
        count = article.claims.count()
        if count != expected[base]:
            failures.append(f"article {article.pk}: {count} claims, expected {expected[base]}")
    proposals_open = Claim.objects.filter(language__in=("de", "en")).exclude(proposals_status=WorkStatus.DONE)
    if proposals_open.exists():
        failures.append(f"{proposals_open.count()} claims whose proposals did not finish")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT claim_id, document_id, source_id, earlier_claim_id, external_url "
            "FROM claims_proposal GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) duplicates"
        )
        duplicates = cursor.fetchone()[0]
    if duplicates:
        failures.append(f"{duplicates} duplicated proposals")
    log = args.log.read_text()
    print(
        f"articles: {len(statuses)}, claims: {Claim.objects.count()}, proposals: {Proposal.objects.count()}, "
        f"kills: {kills}, finished in {elapsed:.0f} s"
    )
    print(f"tasks succeeded (log lines): {log.count(' succeeded in ')}; sweeper runs: {log.count('sweep_stranded')}")
    for failure in failures:
        print("FAILED:", failure)
    print("all work finished once, nothing duplicated" if not failures else "checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
