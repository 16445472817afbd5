"""Check-worthiness and subjectivity of sentences: small trained models, numpy only at run time.

Both models read the same input: a sentence's multilingual E5 query embedding (`embeddings.embed_queries`) and a
handful of linguistic features computed here from German and English word lists. The models were trained on
English (check-worthiness) and on German and English (subjectivity); the embeddings carry what they learnt across
languages, and each feature means the same thing in both languages so a German sentence is never out of
distribution for them.

For English, check-worthiness also mixes in a TF-IDF model of words and word pairs (`LexicalExpert`), learnt from the
same English debates; German and other languages are scored from the embedding alone.

A fragment that states no claim (a time stamp, a byline, a teaser: `states_no_claim`) scores 0 for
check-worthiness. The check-worthiness flag is set from the news threshold, chosen so the model flags a set share
of unlabelled news sentences; the model card has how, and the debate threshold it was measured with beside it.

The artifacts live in `claims/analysis/weights/` (see the model cards there) and are loaded once per process:
- `checkworthiness.npz`: always shipped; scoring without it is an installation error.
- `subjectivity.npz`: trained on CC BY-NC-SA data, so a deployment may leave it out; `score_subjectivity` then
  returns None and the rest of the extraction goes on.

Usage, with each sentence embedded once and the vectors shared with retrieval:

    vectors = embed_queries(texts)
    worthiness = score_checkworthiness(texts, vectors, languages)       # floats in [0, 1]
    flagged = worthiness >= checkworthiness_threshold()                 # the news threshold
    opinion = score_subjectivity(texts, vectors, languages)             # floats in [0, 1], or None
"""

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.analysis.weights import WEIGHTS_DIR

CHECKWORTHINESS = "checkworthiness"
SUBJECTIVITY = "subjectivity"

# Word lists per feature, German and English side by side, matched on lower-cased text at word boundaries.
# A sentence in another language is matched against both lists. Ambiguous forms are left out on purpose: German
# "wird" (future and passive), "soll" (obligation and hearsay), "Sie" (you and they), "meine" (my and mean).
FEATURE_WORDS = {
    "number_word": (
        r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?"
        r"|thousands?|millions?|billions?|trillions?|dozens?|half|twice|double|triple",
        r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|vierzig|fünfzig|hunderte?"
        r"|tausende?|million|millionen|milliarden?|billionen?|dutzend|dutzende|hälfte|doppelt|zweimal|dreifach",
    ),
    "percent": (r"percent|per cent|percentage", r"prozent|prozentpunkte?|prozentig"),
    "money": (
        r"dollars?|euros?|pounds?|cents?|budget|deficit|debt|taxe?s?|spending|salary|wages?",
        r"dollar|euro|pfund|cent|haushalt|defizit|schulden|steuern?|ausgaben|gehalt|löhne|lohn",
    ),
    "date": (
        r"january|february|march|april|june|july|august|september|october|november|december"
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last year|last week|since",
        r"januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
        r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|gestern|vergangenen jahr|letzten jahr|seit",
    ),
    "comparison": (
        r"more than|less than|fewer than|at least|most|least|highest|lowest|largest|biggest|smallest|record"
        r"|increased?|increases|decreased?|decreases|rose|risen|rises|fell|fallen|grew|grown|doubled|tripled"
        r"|cut|cuts|dropped|declined?",
        r"mehr als|weniger als|mindestens|meisten|wenigsten|höchsten?|niedrigsten?|größten?|kleinsten?|rekord"
        r"|gestiegen|steigt|stieg|gesunken|sinkt|sank|gewachsen|wächst|verdoppelt|verdreifacht|halbiert"
        r"|zugenommen|abgenommen|erhöht|gesenkt|gekürzt|anstieg|rückgang",
    ),
    "obligation": (
        r"should|must|ought|need to|needs to|have to|has to|got to|gotta",
        r"sollte|sollten|solltest|muss|müssen|müsse|müsste|müssten|musst|brauchen",
    ),
    "possibility": (
        r"could|would|might|may",
        r"könnte|könnten|würde|würden|dürfte|dürften|möchte|möchten",
    ),
    "first_singular": (
        r"i|me|my|mine|myself|i'm|i've|i'd|i'll",
        r"ich|mich|mir|mein|meinem|meinen|meiner|meines",
    ),
    "first_plural": (
        r"we|us|our|ours|ourselves|we're|we've|we'll|we'd",
        r"wir|uns|unser|unsere|unserem|unseren|unserer|unseres",
    ),
    "second_person": (r"you|your|yours|yourself|you're|you've", r"du|dich|dir|dein|deine|deinen|euch|euer|eure"),
    "hedge": (
        r"maybe|perhaps|probably|possibly|apparently|reportedly|allegedly|likely|seems?|seemed|appears?",
        r"vielleicht|wohl|vermutlich|wahrscheinlich|möglicherweise|offenbar|offensichtlich|angeblich"
        r"|anscheinend|scheint|scheinen",
    ),
    "speech": (
        r"said|says|say|told|tells|according to|stated|claimed|claims|announced|reported|reports|argued|insisted"
        r"|added|explained|warned",
        r"sagte|sagten|sagt|sage|erklärte|erklärt|betonte|betont|berichtet|berichtete|berichten|laut|zufolge"
        r"|nach angaben|teilte|mitteilte|behauptet|behauptete|kündigte|fügte|warnte|so der|so die",
    ),
    "stance": (
        r"think|believe|feel|hope|guess|suppose|wish|doubt|agree|disagree|opinion|frankly|honestly|clearly",
        r"glaube|glauben|denke|denken|finde|finden|hoffe|hoffen|wünsche|bezweifle|meinung|ehrlich|offen gesagt"
        r"|eindeutig|klar ist",
    ),
    "evaluative": (
        r"great|good|bad|terrible|wonderful|important|wrong|outrageous|disaster|ridiculous|fantastic|horrible"
        r"|amazing|shame|disgrace|absurd|unfortunately|fortunately|sadly",
        r"großartig|gut|gute|guter|schlecht|schlimm|schrecklich|wunderbar|wichtig|wichtige|falsch|empörend"
        r"|katastrophe|lächerlich|fantastisch|furchtbar|unglaublich|schande|skandal|absurd|leider|zum glück"
        r"|glücklicherweise",
    ),
    "negation": (
        r"not|never|no|nothing|nobody|none|cannot",
        r"nicht|nie|niemals|kein|keine|keinen|keinem|keiner|nichts|niemand",
    ),
    "courtesy": (
        r"thank|thanks|hello|good evening|good morning|welcome|ladies and gentlemen|congratulations?|applause",
        r"danke|dank|vielen dank|hallo|guten abend|guten morgen|guten tag|willkommen|meine damen und herren"
        r"|glückwunsch|herzlichen|beifall",
    ),
}
FEATURE_NAMES = (
    *FEATURE_WORDS,
    "digits",
    "year",
    "percent_sign",
    "currency_sign",
    "question",
    "exclamation",
)


def _word_pattern(alternatives: str) -> re.Pattern:
    # \w-boundaries that also hold for apostrophes ("i'm", "n't") and umlauts.
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])")


_PATTERNS = {
    name: {
        "en": _word_pattern(english),
        "de": _word_pattern(german),
        "other": _word_pattern(f"{english}|{german}"),
    }
    for name, (english, german) in FEATURE_WORDS.items()
}
_NEGATION = list(FEATURE_WORDS).index("negation")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")


# A time of day ("9:12 p.m.", "14.30 Uhr") or a clock-like figure: no claim in itself.
_TIME_OF_DAY = re.compile(
    r"(?<!\w)\d{1,2}(?:[:.]\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|am\b|pm\b|uhr\b|h\b)|(?<![\w.,])\d{1,2}:\d{2}(?![\d.,])",
    re.IGNORECASE,
)
# A word of two letters or more, or a figure ("5%", "1,4").
_CLAIM_WORD = re.compile(r"[^\W\d_]{2,}|\d+(?:[.,]\d+)*")
# Fewer words (of two letters or more, or figures) than this, times of day left out, and a "sentence" states no
# claim: a time stamp, a byline, a photo credit, a "Watch:" or "Mehr zum Thema" teaser.
MIN_CLAIM_WORDS = 4


def states_no_claim(text: str) -> bool:
    """True for a fragment that cannot hold a claim to check, in any language: fewer than MIN_CLAIM_WORDS words or
    figures once times of day are left out. Such a sentence scores 0 for check-worthiness, whatever the model reads
    in it (digits alone make a time stamp look like a statistic)."""
    return len(_CLAIM_WORD.findall(_TIME_OF_DAY.sub(" ", text))) < MIN_CLAIM_WORDS


def matched_word(feature: str, text: str, language: str) -> str | None:
    """The first word of a feature's list found in `text` ("wohl" for "hedge"), for the reasons a reviewer reads."""
    patterns = _PATTERNS[feature]
    match = patterns.get(language, patterns["other"]).search(text.lower())
    return match.group() if match else None


def linguistic_features(texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
    """One row of FEATURE_NAMES per text, float32 in [0, 1]: the same code on the training and the run-time side."""
    rows = np.zeros((len(texts), len(FEATURE_NAMES)), dtype=np.float32)
    for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
        lowered = text.lower()
        side = language if language in ("en", "de") else "other"
        values = [min(len(patterns[side].findall(lowered)), 2) / 2 for patterns in _PATTERNS.values()]
        # "n't" is glued to its verb, so no word boundary finds it.
        if side != "de" and "n't" in lowered:
            values[_NEGATION] = max(values[_NEGATION], 0.5)
        values += [
            min(len(_DIGITS.findall(text)), 3) / 3,
            float(bool(_YEAR.search(text))),
            float("%" in text),
            float(any(sign in text for sign in "$€£")),
            float("?" in text),
            float("!" in text),
        ]
        rows[i] = values
    return rows


# A word as scikit-learn's TfidfVectorizer reads one (its default token pattern): two word characters or more.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class LexicalExpert:
    """Logistic regression on TF-IDF of word unigrams and bigrams, mixed into the embedding model's probability.

    Its vocabulary was learnt in `languages` (English debates), so it speaks for texts in those only: on a German
    sentence it would find few words, say little and pull the score towards its prior, so German is scored by the
    embedding model alone (with a threshold of its own). The probability is `(1 - weight) * embedding model +
    weight * this`, the weight chosen by cross-validation. Features are computed as scikit-learn's
    `TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))` computes them: lower-cased, 1 + log(count), times the
    idf, scaled to unit length.
    """

    vocabulary: dict[str, int]
    idf: np.ndarray
    coefficients: np.ndarray
    bias: float
    weight: float
    languages: frozenset[str]

    @classmethod
    def from_arrays(cls, arrays, *, weight: float, languages: Sequence[str]) -> "LexicalExpert":
        """The expert from an artifact's `lexical_*` arrays (see the model card)."""
        return cls(
            vocabulary={term: index for index, term in enumerate(arrays["lexical_vocabulary"].tolist())},
            idf=arrays["lexical_idf"].astype(np.float64),
            coefficients=arrays["lexical_coefficients"].astype(np.float64),
            bias=float(arrays["lexical_bias"][0]),
            weight=float(weight),
            languages=frozenset(languages),
        )

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        logits = np.full(len(texts), self.bias, dtype=np.float64)
        for row, text in enumerate(texts):
            tokens = _TOKEN.findall(text.lower())
            terms = tokens + [f"{first} {second}" for first, second in zip(tokens, tokens[1:], strict=False)]
            counts = Counter(self.vocabulary[term] for term in terms if term in self.vocabulary)
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            values = (1 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[columns]
            logits[row] += values @ self.coefficients[columns] / np.linalg.norm(values)
        return 1 / (1 + np.exp(-np.clip(logits, -40, 40)))

    def mix(self, texts: Sequence[str], languages: Sequence[str], probabilities: np.ndarray) -> np.ndarray:
        """`probabilities` of the embedding model with this expert's mixed in, for the texts in its languages."""
        rows = [i for i, language in enumerate(languages) if language in self.languages]
        if rows:
            mixed = probabilities.copy()
            lexical = self.probabilities([texts[i] for i in rows])
            mixed[rows] = (1 - self.weight) * probabilities[rows] + self.weight * lexical
            return mixed
        return probabilities


@dataclass(frozen=True)
class Model:
    """A feed-forward classifier on [embedding, linguistic features]: logistic regression when it has one layer.

    Inputs are standardised with the training mean and scale, hidden layers use ReLU, the last layer a sigmoid.
    """

    name: str
    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    thresholds: dict[str, float]
    metadata: dict = field(repr=False)
    lexical: LexicalExpert | None = field(default=None, repr=False)

    def probabilities(self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str]) -> np.ndarray:
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if not len(texts) == len(languages) == embeddings.shape[0]:
            raise ValueError("texts, embeddings and languages must have one entry per sentence")
        inputs = np.hstack([embeddings, linguistic_features(texts, languages)])
        if inputs.shape[1] != self.mean.shape[0]:
            raise ValueError(f"{self.name} expects {self.mean.shape[0] - len(FEATURE_NAMES)}-dimensional embeddings")
        hidden = (inputs - self.mean) / self.scale
        for index, (weights, bias) in enumerate(self.layers):
            hidden = hidden @ weights + bias
            if index < len(self.layers) - 1:
                hidden = np.maximum(hidden, 0)
        logits = hidden[:, 0].astype(np.float64)
        probabilities = 1 / (1 + np.exp(-np.clip(logits, -40, 40)))
        return probabilities if self.lexical is None else self.lexical.mix(texts, languages, probabilities)

    def threshold(self, language: str) -> float:
        return self.thresholds.get(language, self.thresholds["default"])


@lru_cache(maxsize=8)
def load_model(name: str, weights_dir: Path = WEIGHTS_DIR) -> Model | None:
    """The model `name` from `weights_dir`, or None when its artifact is not there. Loaded once per process."""
    weights_path = Path(weights_dir) / f"{name}.npz"
    metadata_path = Path(weights_dir) / f"{name}.json"
    if not weights_path.exists() or not metadata_path.exists():
        return None
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    if tuple(metadata["features"]) != FEATURE_NAMES:
        raise RuntimeError(f"{weights_path} was trained with other linguistic features; retrain it.")
    with np.load(weights_path) as arrays:
        layers = tuple(
            (arrays[f"weights_{i}"].astype(np.float32), arrays[f"bias_{i}"].astype(np.float32))
            for i in range(metadata["layers"])
        )
        mean, scale = arrays["mean"].astype(np.float32), arrays["scale"].astype(np.float32)
        lexical = None
        if "lexical" in metadata:
            lexical = LexicalExpert.from_arrays(
                arrays, weight=metadata["lexical"]["weight"], languages=metadata["lexical"]["languages"]
            )
    return Model(name, mean, scale, layers, metadata["thresholds"], metadata, lexical)


def score_checkworthiness(
    texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str], *, weights_dir: Path = WEIGHTS_DIR
) -> np.ndarray:
    """Probability in [0, 1] that each sentence states something a fact-checker would check.

    `embeddings` are the sentences' `embed_queries` vectors, `languages` their ISO 639-1 codes.
    """
    model = load_model(CHECKWORTHINESS, weights_dir)
    if model is None:
        raise RuntimeError(f"The check-worthiness model is missing from {weights_dir}; it ships with the project.")
    probabilities = model.probabilities(texts, embeddings, languages)
    probabilities[[states_no_claim(text) for text in texts]] = 0.0
    return probabilities


def checkworthiness_threshold(language: str = "de", *, domain: str = "news", weights_dir: Path = WEIGHTS_DIR) -> float:
    """The score from which a sentence counts as check-worthy.

    `news` (what the extraction uses): set so that the model flags a chosen share of unlabelled news sentences; a
    language whose scores the lexical expert changes (English) has its own, the others share the default. `debates`:
    chosen by cross-validation on the debates the model learnt from, for measuring it there (`evaluate_extraction
    --ct24`). See the model card.
    """
    model = load_model(CHECKWORTHINESS, weights_dir)
    if model is None:
        raise RuntimeError(f"The check-worthiness model is missing from {weights_dir}; it ships with the project.")
    if domain == "news":
        return model.threshold(language)
    if domain not in model.thresholds:
        raise ValueError(f"The check-worthiness model has no threshold for {domain!r}.")
    return model.thresholds[domain]


def score_subjectivity(
    texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str], *, weights_dir: Path = WEIGHTS_DIR
) -> np.ndarray | None:
    """Probability in [0, 1] that each sentence is opinion rather than report; None without the artifact."""
    model = load_model(SUBJECTIVITY, weights_dir)
    return None if model is None else model.probabilities(texts, embeddings, languages)


def subjectivity_threshold(language: str = "de", *, weights_dir: Path = WEIGHTS_DIR) -> float | None:
    """The probability from which a sentence reads as opinion (chosen per language); None without the artifact."""
    model = load_model(SUBJECTIVITY, weights_dir)
    return None if model is None else model.threshold(language)
