"""Source-proposal speed on PostgreSQL: per-claim latency of the registry-documents proposer at 10,000 and 100,000
documents, lexical indexing throughput, and embedding throughput per core.

    DATABASE_URL=postgres://app:app@127.0.0.1:5432/bench_proposals SECRET_KEY=bench \\
        .venv/bin/python bench/bench_proposals.py [--sizes 10000,100000] [--claims 300] [--embed 300]

The database named in DATABASE_URL is created when missing (the role needs CREATEDB), migrated, and its claims
tables are emptied: point it at a database of its own. The documents are the real CheckThat! 2022 fact-checks from
../shared/eval (2A and 2B, about 33,500, with their real E5 passage embeddings from the evaluation's cache, see
`manage.py evaluate_matching`) and, past those, generated documents: two or three random sentences of the 2B debate
transcripts (English) or of the German subjectivity set, with *random unit vectors* as embeddings (embedding 70,000
texts would take hours here; the latency of a matrix product does not depend on the values). The claims searched
for are the 2A and 2B devtest queries (tweets and debate sentences) with their real query embeddings.

Measured:
- proposal latency: `RegistryDocumentsProposer().propose(claim)` wall time per claim, after one search that loads
  the in-process indexes (its time reported separately) and unmeasured passes over the claims until their median
  stops falling (PostgreSQL's buffers warm, the load's checkpoint done); median and 95th percentile;
- lexical indexing: documents inserted per second into claims_document, whose stored search vector (to_tsvector in
  the row's language) and GIN index PostgreSQL maintains on insert, in batches of 1,000; and, separately, the
  to_tsvector computation alone over the stored rows;
- embedding: `claims.services.registry.embed_documents` (the background task's service: read, embed, write) on
  --embed real fact-check texts with one thread: documents per second per core.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("EMBEDDING_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
EVAL = Path(os.environ.get("SHARED_DIR") or PROJECT.parent / "shared") / "eval"

import django  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402


def ensure_database(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("DATABASE_URL must name a PostgreSQL database (the benchmark is for PostgreSQL).")
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--claims", type=int, default=300, help="claims searched for at each size")
    parser.add_argument("--embed", type=int, default=300, help="documents embedded for the embedding throughput")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    random.seed(args.seed)
    bench = Bench(args)
    bench.reset()
    for size in [int(size) for size in args.sizes.split(",")]:
        bench.grow_to(size)
        bench.latency(size)
    bench.tsvector_rate()
    bench.embedding_rate()
    bench.report()


class Bench:
    def __init__(self, args):
        from claims.analysis.embeddings import embed_passages, embed_queries
        from claims.retrieval.evaluation import cached_embeddings, read_queries, read_vclaims

        self.args = args
        self.results: list[str] = []
        self.insert_seconds = 0.0
        self.inserted = 0
        real = []
        for task in ("2a", "2b"):
            folder = EVAL / f"ct22_claimretrieval_{task}_en"
            vclaims = read_vclaims(folder / "vclaims.jsonl")
            passages = [f"{(v.title or v.claim)[:500]}. {v.claim}" for v in vclaims]
            # Read from the evaluation's cache; computed (for a long while) when it is not there.
            vectors = cached_embeddings(passages, kind="passage", embed=embed_passages)
            real += [(v, vector) for v, vector in zip(vclaims, vectors, strict=True)]
            queries = read_queries(folder / "queries_devtest.tsv")
            query_vectors = cached_embeddings([q.text for q in queries], kind="query", embed=embed_queries)
            self.queries = getattr(self, "queries", []) + list(
                zip([q.text for q in queries], query_vectors, strict=True)
            )
        random.shuffle(real)
        self.real = real
        self.english = [line.split("\t")[3] for line in _lines(EVAL / "ct22_claimretrieval_2b_en" / "transcripts.tsv")]
        self.german = [
            line.split("\t")[1]
            for split in ("train", "dev", "devtest")
            for line in _lines(EVAL / "ct25_subjectivity_de" / f"{split}.tsv")
        ]

    def reset(self) -> None:
        from claims.models import Article, Document, Source, SourceKind

        Document.objects.all().delete()
        Article.objects.all().delete()
        Source.objects.all().delete()
        self.sources = [
            Source.objects.create(key=f"bench-{number}", name=f"Bench source {number}", kind=SourceKind.OUTLET)
            for number in range(20)
        ]

    def grow_to(self, size: int) -> None:
        from django.utils import timezone

        from claims.analysis.embeddings import vector_bytes
        from claims.models import Document

        have = Document.objects.count()
        rng = np.random.default_rng(size)
        batch = []
        while have < size:
            number = have
            if number < len(self.real):
                vclaim, vector = self.real[number]
                fields = {"title": (vclaim.title or vclaim.claim)[:500], "text": vclaim.claim, "language": "en"}
            else:
                german = random.random() < 0.15
                pool = self.german if german else self.english
                sentences = random.sample(pool, random.randint(2, 3))
                fields = {
                    "title": sentences[0][:200],
                    "text": " ".join(sentences[1:]),
                    "language": "de" if german else "en",
                }
                vector = rng.standard_normal(384).astype(np.float32)
                vector /= np.linalg.norm(vector)
            batch.append(
                Document(
                    source=self.sources[number % len(self.sources)],
                    embedding=vector_bytes(vector),
                    embedded_at=timezone.now(),
                    **fields,
                )
            )
            have += 1
            if len(batch) == 1000 or have == size:
                started = time.perf_counter()
                Document.objects.bulk_create(batch)
                self.insert_seconds += time.perf_counter() - started
                self.inserted += len(batch)
                batch = []
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE claims_document")

    def latency(self, size: int) -> None:
        from claims.analysis.embeddings import vector_bytes
        from claims.models import Article, Claim
        from claims.proposing.registry_documents import RegistryDocumentsProposer

        article = Article(pk=0, text="")
        claims = [
            Claim(article=article, text=text, language="en", embedding=vector_bytes(vector))
            for text, vector in random.sample(self.queries, min(self.args.claims, len(self.queries)))
        ]
        proposer = RegistryDocumentsProposer()
        started = time.perf_counter()
        proposer.propose(claims[0])
        warm_up = time.perf_counter() - started
        # Unmeasured passes until the median stops falling (at most four): PostgreSQL's buffers warm up, and the
        # checkpoint that follows loading 100,000 rows finishes, as on a server that has been answering for a while.
        previous = float("inf")
        for _pass in range(4):
            passes = []
            for claim in claims:
                started = time.perf_counter()
                proposer.propose(claim)
                passes.append(time.perf_counter() - started)
            median = statistics.median(passes)
            if median > 0.95 * previous:
                break
            previous = median
        timings = []
        for claim in claims:
            started = time.perf_counter()
            proposer.propose(claim)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(0.95 * (len(timings) - 1))]
        self.results.append(
            f"| {size:,} documents | {len(timings)} claims | p50 {p50:.1f} ms | p95 {p95:.1f} ms | "
            f"max {timings[-1]:.1f} ms | first search (loads the indexes) {warm_up:.2f} s |"
        )
        print(self.results[-1], flush=True)

    def tsvector_rate(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_document")
            count = cursor.fetchone()[0]
            started = time.perf_counter()
            cursor.execute(
                "SELECT sum(length(to_tsvector(claims_search_config(language), title || ' ' || text)))"
                " FROM claims_document"
            )
            seconds = time.perf_counter() - started
        self.results.append(
            f"| lexical indexing | insert with stored search vector and GIN index: "
            f"{self.inserted / self.insert_seconds:,.0f} documents/s ({self.inserted:,} in batches of 1,000) | "
            f"to_tsvector alone: {count / seconds:,.0f} documents/s |"
        )
        print(self.results[-1], flush=True)

    def embedding_rate(self) -> None:
        from claims.models import Document
        from claims.services.registry import embed_documents

        texts = [vclaim for vclaim, _vector in self.real[: self.args.embed]]
        documents = Document.objects.bulk_create(
            Document(source=self.sources[0], title=(v.title or v.claim)[:500], text=v.claim, language="en")
            for v in texts
        )
        embed_documents(document_ids=[documents[0].pk])  # loads the model
        started = time.perf_counter()
        done = embed_documents(document_ids=[document.pk for document in documents[1:]])
        seconds = time.perf_counter() - started
        mean_length = statistics.mean(len(v.title) + len(v.claim) for v in texts)
        self.results.append(
            f"| embedding | embed_documents, 1 thread: {done / seconds:.1f} documents/s per core "
            f"({done} fact-check titles and claims, mean {mean_length:.0f} characters) |"
        )
        print(self.results[-1], flush=True)

    def report(self) -> None:
        print("\n".join(self.results))


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines()[1:] if line.count("\t") >= 1]


if __name__ == "__main__":
    main()
