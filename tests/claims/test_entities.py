"""Numbers, dates and names in a sentence: plain Python, no database."""

from claims.analysis.entities import find_entities
from claims.analysis.sentences import split_sentences
from claims.analysis.tagging import tag_sentence


def entities(text: str, language: str):
    sentence = split_sentences(text, language)[0]
    return find_entities(sentence.text, tag_sentence(sentence, language))


def test_german_figures_with_units_and_scales():
    found = entities("Der Haushalt von 412 Millionen Euro steigt um zwei Prozentpunkte auf 18,5 Prozent.", "de")
    assert found.numbers == ["412 Millionen Euro", "zwei Prozentpunkte", "18,5 Prozent"]


def test_dates_are_not_counted_as_numbers():
    found = entities("Am 15. August 2025 kamen 9.000 Menschen, am Montag nur 1.200.", "de")
    assert found.dates == ["15. August 2025", "am Montag"]
    assert found.numbers == ["9.000 Menschen", "1.200"]


def test_english_figures_dates_and_names():
    found = entities("On Friday, council leader Amara Okafor said the 250 million pound farm opens in 2028.", "en")
    assert "250 million" in found.numbers[0]
    assert found.dates == ["On Friday", "2028"]
    assert "Amara Okafor" in found.names and "Friday" not in found.names


def test_names_keep_their_particles():
    assert entities("Ursula von der Leyen traf Wladimir Putin nicht.", "de").names == [
        "Ursula von der Leyen",
        "Wladimir Putin",
    ]
