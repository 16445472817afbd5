"""Property-based tests of the attribution over articles built from the patterns real news is made of.

Comparisons ("so gut wie <Name>", which once cost whole articles), quotations over several sentences and
paragraphs, doubled apostrophes as quote marks, unbalanced marks, look-ahead attributions, "laut"/"according to",
names the tagger does not know: whatever the mix, every sentence is attributed or left unattributed, none fails,
and a quotation never runs on into a new story.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.analysis.pipeline import analyse_article

FIRST = ["Anna", "Jonas", "Miriam", "Kevin", "Fatma", "Wolodymyr", "Ursula", "Li"]
LAST = ["Schwarzkopf", "Okonkwo", "Brandtner", "Yılmaz", "Kramp-Karrenbauer", "von der Heide", "Nguyen", "Messi"]
ROLES = ["Polizeisprecher", "Bürgermeisterin", "Gesundheitsministerin", "Trainer", "council leader", "spokeswoman"]
QUOTES = [('"', '"'), ("„", "“"), ("»", "«"), ("''", "''"), ("“", "”"), ("«", "»"), ("„", ""), ("", "“")]
GERMAN = [
    "Er spielt so gut wie {name}.",
    "Sie läuft so schnell wie {first}.",
    "Das Team ist nicht so stark wie {name} im Vorjahr.",
    "{role} {name} sagte, die Lage sei ruhig.",
    "Laut {role} {name} stieg die Zahl um 12 Prozent.",
    "{name} zufolge fehlen 300 Lehrkräfte.",
    "Nach Angaben von {name} wurden 40 Menschen verletzt.",
    "Das teilte {role} {name} am Montag mit.",
    "Die Zahlen seien falsch, teilte das Innenministerium mit.",
    "{open}Wir haben alles versucht. Es hat nicht gereicht.{close}",
    "{open}Das ist ein großer Tag für die Stadt{close}, sagte {name} der Zeitung Neuwalder Bote.",
    "Wie die Agentur Nordpress berichtet, soll der Vertrag unterschrieben sein.",
    "Er sagte: {open}Das war so nicht geplant.",
    "Die Sitzung dauerte drei Stunden.",
]
ENGLISH = [
    "He plays as well as {name}.",
    "{name} told reporters the plan would cost $2 billion.",
    "The plan will fail, said {name}, a retiree from Leeds.",
    "According to {name}, 40 people were injured.",
    "The office said in a statement that no one was hurt.",
    "{open}We did everything we could,{close} {role} {name} said.",
    "{open}It is over. We lost.{close}",
    "She said: {open}This was never the plan.",
    "The meeting lasted three hours.",
]


@pytest.fixture(scope="module")
def warm_models():
    """The first analysis loads the tagger, the name list and the speaker model."""
    analyse_article("Der Stadtrat hat den Haushalt beschlossen, sagte Petra Klein.", score=False)


HEADLINES = ["Neue Regeln für Radwege", "Council backs wind farm", "Streit um den Haushalt"]


@st.composite
def articles(draw) -> tuple[str, str]:
    language = draw(st.sampled_from(["de", "en"]))
    patterns = GERMAN if language == "de" else ENGLISH
    paragraphs = []
    for _ in range(draw(st.integers(1, 6))):
        sentences = []
        for _ in range(draw(st.integers(1, 4))):
            first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
            opening, closing = draw(st.sampled_from(QUOTES))
            sentences.append(
                draw(st.sampled_from(patterns)).format(
                    name=draw(st.sampled_from([f"{first} {last}", last, first])),
                    first=first,
                    role=draw(st.sampled_from(ROLES)),
                    open=opening,
                    close=closing,
                )
            )
        if draw(st.booleans()):
            paragraphs.append(draw(st.sampled_from(HEADLINES)))
        paragraphs.append(" ".join(sentences))
    return "\n".join(paragraphs), language


@settings(max_examples=60, deadline=datetime.timedelta(seconds=5))
@given(article=articles())
def test_every_sentence_of_an_article_of_real_patterns_is_attributed_without_failing(warm_models, article):
    text, language = article
    analysis = analyse_article(text, language=language, score=False)
    assert analysis.sentences
    for sentence in analysis.sentences:
        assert not sentence.attribution.failed, sentence.text
        assert text[sentence.start : sentence.end] == sentence.text
        if sentence.attribution.speaker:
            assert sentence.attribution.speaker.strip() == sentence.attribution.speaker


@settings(max_examples=40, deadline=datetime.timedelta(seconds=5))
@given(
    opening=st.sampled_from(["„", '"', "»", "''", "“"]),
    before=st.sampled_from(["Er sagte: ", "Sie rief ", "", "Der Trainer meinte: "]),
    headline=st.sampled_from(HEADLINES),
)
def test_an_unbalanced_quote_mark_does_not_stay_open_into_the_next_story(warm_models, opening, before, headline):
    text = f"{before}{opening}Das war so nicht geplant und wird auch nicht mehr passieren.\n{headline}\n"
    text += "Der Stadtrat hat am Donnerstag den Haushalt mit großer Mehrheit beschlossen."
    analysis = analyse_article(text, language="de", score=False)
    last = analysis.sentences[-1]
    assert last.attribution.is_direct_quote is False
    assert last.attribution.speaker is None
