"""`manage.py evaluate_matching`: claim matching measured on CheckThat! 2022 task 2A or 2B files.

The verified claims (fact-checks) go into the database twice, as the desk would hold them: as reviewed claims
(approved, with a verdict, in one article) and as registry documents (of one source). Each query becomes a claim: a
tweet (2A) of an article of its own, a debate's sentences (2B) of one article per debate. Then every query claim goes
through the proposers the `propose_sources` task runs (`EarlierClaimsProposer` and `RegistryDocumentsProposer`), and
their candidates, mapped back to fact-check ids, are scored against the qrels. Everything runs in one transaction that
is rolled back at the end: nothing stays behind. Rows that were already in the database take part in the search as
distractors but are left out of the rankings.
"""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from claims.analysis.documents import content_hash
from claims.analysis.embeddings import embed_passages, embed_queries, vector_bytes
from claims.models import Article, Claim, ClaimState, Document, Source, SourceKind, Verdict
from claims.proposing.earlier_claims import EarlierClaimsProposer
from claims.proposing.registry_documents import RegistryDocumentsProposer
from claims.retrieval.evaluation import (
    cache_dir,
    cached_embeddings,
    generic_document,
    matching_metrics,
    read_qrels,
    read_queries,
    read_vclaims,
)

# PolitiFact's ratings (2B) as the desk's verdicts; 2A's Snopes fact-checks carry no rating in the files.
VERDICTS = {
    "true": Verdict.CONFIRMED,
    "mostly-true": Verdict.CONFIRMED,
    "half-true": Verdict.MISLEADING,
    "barely-true": Verdict.MISLEADING,
    "mostly-false": Verdict.MISLEADING,
    "false": Verdict.FALSE,
    "pants-fire": Verdict.FALSE,
    "full-flop": Verdict.DISPUTED,
    "half-flip": Verdict.DISPUTED,
    "no-flip": Verdict.DISPUTED,
}
# The ranking is cut after this many candidates of the evaluation's own rows.
DEPTH = 5
GENERIC_DEPTH = 3
# Candidates asked of each proposer: rows already in the database may take some places.
ASKED = 20
SOURCE_KEY = "checkthat-evaluation"


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Measure claim matching on CheckThat! 2022 2A/2B files: --vclaims vclaims.jsonl --queries queries_SPLIT.tsv "
        "--qrels qrels_SPLIT.tsv. Loads the fact-checks as reviewed claims and as registry documents, ranks each "
        "query through the proposers, prints MAP@1, MAP@5, MRR, recall@1/3/5 and the generic-document rate (the "
        "largest share of queries whose top 3 holds the same fact-check). Runs in a transaction that is rolled back: "
        "the database is left as it was. Embeddings are cached under MATCHING_EMBEDDING_CACHE "
        "(default /tmp/factcheck-matching-embeddings)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vclaims", type=Path, required=True, metavar="vclaims.jsonl")
        parser.add_argument("--queries", type=Path, required=True, metavar="queries.tsv")
        parser.add_argument("--qrels", type=Path, required=True, metavar="qrels.tsv")
        parser.add_argument(
            "--via",
            choices=["both", "claims", "documents"],
            default="both",
            help="rank through the earlier-claims proposer, the registry-documents proposer, or both (default): "
            "a fact-check's scores from the two added up",
        )
        parser.add_argument(
            "--specificity",
            type=float,
            nargs="+",
            metavar="WEIGHT",
            help="the registry-documents proposer's specificity weight (default: the one it ships with); several "
            "values rank the queries once for each, on the same rows, for tuning on train or dev",
        )
        parser.add_argument(
            "--typical-similarity",
            type=float,
            nargs="+",
            metavar="COSINE",
            help="the mean cosine above which a document counts as typical of the article (default: the shipped one); "
            "several values as for --specificity",
        )
        parser.add_argument(
            "--min-score",
            type=float,
            nargs="+",
            metavar="SCORE",
            help="the lowest score a registry document is proposed with (default 0: every candidate is ranked); "
            "several values as for --specificity, to see what a threshold costs",
        )

    def handle(self, *args, vclaims, queries, qrels, via, specificity, typical_similarity, min_score, **options):
        try:
            verified = read_vclaims(vclaims)
            asked = read_queries(queries)
            relevant = read_qrels(qrels)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if not verified or not asked:
            raise CommandError("No fact-checks or no queries in the files.")
        started = time.monotonic()
        self.stderr.write(f"Embedding {len(verified):,} fact-checks and {len(asked):,} queries (cache: {cache_dir()})")
        passages = cached_embeddings(
            [_passage(v.title or v.claim, v.claim) for v in verified], kind="passage", embed=embed_passages
        )
        # The fact-checks as claims need query embeddings only when the earlier-claims proposer ranks.
        claim_vectors = [None] * len(verified)
        if via != "documents":
            claim_vectors = cached_embeddings([v.claim for v in verified], kind="query", embed=embed_queries)
        query_vectors = cached_embeddings([q.text for q in asked], kind="query", embed=embed_queries)
        self.stderr.write(f"Embeddings ready after {time.monotonic() - started:.0f} s")

        # One ranking per combination of the values asked for; without any, one ranking as shipped.
        variants = [
            {
                name: value
                for name, value in (("specificity", weight), ("typical_similarity", cosine), ("min_score", lowest))
                if value is not None
            }
            for weight in specificity or [None]
            for cosine in typical_similarity or [None]
            for lowest in min_score or [None]
        ]
        try:
            with transaction.atomic():
                loaded = self._load(verified, asked, passages, claim_vectors, query_vectors)
                results = [(variant, *self._rank(asked, *loaded, via, variant)) for variant in variants]
                raise Rollback
        except Rollback:
            pass
        answered = [query.id for query in asked if relevant.get(query.id)]
        self.stdout.write(
            f"{vclaims.parent.name}/{queries.name}: {len(verified):,} fact-checks, {len(asked):,} queries "
            f"({len(answered):,} with relevant fact-checks), ranked through {via}"
        )
        for variant, rankings, timings in results:
            if variant:
                shown = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in variant.items())
                self.stdout.write(f"-- {shown}")
            self._report(asked, relevant, answered, rankings, timings)

    def _report(self, asked, relevant, answered, rankings, timings):
        metrics = matching_metrics(rankings, relevant)
        timings = sorted(timings)
        if timings:
            self.stdout.write(
                f"proposal time per query: median {timings[len(timings) // 2] * 1000:.1f} ms, "
                f"95th percentile {timings[int(len(timings) * 0.95)] * 1000:.1f} ms"
            )
        misses = [query_id for query_id in answered if not set(rankings.get(query_id, [])[:DEPTH]) & relevant[query_id]]
        self.stdout.write(f"queries without a relevant fact-check in the top {DEPTH}: {len(misses):,}")
        for name, value in metrics.items():
            self.stdout.write(f"{name}: {value:.4f}")
        # The queries of a split are unrelated to one another, so the fact-check in the most top-3s should be in few:
        # the same figure as evaluate_proposals' rate over an article's claims, taken over the whole split.
        generic = generic_document((rankings.get(query.id, []) for query in asked), depth=GENERIC_DEPTH)
        if generic is not None:
            self.stdout.write(
                f"generic_document_rate: {generic.share:.4f} ({generic.item or '-'} in the top {GENERIC_DEPTH} of "
                f"{generic.count} of {generic.rankings} queries)"
            )

    def _load(self, verified, asked, passages, claim_vectors, query_vectors):
        """The fact-checks as documents and as reviewed claims, the queries as claims of their articles."""
        now = timezone.now()
        source, _created = Source.objects.update_or_create(
            key=SOURCE_KEY, defaults={"name": "CheckThat! evaluation", "kind": SourceKind.FACT_CHECKER, "active": True}
        )
        documents = Document.objects.bulk_create(
            Document(
                source=source,
                title=(v.title or v.claim)[:500],
                text=v.claim,
                language="en",
                embedding=vector_bytes(vector),
                embedded_at=now,
            )
            for v, vector in zip(verified, passages, strict=True)
        )
        checked = _article("\n".join(v.claim for v in verified), "CheckThat! fact-checks")
        claims = Claim.objects.bulk_create(
            Claim(
                article=checked,
                text=v.claim,
                start=start,
                end=start + len(v.claim),
                language="en",
                state=ClaimState.APPROVED,
                verdict=VERDICTS.get(v.verdict.lower(), Verdict.UNVERIFIABLE),
                embedding=None if vector is None else vector_bytes(vector),
            )
            for v, vector, start in zip(verified, claim_vectors, _starts(v.claim for v in verified), strict=True)
        )
        # A debate's sentences (2B) are claims of one article, as a transcript would arrive; each tweet (2A) is one.
        groups: dict[str, list[tuple]] = {}
        for q, vector in zip(asked, query_vectors, strict=True):
            groups.setdefault(_article_of(q.id), []).append((q, vector))
        query_claims = {}
        for group, members in groups.items():
            asking = _article("\n".join(q.text for q, _ in members), f"CheckThat! {group} {now:%Y%m%d%H%M%S%f}")
            made = Claim.objects.bulk_create(
                Claim(
                    article=asking,
                    text=q.text,
                    start=start,
                    end=start + len(q.text),
                    language="en",
                    embedding=vector_bytes(vector),
                )
                for (q, vector), start in zip(members, _starts(q.text for q, _ in members), strict=True)
            )
            query_claims.update({q.id: claim for (q, _), claim in zip(members, made, strict=True)})
        query_claims = [query_claims[q.id] for q in asked]
        by_document = {document.pk: v.id for document, v in zip(documents, verified, strict=True)}
        by_claim = {claim.pk: v.id for claim, v in zip(claims, verified, strict=True)}
        return query_claims, by_document, by_claim

    def _rank(self, asked, query_claims, by_document, by_claim, via, variant):
        proposers = []
        if via in ("both", "claims"):
            proposers.append(EarlierClaimsProposer(limit=ASKED, suggest_threshold=0, link_threshold=1))
        if via in ("both", "documents"):
            # Every candidate is ranked unless a variant asks for a threshold.
            proposers.append(RegistryDocumentsProposer(limit=ASKED, **{"min_score": 0, **variant}))
        # The first search loads the indexes; it is not what a claim waits for.
        for proposer in proposers:
            proposer.propose(query_claims[0])
        rankings, timings = {}, []
        for query, claim in zip(asked, query_claims, strict=True):
            total: dict[str, float] = {}
            started = time.monotonic()
            for proposer in proposers:
                for candidate in proposer.propose(claim):
                    vclaim_id = by_document.get(candidate.document_id) or by_claim.get(candidate.earlier_claim_id)
                    if vclaim_id is not None:
                        total[vclaim_id] = total.get(vclaim_id, 0.0) + candidate.score
            timings.append(time.monotonic() - started)
            rankings[query.id] = sorted(total, key=lambda vclaim_id: -total[vclaim_id])[:DEPTH]
        return rankings, timings


def _article_of(query_id: str) -> str:
    """2B's query ids name the debate and the line ("20170822_Trump_phoenix_0204"); 2A's name a tweet."""
    head, _, line = query_id.rpartition("_")
    return head if head and line.isdigit() else query_id


def _passage(title: str, text: str) -> str:
    # What claims.services.registry.embed_documents embeds for a document.
    return f"{title[:500]}. {text}"


def _starts(texts):
    start = 0
    for text in texts:
        yield start
        start += len(text) + 1


def _article(text: str, title: str) -> Article:
    return Article.objects.create(
        text=text,
        title=title,
        content_hash=content_hash(text + title),
        language="en",
        published_on=datetime.date.today(),
    )
