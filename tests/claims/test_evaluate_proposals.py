"""`manage.py evaluate_proposals` on the sample registry: recall@k, MRR and generic-document lines, and nothing left
in the database."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article, Claim, Document, Proposal, Source
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD, SAMPLE_REGISTRY

pytestmark = pytest.mark.django_db


def test_recall_at_3_is_printed_and_the_database_is_left_as_it_was():
    out = io.StringIO()
    call_command(
        "evaluate_proposals",
        "--registry", str(SAMPLE_REGISTRY), "--gold", str(SAMPLE_GOLD), "--article", str(SAMPLE_ARTICLE),
        stdout=out,
    )  # fmt: skip
    metrics = dict(re.findall(r"^(\S+_\w+): ([0-9.]+)", out.getvalue(), flags=re.MULTILINE))
    assert set(metrics) == {
        f"{name}_{kind}" for name in ("recall@1", "recall@3", "recall@5", "MRR") for kind in ("sources", "documents")
    } | {"generic_document_rate"}
    assert float(metrics["recall@1_documents"]) <= float(metrics["recall@3_documents"])
    assert float(metrics["recall@3_documents"]) <= float(metrics["recall@5_documents"])
    assert re.search(
        r"^generic_document_rate: [0-9.]+ \([\w-]+ in the top 3 of \d+ of \d+ claims\)$", out.getvalue(), re.M
    )
    # Sources named by the claim, then the sources of its documents: 14 of the 14 gold sources; documents 12 of 12.
    assert float(metrics["recall@3_sources"]) >= 0.9
    assert float(metrics["recall@3_documents"]) >= 0.9
    # The German explainer was in the top 3 of 12 of the 14 claims (0.86); now 6 of 14 on SQLite (0.43) and 8 of 14
    # on PostgreSQL (0.57), whose full-text ranking differs from bm25s.
    assert float(metrics["generic_document_rate"]) <= 0.6
    assert "sentence 2: Wie die Nachrichtenagentur" in out.getvalue()
    for model in (Article, Claim, Source, Document, Proposal):
        assert not model.objects.exists()


def test_a_registry_without_gold_is_refused(tmp_path):
    registry = tmp_path / "registry.json"
    registry.write_text('{"sources": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="with a 'gold' list"):
        call_command(
            "evaluate_proposals", "--registry", str(registry), "--gold", str(SAMPLE_GOLD),
            "--article", str(SAMPLE_ARTICLE), stdout=io.StringIO(),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("registry_text", "gold_text", "message"),
    [
        ("[]", None, "is not a registry JSON object with a 'gold' list"),
        ('{"gold": [{"sentence": 99, "sources": [], "documents": []}]}', None, "names no sentence 0-13"),
        (None, '{"speaker": "x"}\n', "line 1 of the annotation lacks text"),
        (None, "", "the annotation has no line"),
        (None, "[" * 5000 + "]" * 5000, "line 1 of the annotation is not valid JSON"),
    ],
)
def test_input_of_the_wrong_shape_is_a_command_error_naming_it(tmp_path, registry_text, gold_text, message):
    registry, gold = SAMPLE_REGISTRY, SAMPLE_GOLD
    if registry_text is not None:
        registry = tmp_path / "registry.json"
        registry.write_text(registry_text, encoding="utf-8")
    if gold_text is not None:
        gold = tmp_path / "gold.jsonl"
        gold.write_text(gold_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command(
            "evaluate_proposals", "--registry", str(registry), "--gold", str(gold),
            "--article", str(SAMPLE_ARTICLE), stdout=io.StringIO(),
        )  # fmt: skip
