"""`manage.py evaluate_proposals`: how often the proposals put a registry's gold sources and documents in the top 3.

Imports the registry, ingests the article, extracts its claims and proposes sources for each, through the same
services the worker runs, all inside one transaction that is rolled back at the end: the database is left as it was.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.models import Claim
from claims.services import extraction, registry
from claims.services.ingest import ingest
from claims.services.proposals import propose_sources, request_proposals

TOP = 3


class Command(BaseCommand):
    help = (
        "Measure source proposals against a registry's gold: prints recall@3_sources and recall@3_documents "
        "(the share of gold sources and documents ranked in the top 3 of their sentence's claim). Nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--registry", type=Path, required=True, help="registry JSON with a 'gold' list")
        parser.add_argument("--gold", type=Path, required=True, help="the article's sentence annotation (JSONL)")
        parser.add_argument("--article", type=Path, required=True, help="the article (text)")

    def handle(self, *args, registry, gold, article, **options):
        try:
            registry_data = json.loads(registry.read_text("utf-8"))
            gold_lines = [json.loads(line) for line in gold.read_text("utf-8").splitlines() if line.strip()]
            content = article.read_bytes()
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the input: {exc}") from None
        expected = registry_data.get("gold") or []
        if not expected:
            raise CommandError(f"{registry} has no 'gold' list.")
        with transaction.atomic():
            ranked = self._propose(registry_data, content)
            transaction.set_rollback(True)
        found = {"sources": [0, 0], "documents": [0, 0]}
        for entry in expected:
            text = gold_lines[entry["sentence"]]["text"]
            ours = ranked.get(text, {"sources": [], "documents": []})
            self.stdout.write(f"sentence {entry['sentence']}: {text[:70]}")
            for kind in ("sources", "documents"):
                top = ours[kind][:TOP]
                hits = [key for key in entry[kind] if key in top]
                found[kind][0] += len(hits)
                found[kind][1] += len(entry[kind])
                if entry[kind]:
                    self.stdout.write(f"  {kind:<9} gold {', '.join(entry[kind])}; top {TOP}: {', '.join(top) or '-'}")
        self.stdout.write("")
        for kind in ("sources", "documents"):
            hits, total = found[kind]
            self.stdout.write(f"recall@{TOP}_{kind}: {hits / total if total else 0:.4f}")

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
