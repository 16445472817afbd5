"""Load on loopback: gunicorn with the production settings, a Celery worker, PostgreSQL and Redis, and locust
playing API clients (lookups, lists, details, ingestion) and reviewers (queue and claim pages).

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/bench_load SECRET_KEY=bench \\
        .venv/bin/python bench/load_test.py steps --workers 1,2,4 --users 4,8,16,32 --duration 60
    DATABASE_URL=... SECRET_KEY=bench .venv/bin/python bench/load_test.py hold --workers 2 --users 8 --duration 600

Needs `pip install -r requirements-bench.txt` (locust, matplotlib). The database named in DATABASE_URL is created
when missing and filled once (the demo registry, --articles articles extracted and proposed, a third of their
claims taken through review to an approved verdict so that lookups find them): give it to this script alone.

`steps` runs each worker count at each number of users for --duration seconds and writes
docs/figures/load_latency.png (p95 against throughput, one line per worker count); `hold` runs one setting for
--duration seconds. Both print throughput, p50/p95/p99 and errors per run and append them to
bench/results/load.jsonl. The app is served over plain HTTP on loopback, so the production settings run with
SECURE_SSL_REDIRECT and SECURE_COOKIES off (a TLS proxy is in front in production); the API throttle is raised so
that the one test key is not the limit.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import django  # noqa: E402

from bench.bench_proposals import ensure_database  # noqa: E402

PORT = 8097
BROKER = "redis://127.0.0.1:6379/11"
RESULTS = PROJECT / "bench" / "results" / "load.jsonl"
REVIEWER, PASSWORD = "load-reviewer", "load-reviewer-password-1"


def prepare(articles: int) -> dict:
    """Fill the database once; the ids, texts and key the load needs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from claims.models import Claim, Verdict
    from claims.services.ingest import ingest
    from claims.services.registry import embed_documents, import_registry
    from reviews import services

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    if not users.filter(username=REVIEWER).exists():
        demo = PROJECT / "claims" / "demo"
        import_registry(data=json.loads((demo / "registry.json").read_text("utf-8")))
        embed_documents()
        reviewer = users.create_user(REVIEWER, password=PASSWORD)
        reviewer.groups.add(Group.objects.get(name="reviewer"))
        editor = users.create_user("load-editor", password=PASSWORD)
        editor.groups.add(Group.objects.get(name="editor"))
        bases = [path.read_text("utf-8").rstrip("\n") for path in sorted(demo.glob("*.txt"))]
        for n in range(articles):
            ingest(content=f"{bases[n % len(bases)]}\n\nAusgabe {n + 1} der Meldung.")
        for claim in Claim.objects.filter(is_checkworthy=True).order_by("pk")[::3]:
            services.transition(claim_id=claim.pk, action="take", actor=reviewer)
            services.add_evidence(claim_id=claim.pk, actor=reviewer, url="https://example.org/source", note="load")
            services.transition(
                claim_id=claim.pk, action="propose", actor=reviewer, verdict=Verdict.MISLEADING, note="load test"
            )
            services.transition(claim_id=claim.pk, action="approve", actor=editor)
    reviewer = users.get(username=REVIEWER)
    from io import StringIO

    out = StringIO()
    call_command(
        "create_api_key", "--name", f"load-{time.time():.0f}", "--scope", "review", "--user", REVIEWER, stdout=out
    )
    key = out.getvalue().strip().splitlines()[-1]
    claim_ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True)[:200])
    lookups = list(Claim.objects.order_by("pk").values_list("text", flat=True)[:300])
    return {"key": key, "claim_ids": claim_ids, "lookups": lookups, "reviewer": reviewer.username}


def server_env(workers_db_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": workers_db_url,
        "CELERY_BROKER_URL": BROKER,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "API_THROTTLE_RATE": "1000000/minute",
        "OMP_NUM_THREADS": "1",
        "EMBEDDING_THREADS": "1",
        "LOG_LEVEL": "WARNING",
    }


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def restart_postgres_after(seconds: float) -> threading.Timer:
    """Restart the local PostgreSQL cluster in the middle of the run (the machine's own cluster: needs root)."""

    def restart():
        version = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
        started = time.monotonic()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, capture_output=True
        )
        print(f"PostgreSQL restarted in {time.monotonic() - started:.1f} s")

    timer = threading.Timer(seconds, restart)
    timer.start()
    return timer


def run(setting: dict, data: dict, users: int, duration: int, workers: int, restart_at: float | None = None) -> dict:
    env = server_env(os.environ["DATABASE_URL"])
    RESULTS.parent.mkdir(exist_ok=True)
    log = (RESULTS.parent / "load-servers.log").open("a")  # noqa: SIM115 (closed in the finally below)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{PORT}"]
        + ["--timeout", "60", "--preload"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--concurrency=1", "--loglevel=WARNING"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
        with tempfile.TemporaryDirectory() as tmp:
            lookups = Path(tmp) / "lookups.txt"
            lookups.write_text("\n".join(text.replace("\n", " ") for text in data["lookups"]), encoding="utf-8")
            locust_env = {
                **os.environ,
                "LOAD_API_KEY": data["key"],
                "LOAD_REVIEWER": data["reviewer"],
                "LOAD_PASSWORD": PASSWORD,
                "LOAD_CLAIM_IDS": ",".join(map(str, data["claim_ids"])),
                "LOAD_LOOKUPS": str(lookups),
            }
            prefix = Path(tmp) / "stats"
            timer = restart_postgres_after(restart_at) if restart_at else None
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(PROJECT / "bench" / "load" / "locustfile.py")]
                + ["--headless", "-u", str(users), "-r", str(max(1, users // 2)), "--run-time", f"{duration}s"]
                + ["--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
                env=locust_env,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            if timer:
                timer.join()
            rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").read_text().splitlines()))
            failures = list(csv.DictReader(Path(f"{prefix}_failures.csv").read_text().splitlines()))
    finally:
        for process in (web, worker):
            process.terminate()
            process.wait(timeout=30)
        log.close()
    total = next(row for row in rows if row["Name"] == "Aggregated")
    result = {
        **setting,
        "workers": workers,
        "users": users,
        "duration_s": duration,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "by_name": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "p95_ms": float(row["95%"]),
                "failures": int(row["Failure Count"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
        # What failed, by locust's message (it names the HTTP status): 503s while the database restarts are clean.
        "errors": {row["Error"][:120]: int(row["Occurrences"]) for row in failures},
        "restarted_postgres_at_s": restart_at,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as out:
        out.write(json.dumps(result) + "\n")
    if result["errors"]:
        print("errors:", result["errors"])
    print(
        f"workers {workers} users {users}: {result['rps']} req/s, p50 {result['p50_ms']:.0f} ms, "
        f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, "
        f"errors {result['failures']}/{result['requests']}"
    )
    return result


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for workers in sorted({r["workers"] for r in results}):
        points = sorted((r["rps"], r["p95_ms"], r["users"]) for r in results if r["workers"] == workers)
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=f"{workers} gunicorn workers")
        for rps, p95, users in points:
            axis.annotate(f"{users}u", (rps, p95), textcoords="offset points", xytext=(4, 4), fontsize=7)
    axis.set_xlabel("throughput (requests/s, whole mix)")
    axis.set_ylabel("p95 latency (ms)")
    axis.set_title("Latency against load (loopback, 2 cores, PostgreSQL + Redis)")
    axis.grid(alpha=0.3)
    axis.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["steps", "hold"])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--users", default="4,8,16,32")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--restart-postgres-at", type=float, help="seconds into a hold run to restart PostgreSQL")
    args = parser.parse_args()
    ensure_database(os.environ.get("DATABASE_URL", ""))
    os.environ.pop("CELERY_BROKER_URL", None)  # the preparation runs its tasks in process
    django.setup()
    data = prepare(args.articles)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=server_env(os.environ["DATABASE_URL"]),
        check=True,
    )
    setting = {"mode": args.mode, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    results = [
        run(setting, data, users, args.duration, workers, args.restart_postgres_at)
        for workers in map(int, args.workers.split(","))
        for users in map(int, args.users.split(","))
    ]
    if args.mode == "steps":
        plot(results, PROJECT / "docs" / "figures" / "load_latency.png")


if __name__ == "__main__":
    main()
