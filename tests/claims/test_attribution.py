"""Speaker, cited outlet and direct quote, sentence by sentence: plain Python, no database."""

import json

import pytest

from claims.analysis.attribution import attribute_sentences
from claims.analysis.documents import parse_plain_text
from claims.analysis.sentences import split_sentences
from claims.analysis.tagging import tag_sentence
from tests.conftest import SAMPLE_ARTICLE, SAMPLE_GOLD


def attribute(text: str, language: str, **kwargs):
    sentences = split_sentences(text, language)
    tagged = [tag_sentence(sentence, language) for sentence in sentences]
    return attribute_sentences(tagged, headlines=[s.is_headline for s in sentences], language=language, **kwargs)


@pytest.fixture(scope="module")
def sample():
    text = parse_plain_text(SAMPLE_ARTICLE.read_text("utf-8")).text
    gold = [json.loads(line) for line in SAMPLE_GOLD.read_text("utf-8").splitlines()]
    return attribute(text, "de"), gold


@pytest.mark.parametrize("field", ["speaker", "cited_source", "direct_quote"])
def test_the_sample_is_attributed_as_the_gold_says(sample, field):
    attributions, gold = sample
    ours = {
        "speaker": [a.speaker for a in attributions],
        "cited_source": [a.cited_outlet for a in attributions],
        "direct_quote": [a.is_direct_quote for a in attributions],
    }[field]
    assert ours == [line[field] for line in gold]


def test_a_pronoun_resolves_to_the_last_speaker_not_the_last_name(sample):
    attributions, _ = sample
    # Sentence 1 names Witkoff, Trump and Putin; "sagte er" in sentence 3 is Witkoff, who was speaking.
    assert attributions[3].speaker == "Steve Witkoff"
    assert attributions[3].speaker_mention == "er"
    assert "pronoun" in attributions[3].how


def test_a_short_name_becomes_the_full_name_used_elsewhere_in_the_article(sample):
    attributions, _ = sample
    assert attributions[6].speaker_mention == "Selenskyj"
    assert attributions[6].speaker == "Wolodymyr Selenskyj"


def test_title_variants_are_one_speaker():
    text = (
        'EU-Kommissionspräsidentin Ursula von der Leyen erklärte: "Wir stehen bereit, die Ukraine zu unterstützen."\n'
        "Die Hilfe müsse schnell kommen, sagte EU-Kommissionspräsident Ursula von der Leyen am Abend."
    )
    assert [a.speaker for a in attribute(text, "de")] == ["Ursula von der Leyen", "Ursula von der Leyen"]


def test_a_typo_in_the_speech_verb_does_not_break_attribution():
    text = '"Wir brauchen mehr Zeit für die Verhandlungen", sage Selenskyj.'
    assert attribute(text, "de")[0].speaker == "Selenskyj"


def test_known_speakers_map_aliases_to_the_desk_s_name():
    text = "Die Lage sei ernst, sagte Selenskyj."
    result = attribute(text, "de", known_speakers={"Selenskyj": "Wolodymyr Selenskyj"})
    assert result[0].speaker == "Wolodymyr Selenskyj"


def test_an_event_announcement_is_not_attributed():
    text = "Selenskyj will sich am Montag in Washington informieren lassen und über ein Ende des Krieges sprechen."
    assert attribute(text, "de")[0].speaker is None


def test_laut_names_an_institution_but_not_a_document():
    result = attribute(
        "Laut dem Statistischen Bundesamt stiegen die Preise um 2 Prozent.\n"
        "Laut Polizeibericht sank die Zahl der Unfälle um 40 Prozent.",
        "de",
    )
    assert [a.speaker for a in result] == ["Statistischen Bundesamt", None]


def test_german_outlets_are_cited_only_where_the_text_attributes_to_them():
    result = attribute(
        'Wie der "Spiegel" berichtet, plant die Regierung Kürzungen.\n'
        'Die Entlastung solle 30 Milliarden Euro betragen, sagte Merz der "Bild"-Zeitung.\n'
        "Der Spiegel liegt auf dem Tisch.",
        "de",
    )
    assert [(a.speaker, a.cited_outlet) for a in result] == [(None, "Spiegel"), ("Merz", "Bild"), (None, None)]


def test_english_attribution_before_and_after_the_verb():
    text = (
        "Council backs wind farm\n\n"
        '"Thirty turbines will produce more than we use," council leader Amara Okafor told the Eastmere Gazette. '
        "She said the town would save money.\n\n"
        "Prime Minister Keir Starmer said on Monday that inflation had fallen to 2 percent. "
        '"We have turned the corner," he told the BBC. '
        "The minister, John Smith, warned that the deficit was growing, Reuters reported. "
        "According to John Smith, taxes will rise. "
        "Unemployment fell by 3 percent last year."
    )
    result = [(a.speaker, a.cited_outlet, a.is_direct_quote) for a in attribute(text, "en")]
    assert result == [
        (None, None, False),
        ("Amara Okafor", "Eastmere Gazette", True),
        ("Amara Okafor", None, False),
        ("Keir Starmer", None, False),
        ("Keir Starmer", "BBC", True),
        ("John Smith", "Reuters", False),
        ("John Smith", None, False),
        (None, None, False),
    ]


def test_a_headline_starts_a_new_story_and_nothing_carries_into_it():
    text = (
        '"Wir werden den Haushalt sanieren", sagte Petra Lindqvist.\n'
        "Neue Regeln für Radwege\n"
        "Die Regeln sollen demnach ab Mai gelten."
    )
    assert [a.speaker for a in attribute(text, "de")] == ["Petra Lindqvist", None, None]


def test_a_quote_spanning_sentences_keeps_its_speaker():
    text = '"Wir haben viel erreicht. Aber die Arbeit ist noch nicht getan", sagte Lindqvist. Das Wetter war gut.'
    result = attribute(text, "de")
    assert [(a.speaker, a.is_direct_quote) for a in result] == [
        ("Lindqvist", True),
        ("Lindqvist", True),
        (None, False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Er spielt so gut wie Messi.",
        "Sie singt so schön wie Helene Fischer.",
        "Das Haus ist so alt wie die Kirche.",
        "He plays as well as Messi.",
    ],
)
def test_a_comparison_with_a_name_is_attributed_without_failing(text):
    result = attribute(text, "de" if " wie " in text else "en")
    assert len(result) == 1 and not result[0].failed


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Laut Polizeisprecher Kevin Schwarzkopf wurden drei Menschen verletzt.", "Kevin Schwarzkopf"),
        ("Nach Angaben von Anna Brandtner fehlen an den Schulen 300 Lehrkräfte.", "Anna Brandtner"),
        ("Brandtner zufolge fehlen an den Schulen 300 Lehrkräfte.", "Brandtner"),
        ("According to Miriam Okonkwo, 40 people were injured in the fire.", "Miriam Okonkwo"),
        ("Jonas Nguyen told reporters the bridge would cost $2 billion.", "Jonas Nguyen"),
        ("The bridge will never be finished, said Walter Briggs, a retiree from Leeds.", "Walter Briggs"),
    ],
)
def test_named_sources_in_the_frames_news_uses(text, speaker):
    language = "en" if text.split()[0] in {"According", "Jonas", "The"} else "de"
    assert attribute(text, language)[0].speaker == speaker


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Die Zahl der Einbrüche ist um 12 Prozent gestiegen. Das teilte Innenminister Jonas Brandtner mit.", "de"),
        ("Die Schule bleibt bis Freitag geschlossen. Das erklärte Bürgermeisterin Anna Okonkwo am Montag.", "de"),
    ],
)
def test_a_speaker_named_in_the_next_sentence_is_the_speaker_of_the_statement(text, language):
    result = attribute(text, language)
    assert result[1].speaker == result[0].speaker and result[0].speaker is not None


def test_a_quote_chain_moves_on_to_a_newly_introduced_speaker():
    text = (
        '"Wir haben alles versucht", sagte Trainerin Miriam Brandtner. '
        '"Die Mannschaft war besser", sagte Stürmer Jonas Okonkwo. '
        '"Es hat einfach nicht gereicht."'
    )
    speakers = [a.speaker for a in attribute(text, "de")]
    assert speakers[0] == "Miriam Brandtner"
    assert speakers[1] == "Jonas Okonkwo" and speakers[2] == "Jonas Okonkwo"


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Die Lage sei ernst, sagte er der Zeitung Neuwalder Bote.", "Neuwalder Bote"),
        ("Wie die Agentur Nordpress berichtet, ist der Vertrag unterschrieben.", "Nordpress"),
    ],
)
def test_an_outlet_outside_the_registry_is_cited_after_an_outlet_noun(text, outlet):
    assert attribute(text, "de")[0].cited_outlet == outlet


def test_a_first_name_and_an_unknown_surname_after_a_role_stay_one_name():
    text = "Polizeisprecherin Fatma Grzeskowiak sagte, die Lage sei ruhig."
    assert attribute(text, "de")[0].speaker == "Fatma Grzeskowiak"
