"""The two attribution corpora (PolNeAR, English news; REDEWIEDERGABE, German newspapers), read into one form and
scored the way the held-out measurement scores a system.

Scoring rules (../shared/eval/README.md):
- every sentence the system produces gets the gold of the annotated contents it overlaps;
- direct quote: the flag against "overlaps a direct speech or writing content"; a sentence that overlaps only mixed
  or transcript contents, or only direct thought, is left out;
- speaker: over sentences whose gold speaker is named, right when the system's speaker and the gold speaker end in
  the same content word ("Angela Merkel" matches "Merkel"; titles and articles do not count). A sentence that
  overlaps several contents with named speakers is right when it matches one of them.

Plain Python: the training scripts and the `evaluate_extraction` command both use it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from claims.analysis.names import name_key

DIRECT = "direct"
# Contents that say nothing either way about a sentence's direct-quote flag.
UNSCORED = "unscored"
OTHER = "other"


@dataclass(frozen=True)
class Content:
    """One annotated stretch of what somebody said, wrote or thought, with who did."""

    spans: tuple[tuple[int, int], ...]
    quote: str  # DIRECT, UNSCORED or OTHER
    speaker: str | None = None
    speaker_kind: str | None = None  # named, pronoun or other
    speaker_span: tuple[int, int] | None = None
    # Where the verb of saying stands (PolNeAR annotates it; REDEWIEDERGABE does not).
    cue_spans: tuple[tuple[int, int], ...] = ()

    def overlaps(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.spans)


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    text: str
    language: str
    contents: tuple[Content, ...]


@dataclass(frozen=True)
class SentenceGold:
    """What the annotation says of one sentence the system produced."""

    start: int
    end: int
    # None where the direct-quote flag is not scored for this sentence.
    direct_quote: bool | None
    named_speakers: tuple[str, ...] = ()
    contents: tuple[Content, ...] = ()


def read_corpus(path: Path, *, language: str = "") -> list[CorpusArticle]:
    """Either corpus's JSON lines; the format is told by the keys, the language by the format unless given."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                articles.append(_article(row, language))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}, line {number}: not an attribution corpus record ({exc})") from None
    return articles


def _article(row: dict, language: str) -> CorpusArticle:
    if "attributions" in row:
        contents = tuple(_polnear_content(item) for item in row["attributions"])
        language = language or "en"
    elif "instances" in row:
        contents = tuple(_redewiedergabe_content(item) for item in row["instances"])
        language = language or "de"
    else:
        raise KeyError("attributions or instances")
    return CorpusArticle(id=str(row["id"]), text=row["text"], language=language, contents=contents)


def _polnear_content(item: dict) -> Content:
    quote = {"direct": DIRECT, "indirect": OTHER}.get(item["quote"], UNSCORED)
    cues = tuple(map(tuple, item.get("cue_spans") or ()))
    return Content(tuple(map(tuple, item["content"])), quote, *_speaker(item.get("source")), cue_spans=cues)


def _redewiedergabe_content(item: dict) -> Content:
    types, media = set(item["types"]), set(" ".join(item["media"]).split())
    # Direct thought ("dachte er: ...") is left out of the direct-quote score, like mixed quotes.
    quote = (DIRECT if media & {"speech", "writing"} else UNSCORED) if "direct" in types else OTHER
    return Content(tuple(map(tuple, item["spans"])), quote, *_speaker(item.get("speaker")))


def _speaker(source: dict | None) -> tuple[str | None, str | None, tuple[int, int] | None]:
    if not source:
        return None, None, None
    return source["text"], source.get("kind"), (source["start"], source["end"])


def sentence_gold(article: CorpusArticle, start: int, end: int) -> SentenceGold:
    contents = tuple(content for content in article.contents if content.overlaps(start, end))
    quotes = {content.quote for content in contents}
    if DIRECT in quotes:
        direct: bool | None = True
    elif quotes == {UNSCORED}:
        direct = None
    else:
        direct = False
    named = tuple(c.speaker for c in contents if c.speaker and c.speaker_kind == "named")
    return SentenceGold(start, end, direct, named, contents)


def precision_recall_f1(true_positives: int, false_positives: int, false_negatives: int) -> tuple[float, float, float]:
    """0 where a ratio has nothing to divide by, as scikit-learn reports it."""
    predicted, actual = true_positives + false_positives, true_positives + false_negatives
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / actual if actual else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def same_speaker(ours: str | None, gold: str | None) -> bool:
    mine = name_key(ours)
    return bool(mine) and mine == name_key(gold)


@dataclass
class Tally:
    """Counts from which the figures follow."""

    speaker_scored: int = 0
    speaker_right: int = 0
    quote_true_positive: int = 0
    quote_false_positive: int = 0
    quote_false_negative: int = 0
    quote_true_negative: int = 0
    sentences: int = 0
    failed_sentences: int = 0
    # (article id, sentence text, gold speakers, ours) for speaker errors, and (id, text, gold, ours) for quotes.
    speaker_errors: list[tuple[str, str, tuple[str, ...], str | None]] = field(default_factory=list)
    quote_errors: list[tuple[str, str, bool, bool]] = field(default_factory=list)

    def add(self, article_id: str, text: str, gold: SentenceGold, speaker: str | None, direct_quote: bool) -> None:
        self.sentences += 1
        if gold.named_speakers:
            self.speaker_scored += 1
            if any(same_speaker(speaker, name) for name in gold.named_speakers):
                self.speaker_right += 1
            else:
                self.speaker_errors.append((article_id, text, gold.named_speakers, speaker))
        if gold.direct_quote is None:
            return
        if direct_quote and gold.direct_quote:
            self.quote_true_positive += 1
        elif direct_quote:
            self.quote_false_positive += 1
        elif gold.direct_quote:
            self.quote_false_negative += 1
        else:
            self.quote_true_negative += 1
        if direct_quote != gold.direct_quote:
            self.quote_errors.append((article_id, text, gold.direct_quote, direct_quote))

    def metrics(self) -> dict[str, float]:
        precision, recall, f1 = precision_recall_f1(
            self.quote_true_positive, self.quote_false_positive, self.quote_false_negative
        )
        return {
            "speaker_accuracy": self.speaker_right / self.speaker_scored if self.speaker_scored else 0.0,
            "direct_quote_precision": precision,
            "direct_quote_recall": recall,
            "direct_quote_f1": f1,
        }

    def counts(self) -> dict[str, int]:
        return {
            "sentences": self.sentences,
            "speaker_scored": self.speaker_scored,
            "speaker_right": self.speaker_right,
            "direct_quote_tp": self.quote_true_positive,
            "direct_quote_fp": self.quote_false_positive,
            "direct_quote_fn": self.quote_false_negative,
            "direct_quote_tn": self.quote_true_negative,
            "failed_sentences": self.failed_sentences,
        }


def score_article(
    tally: Tally, article: CorpusArticle, sentences: Iterable[tuple[int, int, str, str | None, bool]]
) -> None:
    """Add one article's sentences, each (start, end, text, speaker, direct quote), to the tally."""
    for start, end, text, speaker, direct_quote in sentences:
        tally.add(article.id, text, sentence_gold(article, start, end), speaker, direct_quote)
