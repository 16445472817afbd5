"""Part-of-speech tags and lemmas with HanTa, reduced to the few word classes the attribution rules need.

HanTa tags German with STTS and English with the CLAWS tag set; both are mapped onto `WordClass`, so the rules
downstream read the same for either language.
"""

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from HanTa import HanoverTagger

from claims.analysis.sentences import Sentence

HANTA_MODELS = {"de": "morphmodel_ger.pgz", "en": "morphmodel_en.pgz"}

# HanTa's analysis of one token grows faster than its length (a 200-character token takes 0.3-0.5 s, one of 3,000
# characters nearly three minutes): a longer token, a link or a run of letters, is tagged by its first characters
# and keeps its own text as lemma. The longest German words in use are about 65 characters.
TAGGED_LENGTH = 64


class WordClass(Enum):
    NAME = "name"
    NOUN = "noun"
    FINITE_VERB = "finite_verb"
    PARTICIPLE = "participle"
    INFINITIVE = "infinitive"
    PRONOUN = "pronoun"
    ARTICLE = "article"
    ADJECTIVE = "adjective"
    NUMBER = "number"
    PUNCTUATION = "punctuation"
    OTHER = "other"


@dataclass(frozen=True)
class TaggedToken:
    text: str
    lemma: str
    tag: str
    word_class: WordClass
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


def _word_class(tag: str) -> WordClass:
    # STTS (German)
    if tag == "NE":
        return WordClass.NAME
    if tag == "NN":
        return WordClass.NOUN
    if tag.endswith("(FIN)"):
        return WordClass.FINITE_VERB
    if tag.endswith("(PP)"):
        return WordClass.PARTICIPLE
    if tag.endswith("(INF)") or tag.endswith("(IZU)"):
        return WordClass.INFINITIVE
    if tag in {"PPER", "PRF"}:
        return WordClass.PRONOUN
    if tag == "ART":
        return WordClass.ARTICLE
    if tag.startswith("ADJ"):
        return WordClass.ADJECTIVE
    if tag == "CARD":
        return WordClass.NUMBER
    if tag.startswith("$"):
        return WordClass.PUNCTUATION
    # CLAWS (English)
    if tag.startswith("NP"):
        return WordClass.NAME
    if tag in {"NN0", "NN1", "NN2"}:
        return WordClass.NOUN
    if tag in {"VVD", "VVZ", "VVB", "VBD", "VBZ", "VBB", "VDD", "VDZ", "VHD", "VHZ", "VM0"}:
        return WordClass.FINITE_VERB
    if tag in {"VVN", "VBN", "VDN", "VHN"}:
        return WordClass.PARTICIPLE
    if tag in {"VVI", "VBI", "VDI", "VHI"}:
        return WordClass.INFINITIVE
    if tag == "PNP":
        return WordClass.PRONOUN
    if tag == "AT0":
        return WordClass.ARTICLE
    if tag.startswith("AJ"):
        return WordClass.ADJECTIVE
    if tag in {"CRD", "ORD"}:
        return WordClass.NUMBER
    if tag == "PUN" or tag == "PUQ" or tag == "PUL" or tag == "PUR":
        return WordClass.PUNCTUATION
    return WordClass.OTHER


@lru_cache(maxsize=len(HANTA_MODELS))
def _tagger(language: str) -> HanoverTagger.HanoverTagger:
    return HanoverTagger.HanoverTagger(HANTA_MODELS[language])


def tag_sentence(sentence: Sentence, language: str) -> list[TaggedToken]:
    """The sentence's tokens with their tags; German or English only."""
    tagged = _tagger(language).tag_sent([token.text[:TAGGED_LENGTH] for token in sentence.tokens], taglevel=1)
    return [
        TaggedToken(
            token.text,
            lemma if len(token.text) <= TAGGED_LENGTH else token.text,
            tag,
            _word_class(tag),
            token.start,
            token.end,
        )
        for token, (_word, lemma, tag) in zip(sentence.tokens, tagged, strict=True)
    ]
