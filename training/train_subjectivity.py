"""Train the subjectivity (opinion) model on CheckThat! 2025 Task 1, German and English together.

    python -m training.train_subjectivity [--eval-dir ../shared/eval] [--out-dir claims/analysis/weights]

Logistic regression on the E5 query embedding plus the bilingual linguistic features of
`claims.analysis.scoring`. The sets are small (about 800 training sentences per language), so C and the
per-language thresholds are chosen by stratified 5-fold cross-validation over train+dev, the final model is fitted
on train+dev, and devtest is scored once at the end. The data is CC BY-NC-SA 4.0: so is the artifact.
"""

import argparse
import datetime
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from claims.analysis.scoring import SUBJECTIVITY, WEIGHTS_DIR, linguistic_features
from training.checkthat import DEFAULT_CACHE_DIR, DEFAULT_EVAL_DIR, embed_cached, file_sha256, read_tsv, write_model

LANGUAGES = ("de", "en")
C_GRID = (0.0005, 0.001, 0.002, 0.005, 0.01)
THRESHOLD_GRID = np.round(np.arange(0.30, 0.701, 0.01), 2)
FOLDS = 5


def load_split(eval_dir: Path, cache_dir: Path, split: str) -> dict:
    texts, languages, labels, embeddings, hashes = [], [], [], [], {}
    for language in LANGUAGES:
        path = eval_dir / f"ct25_subjectivity_{language}" / f"{split}.tsv"
        rows = read_tsv(path)
        sentences = [row["sentence"] for row in rows]
        texts += sentences
        languages += [language] * len(rows)
        labels += [row["label"] == "SUBJ" for row in rows]
        embeddings.append(embed_cached(sentences, cache_dir))
        hashes[f"ct25_subjectivity_{language}/{split}.tsv"] = file_sha256(path)
    inputs = np.hstack([np.vstack(embeddings), linguistic_features(texts, languages)])
    return {"inputs": inputs, "labels": np.array(labels, dtype=int), "languages": np.array(languages), "hashes": hashes}


def fit(inputs: np.ndarray, labels: np.ndarray, c: float) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(inputs)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(scaler.transform(inputs), labels)
    return scaler, model


def predict(scaler: StandardScaler, model: LogisticRegression, inputs: np.ndarray) -> np.ndarray:
    return model.predict_proba(scaler.transform(inputs))[:, 1]


def macro_f1(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> float:
    return float(f1_score(labels, probabilities >= threshold, average="macro"))


def best_threshold(labels: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    scores = [macro_f1(labels, probabilities, threshold) for threshold in THRESHOLD_GRID]
    index = int(np.argmax(scores))
    return float(THRESHOLD_GRID[index]), scores[index]


def out_of_fold(data: dict, c: float, seed: int) -> np.ndarray:
    probabilities = np.zeros(len(data["labels"]))
    # Stratified by label and language, so every fold has both languages in their proportions.
    strata = [f"{label}{language}" for label, language in zip(data["labels"], data["languages"], strict=True)]
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(data["inputs"], strata):
        scaler, model = fit(data["inputs"][train], data["labels"][train], c)
        probabilities[test] = predict(scaler, model, data["inputs"][test])
    return probabilities


def evaluate(split: dict, scaler: StandardScaler, model: LogisticRegression, thresholds: dict) -> dict:
    probabilities = predict(scaler, model, split["inputs"])
    figures = {}
    for language in LANGUAGES:
        mask = split["languages"] == language
        figures[language] = round(macro_f1(split["labels"][mask], probabilities[mask], thresholds[language]), 4)
    return figures


def probe_figures(splits: dict, pooled: dict, seed: int) -> dict:
    """The plain probe beside the model: logistic regression on the E5 embedding alone, chosen the same way."""
    embedding_only = {key: splits_key(splits, key) for key in splits}
    pooled = {**pooled, "inputs": pooled["inputs"][:, :EMBEDDING_SIZE]}
    selection = {}
    for c in C_GRID:
        probabilities = out_of_fold(pooled, c, seed)
        selection[c] = {
            language: best_threshold(pooled["labels"][mask], probabilities[mask])
            for language in LANGUAGES
            if (mask := pooled["languages"] == language).any()
        }
    c = max(C_GRID, key=lambda value: np.mean([f1 for _, f1 in selection[value].values()]))
    thresholds = {language: threshold for language, (threshold, _) in selection[c].items()}
    scaler, model = fit(embedding_only["train"]["inputs"], embedding_only["train"]["labels"], c)
    dev = evaluate(embedding_only["dev"], scaler, model, thresholds)
    scaler, model = fit(pooled["inputs"], pooled["labels"], c)
    return {
        "C": c,
        "cross_validation_train_dev": {lang: round(f1, 4) for lang, (_, f1) in selection[c].items()},
        "dev_fitted_on_train": dev,
        "devtest": evaluate(embedding_only["devtest"], scaler, model, thresholds),
    }


EMBEDDING_SIZE = 384


def splits_key(splits: dict, split: str) -> dict:
    return {**splits[split], "inputs": splits[split]["inputs"][:, :EMBEDDING_SIZE]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR, help="embedding cache (not the project)")
    parser.add_argument("--out-dir", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    splits = {split: load_split(args.eval_dir, args.cache_dir, split) for split in ("train", "dev", "devtest")}
    pooled = {
        key: np.concatenate([splits["train"][key], splits["dev"][key]]) for key in ("inputs", "labels", "languages")
    }

    print(f"{FOLDS}-fold cross-validation on train+dev (macro-F1 at the best threshold per language):")
    selection = {}
    for c in C_GRID:
        probabilities = out_of_fold(pooled, c, args.seed)
        per_language = {}
        for language in LANGUAGES:
            mask = pooled["languages"] == language
            per_language[language] = best_threshold(pooled["labels"][mask], probabilities[mask])
        selection[c] = per_language
        figures = "  ".join(f"{lang} {f1:.3f} at {th:.2f}" for lang, (th, f1) in per_language.items())
        print(f"  C={c:<7} {figures}")
    c = max(C_GRID, key=lambda value: np.mean([f1 for _, f1 in selection[value].values()]))
    thresholds = {language: threshold for language, (threshold, _) in selection[c].items()}
    thresholds["default"] = float(np.mean(list(thresholds.values())))
    print(f"chosen C={c}, thresholds {thresholds}")

    metrics = {"cross_validation_train_dev": {lang: round(f1, 4) for lang, (_, f1) in selection[c].items()}}
    # The classic protocol as a second view: fitted on train alone, measured on dev.
    scaler, model = fit(splits["train"]["inputs"], splits["train"]["labels"], c)
    metrics["dev_fitted_on_train"] = evaluate(splits["dev"], scaler, model, thresholds)
    scaler, model = fit(pooled["inputs"], pooled["labels"], c)
    metrics["devtest"] = evaluate(splits["devtest"], scaler, model, thresholds)
    metrics["probe"] = probe_figures(splits, pooled, args.seed)
    for name, figures in metrics.items():
        if name != "probe":
            print(f"{name}: " + "  ".join(f"{lang} macro-F1 {f1:.3f}" for lang, f1 in figures.items()))
    print(f"probe (the embedding alone, same protocol): {metrics['probe']}")

    write_model(
        args.out_dir,
        SUBJECTIVITY,
        scaler=scaler,
        layers=[(model.coef_.T, model.intercept_)],
        thresholds=thresholds,
        metadata={
            "task": "probability that a sentence is subjective (opinion), not objective (CheckThat! 2025 Task 1)",
            "licence": "CC BY-NC-SA 4.0 (trained on the CheckThat! 2025 subjectivity data): non-commercial use only",
            "trained_on": ["ct25_subjectivity_de train+dev", "ct25_subjectivity_en train+dev"],
            "data_sha256": {name: digest for split in splits.values() for name, digest in split["hashes"].items()},
            "hyperparameters": {"model": "logistic regression", "C": c, "class_weight": "balanced", "seed": args.seed},
            "metrics_macro_f1": metrics,
            "trained_at": datetime.date.today().isoformat(),
        },
    )
    print(f"wrote {args.out_dir / SUBJECTIVITY}.npz and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
