"""Who asserts each sentence, which outlet it is attributed to, and whether it quotes someone directly.

Read in article order so that context carries. Names come from the recogniser in names.py; which of them (or the
speaker the article was quoting, or the person a pronoun stands for) asserts a sentence is decided by the speaker
model in speakers.py, trained on annotated news; a short name ("Selenskyj") becomes the full name the article uses
elsewhere ("Wolodymyr Selenskyj"). Quotations are followed across sentences and paragraphs, never into a new
story. A sentence whose analysis fails is reported as failed and attributed to nobody; the article goes on.

One module, over 400 lines, because it is one pass over the article whose state (the last speaker, the open
quotation, the outlet last named) every step reads and writes; split, that state would cross module boundaries.
"""

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from claims.analysis import quotes, speakers
from claims.analysis.names import NameKind, find_names, name_key
from claims.analysis.quotes import QUOTE_MARKS
from claims.analysis.tagging import TaggedToken, WordClass

logger = logging.getLogger(__name__)

PRONOUNS = set(speakers.PRONOUNS)
# A quoted stretch this long is direct speech; shorter quotes mark names ('"Bloomberg"') or terms.
MIN_QUOTE_WORDS = 4
# Whether quoted words inside the writer's own clause make a direct quote. English news marks them as a mixed
# quotation (PolNeAR); German annotation counts any quoted speech as direct (REDEWIEDERGABE). Chosen on each
# corpus's dev part.
EMBEDDED_QUOTES_ARE_DIRECT = {"de": True, "en": False}

OUTLET_NOUNS = (
    "nachrichtenagentur",
    "agentur",
    "sender",
    "fernsehsender",
    "radiosender",
    "zeitung",
    "zeitschrift",
    "magazin",
    "sendung",
    "portal",
    "blatt",
    "newsletter",
    "news agency",
    "agency",
    "newspaper",
    "broadcaster",
    "network",
    "magazine",
    "channel",
    "station",
    "outlet",
    "daily",
    "paper",
    "programme",
    "program",
    "show",
)
# The last word of many outlets' names: "Eastmere Gazette", "Neuwalder Rundschau", "Sky News".
OUTLET_NAME_HEADS = frozenset(
    (
        "gazette times post herald tribune journal chronicle observer news rundschau zeitung allgemeine nachrichten "
        "kurier anzeiger tagblatt presse rundfunk tv radio"
    ).split()
)
# English titles are capitalised and tagged as names; they are not part of the person's name.
TITLES = frozenset(
    (
        "prime minister president chancellor secretary senator governor mayor councillor councilor dr dr. mr mr. mrs "
        "mrs. ms ms. sir lord lady judge general king queen pope chief leader director spokesman spokeswoman "
        "spokesperson professor prof. rep. sen. gov. vice deputy foreign health finance defence defense interior "
        "economy home attorney representative ambassador commissioner chairman chairwoman ceo bundeskanzler kanzler "
        "präsident präsidentin ministerin"
    ).split()
)
# Well-known outlets, so that "he told CNN" or "laut Reuters" cite an outlet even when the registry lacks it.
KNOWN_OUTLETS = {
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "dpa",
    "Bloomberg",
    "CNN",
    "BBC",
    "Fox News",
    "NBC",
    "CBS",
    "ABC",
    "MSNBC",
    "New York Times",
    "Washington Post",
    "Wall Street Journal",
    "Guardian",
    "Financial Times",
    "Politico",
    "Axios",
    "Spiegel",
    "Der Spiegel",
    "Zeit",
    "Die Zeit",
    "FAZ",
    "Süddeutsche Zeitung",
    "Bild",
    "ARD",
    "ZDF",
    "Tagesschau",
    "Welt",
    "Handelsblatt",
    "RT",
    "TASS",
    "Interfax",
    "RIA Nowosti",
    "Kyiv Independent",
    "Al Jazeera",
    "NZZ",
    "ORF",
    "SRF",
    "Deutschlandfunk",
    "n-tv",
    "RTL",
    "Focus",
    "Stern",
    "taz",
    "Tagesspiegel",
    "Le Monde",
    "El País",
    "Axel Springer",
    "Sky News",
    "CNBC",
    "NPR",
    "PBS",
    "The Times",
    "The Telegraph",
}


@dataclass(frozen=True)
class Attribution:
    speaker: str | None = None
    # The speaker as this sentence names them ("Selenskyj", "er"), when it names them at all.
    speaker_mention: str | None = None
    # "person", "organisation" or "" when the recogniser could not tell.
    speaker_kind: str = ""
    cited_outlet: str | None = None
    is_direct_quote: bool = False
    is_reported_speech: bool = False
    # How the speaker was found, as a reviewer would say it.
    how: str = ""
    # The analysis could not attribute this sentence (reported, never fatal to the article).
    failed: bool = False

    @property
    def asserted_by(self) -> str | None:
        """Who the sentence presents as asserting it: the speaker, else the outlet it is attributed to."""
        return self.speaker or self.cited_outlet


@dataclass
class SentenceSpeakers:
    """The speaker model's view of one sentence: every candidate with its features, and the one chosen."""

    context: speakers.SentenceContext
    candidates: list[speakers.Candidate]
    chosen: speakers.Candidate | None
    # The gate's probability that the sentence attributes what it says to somebody.
    gate: float = 0.0


def attribute_sentences(
    sentences: Sequence[Sequence[TaggedToken]],
    *,
    headlines: Sequence[bool],
    language: str,
    paragraph_starts: Sequence[bool] | None = None,
    known_outlets: Iterable[str] = (),
    known_speakers: Mapping[str, str] | None = None,
    model: speakers.SpeakerModel | None = None,
) -> list[Attribution]:
    """One attribution per sentence, read in article order.

    `paragraph_starts` tells which sentences begin a paragraph (a quotation left open at a paragraph's end goes on
    only where the next paragraph opens with a quote mark); `known_outlets` are outlet names and aliases from the
    registry; `known_speakers` maps aliases to canonical speaker names the desk already knows ("Selenskyj" ->
    "Wolodymyr Selenskyj").
    """
    outlets = {name.casefold(): name for name in (*KNOWN_OUTLETS, *known_outlets)}
    analysed = analyse_speakers(
        sentences,
        headlines=headlines,
        language=language,
        paragraph_starts=paragraph_starts,
        outlets=outlets,
        known_speakers=known_speakers,
        model=model,
    )
    canonical = _Canonicaliser(
        [
            _without_title(mention.text)
            for item in analysed
            if item is not None
            for mention in item.context.mentions
            if mention.kind is not NameKind.ORGANISATION
        ],
        known_speakers,
    )
    results: list[Attribution] = []
    for tokens, item in zip(sentences, analysed, strict=True):
        if item is None:
            results.append(Attribution(failed=True))
            continue
        try:
            results.append(_attribution(tokens, item, outlets, canonical, language))
        except Exception:
            logger.exception("attribution failed for one sentence; it is left unattributed")
            results.append(Attribution(failed=True))
    # A quotation over several sentences is attributed at its end: its first sentences get the speaker too.
    for index in range(len(results) - 1, 0, -1):
        current, item = results[index], analysed[index]
        if not current.speaker or item is None or not item.context.starts_inside_quote:
            continue
        earlier = results[index - 1]
        if earlier.speaker is None and earlier.is_direct_quote and not earlier.failed:
            results[index - 1] = replace(earlier, speaker=current.speaker, how="quote attributed at its end")
    return results


def analyse_speakers(
    sentences: Sequence[Sequence[TaggedToken]],
    *,
    headlines: Sequence[bool],
    language: str,
    paragraph_starts: Sequence[bool] | None = None,
    outlets: Mapping[str, str] | None = None,
    known_speakers: Mapping[str, str] | None = None,
    model: speakers.SpeakerModel | None = None,
) -> list[SentenceSpeakers | None]:
    """The speaker model over an article, sentence by sentence (None where a sentence could not be analysed).
    Training reads the candidates' features from here, so that it learns from exactly what runs."""
    model = model or speakers.load_model(language)
    outlets = outlets if outlets is not None else {name.casefold(): name for name in KNOWN_OUTLETS}
    known = set(known_speakers or ())
    paragraph_starts = paragraph_starts or [False] * len(sentences)
    contexts: list[speakers.SentenceContext | None] = []
    quoted = quotes.article_quotes(sentences, language=language, paragraph_starts=paragraph_starts, headlines=headlines)
    for tokens, headline, quoting in zip(sentences, headlines, quoted, strict=True):
        try:
            mentions = find_names(tokens, language, known=known, organisations=outlets)
            context = speakers.sentence_context(tokens, mentions, headline=headline, model=model, quotes=quoting)
            context.cited_outlet = _cited_outlet(tokens, outlets)
            contexts.append(context)
        except Exception:
            logger.exception("names failed for one sentence; it is left unattributed")
            contexts.append(None)
    names, kinds, frequency = _article_names([c for c in contexts if c is not None])
    results: list[SentenceSpeakers | None] = []
    last_speaker: speakers.Candidate | None = None
    last_person: speakers.Candidate | None = None
    previous_speaker: speakers.Candidate | None = None
    previous_open = False
    # Sentences that failed are not context for the others: the list the features index holds the rest.
    usable = [c for c in contexts if c is not None]
    position = 0
    for context in contexts:
        if context is None:
            results.append(None)
            previous_speaker = None
            continue
        try:
            if context.headline:
                last_speaker = previous_speaker = last_person = None
                previous_open = False
            found = speakers.candidates(
                usable,
                position,
                language=language,
                last_speaker=last_speaker,
                last_person=last_person,
                previous_speaker=previous_speaker,
                names=names,
                kinds=kinds,
                frequency=frequency,
                is_outlet=lambda name: _is_outlet_name(name, outlets),
            )
            for candidate in found:
                candidate.probability = model.probability(candidate.features)
            best = max(found, key=lambda c: c.probability, default=None)
            gate = model.gate(
                speakers.gate_features(
                    context,
                    previous_open=previous_open,
                    following=usable[position + 1] if position + 1 < len(usable) else None,
                )
            )
            following = usable[position + 1] if position + 1 < len(usable) else None
            previous_open = (gate >= model.gate_threshold and speakers.has_cue(context, following)) or _framed(
                found, following
            )
            chosen = best if best is not None and previous_open else None
            if previous_open:
                chosen = _pronoun_speaker(found) or chosen
            results.append(SentenceSpeakers(context, found, chosen, gate))
            previous_speaker = chosen
            if chosen is not None:
                last_speaker = chosen
                if chosen.kind is not NameKind.ORGANISATION and not _is_outlet_name(chosen.name, outlets):
                    last_person = chosen
        except Exception:
            logger.exception("the speaker model failed for one sentence; it is left unattributed")
            results.append(None)
            previous_speaker = None
        position += 1
    return results


SPEAKER_POSITIONS = ("before_verb", "before_verb_apposition", "after_verb", "according")


def _named_as_speaker(candidate: speakers.Candidate) -> bool:
    """The sentence itself puts this name in a speaker's place: subject of its verb of saying, after "according to"."""
    features = candidate.features
    return bool(features.get("in_sentence")) and any(features.get(p) for p in SPEAKER_POSITIONS)


def _framed(found: list[speakers.Candidate], following: speakers.SentenceContext | None) -> bool:
    """Whether the sentence is framed as somebody's words beyond doubt: a name stands as the subject of its verb of
    saying or after "according to", or the next sentence is an attribution frame that names one ("Das teilte das
    Ministerium mit."). Both corpora annotate such sentences as attributed nearly always, so the gate does not have
    to learn each frame from data that rarely shows it (19th-century German hardly says "laut")."""
    for candidate in found:
        features = candidate.features
        if _named_as_speaker(candidate):
            return True
        if (
            following is not None
            and features.get("next_speaker_position")
            and speakers.attributes_what_came_before(following)
        ):
            return True
    return False


def _pronoun_speaker(found: list[speakers.Candidate]) -> speakers.Candidate | None:
    """A pronoun that is the subject of the sentence's verb of saying ("sagte er", "she said") is the speaker, unless
    a name stands in a speaker's place itself. The corpora leave pronoun speakers unscored, so the ranker never
    learns this; whom the pronoun stands for is resolved in speakers.py."""
    if any(_named_as_speaker(c) for c in found):
        return None
    return next((c for c in found if c.features.get("pronoun_resolution")), None)


def _attribution(
    tokens: Sequence[TaggedToken],
    item: SentenceSpeakers,
    outlets: dict[str, str],
    canonical: "_Canonicaliser",
    language: str,
) -> Attribution:
    context, chosen = item.context, item.chosen
    direct_quote = _is_direct_quote(tokens, context, language)
    outlet = _cited_outlet(tokens, outlets)
    speaker = mention = how = None
    kind = ""
    if chosen is not None:
        if _is_outlet_name(chosen.name, outlets):
            outlet = outlet or outlets.get(chosen.name.casefold(), chosen.name)
        else:
            mention = chosen.mention
            speaker = canonical(_without_title(chosen.name))
            kind = "" if chosen.kind is NameKind.UNKNOWN else chosen.kind.value
            how = _how(chosen)
    return Attribution(
        speaker=speaker,
        speaker_mention=mention if speaker else None,
        speaker_kind=kind,
        cited_outlet=outlet,
        is_direct_quote=direct_quote,
        is_reported_speech=context.reported or bool(speaker and not direct_quote),
        how=how or "",
    )


def _how(candidate: speakers.Candidate) -> str:
    features = candidate.features
    if features.get("according"):
        return "named as the source"
    if features.get("pronoun_resolution") and "in_sentence" not in features:
        return "pronoun resolved to the last speaker"
    if features.get("in_sentence") and (features.get("before_verb") or features.get("after_verb")):
        return "named with the speech verb"
    if features.get("chain_quote"):
        return "quote continues the previous speaker's"
    if features.get("chain") and "in_sentence" not in features:
        return "continues the previous attribution"
    if features.get("next_speaker_position") and "in_sentence" not in features:
        return "named in the next sentence"
    return "the most likely speaker"


def _is_direct_quote(tokens: Sequence[TaggedToken], context: speakers.SentenceContext, language: str) -> bool:
    """Whether the sentence quotes somebody's words: a quotation that runs on into it, or a quoted stretch that
    opens the sentence or follows a colon or comma, when it is long (MIN_QUOTE_WORDS words) or a speech verb
    frames it ('"It's heartbreaking," Ryan said.'). Quoted words inside a clause ('vowed to punish "those who
    violate the rules"') quote a phrase into the writer's own sentence, a mixed quotation, not a direct one."""
    for start, end, words in _quoted_stretches(tokens, context):
        if words == 0:
            continue
        before = tokens[start - 1].text if start > 0 else ""
        leading = start == 0 or start == -1 or before in {":", ","} or EMBEDDED_QUOTES_ARE_DIRECT.get(language)
        if start == -1 and words > 0:
            return True
        if leading and words >= MIN_QUOTE_WORDS:
            return True
        # A short quotation is a statement when it opens the sentence and a verb of saying frames it, or when it
        # is the whole sentence; elsewhere it quotes a name or a term ('die Nachrichtenagentur "Bloomberg"').
        if (start <= 0 or before in {":", ","}) and (context.speech_verbs or end >= len(tokens) - 2):
            return True
    return False


def _quoted_stretches(tokens: Sequence[TaggedToken], context: speakers.SentenceContext) -> list[tuple[int, int, int]]:
    """(first token, last token, words) of each quoted stretch; a stretch open from before starts at -1."""
    stretches, start, words = [], (-1 if context.starts_inside_quote else None), 0
    for index, token in enumerate(tokens):
        inside = context.inside_quote[index]
        if inside and start is None:
            start, words = index, 0
        elif not inside and start is not None:
            stretches.append((start, index - 1, words))
            start = None
        if inside and token.text not in QUOTE_MARKS and token.word_class is not WordClass.PUNCTUATION:
            words += 1
    if start is not None:
        stretches.append((start, len(tokens) - 1, words))
    return stretches


def name_spans(tokens: Sequence[TaggedToken], language: str = "de") -> list[str]:
    """The names in a sentence, as written ("Ursula von der Leyen", "Alaska")."""
    return [mention.text for mention in find_names(tokens, language)]


def _article_names(contexts: Sequence[speakers.SentenceContext]):
    """For each name key: the fullest name the article uses, what kind of name it is, how often it is named."""
    texts: dict[str, Counter] = {}
    kinds: dict[str, Counter] = {}
    for context in contexts:
        for mention in context.mentions:
            key = name_key(mention.text)
            if key:
                texts.setdefault(key, Counter())[_without_title(mention.text)] += 1
                kinds.setdefault(key, Counter())[mention.kind] += 1
    names = {key: max(counter, key=lambda t: (len(t.split()), counter[t])) for key, counter in texts.items()}
    kind_of = {}
    for key, counter in kinds.items():
        known = [kind for kind in counter if kind is not NameKind.UNKNOWN]
        kind_of[key] = max(known, key=counter.__getitem__) if known else NameKind.UNKNOWN
    frequency = {key: sum(counter.values()) for key, counter in texts.items()}
    return names, kind_of, frequency


def _cited_outlet(tokens: Sequence[TaggedToken], outlets: dict[str, str]) -> str | None:
    """The outlet a sentence names as its origin: after an outlet noun ("Nachrichtenagentur 'Bloomberg'", "einer
    Sendung des US-Senders CNN"), or a known outlet next to a reporting word ("told CNN", "laut Reuters")."""
    for index, token in enumerate(tokens):
        if token.word_class is not WordClass.NOUN or not _is_outlet_noun(token):
            continue
        cursor = index + 1
        # Chains of outlet nouns: take the name after the last one.
        while cursor < len(tokens) and (
            tokens[cursor].word_class is WordClass.ARTICLE
            or tokens[cursor].text in QUOTE_MARKS
            or (tokens[cursor].word_class is WordClass.NOUN and _is_outlet_noun(tokens[cursor]))
        ):
            cursor += 1
        name = []
        # The outlet's name: the capitalised words after the noun, whatever the tagger makes of them ("der
        # Zeitung Neuwalder Bote", "the newspaper El Diario"), up to four.
        while (
            cursor < len(tokens)
            and len(name) < 4
            and (
                _is_name(tokens[cursor])
                or tokens[cursor].text.casefold() in outlets
                or _capitalised_word(tokens[cursor])
            )
        ):
            name.append(tokens[cursor].text)
            cursor += 1
        if name:
            text = " ".join(name)
            return outlets.get(text.casefold(), text)
        # A quoted name joined to the outlet noun: 'der "Bild"-Zeitung'.
        if token.text.startswith("-") and index >= 3 and tokens[index - 1].text in QUOTE_MARKS:
            text = tokens[index - 2].text
            return outlets.get(text.casefold(), text)
    for index, token in enumerate(tokens):
        # "told the Eastmere Gazette": capitalised words ending like an outlet's name, next to a reporting word.
        if index == 0 or not token.is_capitalised or token.lower not in OUTLET_NAME_HEADS:
            continue
        first = index
        while first > 0 and tokens[first - 1].is_capitalised and tokens[first - 1].text not in QUOTE_MARKS:
            first -= 1
        if first < index and _near_reporting_word(tokens, first, index + 1):
            text = " ".join(t.text for t in tokens[first : index + 1])
            return outlets.get(text.casefold(), text)
    for index in range(len(tokens)):
        for length in (3, 2, 1):
            candidate = " ".join(t.text for t in tokens[index : index + length]).casefold()
            if candidate in outlets and _near_reporting_word(tokens, index, index + length):
                return outlets[candidate]
    return None


def _is_outlet_name(mention: str, outlets: dict[str, str]) -> bool:
    return mention.casefold() in outlets or mention.split()[-1].casefold() in OUTLET_NAME_HEADS


def _without_title(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].casefold() in TITLES:
        words = words[1:]
    return " ".join(words)


def _is_outlet_noun(token: TaggedToken) -> bool:
    word = token.lemma.lower().removesuffix("s")
    return word.rsplit("-", 1)[-1] in OUTLET_NOUNS or token.lower in OUTLET_NOUNS


def _near_reporting_word(tokens: Sequence[TaggedToken], first: int, end: int) -> bool:
    before = [t.lower for t in tokens[max(0, first - 3) : first]]
    if any(word in {"laut", "told", "to", "von", "with", "zufolge"} for word in before[-1:]) or before[-2:] == [
        "according",
        "to",
    ]:
        return True
    window = range(max(0, first - 3), min(len(tokens), end + 3))
    return any(i not in range(first, end) and speakers.is_speech_verb(tokens, i) for i in window)


class _Canonicaliser:
    """Maps a name as written to the fullest form the article (or the desk's speaker list) uses for that person."""

    def __init__(self, names: Iterable[str], known: Mapping[str, str] | None):
        self.known = {alias.casefold(): name for alias, name in (known or {}).items()}
        self.full_names = Counter(name for name in names if " " in name)

    def __call__(self, mention: str) -> str:
        if mention.casefold() in self.known:
            return self.known[mention.casefold()]
        words = mention.split()
        # The longest name in the article that ends like this one ("Wolodymyr Selenskyj" for "Selenskyj"), most
        # frequent first; never one that only contains it ("FBI" is not "FBI criticism").
        key = name_key(mention)
        candidates = [
            name
            for name in self.full_names
            if name != mention
            and name_key(name) == key
            and (name.endswith(" " + mention) or (len(words) == 1 and words[0] in name.split()))
        ]
        if not candidates:
            return mention
        return max(candidates, key=lambda name: (self.full_names[name], len(name)))


def _is_name(token: TaggedToken) -> bool:
    # A lower-case word is never a name, whatever the tagger thinks ("sage" read as the noun "Sage").
    return token.word_class is WordClass.NAME and token.is_capitalised and token.text not in QUOTE_MARKS


def _capitalised_word(token: TaggedToken) -> bool:
    return token.is_capitalised and token.text.replace("-", "").isalpha() and token.word_class is not WordClass.ARTICLE
