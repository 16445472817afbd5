"""Extraction speed and memory, on one core: the full analysis of a 30-sentence article (segmentation, tags,
attribution, embeddings, scoring) as the worker runs it, without the database.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_extraction.py [--runs 15] [--articles 100]

Prints the median and p90 time per article over --runs runs (after one warm-up run that loads the models), the
time split by step, and the process's resident memory after analysing --articles articles.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims.analysis import pipeline  # noqa: E402
from claims.analysis.documents import parse_plain_text  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "de_sicherheitsgarantien_2025-08-15.txt"
DEMO = Path(__file__).resolve().parents[1] / "claims" / "demo"


def thirty_sentence_article() -> str:
    """The German sample (14 sentences) and the German demo articles, cut at 30 sentences."""
    texts = [parse_plain_text(SAMPLE.read_text("utf-8")).text]
    texts += [parse_plain_text(path.read_text("utf-8")).text for path in sorted(DEMO.glob("de_*.txt"))]
    lines = "\n\n".join(texts).split("\n")
    while True:
        text = "\n".join(lines)
        count = len(pipeline.split_sentences(text, "de"))
        if count <= 30:
            break
        lines = lines[:-1]
    if count < 30:
        # Not enough text: repeat the sample's body until there are 30.
        body = texts[0].split("\n", 2)[2]
        while len(pipeline.split_sentences(text, "de")) < 30:
            text += "\n" + body
        sentences = pipeline.split_sentences(text, "de")[:30]
        text = text[: sentences[-1].end]
    return text


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args()

    text = thirty_sentence_article()
    sentences = len(pipeline.split_sentences(text, "de"))
    start = time.perf_counter()
    pipeline.analyse_article(text, language="de")
    print(f"first run (loads models): {1000 * (time.perf_counter() - start):.0f} ms")

    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        pipeline.analyse_article(text, language="de")
        timings.append(1000 * (time.perf_counter() - start))
    timings.sort()
    print(f"sentences per article: {sentences}")
    print(f"median_ms: {statistics.median(timings):.0f}")
    print(f"p90_ms: {timings[int(0.9 * (len(timings) - 1))]:.0f}")

    steps = {
        "split": lambda: pipeline.split_sentences(text, "de"),
        "tag": lambda: [pipeline.tag_sentence(s, "de") for s in pipeline.split_sentences(text, "de")],
        "embed": lambda: pipeline.embed_queries([s.text for s in pipeline.split_sentences(text, "de")]),
    }
    tagged = [pipeline.tag_sentence(s, "de") for s in pipeline.split_sentences(text, "de")]
    headlines = [s.is_headline for s in pipeline.split_sentences(text, "de")]
    # Names, quotations and the speaker model on tags already made: what attribution itself costs.
    steps["attribution_only"] = lambda: pipeline.attribute_sentences(tagged, headlines=headlines, language="de")
    for name, step in steps.items():
        runs = []
        for _ in range(max(3, args.runs // 3)):
            start = time.perf_counter()
            step()
            runs.append(1000 * (time.perf_counter() - start))
        label = "" if name == "attribution_only" else " (cumulative from splitting)"
        print(f"step_{name}_median_ms{label}: {statistics.median(runs):.1f}")

    for _ in range(args.articles):
        pipeline.analyse_article(text, language="de")
    print(f"rss_mb_after_{args.articles}_articles: {rss_mb():.0f}")


if __name__ == "__main__":
    main()
