"""Speed of the lexical side's words (`claims.retrieval.text.terms`): what the in-process index computes for every
row it indexes and every claim it looks up, on one core.

    .venv/bin/python bench/bench_lexical_terms.py [--runs 5]

The texts are the 33,481 CheckThat! 2022 fact-checks (title and claim) and the 997 tweets of 2A train (many with
links), read from ../shared/eval. Prints the median and every run's time for all texts under the English
configuration, and microseconds per text.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from claims.retrieval import text as words  # noqa: E402
from claims.retrieval.evaluation import read_queries, read_vclaims  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def texts() -> list[str]:
    """Each fact-check as the lexical index reads it (title and claim), then the tweets."""
    found = [
        f"{verified.title} {verified.claim}"
        for task in ("ct22_claimretrieval_2a_en", "ct22_claimretrieval_2b_en")
        for verified in read_vclaims(EVAL / task / "vclaims.jsonl")
    ]
    return found + [query.text for query in read_queries(EVAL / "ct22_claimretrieval_2a_en" / "queries_train.tsv")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corpus = texts()
    runs = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for text in corpus:
            words.terms(text, words.ENGLISH)
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs)
    print(
        f"{len(corpus):,} texts: median {median:.3f} s ({median / len(corpus) * 1e6:.1f} us per text); "
        f"runs {', '.join(f'{run:.3f}' for run in runs)}"
    )


if __name__ == "__main__":
    main()
