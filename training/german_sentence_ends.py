"""How often the German rule that ends a sentence after a number (`claims.analysis.sentences`) cuts, on text with
known sentences and on running text, beside SoMaJo alone:

    .venv/bin/python -m training.german_sentence_ends [--eval-dir ../shared/eval]

Prints how many of the ct25 German subjectivity sentences (each one gold sentence) come out as more than one, with
and without the rule, and every cut the rule makes in the REDEWIEDERGABE training texts, with its context.
"""

import argparse
import csv
import json
from pathlib import Path

from claims.analysis import sentences

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


def without_rule(text: str) -> list:
    rule = sentences._split_after_numbers
    sentences._split_after_numbers = lambda tokens: [tokens]
    try:
        return sentences.split_sentences(text, "de")
    finally:
        sentences._split_after_numbers = rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = parser.parse_args()

    single = []
    for split in ("train", "dev", "devtest"):
        with open(args.eval_dir / "ct25_subjectivity_de" / f"{split}.tsv", encoding="utf-8", newline="") as file:
            single += [row["sentence"] for row in csv.DictReader(file, delimiter="\t")]
    with_cut = sum(len(sentences.split_sentences(text, "de")) > 1 for text in single)
    without_cut = sum(len(without_rule(text)) > 1 for text in single)
    print(f"ct25 German: {len(single)} single sentences, more than one with the rule {with_cut}, without {without_cut}")

    path = args.eval_dir / "redewiedergabe_de" / "train.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    cuts = []
    for text in texts:
        for line in text.split("\n"):
            for sentence in without_rule(line) if line.strip() else []:
                parts = sentences._split_after_numbers(sentence.tokens)
                for part in parts[:-1]:
                    at = part[-1].end - sentence.start
                    cuts.append(sentence.text[max(0, at - 60) : at + 40])
    print(f"REDEWIEDERGABE train: {len(texts)} texts, {len(cuts)} cuts by the rule")
    for cut in cuts:
        print(f"  ...{cut}...")


if __name__ == "__main__":
    main()
