"""Train the check-worthiness model on CheckThat! 2024 Task 1 (English), widened with PolitiFact's checked claims.

    python -m training.train_checkworthiness [--eval-dir ../shared/eval] [--out-dir claims/analysis/weights]

Logistic regression on the E5 query embedding plus the bilingual linguistic features of
`claims.analysis.scoring`.

Why a time split: ct24 dev is a random sample of the same debates as train (F1 above 0.9 for every model tried),
while devtest comes from later debates, where scores drop, and the withheld test drops further (TF-IDF: 0.81 on
devtest, 0.59 on test).
Sentence ids follow the debates' order, so the training sentences from LATE_FROM on are held out as the
later-debates validation set: C and the threshold (best F1 of class Yes) are chosen there, on a model fitted on the
earlier debates, and that model is the one shipped, so its threshold is the one validated. Dev is reported as the
in-distribution figure; devtest is scored at the end and never used for a choice.

Why the PolitiFact claims: ct24 is US debate transcripts, where a check-worthy sentence is a candidate's own
factual claim and reported speech, plans and news phrasing hardly occur. The desk reads news, where most sentences
report who said or did what. A sample of claims that PolitiFact did check (`ct22_claimretrieval_2b_en`
vclaims, all check-worthy by definition, many in reported form) is added as positives so that form is not read
as "not check-worthy". Claims nearly identical to a ct24 dev or devtest sentence are left out, so neither
measurement sees its own sentences in training.
"""

import argparse
import csv
import datetime
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.preprocessing import StandardScaler

from claims.analysis.scoring import CHECKWORTHINESS, WEIGHTS_DIR, linguistic_features
from training.checkthat import DEFAULT_CACHE_DIR, DEFAULT_EVAL_DIR, embed_cached, file_sha256, read_tsv, write_model

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1)
# The first sentence id of the later debates held out for validation (the last 2,073 training sentences).
LATE_FROM = 30000
THRESHOLD_GRID = np.round(np.arange(0.20, 0.801, 0.01), 2)
POLITIFACT_SAMPLE = 3000
# Cosine similarity of E5 vectors above which two sentences say the same thing in other words.
NEAR_DUPLICATE = 0.93
PARALLEL_SENTENCES = Path(__file__).resolve().parent / "parallel_de_en.tsv"


def load_ct24(eval_dir: Path, cache_dir: Path, split: str) -> dict:
    path = eval_dir / "ct24_checkworthy_en" / f"{split}.tsv"
    rows = read_tsv(path)
    texts = [row["text"] for row in rows]
    return {
        "texts": texts,
        "embeddings": embed_cached(texts, cache_dir),
        "labels": np.array([row["label"] == "Yes" for row in rows], dtype=int),
        "ids": np.array([int(row["sentence_id"]) for row in rows]),
        "hashes": {f"ct24_checkworthy_en/{split}.tsv": file_sha256(path)},
    }


def load_politifact(eval_dir: Path, cache_dir: Path, seed: int, held_out: list[np.ndarray]) -> dict:
    path = eval_dir / "ct22_claimretrieval_2b_en" / "vclaims.jsonl"
    with path.open(encoding="utf-8") as handle:
        claims = [json.loads(line)["vclaim"] for line in handle]
    chosen = np.sort(np.random.default_rng(seed).choice(len(claims), POLITIFACT_SAMPLE, replace=False))
    texts = [claims[i] for i in chosen]
    embeddings = embed_cached(texts, cache_dir)
    similarity = np.max(np.hstack([embeddings @ vectors.T for vectors in held_out]), axis=1)
    keep = similarity < NEAR_DUPLICATE
    return {
        "texts": [text for text, kept in zip(texts, keep, strict=True) if kept],
        "embeddings": embeddings[keep],
        "labels": np.ones(int(keep.sum()), dtype=int),
        "hashes": {"ct22_claimretrieval_2b_en/vclaims.jsonl": file_sha256(path)},
        "dropped_near_duplicates": int((~keep).sum()),
    }


def subset(split: dict, mask: np.ndarray) -> dict:
    return {
        "texts": [text for text, kept in zip(split["texts"], mask, strict=True) if kept],
        "embeddings": split["embeddings"][mask],
        "labels": split["labels"][mask],
    }


def concatenate(first: dict, second: dict) -> dict:
    return {
        "texts": first["texts"] + second["texts"],
        "embeddings": np.vstack([first["embeddings"], second["embeddings"]]),
        "labels": np.concatenate([first["labels"], second["labels"]]),
    }


def inputs(split: dict, language: str = "en") -> np.ndarray:
    return np.hstack([split["embeddings"], linguistic_features(split["texts"], [language] * len(split["texts"]))])


def fit(train: dict, c: float) -> tuple[StandardScaler, LogisticRegression]:
    features = inputs(train)
    scaler = StandardScaler().fit(features)
    # Balanced classes put the decision near the middle of the scale, which reads better than a threshold of 0.2.
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(
        scaler.transform(features), train["labels"]
    )
    return scaler, model


def predict(scaler: StandardScaler, model: LogisticRegression, features: np.ndarray) -> np.ndarray:
    return model.predict_proba(scaler.transform(features))[:, 1]


def best_threshold(labels: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    scores = [f1_score(labels, probabilities >= threshold) for threshold in THRESHOLD_GRID]
    index = int(np.argmax(scores))
    return float(THRESHOLD_GRID[index]), float(scores[index])


def class_yes_metrics(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    predicted = probabilities >= threshold
    return {
        "precision_yes": round(float(precision_score(labels, predicted)), 4),
        "recall_yes": round(float(recall_score(labels, predicted)), 4),
        "f1_yes": round(float(f1_score(labels, predicted)), 4),
    }


def parallel_check(scaler, model, threshold: float, cache_dir: Path) -> dict[str, float]:
    """German against English on the same sentences: a model that reads German as English has no gap."""
    with PARALLEL_SENTENCES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    labels = np.array([row["check_worthy"] == "yes" for row in rows])
    scores = {}
    for language in ("de", "en"):
        texts = [row[language] for row in rows]
        split = {"texts": texts, "embeddings": embed_cached(texts, cache_dir)}
        scores[language] = predict(scaler, model, inputs(split, language))
    return {
        "sentences": len(rows),
        "mean_score_de_minus_en": round(float(np.mean(scores["de"] - scores["en"])), 4),
        "mean_absolute_gap": round(float(np.mean(np.abs(scores["de"] - scores["en"]))), 4),
        "accuracy_de": round(float(np.mean((scores["de"] >= threshold) == labels)), 4),
        "accuracy_en": round(float(np.mean((scores["en"] >= threshold) == labels)), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR, help="embedding cache (not the project)")
    parser.add_argument("--out-dir", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--seed", type=int, default=0, help="chooses the PolitiFact sample")
    args = parser.parse_args()

    splits = {split: load_ct24(args.eval_dir, args.cache_dir, split) for split in ("train", "dev", "devtest")}
    politifact = load_politifact(
        args.eval_dir, args.cache_dir, args.seed, [splits["dev"]["embeddings"], splits["devtest"]["embeddings"]]
    )
    earlier = splits["train"]["ids"] < LATE_FROM
    later = subset(splits["train"], ~earlier)
    train = concatenate(subset(splits["train"], earlier), politifact)
    print(
        f"training on {int(earlier.sum())} ct24 sentences of the earlier debates and {len(politifact['texts'])} "
        f"PolitiFact claims ({politifact['dropped_near_duplicates']} near-duplicates of dev/devtest left out); "
        f"validating on {len(later['texts'])} sentences of the later debates"
    )

    later_features = inputs(later)
    print("later debates, F1 of class Yes at the best threshold:")
    choices = {}
    for c in C_GRID:
        scaler, model = fit(train, c)
        choices[c] = (*best_threshold(later["labels"], predict(scaler, model, later_features)), scaler, model)
        print(f"  C={c:<6} F1 {choices[c][1]:.4f} at {choices[c][0]:.2f}")
    c = max(C_GRID, key=lambda value: choices[value][1])
    threshold, _, scaler, model = choices[c]
    print(f"chosen C={c}, threshold {threshold:.2f}")

    metrics = {
        name: class_yes_metrics(split["labels"], predict(scaler, model, inputs(split)), threshold)
        for name, split in (("later_debates", later), ("dev", splits["dev"]), ("devtest", splits["devtest"]))
    }
    metrics["parallel_de_en"] = parallel_check(scaler, model, threshold, args.cache_dir)
    for name, figures in metrics.items():
        print(f"{name}: " + "  ".join(f"{key} {value}" for key, value in figures.items()))

    write_model(
        args.out_dir,
        CHECKWORTHINESS,
        scaler=scaler,
        layers=[(model.coef_.T, model.intercept_)],
        # One threshold for every language: there is no German check-worthiness data to choose another on.
        thresholds={"default": threshold},
        metadata={
            "task": "probability that a sentence holds a factual claim worth checking (CheckThat! 2024 Task 1)",
            "licence": "trained on CheckThat! 2024 and 2022 lab data, released for research; see the model card",
            "trained_on": [
                f"ct24_checkworthy_en train, sentence ids below {LATE_FROM} (ids from {LATE_FROM} on validate)",
                f"{len(politifact['texts'])} claims of ct22_claimretrieval_2b_en vclaims as Yes (seed {args.seed})",
            ],
            "data_sha256": {
                name: digest for split in (*splits.values(), politifact) for name, digest in split["hashes"].items()
            },
            "hyperparameters": {
                "model": "logistic regression",
                "C": c,
                "class_weight": "balanced",
                "seed": args.seed,
            },
            "metrics": metrics,
            "trained_at": datetime.date.today().isoformat(),
        },
    )
    print(f"wrote {args.out_dir / CHECKWORTHINESS}.npz and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
