"""Fusing the lexical and the semantic evidence for one row into one score in [0, 1]. Plain Python.

The mix is the cosine similarity plus a small share of the row's BM25 score relative to the best BM25 score of the
same search: the embeddings order the rows, and shared words break near-ties and lift rows that share rare words.
The lexical weight was chosen by MAP@5 on the CheckThat! 2022 2A and 2B *train* queries (tweets and debate
sentences against fact-checks) and checked on dev; devtest was not used (2A alone wanted less, 2B alone more; one
weight serves both). See docs/EVALUATION.md.

The mix then becomes the score a reviewer and the thresholds see:
- earlier claims: a logistic curve fitted (logistic regression, train queries of both tasks pooled) to the chance
  that the earlier claim is the same claim, so that "suggest" and "link automatically" thresholds are probabilities;
- registry documents: a document is evidence, not a paraphrase, and no labelled data says how likely a document is
  to help; the score is the mix rescaled linearly between a typical unrelated document's (0) and a near-duplicate's
  (1). It orders documents; it is not a probability.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Mix:
    lexical_weight: float
    # The cosine assumed for a row without an embedding (not embedded yet): a typical unrelated row's, so that such a
    # row needs its shared words to rank.
    unknown_similarity: float

    def value(self, *, similarity: float | None, lexical_score: float | None, best_lexical_score: float) -> float:
        relative = (lexical_score or 0.0) / best_lexical_score if best_lexical_score > 0 else 0.0
        cosine = self.unknown_similarity if similarity is None else similarity
        return cosine + self.lexical_weight * relative

    def score(self, *, similarity: float | None, lexical_score: float | None, best_lexical_score: float) -> float:
        return self.curve(
            self.value(similarity=similarity, lexical_score=lexical_score, best_lexical_score=best_lexical_score)
        )

    def curve(self, value: float) -> float:
        raise NotImplementedError


@dataclass(frozen=True)
class LogisticMix(Mix):
    slope: float
    intercept: float

    def curve(self, value: float) -> float:
        z = self.slope * value + self.intercept
        # Written to stay finite for any input.
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@dataclass(frozen=True)
class LinearMix(Mix):
    floor: float
    ceiling: float

    def curve(self, value: float) -> float:
        return min(max((value - self.floor) / (self.ceiling - self.floor), 0.0), 1.0)


# A claim's query embedding against documents' passage embeddings (title and text). E5 puts unrelated text at a
# cosine of about 0.75-0.80 and a paraphrase above 0.9.
DOCUMENTS = LinearMix(lexical_weight=0.08, unknown_similarity=0.80, floor=0.75, ceiling=0.95)
# A claim's query embedding against earlier claims' query embeddings.
REVIEWED_CLAIMS = LogisticMix(lexical_weight=0.08, unknown_similarity=0.80, slope=62.32, intercept=-60.39)
