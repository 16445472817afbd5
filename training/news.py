"""Unlabelled news sentences for calibrating the check-worthiness flag: PolNeAR's English election news.

The debates the model learns from have about a quarter check-worthy sentences and read unlike news, where most
sentences report who said or did what: a threshold chosen on debates flags most of a news article. The news
threshold is therefore set so that a chosen share of the sentences of some PolNeAR training articles is flagged,
and that share is measured on other articles (the rest of the sample and PolNeAR dev, a later month). The texts
are the publishers'; they are read from the shared folder and never copied into the project.
"""

import json
from pathlib import Path

import numpy as np

from claims.analysis import corpora
from claims.analysis.pipeline import analyse_article

POLNEAR = "polnear_attribution_en"


def polnear_sentences(eval_dir: Path, split: str, *, sample: int = 0, seed: int = 0) -> list[dict]:
    """Every analysed sentence of the split's articles (a seeded sample of `sample` articles when given), cut and
    attributed by the extraction itself: one dict per sentence with its article, publisher, text and headline flag.
    """
    articles = corpora.read_corpus(eval_dir / POLNEAR / f"{split}.jsonl", language="en")
    if sample and sample < len(articles):
        chosen = np.sort(np.random.default_rng(seed).choice(len(articles), sample, replace=False))
        articles = [articles[i] for i in chosen]
    rows = []
    for item in articles:
        analysis = analyse_article(item.text, language="en", score=False)
        for sentence in analysis.sentences:
            if sentence.analysed:
                rows.append(
                    {
                        "article": item.id,
                        "publisher": item.id.split("_", 1)[0],
                        "text": sentence.text,
                        "headline": sentence.is_headline,
                        "reported": sentence.attribution.is_reported_speech,
                        "direct": sentence.attribution.is_direct_quote,
                        "speaker": sentence.attribution.speaker,
                    }
                )
    return rows


def cached_sentences(eval_dir: Path, cache_dir: Path, split: str, *, sample: int = 0, seed: int = 0) -> list[dict]:
    """`polnear_sentences`, kept as JSON in the embedding cache (outside the project) after the first run."""
    cache = cache_dir / f"polnear-{split}-{sample}-{seed}-sentences.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    rows = polnear_sentences(eval_dir, split, sample=sample, seed=seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(rows), encoding="utf-8")
    return rows
