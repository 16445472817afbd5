"""The check-worthiness and subjectivity models: shipped artifacts, numpy inference, German read like English."""

import dataclasses

import numpy as np
import pytest

from claims.analysis import scoring
from claims.analysis.embeddings import embed_passages, embed_queries

FACTUAL_DE = "Die Arbeitslosenquote ist im Juli laut Bundesagentur für Arbeit auf 6,3 Prozent gestiegen."
GREETING_DE = "Guten Abend, meine Damen und Herren, und herzlich willkommen."
OPINION_DE = "Ich finde, das ist eine wunderbare Stadt mit wunderbaren Menschen."
FACTUAL_EN = "According to the Federal Employment Agency, the unemployment rate rose to 6.3 percent in July."
GERMAN = [FACTUAL_DE, GREETING_DE, OPINION_DE]


def score(texts, languages, function=scoring.score_checkworthiness, **options):
    return function(texts, embed_queries(texts), languages, **options)


def test_both_artifacts_ship_with_the_project():
    for name in (scoring.CHECKWORTHINESS, scoring.SUBJECTIVITY):
        model = scoring.load_model(name)
        assert model is not None, name
        assert model.metadata["data_sha256"] and model.metadata["command"].startswith("python -m training.")


def test_the_subjectivity_model_card_says_non_commercial():
    assert "non-commercial" in scoring.load_model(scoring.SUBJECTIVITY).metadata["licence"]


def test_scores_are_probabilities_one_per_sentence():
    for function in (scoring.score_checkworthiness, scoring.score_subjectivity):
        scores = score(GERMAN, ["de"] * 3, function)
        assert scores.shape == (3,)
        assert np.all((scores >= 0) & (scores <= 1))


def test_scores_are_the_same_in_a_batch_and_alone_and_on_every_call():
    batch = score(GERMAN, ["de"] * 3)
    alone = [score([text], ["de"])[0] for text in GERMAN]
    np.testing.assert_allclose(batch, alone, atol=1e-6)
    np.testing.assert_array_equal(batch, score(GERMAN, ["de"] * 3))


def test_a_german_factual_claim_with_a_number_outscores_a_greeting_and_an_opinion():
    factual, greeting, opinion = score(GERMAN, ["de"] * 3)
    threshold = scoring.checkworthiness_threshold("de")
    assert factual >= threshold > max(greeting, opinion)


def test_opinion_wording_scores_as_more_subjective_than_a_report():
    factual, _greeting, opinion = score(GERMAN, ["de"] * 3, scoring.score_subjectivity)
    assert opinion > scoring.subjectivity_threshold("de") > factual


@pytest.mark.parametrize(
    "fragment",
    [
        "9:12 p.m.",
        "Updated 9:12 p.m. ET",
        "Stand: 14.30 Uhr",
        "Aug. 15, 2025",
        "Photo: AP",
        "By John Smith",
        "Watch: the debate",
        "Mehr zum Thema",
        "Lesen Sie auch:",
        "Thank you.",
    ],
)
def test_a_fragment_without_a_claim_scores_zero_in_either_language(fragment):
    assert scoring.states_no_claim(fragment)
    for language in ("de", "en"):
        assert score([fragment], [language])[0] == 0.0


@pytest.mark.parametrize(
    "claim",
    [
        "The deficit rose 5%.",
        "Unemployment fell to 4 percent.",
        "USA und Russland wohl einig über Sicherheitsgarantien",
        "Polls opened at 7 a.m. in all 88 counties of Ohio.",
        "Die Inflation stieg auf 6,3 Prozent.",
    ],
)
def test_a_short_claim_or_a_headline_without_a_verb_is_not_a_fragment(claim):
    assert not scoring.states_no_claim(claim)
    assert score([claim], ["en"])[0] > 0


def test_the_news_threshold_is_the_extractions_and_the_debate_threshold_is_recorded_beside_it():
    news = scoring.checkworthiness_threshold("de")
    assert news == scoring.checkworthiness_threshold("de", domain="news")
    # A language without a threshold of its own is scored by the embedding model alone, as German is.
    assert scoring.checkworthiness_threshold("fr") == news
    # News reads denser in reported facts than debates, so its threshold is the higher one (both in English, where
    # the debates are).
    assert scoring.checkworthiness_threshold("en") > scoring.checkworthiness_threshold("en", domain="debates")
    with pytest.raises(ValueError, match="no threshold for 'tweets'"):
        scoring.checkworthiness_threshold("de", domain="tweets")


def test_a_german_sentence_scores_like_its_english_translation():
    german, english = score([FACTUAL_DE, FACTUAL_EN], ["de", "en"])
    assert abs(german - english) < 0.15


def test_the_linguistic_features_mean_the_same_in_german_and_english():
    german = "Die Arbeitslosigkeit ist um 5 Prozent gestiegen, sagte der Minister, aber ich glaube das nicht."
    english = "Unemployment rose by 5 percent, the minister said, but I do not believe it."
    rows = scoring.linguistic_features([german, english], ["de", "en"])
    np.testing.assert_array_equal(rows[0], rows[1])
    named = dict(zip(scoring.FEATURE_NAMES, rows[0], strict=True))
    assert named["percent"] and named["comparison"] and named["speech"] and named["first_singular"]


def test_without_the_subjectivity_artifact_scoring_returns_none(tmp_path):
    texts = [FACTUAL_DE]
    assert score(texts, ["de"], scoring.score_subjectivity, weights_dir=tmp_path) is None
    assert scoring.subjectivity_threshold("de", weights_dir=tmp_path) is None


def test_without_the_checkworthiness_artifact_scoring_fails_loudly(tmp_path):
    with pytest.raises(RuntimeError, match="missing"):
        score([FACTUAL_DE], ["de"], weights_dir=tmp_path)


def test_texts_and_languages_must_pair_up():
    with pytest.raises(ValueError):
        scoring.score_checkworthiness(GERMAN, embed_queries(GERMAN), ["de"])


def test_embeddings_are_normalised_rows_and_an_empty_batch_is_empty():
    vectors = embed_passages(["Ein Satz.", "A sentence."])
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert embed_queries([]).shape == (0, 384)
    assert scoring.score_checkworthiness([], embed_queries([]), []).shape == (0,)


def lexical_expert(**overrides):
    values = {
        "vocabulary": {"rose": 0, "deficit": 1, "the deficit": 2, "die": 3},
        "idf": np.array([2.0, 1.5, 3.0, 1.0]),
        "coefficients": np.array([1.0, 2.0, -0.5, 4.0]),
        "bias": -0.25,
        "weight": 0.2,
        "languages": frozenset({"en"}),
    }
    return scoring.LexicalExpert(**{**values, **overrides})


def test_the_lexical_expert_reads_words_and_word_pairs_as_tfidf_with_sublinear_counts():
    # "The deficit rose, the deficit!": deficit twice, rose once, "the deficit" twice; "the" and the pairs "deficit
    # rose" and "rose the" are not in the vocabulary; "a" is a single letter and never a word.
    counts = np.array([1.0, 2.0, 2.0])
    values = (1 + np.log(counts)) * np.array([2.0, 1.5, 3.0])
    logit = -0.25 + values @ np.array([1.0, 2.0, -0.5]) / np.linalg.norm(values)
    expected = 1 / (1 + np.exp(-logit))
    (probability,) = lexical_expert().probabilities(["The DEFICIT rose, the deficit a!"])
    assert probability == pytest.approx(expected, abs=1e-12)


def test_a_text_without_a_word_of_the_vocabulary_gets_the_experts_prior():
    (probability,) = lexical_expert().probabilities(["Nothing known here."])
    assert probability == pytest.approx(1 / (1 + np.exp(0.25)))


def test_the_lexical_expert_is_mixed_in_for_its_languages_only():
    expert = lexical_expert()
    texts = ["The deficit rose.", "Die Schulden steigen."]
    embedding_model = np.array([0.9, 0.9])
    mixed = expert.mix(texts, ["en", "de"], embedding_model)
    lexical = expert.probabilities(texts[:1])[0]
    assert mixed[0] == pytest.approx(0.8 * 0.9 + 0.2 * lexical)
    # German keeps the embedding model's score, though "die" is an English word of the vocabulary.
    assert mixed[1] == 0.9
    assert embedding_model.tolist() == [0.9, 0.9]


def test_the_shipped_model_mixes_its_lexical_expert_into_english_scores_only():
    model = scoring.load_model(scoring.CHECKWORTHINESS)
    assert model.lexical is not None, "the model card says the shipped model mixes in a lexical expert"
    texts = [FACTUAL_EN, FACTUAL_DE]
    vectors, languages = embed_queries(texts), ["en", "de"]
    alone = dataclasses.replace(model, lexical=None).probabilities(texts, vectors, languages)
    shipped = model.probabilities(texts, vectors, languages)
    weight = model.lexical.weight
    expected = (1 - weight) * alone[0] + weight * model.lexical.probabilities(texts[:1])[0]
    assert shipped[0] == pytest.approx(expected, abs=1e-6)
    assert shipped[1] == pytest.approx(alone[1], abs=1e-7)
    assert scoring.checkworthiness_threshold("en") != scoring.checkworthiness_threshold("de")
