"""Who, of the people and organisations named around a sentence, asserts it.

Every name in the sentence and its neighbours (and the speaker the article was last quoting) is a candidate; each
gets features (how close it stands to a speech verb and on which side, "according to"/"laut"/"zufolge", inside a
quotation or not, the object of "told", whether it was the previous speaker, whether the next sentence names it
with a verb of saying, what kind of name it is); a logistic model trained on annotated news
(`training/train_attribution.py`, PolNeAR for English, REDEWIEDERGABE for German) ranks them. A second logistic
model, the gate, decides whether the sentence attributes anything at all (a verb of saying, a quotation, "laut",
whether the sentences around it do); the best candidate is the speaker when the gate
opens, at a threshold tuned on the corpora's dev parts.
Without a trained file the model falls back to the other language's, then to weights
set by hand that rank like the plain baseline (the name nearest a speech verb).

One module, over 400 lines, because the features and the model that reads them change together: a feature
renamed or added here must be read under the same name from the trained weights, by the same code that the
training script (`training/train_attribution.py`) calls.
"""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from claims.analysis.names import NameKind, NameMention, name_key
from claims.analysis.quotes import QUOTE_MARKS, SentenceQuotes
from claims.analysis.tagging import TaggedToken, WordClass
from claims.analysis.weights import WEIGHTS_DIR

# Verbs that introduce what somebody asserts, by lemma; a trained model adds the cue words of its corpus.
SPEECH_LEMMAS = frozenset(
    (
        "sagen erklären betonen fordern berichten mitteilen teilen warnen ankündigen kündigen behaupten kritisieren "
        "versprechen bestätigen dementieren erläutern ergänzen hinzufügen fügen meinen schreiben antworten einräumen "
        "räumen unterstreichen verlangen beklagen vorwerfen werfen appellieren mahnen versichern bekräftigen "
        "verkünden klarstellen stellen hervorheben heben argumentieren melden zitieren twittern bestreiten zusagen "
        "sprechen nennen bezeichnen rufen fragen erzählen glauben vermuten hoffen ansehen zurückweisen weisen "
        # The German counterparts of the cue words PolNeAR annotates most (estimate, expect, fear, suggest, ...).
        "schildern zusichern sichern beteuern einwenden wenden entgegnen erwidern bemerken anmerken merken äußern "
        "darlegen legen hinweisen andeuten deuten zugeben gestehen verraten ausführen führen vorschlagen schlagen "
        "empfehlen raten drohen loben klagen beschweren erinnern informieren bekanntgeben geben prognostizieren "
        "schätzen verweisen kommentieren widersprechen befürchten erwarten vorhersagen "
        "say tell state claim announce add argue warn insist explain report write demand confirm deny note stress "
        "urge tweet post allege admit promise declare assert maintain call describe suggest acknowledge believe "
        "ask reply respond recall predict vow accuse charge"
    ).split()
)
# Separable lemmas count only with their particle ("teilte ... mit").
NEEDS_PARTICLE = {
    "teilen": {"mit"},
    "kündigen": {"an"},
    "fügen": {"hinzu"},
    "räumen": {"ein"},
    "werfen": {"vor"},
    "stellen": {"klar"},
    "heben": {"hervor"},
    "weisen": {"zurück", "hin"},
    "sehen": {"an"},
    "sichern": {"zu"},
    "wenden": {"ein"},
    "merken": {"an"},
    "legen": {"dar"},
    "deuten": {"an"},
    "geben": {"zu", "bekannt"},
    "führen": {"aus"},
    "schlagen": {"vor"},
}
# Forms met in the field that the tagger misreads ("sage" for "sagte" is also a noun).
SPEECH_FORMS = frozenset("sage sagt sagte sagten sagen said says told tells".split())
# After these an English name is the speaker ('"...," said Smith'); after "told" it is the one spoken to.
INVERTING_LEMMAS = frozenset("say add write continue recall explain ask reply respond note".split())
ADDRESSEE_WORDS = frozenset("told tell tells telling to gegenüber".split())
PRONOUNS = {"er": "male", "sie": "female", "he": "male", "she": "female"}
ACCORDING_TO = (
    ("nach", "angaben", "von"),
    ("nach", "angaben", "des"),
    ("nach", "angaben", "der"),
    ("nach", "ansicht", "von"),
    ("laut",),
    ("according", "to"),
    ("zufolge",),
)
REPORTED_MARKERS = frozenset("demnach zufolge reportedly allegedly angeblich".split())
KONJUNKTIV_I = frozenset(
    (
        "sei seien müsse könne werde solle wolle dürfe gebe habe stehe liege gehe komme wisse bestehe brauche handle "
        "plane"
    ).split()
)
PREPOSITIONS = frozenset("in from with of at for on by aus mit bei für im vom zum zur über gegen nach an auf".split())
# How far back names stay candidates, in sentences.
LOOK_BACK = 3


@dataclass
class SentenceContext:
    """What the features read of one sentence."""

    tokens: Sequence[TaggedToken]
    headline: bool
    mentions: list[NameMention]
    speech_verbs: list[int]
    inside_quote: list[bool]
    starts_inside_quote: bool
    # Token index where a name would stand right after "according to", "laut", ...; "zufolge" follows its name.
    according_to: set[int]
    follows_according: set[int]
    reported: bool
    # Pronouns within two tokens of a speech verb: (token index, gender).
    speaking_pronouns: list[tuple[int, str]]


@dataclass
class Candidate:
    key: str
    name: str
    kind: NameKind
    features: dict[str, float] = field(default_factory=dict)
    probability: float = 0.0
    # The mention in this sentence, when it names the candidate itself (not a pronoun or a neighbour).
    mention: str | None = None
    how: str = ""


def _logistic(weights: Mapping[str, float], bias: float, features: Mapping[str, float]) -> float:
    z = bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class SpeakerModel:
    """Two logistic models: the ranker (is this candidate the speaker?) and the gate (does this sentence report
    what somebody said, wrote or thinks at all?). The best candidate is the speaker when the gate opens."""

    weights: Mapping[str, float]
    bias: float
    gate_weights: Mapping[str, float]
    gate_bias: float
    gate_threshold: float
    speech_lemmas: frozenset[str] = frozenset()
    source: str = "built-in"

    def probability(self, features: Mapping[str, float]) -> float:
        return _logistic(self.weights, self.bias, features)

    def gate(self, features: Mapping[str, float]) -> float:
        return _logistic(self.gate_weights, self.gate_bias, features)


# Ranks like the baseline (the name nearest a speech verb; the previous speaker for a quote without one) and opens
# the gate for sentences with a verb of saying, a quotation or "according to".
BUILT_IN = SpeakerModel(
    weights={
        "verb_adjacent": 2.5,
        "verb_near": 1.5,
        "according": 2.5,
        "in_sentence": 1.0,
        "chain_quote": 2.0,
        "pronoun_resolution": 3.0,
        "in_quote": -2.0,
        "addressee": -2.0,
    },
    bias=-3.0,
    gate_weights={"s_has_verb": 3.0, "s_according": 3.0, "s_starts_in_quote": 3.0, "s_quote": 1.0},
    gate_bias=-2.0,
    gate_threshold=0.5,
)


@cache
def load_model(language: str) -> SpeakerModel:
    """The trained model of the language, else the other language's, else the built-in weights."""
    for name in (language, "en" if language == "de" else "de"):
        path = WEIGHTS_DIR / f"speakers_{name}.json"
        if path.exists():
            data = json.loads(path.read_text("utf-8"))
            return SpeakerModel(
                weights=data["weights"],
                bias=data["bias"],
                gate_weights=data["gate"]["weights"],
                gate_bias=data["gate"]["bias"],
                gate_threshold=data["gate"]["threshold"],
                speech_lemmas=frozenset(data.get("speech_lemmas", ())),
                source=path.name,
            )
    return BUILT_IN


def has_cue(context: "SentenceContext", following: "SentenceContext | None") -> bool:
    """Whether anything in or right after the sentence marks it as somebody's words: a verb of saying, "according
    to", reported speech, a speaking pronoun, a quotation, or a next sentence that attributes this one ("Das
    teilte ... mit."). Both corpora annotate an attribution only with such a cue; without one the gate stays shut,
    however long the sentence or however recently somebody spoke."""
    return bool(
        context.speech_verbs
        or context.according_to
        or context.follows_according
        or context.reported
        or context.speaking_pronouns
        or any(context.inside_quote)
        or (following is not None and attributes_what_came_before(following))
    )


# Words that open a sentence pointing back at what was just said: "Das teilte ... mit.", "This was confirmed by ...".
ANAPHORS = frozenset("das dies dieses so that this these those".split())


def attributes_what_came_before(context: "SentenceContext") -> bool:
    """A sentence that is an attribution frame for the one before it: it opens with "Das", "Dies", "This" and has a
    verb of saying, or it is nothing but a short frame ("he added.")."""
    if context.headline or not context.speech_verbs or not context.tokens:
        return False
    return context.tokens[0].lower in ANAPHORS or len(context.tokens) <= 6


def sentence_signals(context: "SentenceContext") -> dict[str, float]:
    """What marks a sentence as somebody's words, for the ranker and the gate alike."""
    return {
        "s_has_verb": float(bool(context.speech_verbs)),
        "s_quote": float(any(context.inside_quote)),
        "s_starts_in_quote": float(context.starts_inside_quote),
        "s_reported": float(context.reported),
        "s_according": float(bool(context.according_to or context.follows_according)),
        "s_headline": float(context.headline),
        "s_pronoun": float(bool(context.speaking_pronouns)),
    }


def gate_features(
    context: "SentenceContext", *, previous_open: bool, following: "SentenceContext | None" = None
) -> dict:
    """What the gate reads of a sentence: its own signals, the sentence before and the one after ("Das teilte das
    Ministerium mit." attributes the sentence before it). Not the candidates: whether somebody is quoted is one
    question, who another."""
    features = {
        **sentence_signals(context),
        "s_names": min(3, len(context.mentions)) / 3,
        "s_colon": float(any(t.text == ":" for t in context.tokens)),
        "s_length": min(60, len(context.tokens)) / 60,
        "previous_open": float(previous_open),
    }
    if following is not None and not following.headline:
        features["next_has_verb"] = float(bool(following.speech_verbs))
        features["next_short"] = float(len(following.tokens) <= 12)
        features["next_demonstrative"] = float(
            bool(following.tokens) and following.tokens[0].lower in {"das", "dies", "this", "that", "so"}
        )
    return {name: value for name, value in features.items() if value}


def is_speech_verb(tokens: Sequence[TaggedToken], index: int, extra: frozenset[str] = frozenset()) -> bool:
    token = tokens[index]
    if token.lower in SPEECH_FORMS:
        return True
    if token.word_class not in (WordClass.FINITE_VERB, WordClass.PARTICIPLE):
        return False
    lemma = token.lemma.lower()
    if lemma not in SPEECH_LEMMAS and lemma not in extra:
        return False
    particles = NEEDS_PARTICLE.get(lemma)
    if particles is not None and not any(t.lower in particles for t in tokens[index + 1 :]):
        return False
    # A German participle speaks for someone only in the perfect ("hat gesagt"); with "ist" or "wird" it is passive
    # ("Gemeint ist ...", "wurde mitgeteilt") and names no speaker.
    if token.word_class is WordClass.PARTICIPLE and token.tag.startswith("V") and "(" in token.tag:
        return any(t.lemma.lower() == "haben" for t in tokens)
    return True


def sentence_context(
    tokens: Sequence[TaggedToken],
    mentions: list[NameMention],
    *,
    headline: bool,
    model: SpeakerModel,
    quotes: SentenceQuotes,
) -> SentenceContext:
    mask = list(quotes.inside)
    verbs = [i for i in range(len(tokens)) if not mask[i] and is_speech_verb(tokens, i, model.speech_lemmas)]
    according, follows = set(), set()
    lowered = [t.lower for t in tokens]
    for index in range(len(tokens)):
        for pattern in ACCORDING_TO:
            if tuple(lowered[index : index + len(pattern)]) == pattern:
                if pattern == ("zufolge",):
                    follows.add(index)
                else:
                    according.add(index + len(pattern))
    words = set(lowered)
    reported = bool(words & REPORTED_MARKERS) or any(
        t.lower in KONJUNKTIV_I and t.word_class is WordClass.FINITE_VERB for t in tokens
    )
    pronouns = [
        (i, PRONOUNS[t.lower])
        for i, t in enumerate(tokens)
        if t.lower in PRONOUNS and not mask[i] and any(abs(i - v) <= 2 for v in verbs)
    ]
    return SentenceContext(
        tokens=tokens,
        headline=headline,
        mentions=mentions,
        speech_verbs=verbs,
        inside_quote=mask,
        starts_inside_quote=quotes.starts_inside,
        according_to=according,
        follows_according=follows,
        reported=reported,
        speaking_pronouns=pronouns,
    )


def _skippable(token: TaggedToken) -> bool:
    """Words between a speech verb or "according to" and the name it introduces: articles, adjectives, roles."""
    return token.word_class in (WordClass.ARTICLE, WordClass.ADJECTIVE, WordClass.NOUN) or token.text in (
        QUOTE_MARKS | {","}
    )


def _gap(tokens: Sequence[TaggedToken], start: int, end: int) -> int | None:
    """Tokens between positions start and end (exclusive) when all may stand between a verb and its speaker."""
    if end < start:
        return None
    between = tokens[start:end]
    if len(between) > 4 or not all(_skippable(t) for t in between):
        return None
    return len(between)


def mention_features(context: SentenceContext, mention: NameMention, language: str) -> dict[str, float]:
    tokens, verbs = context.tokens, context.speech_verbs
    features: dict[str, float] = {}
    distances = [min(abs(v - mention.last), abs(mention.first - v)) - 1 for v in verbs]
    nearest = min(distances, default=None)
    if nearest is not None:
        features["verb_adjacent"] = float(nearest <= 1)
        features["verb_near"] = float(nearest <= 4)
        features["verb_mid"] = float(nearest <= 10)
    for verb in verbs:
        lemma = tokens[verb].lemma.lower()
        if verb > mention.last:
            gap = _gap(tokens, mention.last + 1, verb)
            if gap is not None:
                features["before_verb"] = 1.0
            elif mention.last + 1 < len(tokens) and tokens[mention.last + 1].text == ",":
                # "Smith, the minister, said": an apposition between the name and its verb.
                commas = [i for i in range(mention.last + 2, min(verb, mention.last + 14)) if tokens[i].text == ","]
                if commas and commas[-1] == verb - 1:
                    features["before_verb_apposition"] = 1.0
        elif verb < mention.first and _gap(tokens, verb + 1, mention.first) is not None:
            if language == "de" or lemma in INVERTING_LEMMAS or tokens[verb].lower in {"said", "says", "sagte"}:
                features["after_verb"] = 1.0
            else:
                features["after_verb_other"] = 1.0
    before = mention.first - 1
    while before >= 0 and tokens[before].word_class in (WordClass.ARTICLE, WordClass.ADJECTIVE):
        before -= 1
    if before >= 0 and tokens[before].lower in ADDRESSEE_WORDS:
        features["addressee"] = 1.0
    elif before >= 0 and tokens[before].lower in PREPOSITIONS:
        features["after_preposition"] = 1.0
    if any(_gap(tokens, start, mention.first) is not None for start in context.according_to):
        features["according"] = 1.0
    if any(_gap(tokens, mention.last + 1, index) == 0 for index in context.follows_according):
        features["according"] = 1.0
    if all(context.inside_quote[mention.first : mention.last + 1]) and not _quotes_only(context, mention):
        features["in_quote"] = 1.0
    if mention.first <= 2:
        features["sentence_start"] = 1.0
    if mention.last + 1 < len(tokens) and tokens[mention.last + 1].lower in {"'s", "’s", "s"}:
        features["possessive"] = 1.0
    if mention.role:
        features["role"] = 1.0
    return features


def _quotes_only(context: SentenceContext, mention: NameMention) -> bool:
    """A name in quotation marks of its own ('der "Spiegel"') is quoted as a name, not inside somebody's words."""
    tokens = context.tokens
    before, after = mention.first - 1, mention.last + 1
    return (
        before >= 0
        and after < len(tokens)
        and tokens[before].text in QUOTE_MARKS
        and tokens[after].text.lstrip("-") in QUOTE_MARKS | {""}
    )


def baseline_choice(context: SentenceContext) -> NameMention | None:
    """The plain baseline: the name nearest a speech verb in the sentence, else its last name."""
    if not context.mentions:
        return None
    if not context.speech_verbs:
        return context.mentions[-1]
    return min(
        context.mentions,
        key=lambda m: min(min(abs(v - m.last), abs(m.first - v)) for v in context.speech_verbs),
    )


def candidates(
    contexts: Sequence[SentenceContext],
    index: int,
    *,
    language: str,
    last_speaker: Candidate | None,
    previous_speaker: Candidate | None,
    names: Mapping[str, str],
    last_person: Candidate | None = None,
    kinds: Mapping[str, NameKind],
    frequency: Mapping[str, int],
    is_outlet,
) -> list[Candidate]:
    """Every candidate speaker of sentence `index`, with its features. `names` maps a name key to the fullest name
    the article uses for it, `kinds` to its kind, `frequency` to how often the article names it. `last_person` is the
    last speaker who is not an organisation: whom "er" and "she" stand for."""
    context = contexts[index]
    found: dict[str, Candidate] = {}

    def candidate(key: str) -> Candidate:
        if key not in found:
            found[key] = Candidate(key, names.get(key, key), kinds.get(key, NameKind.UNKNOWN))
        return found[key]

    def merge(target: dict[str, float], features: Mapping[str, float], prefix: str = "") -> None:
        for name, value in features.items():
            target[prefix + name] = max(target.get(prefix + name, 0.0), value)

    baseline = baseline_choice(context)
    for mention in context.mentions:
        key = name_key(mention.text)
        if not key:
            continue
        item = candidate(key)
        features = mention_features(context, mention, language)
        if item.mention is None or features.get("verb_adjacent") or features.get("according"):
            item.mention = mention.text
        merge(item.features, features)
        item.features["in_sentence"] = 1.0
        item.features["mentions"] = min(3.0, item.features.get("mentions", 0.0) + 1.0) / 3
        if mention is baseline:
            item.features["baseline"] = 1.0
        if mention is context.mentions[0]:
            item.features["first_name_in_sentence"] = 1.0
        if mention is context.mentions[-1]:
            item.features["last_name_in_sentence"] = 1.0
    # Neighbours: a speaker named before a quotation or after it ("Das teilte ... mit."); a headline speaks for
    # itself.
    first = index
    while not context.headline and first > 0 and index - first < LOOK_BACK and not contexts[first].headline:
        first -= 1
    last = index + 1 if context.headline else min(len(contexts), index + 2)
    for other in range(first, last):
        if other == index or (other > index and contexts[other].headline):
            continue
        where = "next" if other > index else "previous" if other == index - 1 else "earlier"
        for mention in contexts[other].mentions:
            key = name_key(mention.text)
            if not key:
                continue
            item = candidate(key)
            item.features[f"in_{where}"] = 1.0
            features = mention_features(contexts[other], mention, language)
            if features.get("verb_near") or features.get("according"):
                item.features[f"{where}_near_verb"] = 1.0
            if features.get("before_verb") or features.get("after_verb") or features.get("according"):
                item.features[f"{where}_speaker_position"] = 1.0
    if context.speaking_pronouns:
        resolved = _resolve_pronoun(contexts, index, context.speaking_pronouns[0][1], last_person, first)
        if resolved:
            item = candidate(resolved)
            item.features["pronoun_resolution"] = 1.0
            if item.mention is None:
                item.mention = context.tokens[context.speaking_pronouns[0][0]].text
    for previous, prefix in ((last_speaker, "chain"), (previous_speaker, "chain_previous")):
        if previous is None:
            continue
        item = candidate(previous.key)
        item.features[prefix] = 1.0
    if last_speaker is not None and last_speaker.key in found:
        item = found[last_speaker.key]
        if context.starts_inside_quote or (context.tokens and context.tokens[0].text in QUOTE_MARKS):
            item.features["chain_quote"] = 1.0
        if not context.speech_verbs and not context.according_to and not context.follows_according:
            item.features["chain_no_verb"] = 1.0
        if context.reported:
            item.features["chain_reported"] = 1.0
    sentence = sentence_signals(context)
    for item in found.values():
        item.features.update({name: value for name, value in sentence.items() if value})
        if "in_sentence" not in item.features:
            item.features["not_in_sentence"] = 1.0
        item.features[f"kind_{item.kind.value}"] = 1.0
        if is_outlet(item.name):
            item.features["outlet"] = 1.0
        item.features["frequency"] = min(1.0, math.log1p(frequency.get(item.key, 0)) / 3)
        item.features["words"] = min(3, len(item.name.split())) / 3
        if "in_sentence" in item.features and item.features.get("s_has_verb"):
            item.features["in_sentence_with_verb"] = 1.0
    return list(found.values())


def _resolve_pronoun(
    contexts: Sequence[SentenceContext],
    index: int,
    gender: str,
    last_person: Candidate | None,
    first: int,
) -> str | None:
    """The person a speaking pronoun refers to: the last person the article quoted, whatever the pronoun's gender
    (the ranker weighs this candidate against the others); without one, the nearest person named before the pronoun
    whose first name does not contradict its gender."""
    if last_person is not None and last_person.kind is not NameKind.ORGANISATION:
        return last_person.key
    pronoun_at = contexts[index].speaking_pronouns[0][0]
    for other in range(index, first - 1, -1):
        for mention in reversed(contexts[other].mentions):
            if other == index and mention.first > pronoun_at:
                continue
            if mention.kind is NameKind.PERSON and (not mention.gender or mention.gender == gender or gender == ""):
                return name_key(mention.text)
    return None
