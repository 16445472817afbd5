"""Comparing the extraction with a fact-checker's sentence-by-sentence annotation (the samples' `*.gold.jsonl`)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from claims.analysis.pipeline import ArticleAnalysis, SentenceAnalysis

GOLD_FIELDS = ("speaker", "cited_source", "direct_quote", "check_worthy")


def read_gold(text: str, fields: Sequence[str] = ("text", *GOLD_FIELDS)) -> list[dict]:
    """The annotation's lines, one JSON object a line, each with `fields`; ValueError naming the line otherwise.
    An annotation without a line is an error too: every figure over it would read 0."""
    gold = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"line {number} of the annotation is not valid JSON") from None
        missing = [field for field in fields if not isinstance(row, dict) or field not in row]
        if missing:
            raise ValueError(f"line {number} of the annotation lacks {', '.join(missing)}")
        gold.append(row)
    if not gold:
        raise ValueError("the annotation has no line")
    return gold


@dataclass(frozen=True)
class GoldRow:
    index: int
    gold: dict
    ours: SentenceAnalysis | None

    def value(self, field: str):
        if self.ours is None:
            return None
        return {
            "speaker": self.ours.attribution.speaker,
            "cited_source": self.ours.attribution.cited_outlet,
            "direct_quote": self.ours.attribution.is_direct_quote,
            "check_worthy": self.ours.is_checkworthy,
        }[field]

    def right(self, field: str) -> bool:
        return self.ours is not None and self.value(field) == self.gold[field]


def compare_with_gold(analysis: ArticleAnalysis, gold: Sequence[dict]) -> tuple[list[GoldRow], dict[str, float]]:
    """Each gold line with the sentence we found for it (same text), and the share of gold lines we got right per
    field: `sentences_exact`, `speaker_accuracy`, `cited_source_accuracy`, `direct_quote_accuracy`,
    `check_worthy_accuracy`. A gold sentence we segmented differently counts as wrong in every field."""
    by_text: dict[str, list[SentenceAnalysis]] = {}
    for sentence in analysis.sentences:
        by_text.setdefault(sentence.text, []).append(sentence)
    rows = [
        GoldRow(index, line, by_text[line["text"]].pop(0) if by_text.get(line["text"]) else None)
        for index, line in enumerate(gold)
    ]
    total = len(rows) or 1
    metrics = {"sentences_exact": sum(row.ours is not None for row in rows) / total}
    for field in GOLD_FIELDS:
        metrics[f"{field}_accuracy"] = sum(row.right(field) for row in rows) / total
    return rows, metrics
