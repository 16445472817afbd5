"""Who asserts each sentence, which outlet it is attributed to, and whether it quotes someone directly.

Rules over part-of-speech tags, read in article order so that context carries: a pronoun ("sagte er") resolves to
the last speaker, reported speech ("sollen demnach") and an unattributed quote continue the previous sentence's
attribution, a headline starts a new story, and a short name ("Selenskyj") becomes the full name the article uses
elsewhere ("Wolodymyr Selenskyj"). German and English; there is no named-entity model offline, so names are the
tagger's proper nouns.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from claims.analysis.tagging import TaggedToken, WordClass

# Verbs that introduce what somebody asserts, by lemma. Only finite forms and participles count: "will ...
# sprechen" announces an event, it attributes nothing.
SPEECH_LEMMAS = frozenset(
    (
        "sagen erklären betonen fordern berichten mitteilen teilen warnen ankündigen kündigen behaupten kritisieren "
        "versprechen bestätigen dementieren erläutern ergänzen hinzufügen fügen meinen schreiben antworten einräumen "
        "räumen unterstreichen verlangen beklagen vorwerfen werfen appellieren mahnen versichern bekräftigen "
        "verkünden klarstellen stellen hervorheben heben argumentieren melden zitieren twittern bestreiten zusagen "
        "sprechen nennen bezeichnen say tell state claim announce add argue warn insist explain report write demand "
        "confirm deny note stress urge tweet post allege admit promise declare assert maintain call describe"
    ).split()
)
# Separable and ambiguous lemmas count only with their particle or in a speech frame ("teilte ... mit").
NEEDS_PARTICLE = {
    "teilen": "mit",
    "kündigen": "an",
    "fügen": "hinzu",
    "räumen": "ein",
    "werfen": "vor",
    "stellen": "klar",
    "heben": "hervor",
}
# "sprechen", "nennen", "bezeichnen", "call" and "describe" attribute only when they come with a speaker right next
# to them ("sprach Merz von ..."), never as the subject-first frame of a whole sentence.
WEAK_SPEECH = frozenset("sprechen nennen bezeichnen call describe zusagen note add post maintain".split())
# Misspellings met in the field, by form ("sage" for "sagte" is also the Konjunktiv I of "sagen").
SPEECH_FORMS = frozenset("sage sagt sagte sagten sagen said says".split())

PRONOUNS = {"er", "sie", "he", "she"}
# Lower-case words inside names ("Ursula von der Leyen"); "der" and "den" only after one that starts a name part,
# so that "Ukraine der Allianz" stays two things.
NAME_PARTICLES = frozenset("von van de du da di del della zu ter al bin ibn le".split())
FOLLOWING_PARTICLES = {"der", "den", "dem", "de", "la", "zu"}
QUOTE_MARKS = frozenset('" „ “ ” « » ‹ ›'.split())
# A quoted stretch this long is direct speech; shorter quotes mark names ('"Bloomberg"') or terms.
MIN_QUOTE_WORDS = 4

ACCORDING_TO = {
    ("nach", "angaben", "von"),
    ("nach", "angaben", "des"),
    ("nach", "angaben", "der"),
    ("laut",),
    ("so",),
    ("according", "to"),
    ("wie",),
}
# Reported speech without a speech verb of its own continues the last attribution.
REPORTED_MARKERS = {"demnach", "zufolge", "reportedly", "allegedly", "angeblich"}
KONJUNKTIV_I = frozenset(
    (
        "sei seien müsse könne werde solle wolle dürfe gebe habe stehe liege gehe komme wisse bestehe brauche handle "
        "plane"
    ).split()
)

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
    cited_outlet: str | None = None
    is_direct_quote: bool = False
    is_reported_speech: bool = False
    # How the speaker was found, as a reviewer would say it.
    how: str = ""


@dataclass(frozen=True)
class _NameSpan:
    first: int
    last: int  # inclusive token index
    text: str


def attribute_sentences(
    sentences: Sequence[Sequence[TaggedToken]],
    *,
    headlines: Sequence[bool],
    language: str,
    known_outlets: Iterable[str] = (),
    known_speakers: Mapping[str, str] | None = None,
) -> list[Attribution]:
    """One attribution per sentence, read in article order.

    `known_outlets` are outlet names and aliases from the registry; `known_speakers` maps aliases to canonical
    speaker names the desk already knows ("Selenskyj" -> "Wolodymyr Selenskyj").
    """
    outlets = {name.casefold(): name for name in (*KNOWN_OUTLETS, *known_outlets)}
    spans = [_name_spans(tokens) for tokens in sentences]
    canonical = _Canonicaliser(
        [_without_title(span.text) for sentence_spans in spans for span in sentence_spans], known_speakers
    )
    results: list[Attribution] = []
    # Whether each sentence began inside a quotation opened before it.
    quote_runs: list[bool] = []
    last_speaker: str | None = None
    quote_open = False
    for tokens, sentence_spans, headline in zip(sentences, spans, headlines, strict=True):
        if headline:
            # A headline opens a new story: nothing carries over into it or out of the previous one.
            last_speaker, quote_open = None, False
        starts_inside_quote = quote_open
        direct_quote, quote_open = _quotes(tokens, quote_open)
        direct_quote = direct_quote or starts_inside_quote
        outlet = _cited_outlet(tokens, outlets)
        how, mention, speaker, found = "", None, None, False
        for how, mention in _speaker_candidates(tokens, sentence_spans, language):
            if _is_outlet_name(mention, outlets):
                outlet = outlet or outlets.get(mention.casefold(), mention)
                continue
            found = True
            if mention.lower() in PRONOUNS:
                speaker = last_speaker
                how = "pronoun resolved to the last speaker" if speaker else ""
            else:
                speaker = canonical(_without_title(mention))
            break
        reported = _is_reported(tokens)
        if speaker is None and not found and not outlet and last_speaker:
            if starts_inside_quote or (direct_quote and _opens_with_quote(tokens)):
                speaker, how = last_speaker, "quote continues the previous speaker's"
            elif reported:
                speaker, how = last_speaker, "reported speech continues the previous attribution"
        results.append(
            Attribution(
                speaker=speaker,
                speaker_mention=mention if speaker else None,
                cited_outlet=outlet,
                is_direct_quote=direct_quote,
                is_reported_speech=reported or bool(speaker and not direct_quote),
                how=how if speaker else "",
            )
        )
        if speaker:
            last_speaker = speaker
            # A quotation over several sentences is attributed at its end: its first sentences get the speaker too.
            if starts_inside_quote:
                for earlier in range(len(results) - 2, -1, -1):
                    if results[earlier].speaker or not results[earlier].is_direct_quote:
                        break
                    results[earlier] = replace(results[earlier], speaker=speaker, how="quote attributed at its end")
                    if not quote_runs[earlier]:
                        break
        quote_runs.append(starts_inside_quote)
    return results


def name_spans(tokens: Sequence[TaggedToken]) -> list[str]:
    """The names in a sentence, as written ("Ursula von der Leyen", "Alaska")."""
    return [span.text for span in _name_spans(tokens)]


def _name_spans(tokens: Sequence[TaggedToken]) -> list[_NameSpan]:
    """Proper nouns in a row, with lower-case particles inside a name ("Ursula von der Leyen")."""
    spans, index = [], 0
    while index < len(tokens):
        if not _is_name(tokens[index]):
            index += 1
            continue
        first = last = index
        cursor = index + 1
        while cursor < len(tokens):
            if _is_name(tokens[cursor]):
                last = cursor
                cursor += 1
                continue
            # Particles join a name only when a capitalised word follows them.
            particles = cursor
            if particles < len(tokens) and tokens[particles].text in NAME_PARTICLES:
                particles += 1
                while particles < len(tokens) and tokens[particles].text in FOLLOWING_PARTICLES:
                    particles += 1
            if particles > cursor and particles < len(tokens) and tokens[particles].is_capitalised:
                last = cursor = particles
                cursor += 1
                continue
            break
        spans.append(_NameSpan(first, last, " ".join(t.text for t in tokens[first : last + 1])))
        index = last + 1
    return spans


def _is_name(token: TaggedToken) -> bool:
    # A lower-case word is never a name, whatever the tagger thinks ("sage" read as the noun "Sage").
    return token.word_class is WordClass.NAME and token.is_capitalised and token.text not in QUOTE_MARKS


def _is_speech_verb(tokens: Sequence[TaggedToken], index: int, *, weak: bool = True) -> bool:
    token = tokens[index]
    if token.word_class not in (WordClass.FINITE_VERB, WordClass.PARTICIPLE) and token.lower not in SPEECH_FORMS:
        return False
    lemma = token.lemma.lower()
    if token.lower in SPEECH_FORMS:
        return True
    if lemma not in SPEECH_LEMMAS or (not weak and lemma in WEAK_SPEECH):
        return False
    particle = NEEDS_PARTICLE.get(lemma)
    return particle is None or any(t.lower == particle for t in tokens[index + 1 :])


def _speaker_candidates(
    tokens: Sequence[TaggedToken], spans: list[_NameSpan], language: str
) -> Iterator[tuple[str, str]]:
    """(how, mention) for everyone the sentence presents as asserting it, the most explicit first. A mention may
    still turn out to be an outlet ("Reuters reported"), which the caller sets aside."""
    by_first = {span.first: span for span in spans}
    by_last = {span.last: span for span in spans}
    # "Nach Angaben von Steve Witkoff", "laut Reuters", "according to John Smith", ", so Merz", "wie Merz sagte".
    for index in range(len(tokens)):
        for pattern in ACCORDING_TO:
            end = index + len(pattern)
            if tuple(t.lower for t in tokens[index:end]) != pattern:
                continue
            if pattern == ("so",) and (index == 0 or tokens[index - 1].text != ","):
                continue
            span = _span_after(tokens, end, by_first)
            if pattern == ("wie",):
                # "wie Merz sagte": only with the speech verb right after the name ("wie der Artikel 5" is not).
                if span and any(_is_speech_verb(tokens, i) for i in range(span.last + 1, span.last + 3)):
                    yield "named as the source", span.text
            elif span:
                yield "named as the source", span.text
            elif phrase := _institution_after(tokens, end):
                yield "named as the source", phrase
    for index in range(len(tokens)):
        if not _is_speech_verb(tokens, index):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        finite = tokens[index].word_class is WordClass.FINITE_VERB or tokens[index].lower in SPEECH_FORMS
        # German puts the verb second, so the speaker follows it: "sagte er", ", sage Selenskyj", "erklärte der
        # Präsident X". In English a name after "told" is the one spoken to, so only '"...," said Smith' counts.
        inverts = language == "de" or tokens[index].lemma.lower() in {"say", "add", "write"}
        if finite and inverts:
            if following and following.lower in PRONOUNS:
                yield "pronoun after the speech verb", following.text
            span = _span_after(tokens, index + 1, by_first)
            if span:
                yield "named with the speech verb", span.text
        # English names the speaker right before the verb, anywhere in the sentence: "council leader Amara
        # Okafor told ...", "The minister, John Smith, warned ...", '"...," he said'.
        if language != "de" and finite:
            before = index - 1
            if before >= 0 and tokens[before].text == ",":
                # "John Smith, warned" ends a name; "The minister, John Smith, warned" ends an apposition.
                if before - 1 in by_last:
                    yield "subject of the speech verb", by_last[before - 1].text
                    continue
                apposition = next(
                    (i for i in range(before - 1, max(-1, before - 12), -1) if tokens[i].text == ","), None
                )
                before = -1 if apposition is None else apposition - 1
            if before >= 0 and tokens[before].lower in PRONOUNS:
                yield "pronoun before the speech verb", tokens[before].text
            elif before in by_last:
                yield "subject of the speech verb", by_last[before].text
    # German subject first: "Ursula von der Leyen erklärte", "Der Präsident Wolodymyr Selenskyj hat ... gefordert".
    # Never inside a quotation: the quote's own subject is not the speaker.
    if language == "de" and tokens and tokens[0].text not in QUOTE_MARKS:
        subject = _leading_subject(tokens, by_first)
        if subject is not None:
            span, verb_index = subject
            if any(_is_speech_verb(tokens, i, weak=False) for i in range(verb_index, len(tokens))):
                yield "subject of the speech verb", span.text


def _span_after(tokens: Sequence[TaggedToken], index: int, by_first: dict[int, _NameSpan]) -> _NameSpan | None:
    """A name starting at `index`, after an optional article, adjectives and titles ("der ukrainische Präsident")."""
    cursor = index
    while cursor < len(tokens) and tokens[cursor].word_class in (WordClass.ARTICLE, WordClass.ADJECTIVE):
        cursor += 1
    while cursor < len(tokens) and tokens[cursor].word_class is WordClass.NOUN and cursor not in by_first:
        cursor += 1
    if cursor < len(tokens) and tokens[cursor].text in QUOTE_MARKS:
        cursor += 1
    return by_first.get(cursor)


def _institution_after(tokens: Sequence[TaggedToken], index: int) -> str | None:
    """An institution named without a proper noun, after an article: "laut dem Statistischen Bundesamt",
    "nach Angaben der Polizei". Without the article ("laut Polizeibericht") it is a document, not a speaker."""
    if index >= len(tokens) or tokens[index].word_class is not WordClass.ARTICLE:
        return None
    cursor = index + 1
    while cursor < len(tokens) and tokens[cursor].word_class is WordClass.ADJECTIVE and tokens[cursor].is_capitalised:
        cursor += 1
    if cursor < len(tokens) and tokens[cursor].word_class is WordClass.NOUN and tokens[cursor].is_capitalised:
        return " ".join(t.text for t in tokens[index + 1 : cursor + 1])
    return None


def _leading_subject(tokens: Sequence[TaggedToken], by_first: dict[int, _NameSpan]) -> tuple[_NameSpan, int] | None:
    span = _span_after(tokens, 0, by_first)
    if span is None:
        return None
    cursor = span.last + 1
    # An apposition between commas: "Smith, the minister, said".
    if cursor < len(tokens) and tokens[cursor].text == ",":
        closing = next((i for i in range(cursor + 1, min(len(tokens), cursor + 12)) if tokens[i].text == ","), None)
        if closing is not None:
            cursor = closing + 1
    if cursor < len(tokens) and tokens[cursor].word_class is WordClass.FINITE_VERB:
        return span, cursor
    return None


def _quotes(tokens: Sequence[TaggedToken], open_at_start: bool) -> tuple[bool, bool]:
    """(quotes someone directly, a quotation is still open at the end)."""
    inside, words, direct = open_at_start, 0, False
    for token in tokens:
        if token.text in QUOTE_MARKS:
            if inside and words >= MIN_QUOTE_WORDS:
                direct = True
            inside, words = not inside, 0
        elif inside and token.word_class is not WordClass.PUNCTUATION:
            words += 1
    if inside and words >= MIN_QUOTE_WORDS:
        direct = True
    return direct, inside


def _opens_with_quote(tokens: Sequence[TaggedToken]) -> bool:
    return bool(tokens) and tokens[0].text in QUOTE_MARKS


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
        while cursor < len(tokens) and (_is_name(tokens[cursor]) or tokens[cursor].text.casefold() in outlets):
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
    return any(i not in range(first, end) and _is_speech_verb(tokens, i) for i in window)


def _is_reported(tokens: Sequence[TaggedToken]) -> bool:
    words = {t.lower for t in tokens}
    return bool(words & REPORTED_MARKERS) or any(
        t.lower in KONJUNKTIV_I and t.word_class is WordClass.FINITE_VERB for t in tokens
    )


class _Canonicaliser:
    """Maps a name as written to the fullest form the article (or the desk's speaker list) uses for that person."""

    def __init__(self, names: Iterable[str], known: Mapping[str, str] | None):
        self.known = {alias.casefold(): name for alias, name in (known or {}).items()}
        self.full_names = Counter(name for name in names if " " in name)

    def __call__(self, mention: str) -> str:
        if mention.casefold() in self.known:
            return self.known[mention.casefold()]
        words = mention.split()
        # The longest name in the article that ends with (or contains) this one, most frequent first.
        candidates = [
            name
            for name in self.full_names
            if name != mention and (name.endswith(" " + mention) or (len(words) == 1 and words[0] in name.split()))
        ]
        if not candidates:
            return mention
        return max(candidates, key=lambda name: (self.full_names[name], len(name)))
