"""Embedding and scoring speed and memory, on one core: 30 German news sentences embedded in one batch, then
scored for check-worthiness and subjectivity, as the extraction does for an article.

    .venv/bin/python bench/bench_scoring.py [--runs 20] [--language en]

`--language en` takes the sentences of the English demo articles instead, which check-worthiness also scores with
its lexical expert.

Prints the time to load the models, the median and p90 time per 30-sentence article over --runs runs (embedding
and scoring apart), and the process's peak resident memory with everything loaded.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("EMBEDDING_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims.analysis import scoring  # noqa: E402
from claims.analysis.documents import parse_plain_text  # noqa: E402
from claims.analysis.embeddings import embed_queries  # noqa: E402
from claims.analysis.sentences import split_sentences  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "de_sicherheitsgarantien_2025-08-15.txt"
DEMO = Path(__file__).resolve().parents[1] / "claims" / "demo"
SENTENCES = 30


def thirty_sentences(language: str) -> list[str]:
    """German: the sample's sentences, then the German demo articles'; English: the English demo articles'; repeated
    and cut at 30."""
    paths = [SAMPLE, *sorted(DEMO.glob("de_*.txt"))] if language == "de" else sorted(DEMO.glob("en_*.txt"))
    texts = [parse_plain_text(path.read_text("utf-8")).text for path in paths]
    sentences = [sentence.text for text in texts for sentence in split_sentences(text, language)]
    while len(sentences) < SENTENCES:
        sentences += sentences
    return sentences[:SENTENCES]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--language", choices=("de", "en"), default="de")
    args = parser.parse_args()

    sentences = thirty_sentences(args.language)
    languages = [args.language] * len(sentences)
    print(f"before loading models: peak_rss_mb {peak_rss_mb():.0f}")
    start = time.perf_counter()
    vectors = embed_queries(sentences[:1])
    scoring.score_checkworthiness(sentences[:1], vectors, languages[:1])
    scoring.score_subjectivity(sentences[:1], vectors, languages[:1])
    print(f"loading the embedding model and both scorers: {1000 * (time.perf_counter() - start):.0f} ms")

    embedding, scoring_times, total = [], [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        vectors = embed_queries(sentences)
        embedded = time.perf_counter()
        scoring.score_checkworthiness(sentences, vectors, languages)
        scoring.score_subjectivity(sentences, vectors, languages)
        done = time.perf_counter()
        embedding.append(1000 * (embedded - start))
        scoring_times.append(1000 * (done - embedded))
        total.append(1000 * (done - start))

    total.sort()
    print(f"sentences per article: {len(sentences)}, runs: {args.runs}")
    print(f"median_embed_ms: {statistics.median(embedding):.0f}")
    print(f"median_score_ms: {statistics.median(scoring_times):.1f}")
    print(f"median_ms: {statistics.median(total):.0f}")
    print(f"p90_ms: {total[int(0.9 * (len(total) - 1))]:.0f}")
    print(f"peak_rss_mb: {peak_rss_mb():.0f}")


if __name__ == "__main__":
    main()
