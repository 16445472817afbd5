"""The claim as a fact-check publishes it: the sentence without the clause that attributes it."""

import pytest

from claims.analysis.wording import without_attribution


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Die Inflation liege bei zehn Prozent, sagte er in einer Sendung des US-Senders CNN.",
            "de",
            "Die Inflation liege bei zehn Prozent.",
        ),
        ("„Die Inflation ist hoch“, sagte Merz.", "de", "Die Inflation ist hoch."),
        ("Merz sagte, die Steuern seien zu hoch.", "de", "Die Steuern seien zu hoch."),
        ("Die Regierung hat die Steuern erhöht, so Merz.", "de", "Die Regierung hat die Steuern erhöht."),
        ("Die Arbeitslosigkeit stieg, teilte das Amt am Montag mit.", "de", "Die Arbeitslosigkeit stieg."),
        ("Der Minister erklärte: Die Renten steigen um drei Prozent.", "de", "Die Renten steigen um drei Prozent."),
        ('"We will cut taxes by 20 percent," the senator said.', "en", "We will cut taxes by 20 percent."),
        ("According to Reuters, unemployment fell to 3 percent.", "en", "Unemployment fell to 3 percent."),
        ("Biden said that inflation had fallen to 3 percent.", "en", "Inflation had fallen to 3 percent."),
        ("Unemployment fell to 3 percent in May, he told CNN.", "en", "Unemployment fell to 3 percent in May."),
    ],
)
def test_the_attribution_clause_goes(text, language, expected):
    assert without_attribution(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Taking "Laut Bloomberg" away would leave a German sentence that starts with its verb.
        ("Laut Bloomberg ist die Inflation gestiegen.", "de"),
        ("Die Inflation ist 2023 um fünf Prozent gestiegen.", "de"),
        ("Unemployment fell, but prices rose to a record high in May.", "en"),
        # A language the tagger does not read is left alone.
        ("La inflación subió, dijo el ministro.", "es"),
    ],
)
def test_a_sentence_without_attribution_stays_as_it_is(text, language):
    assert without_attribution(text, language) == text
