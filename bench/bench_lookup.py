"""What one lookup costs at the longest `text` the API takes, next to a short one.

    .venv/bin/python bench/bench_lookup.py [--runs 7]

Sends GET /api/v1/claims/lookup?text=... with a read key through the WSGI application in this process (no network,
one thread: EMBEDDING_THREADS=1, OMP_NUM_THREADS=1), on the approved claims of bench/bench_api.py (its own SQLite
file, BENCH_DATABASE_URL), and reports per text its length, the median and the spread of the wall time and of the
process's CPU time over `--runs` runs after one warm-up. The texts: a short claim (one sentence), a claim of
LOOKUP_MAX_CHARACTERS characters of prose, and one of LOOKUP_MAX_CHARACTERS characters that splits into as many
tokens as text can (digits and symbols), where the embedding's token bound does the work. One character more is
refused (400), also measured.
"""

import argparse
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from bench import bench_api  # noqa: E402  (sets the environment before Django starts)

SHORT = "Die Zahl der Radunfälle in Berlin ist 2021 um 4 Prozent gestiegen."
PROSE = (
    "Der Senat teilte am Montag mit, die Zahl der Radunfälle in Berlin sei im vergangenen Jahr um vier Prozent "
    "gestiegen, während die Zahl der Verletzten um zwei Prozent gesunken sei. "
)


def texts(limit: int) -> dict[str, str]:
    prose = (PROSE * (limit // len(PROSE) + 1))[:limit]
    dense = ("7%§4/9€" * (limit // 7 + 1))[:limit]
    return {
        "short": SHORT,
        "maximum length, prose": prose,
        "maximum length, digits and symbols": dense,
        "one character over": prose + "x",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    _ids, key, _queries = bench_api.seed()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_HOST="localhost")
    limit = settings.LOOKUP_MAX_CHARACTERS
    print(f"LOOKUP_MAX_CHARACTERS={limit}, runs={args.runs}, approved claims={len(_ids)}")
    print(f"{'text':<36} {'chars':>6} {'status':>6} {'wall median':>12} {'wall min-max':>16} {'CPU median':>11}")
    for name, text in texts(limit).items():
        path = "/api/v1/claims/lookup/?text=" + urllib.parse.quote(text)
        status = client.get(path).status_code  # warm-up (the first lookup loads the model)
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            status = response.status_code
        print(
            f"{name:<36} {len(text):>6} {status:>6} {statistics.median(walls) * 1000:>9.0f} ms "
            f"{min(walls) * 1000:>6.0f}-{max(walls) * 1000:<6.0f}ms {statistics.median(cpus) * 1000:>8.0f} ms"
        )


if __name__ == "__main__":
    main()
