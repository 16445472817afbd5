"""`manage.py evaluate_proposals`: how often the proposals put a registry's gold sources and documents in the top 3.

Imports the registry, ingests the article, extracts its claims and proposes sources for each, through the same
services the worker runs, all inside one transaction that is rolled back at the end: the database is left as it was.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.analysis.evaluation import read_gold
from claims.models import Claim
from claims.retrieval.evaluation import generic_document, reciprocal_rank
from claims.services import extraction, registry
from claims.services.ingest import ingest
from claims.services.proposals import propose_sources, request_proposals

TOP = 3
DEPTHS = (1, 3, 5)


class Command(BaseCommand):
    help = (
        "Measure source proposals against a registry's gold: prints recall@1/3/5 of the gold sources and documents "
        "(the share ranked in the top k of their sentence's claim), their MRR (over the annotated sentences: one "
        "over the rank of the first gold item), and the generic-document rate (the largest share of the article's "
        "claims whose top 3 holds the same document). Nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--registry", type=Path, required=True, help="registry JSON with a 'gold' list")
        parser.add_argument("--gold", type=Path, required=True, help="the article's sentence annotation (JSONL)")
        parser.add_argument("--article", type=Path, required=True, help="the article (text)")

    def handle(self, *args, registry, gold, article, **options):
        try:
            registry_data = json.loads(registry.read_text("utf-8"))
            gold_lines = read_gold(gold.read_text("utf-8"), fields=("text",))
            content = article.read_bytes()
        except (OSError, ValueError, RecursionError) as exc:
            raise CommandError(f"Cannot read the input: {exc}") from None
        expected = registry_data.get("gold") if isinstance(registry_data, dict) else None
        if not expected or not isinstance(expected, list):
            raise CommandError(f"{registry} is not a registry JSON object with a 'gold' list.")
        for entry in expected:
            sentence = entry.get("sentence") if isinstance(entry, dict) else None
            if not isinstance(sentence, int) or not 0 <= sentence < len(gold_lines):
                raise CommandError(
                    f"{registry}: the gold entry {json.dumps(entry)[:80]} names no sentence 0-{len(gold_lines) - 1} "
                    f"of {gold}."
                )
        with transaction.atomic():
            ranked = self._propose(registry_data, content)
            transaction.set_rollback(True)
        gold_rankings = {"sources": {}, "documents": {}}
        for entry in expected:
            text = gold_lines[entry["sentence"]]["text"]
            ours = ranked.get(text, {"sources": [], "documents": []})
            self.stdout.write(f"sentence {entry['sentence']}: {text[:70]}")
            for kind in ("sources", "documents"):
                if entry[kind]:
                    gold_rankings[kind][entry["sentence"]] = (ours[kind], set(entry[kind]))
                    top = ", ".join(ours[kind][:TOP]) or "-"
                    self.stdout.write(f"  {kind:<9} gold {', '.join(entry[kind])}; top {TOP}: {top}")
        self.stdout.write("")
        for kind in ("sources", "documents"):
            for name, value in _metrics(gold_rankings[kind].values()).items():
                self.stdout.write(f"{name}_{kind}: {value:.4f}")
        generic = generic_document((ours["documents"] for ours in ranked.values()), depth=TOP)
        if generic is not None:
            self.stdout.write(
                f"generic_document_rate: {generic.share:.4f} ({generic.item or '-'} in the top {TOP} of "
                f"{generic.count} of {generic.rankings} claims)"
            )

    def _propose(self, registry_data: dict, content: bytes) -> dict[str, dict[str, list[str]]]:
        """For each claim's text, its proposed source keys and document keys, best first."""
        try:
            registry.import_registry(data=registry_data)
            registry.embed_documents()
            article = ingest(content=content).article
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        extraction.retry_extraction(article_id=article.pk, again=True)
        extraction.extract_claims(article_id=article.pk)
        ranked = {}
        for claim in Claim.objects.filter(article=article):
            request_proposals(claim_id=claim.pk)
            propose_sources(claim_id=claim.pk)
            proposals = claim.proposals.select_related("source", "document").order_by("-score", "pk")
            ranked[claim.text] = {
                "sources": [p.source.key for p in proposals if p.source_id],
                "documents": [p.document.key or str(p.document_id) for p in proposals if p.document_id],
            }
        return ranked


def _metrics(rankings) -> dict[str, float]:
    """recall@k pooled over the gold items (as a desk counts what it found), MRR over the sentences."""
    rankings = list(rankings)
    total = sum(len(gold) for _ranked, gold in rankings) or 1
    metrics = {f"recall@{k}": sum(len(set(ranked[:k]) & gold) for ranked, gold in rankings) / total for k in DEPTHS}
    metrics["MRR"] = sum(reciprocal_rank(ranked, gold) for ranked, gold in rankings) / (len(rankings) or 1)
    return metrics
