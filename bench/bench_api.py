"""API throughput through gunicorn on loopback, as a ratio to bare Django views returning the same rows.

    .venv/bin/python bench/bench_api.py [--runs 5] [--seconds 5] [--concurrency 4] [--workers 2]

Measures GET /api/v1/claims/{id}/ (read key, approved claims with evidence and history) and
GET /api/v1/claims/lookup?text=... against the bare views of bench/api_urls.py (the same queries and JSON without
DRF), each run alternating API and bare so both see the same machine load; reports requests per second per run,
the ratio API / bare per run and the medians. The database is its own SQLite file (BENCH_DATABASE_URL, default
/tmp/bench-api.sqlite3), created, migrated and filled on first use. The load generator is Python threads, one new
HTTP/1.1 connection per request (gunicorn's sync workers close each connection anyway).
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/bench-api.sqlite3")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.api_settings",
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-api",
    "EMBEDDING_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)

import django  # noqa: E402

SUBJECTS = [
    ("Die Zahl der Radunfälle in {city} ist {year} um {n} Prozent gestiegen.", "de"),
    ("Der Windpark im Hafen von {city} liefert Strom für {n}.000 Haushalte.", "de"),
    ("Die Stadt {city} gibt {year} {n} Millionen Euro für Schulen aus.", "de"),
    ("Unemployment in {city} fell by {n} percent in {year}, the mayor said.", "en"),
    ("{city} will offer free school meals to {n}.000 pupils from {year}.", "en"),
    ("Rents in {city} have risen by {n} percent since {year}, according to the council.", "en"),
]
CITIES = ["Berlin", "Hamburg", "Köln", "Leipzig", "Bremen", "Dresden", "Kiel", "Bonn", "Essen", "Mainz"]


def seed() -> tuple[list[int], str, list[str]]:
    """Approved claims with evidence and history, and a read key; the claim ids, the key, lookup texts."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from api import services as api_services
    from claims.analysis.documents import content_hash
    from claims.analysis.embeddings import embed_queries, vector_bytes
    from claims.models import Article, Claim, Speaker
    from reviews import services

    call_command("migrate", verbosity=0)
    users = get_user_model().objects

    def user(name, role):
        account, created = users.get_or_create(username=name)
        if created:
            account.groups.add(Group.objects.get(name=role))
        return users.get(pk=account.pk)

    reviewer, editor, client = (
        user("bench-reviewer", "reviewer"),
        user("bench-editor", "editor"),
        user("bench-cms", "api-client"),
    )
    texts = [
        (template.format(city=city, year=2020 + i % 5, n=3 + i), language)
        for i, city in enumerate(CITIES)
        for template, language in SUBJECTS
    ]
    if not Claim.objects.filter(state="approved").exists():
        vectors = embed_queries([text for text, _ in texts])
        speaker, _ = Speaker.objects.get_or_create(name="Anna Beispiel")
        for (text, language), vector in zip(texts, vectors, strict=True):
            body = f"Bilanz\n\n{text}"
            article = Article.objects.create(
                text=body, content_hash=content_hash(body), title="Bilanz", url="https://example.org/" + str(len(text))
            )
            start = body.index(text)
            claim = Claim.objects.create(
                article=article,
                start=start,
                end=start + len(text),
                text=text,
                language=language,
                speaker=speaker,
                embedding=vector_bytes(vector),
            )
            services.transition(claim_id=claim.pk, action="take", actor=reviewer)
            services.add_evidence(claim_id=claim.pk, actor=reviewer, url="https://example.org/evidence", note="n")
            services.transition(claim_id=claim.pk, action="propose", actor=reviewer, verdict="false", note="why")
            services.transition(claim_id=claim.pk, action="approve", actor=editor)
    ids = list(Claim.objects.filter(state="approved").values_list("pk", flat=True))
    key = api_services.issue_api_key(name="bench", scope="read", user=client).key
    queries = [text.replace("Prozent", "%").replace("percent", "%") for text, _ in texts]
    return ids, key, queries


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(PROJECT / ".venv/bin/gunicorn"),
            "factcheck.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=ENV,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/schema/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    sys.exit("gunicorn did not start")


def load(port: int, paths: list[str], headers: dict, seconds: float, concurrency: int) -> float:
    """Requests per second answered 200 by `concurrency` threads for `seconds`, after one warm-up second."""
    done = [0] * concurrency
    failures = []
    stop = threading.Event()
    counting = threading.Event()

    def worker(index: int) -> None:
        rng = random.Random(index)
        while not stop.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", rng.choice(paths), headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failures.append(response.status)
            elif counting.is_set():
                done[index] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    counting.set()
    started = time.monotonic()
    time.sleep(seconds)
    counted = sum(done)
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return counted / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    django.setup()
    ids, key, queries = seed()
    auth = {"Authorization": f"Bearer {key}"}
    lookups = [urllib.parse.quote(text) for text in queries]
    pairs = {
        "claim detail": (
            [f"/api/v1/claims/{pk}/" for pk in ids],
            [f"/bare/claims/{pk}/" for pk in ids],
        ),
        "lookup": (
            [f"/api/v1/claims/lookup?text={text}" for text in lookups],
            [f"/bare/lookup/?text={text}" for text in lookups],
        ),
    }
    server = start_gunicorn(args.port, args.workers)
    results = {name: [] for name in pairs}
    try:
        for run in range(1, args.runs + 1):
            for name, (api_paths, bare_paths) in pairs.items():
                api = load(args.port, api_paths, auth, args.seconds, args.concurrency)
                bare = load(args.port, bare_paths, {}, args.seconds, args.concurrency)
                results[name].append((api, bare))
                print(
                    f"run {run} {name}: API {api:.1f} req/s, bare {bare:.1f} req/s, ratio {api / bare:.2f}", flush=True
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    print("| endpoint | API req/s (median) | bare req/s (median) | ratio per run | median ratio |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        ratios = [api / bare for api, bare in runs]
        print(
            f"| {name} | {statistics.median(a for a, _ in runs):.1f} | {statistics.median(b for _, b in runs):.1f} "
            f"| {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.median(ratios):.2f} |"
        )


if __name__ == "__main__":
    main()
