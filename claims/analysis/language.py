"""Language identification with py3langid, restricted to the languages a German and English desk meets.

Restricting the candidates makes short texts far less likely to be mistaken for a rare language.
"""

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The languages we analyse fully, and the others we recognise so that we never analyse them wrongly.
ANALYSED_LANGUAGES = ("de", "en")
KNOWN_LANGUAGES = (*ANALYSED_LANGUAGES, "fr", "es", "it", "nl", "pl", "uk", "ru", "tr", "pt", "da", "sv", "cs")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(KNOWN_LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language (one of KNOWN_LANGUAGES)."""
    return detect_language_with_confidence(text)[0]


def detect_language_with_confidence(text: str) -> tuple[str, float]:
    language, probability = _identifier().classify(text)
    return language, float(probability)
