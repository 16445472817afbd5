"""Train the speaker model (claims/analysis/speakers.py) on annotated news, one model a language.

    python -m training.train_attribution [--eval-dir ../shared/eval] [--out-dir claims/analysis/weights]
                                         [--language en|de]

English: PolNeAR (2016 US election news; research use). German: REDEWIEDERGABE (German newspapers and magazines
1840-1919; CC BY-NC-SA 4.0, so the German model is too). Both are read from `--eval-dir` and never copied.

Every sentence of every training article goes through the same code that runs in production
(`attribution.analyse_speakers`): names, quotations, candidates, features. A candidate is positive when its name
ends in the same word as the annotated speaker of a content the sentence overlaps; sentences outside any content
teach the ranker nothing, and neither do sentences whose annotated speaker is a pronoun or a noun phrase
("officials"). The gate learns from every sentence whether it overlaps a content with a speaker. Both are logistic
regressions; since a candidate's features depend on who the model chose for the sentences before it ("the previous
speaker"), the model is refitted on its own choices. The ranker's C is chosen by its accuracy on dev, the gate's C
and threshold by the F1 of "this sentence attributes something" on dev. English also learns its verbs of saying
from PolNeAR's annotated cues.
"""

import argparse
import datetime
import json
import platform
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from claims.analysis import corpora, speakers
from claims.analysis.attribution import analyse_speakers
from claims.analysis.names import name_key
from claims.analysis.sentences import split_sentences, starts_paragraph
from claims.analysis.tagging import WordClass, tag_sentence
from training.checkthat import DEFAULT_EVAL_DIR, file_sha256

CORPORA = {"en": "polnear_attribution_en", "de": "redewiedergabe_de"}
LICENCES = {
    "en": "PolNeAR (LREC 2018), research corpus without a licence file: research use only",
    "de": "REDEWIEDERGABE corpus, CC BY-NC-SA 4.0: non-commercial use only, and so is this model",
}
C_GRID = (0.1, 1.0)
THRESHOLDS = np.round(np.arange(0.05, 0.9, 0.025), 3)
REFITS = 1
# A lemma is a verb of saying when PolNeAR annotates it as a cue this often, and at least this share of the times
# it occurs as a verb.
CUE_MIN_COUNT = 8
CUE_MIN_SHARE = 0.3


def prepare(articles: list[corpora.CorpusArticle], language: str) -> list[dict]:
    """Each article's sentences, tagged, with the gold of each: done once, the refits reuse it."""
    prepared = []
    for article in articles:
        sentences = split_sentences(article.text, language)
        tagged = [tag_sentence(sentence, language) for sentence in sentences]
        prepared.append(
            {
                "article": article,
                "tagged": tagged,
                "headlines": [s.is_headline for s in sentences],
                "paragraphs": [starts_paragraph(article.text, s.start) for s in sentences],
                "gold": [corpora.sentence_gold(article, s.start, s.end) for s in sentences],
            }
        )
    return prepared


def cue_lemmas(prepared: list[dict]) -> list[str]:
    """Lemmas PolNeAR annotates as cues ("said", "told", "according", "argued"), from the training part only."""
    cue, total = Counter(), Counter()
    for item in prepared:
        spans = [span for content in item["article"].contents for span in content.cue_spans]
        for tokens in item["tagged"]:
            for token in tokens:
                if token.word_class not in (WordClass.FINITE_VERB, WordClass.PARTICIPLE):
                    continue
                lemma = token.lemma.lower()
                total[lemma] += 1
                if any(a <= token.start < b for a, b in spans):
                    cue[lemma] += 1
    return sorted(
        lemma
        for lemma, count in cue.items()
        if count >= CUE_MIN_COUNT and count / total[lemma] >= CUE_MIN_SHARE and lemma.isalpha()
    )


def examples(prepared: list[dict], language: str, model: speakers.SpeakerModel) -> list[dict]:
    """One record a sentence, decoded with `model` as production decodes: its candidates' features with their
    labels, whether a named speaker is annotated ("scored"), whether it attributes anything ("attributed"), and
    what the gate needs."""
    records = []
    for item in prepared:
        analysed = analyse_speakers(
            item["tagged"],
            headlines=item["headlines"],
            language=language,
            paragraph_starts=item["paragraphs"],
            model=model,
        )
        previous_open = False
        usable = [result for result in analysed if result is not None]
        following = {id(a): b.context for a, b in zip(usable, usable[1:], strict=False)}
        for result, gold in zip(analysed, item["gold"], strict=True):
            if result is None:
                continue
            keys = {name_key(name) for name in gold.named_speakers}
            if result.context.headline:
                previous_open = False
            records.append(
                {
                    "candidates": [(c.features, int(c.key in keys)) for c in result.candidates],
                    "scored": bool(gold.named_speakers),
                    "attributed": any(content.speaker for content in gold.contents),
                    "context": result.context,
                    "following": following.get(id(result)),
                    "previous_open": previous_open,
                }
            )
            previous_open = result.gate >= model.gate_threshold
    return records


def fit(rows: list[tuple[dict, int]], c: float) -> tuple[DictVectorizer, LogisticRegression]:
    vectoriser = DictVectorizer(sparse=False)
    inputs = vectoriser.fit_transform([features for features, _ in rows])
    labels = np.array([label for _, label in rows])
    model = LogisticRegression(C=c, max_iter=5000).fit(inputs, labels)
    return vectoriser, model


def weights_of(vectoriser, model) -> tuple[dict[str, float], float]:
    weights = {name: round(float(w), 6) for name, w in zip(vectoriser.feature_names_, model.coef_[0], strict=True)}
    return weights, round(float(model.intercept_[0]), 6)


def ranker_rows(records: list[dict]) -> list[tuple[dict, int]]:
    """The ranker learns from sentences whose named speaker is annotated: who of the candidates it is."""
    return [row for record in records if record["scored"] for row in record["candidates"]]


def gate_rows(records: list[dict]) -> list[tuple[dict, int]]:
    rows = []
    for record in records:
        features = speakers.gate_features(
            record["context"], previous_open=record["previous_open"], following=record["following"]
        )
        rows.append((features, int(record["attributed"])))
    return rows


def evaluate(records: list[dict], model: speakers.SpeakerModel, threshold: float) -> dict[str, float]:
    """Sentence-level figures of one decoding: the ranker's accuracy alone, and with the gate at `threshold`."""
    ranked = right = opened = opened_right_attributed = attributed = false_alarms = unattributed = 0
    scored = 0
    for record in records:
        best = max(record["candidates"], key=lambda row: model.probability(row[0]), default=None)
        gate = model.gate(
            speakers.gate_features(
                record["context"], previous_open=record["previous_open"], following=record["following"]
            )
        )
        is_open = gate >= threshold and best is not None
        attributed += record["attributed"]
        unattributed += not record["attributed"]
        opened += is_open
        opened_right_attributed += is_open and record["attributed"]
        false_alarms += is_open and not record["attributed"]
        if record["scored"]:
            scored += 1
            ranked += bool(best and best[1])
            right += bool(best and best[1] and is_open)
    precision, recall, f1 = corpora.precision_recall_f1(
        opened_right_attributed, opened - opened_right_attributed, attributed - opened_right_attributed
    )
    return {
        "ranking_accuracy": ranked / max(scored, 1),
        "speaker_accuracy": right / max(scored, 1),
        "gate_precision": precision,
        "gate_recall": recall,
        "gate_f1": f1,
        "false_speaker_rate": false_alarms / max(unattributed, 1),
    }


def candidate_ceiling(records: list[dict]) -> float:
    """Share of scored sentences with the right speaker among the candidates at all."""
    scored = [record for record in records if record["scored"]]
    return sum(any(label for _, label in record["candidates"]) for record in scored) / max(len(scored), 1)


def train(language: str, eval_dir: Path, out_dir: Path, also: tuple[str, ...] = ()) -> dict:
    """`also`: other languages whose training parts are added to this one's (the features do not depend on the
    language); dev stays this language's."""
    folder = eval_dir / CORPORA[language]
    paths = {split: folder / f"{split}.jsonl" for split in ("train", "dev")}
    data = {split: corpora.read_corpus(path, language=language) for split, path in paths.items()}
    print(f"{language}: tagging {len(data['train'])} training and {len(data['dev'])} dev articles", file=sys.stderr)
    prepared = {split: prepare(articles, language) for split, articles in data.items()}
    extra = {}
    for other in also:
        extra_path = eval_dir / CORPORA[other] / "train.jsonl"
        paths[f"{other} train"] = extra_path
        extra[other] = prepare(corpora.read_corpus(extra_path, language=other), other)
    lemmas = cue_lemmas(prepared["train"]) if language == "en" else []
    model = replace(speakers.BUILT_IN, speech_lemmas=frozenset(lemmas))
    for refit in range(REFITS + 1):
        records = {split: examples(items, language, model) for split, items in prepared.items()}
        for other, items in extra.items():
            records["train"] = records["train"] + examples(items, other, model)
        # The ranker: C by its accuracy on dev.
        ranker_c = max(
            C_GRID,
            key=lambda c: evaluate(records["dev"], replace(model, **_ranker(fit(ranker_rows(records["train"]), c))), 0)[
                "ranking_accuracy"
            ],
        )
        model = replace(model, **_ranker(fit(ranker_rows(records["train"]), ranker_c)))
        # The gate, on the new ranker's scores: C and threshold by the F1 of "attributes anything" on dev.
        train_gate = gate_rows(records["train"])
        best = None
        for gate_c in C_GRID:
            weights, bias = weights_of(*fit(train_gate, gate_c))
            trial = replace(model, gate_weights=weights, gate_bias=bias)
            for threshold in THRESHOLDS:
                figures = evaluate(records["dev"], trial, float(threshold))
                if best is None or figures["gate_f1"] > best[0]:
                    best = (figures["gate_f1"], gate_c, float(threshold), weights, bias)
        _, gate_c, threshold, weights, bias = best
        model = replace(model, gate_weights=weights, gate_bias=bias, gate_threshold=threshold)
        figures = evaluate(records["dev"], model, threshold)
        print(
            f"{language} refit {refit}: ranker C={ranker_c} gate C={gate_c} threshold={threshold} dev "
            f"{ {k: round(v, 4) for k, v in figures.items()} } "
            f"candidate ceiling {candidate_ceiling(records['dev']):.3f}",
            file=sys.stderr,
        )
    record = {
        "language": language,
        "weights": dict(sorted(model.weights.items())),
        "bias": model.bias,
        "gate": {
            "weights": dict(sorted(model.gate_weights.items())),
            "bias": model.gate_bias,
            "threshold": model.gate_threshold,
        },
        "speech_lemmas": sorted(model.speech_lemmas),
        "training": {
            "command": f"python -m training.train_attribution --language {language}"
            + "".join(f" --also {other}" for other in also),
            "data": {str(path.relative_to(eval_dir)): file_sha256(path) for path in paths.values()},
            "licence": LICENCES[language],
            "articles": {split: len(articles) for split, articles in data.items()},
            "ranker_C": ranker_c,
            "gate_C": gate_c,
            "refits": REFITS,
            "dev_sentence_level": {k: round(v, 4) for k, v in figures.items()},
            "dev_candidate_ceiling": round(candidate_ceiling(records["dev"]), 4),
            "date": datetime.date.today().isoformat(),
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
        },
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"speakers_{language}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return record


def _ranker(fitted) -> dict:
    weights, bias = weights_of(*fitted)
    return {"weights": weights, "bias": bias}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--out-dir", type=Path, default=speakers.WEIGHTS_DIR)
    parser.add_argument("--language", choices=sorted(CORPORA), action="append")
    parser.add_argument(
        "--also", choices=sorted(CORPORA), action="append", default=[], help="add this language's training part"
    )
    args = parser.parse_args(argv)
    for language in args.language or sorted(CORPORA):
        train(language, args.eval_dir, args.out_dir, also=tuple(other for other in args.also if other != language))


if __name__ == "__main__":
    main()
