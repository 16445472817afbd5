"""Names of people and organisations in a tagged sentence, German and English.

No named-entity model runs offline here, so the recogniser puts together what does: the tagger's proper nouns, the
first-name list that ships inside `gender-guesser` (48,000 names of 54 countries, with their gender, GFDL), the
capitalisation rules of each language, head nouns of institutions ("Bundesamt", "Ministerium", "Department") and
the names the desk already knows (registry aliases, speakers). What it finds is measured in docs/EVALUATION.md
(recall of the annotated speaker names of two attribution corpora) and ranked by the speaker model, which decides
which name, if any, asserts a sentence.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

from claims.analysis.tagging import TaggedToken, WordClass

QUOTE_MARKS = frozenset("\" „ “ ” « » ‹ › ‚ ‘ ’ ''".split())
# Lower-case words inside names ("Ursula von der Leyen"); "der" and "den" only after one that starts a name part,
# so that "Ukraine der Allianz" stays two things.
NAME_PARTICLES = frozenset("von van de du da di del della ter al bin ibn le of".split())
FOLLOWING_PARTICLES = frozenset("der den dem de la zu".split())
# Capitalised words that are never (part of) a person's or organisation's name.
NOT_NAMES = frozenset(
    (
        "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag monday tuesday wednesday thursday "
        "friday saturday sunday januar jänner februar märz april mai juni juli august september oktober november "
        "dezember january february march may june july october december i mr mrs ms dr prof herr frau "
        # Pronouns and function words some first-name lists hold ("In", "Mir", "Man").
        "er sie es wir ihr ich du man mir mich dir dich uns euch ihm ihn ihnen in im am an um zu so da wo "
        # Forms of address and their abbreviations stand before names, they are none.
        "hr hrn herrn sr se reg dres mme mlle sen sens rep reps gov"
    ).split()
)
# The last word of an institution's name, or the end of a German compound that names one ("Bundesinnenministerium",
# "Staatsanwaltschaft", "Police Department").
ORGANISATION_HEADS = (
    "ministerium amt ämter behörde polizei regierung partei gericht gerichtshof kommission rat verband verein "
    "institut stiftung bank konzern gewerkschaft staatsanwaltschaft bundeswehr armee militär kanzleramt präsidium "
    "senat parlament bundestag landtag ministry department office agency police government party court commission "
    "council committee association institute foundation bank company corporation campaign administration army "
    "military senate house congress parliament bureau service union university fbi cia nato un eu unternehmen firma "
    "stadtwerke werke verwaltung gemeinde landkreis zentrale feuerwehr staatskanzlei senatsverwaltung company "
    "firm chamber authority prosecutor prosecutors organization organisation"
).split()
# Role nouns before a name, or naming a person on their own ("Bundesinnenministerin Nancy Faeser", "the
# spokeswoman"): German compounds end with them.
ROLE_HEADS = (
    "minister ministerin präsident präsidentin kanzler kanzlerin sprecher sprecherin chef chefin leiter leiterin "
    "vorsitzende vorsitzender direktor direktorin bürgermeister bürgermeisterin abgeordnete abgeordneter experte "
    "expertin sekretär sekretärin gesandte gesandter botschafter botschafterin senator senatorin gouverneur "
    "president minister chancellor secretary senator governor mayor spokesman spokeswoman spokesperson chairman "
    "chairwoman director chief leader manager adviser advisor aide ambassador representative candidate nominee "
    "official officer analyst expert professor judge"
).split()


# Verbs of saying that the English tagger reads as plural nouns after a name ("the Post reports", "Trump claims").
REPORTING_NOUNS_THAT_ARE_VERBS = frozenset(
    "report claim say state note warn argue add write tweet post show suggest find reveal criticism statement".split()
)


DETERMINERS = frozenset("the a an its their our his her this that these those".split())


class NameKind(Enum):
    PERSON = "person"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NameMention:
    first: int
    last: int  # inclusive token index
    text: str
    kind: NameKind
    # "male", "female" or "" when the first name does not tell.
    gender: str = ""
    # A role noun right before the name ("Sprecher", "manager"), lower-cased, or "".
    role: str = ""


@cache
def first_names() -> dict[str, str]:
    """First name -> "male", "female" or "" (either), from the list inside gender-guesser; loaded once a process."""
    names: dict[str, str] = {}
    data = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    with data.open(encoding="utf-8") as handle:
        for line in handle:
            if not line or line[0] in "#=" or len(line) < 30:
                continue
            sex, name = line[:2].strip(), line[3:29].strip()
            if not name or " " in name:
                continue
            gender = "male" if sex in {"M", "1M", "?M"} else "female" if sex in {"F", "1F", "?F"} else ""
            name = name.replace("+", "-")
            names[name] = gender if names.get(name, gender) == gender else ""
    return names


# Words that never end a speaker's name when two names are compared: articles, titles, generational suffixes.
_NOT_KEY_WORDS = frozenset(
    (
        "the a an der die das den dem des ein eine einer eines einem einen mr mrs ms dr prof sir herr frau von van "
        "de of and und jr sr ii iii"
    ).split()
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def name_key(name: str | None) -> str:
    """The word two names of one speaker share at their end: "Angela Merkel" and "Merkel" both give "merkel"."""
    if not name:
        return ""
    # An apposition or a party label says who the speaker is, not what they are called: "Benjamin J. Rhodes, one
    # of the president's closest aides", "Rep. Gwen Moore (D-Wis.)".
    name = name.split("(")[0]
    if "," in name.strip(" ,"):
        name = name.strip(" ,").split(",")[0]
    words = [w for w in _WORD.findall(name.replace("’", "'")) if w.casefold() not in _NOT_KEY_WORDS]
    if not words:
        return ""
    word = words[-1].casefold()
    return word.removesuffix("'s") if len(word) > 3 else word


def written(tokens: Sequence[TaggedToken], first: int, last: int) -> str:
    """Tokens first..last as the text writes them: "Holtz-Eakin", not "Holtz - Eakin"."""
    parts = [tokens[first].text]
    for index in range(first + 1, last + 1):
        parts.append(("" if tokens[index - 1].end == tokens[index].start else " ") + tokens[index].text)
    return "".join(parts)


def is_first_name(word: str) -> bool:
    return len(word) > 2 and word[0].isupper() and word in first_names()


def find_names(
    tokens: Sequence[TaggedToken], language: str, *, known: Iterable[str] = (), organisations: Iterable[str] = ()
) -> list[NameMention]:
    """Names in a sentence, left to right, none overlapping. `known` are names the desk knows (speakers, aliases),
    `organisations` those it knows as outlets and institutions."""
    known_lower = {name.casefold() for name in known}
    organisations_lower = {name.casefold() for name in organisations}
    spans: list[NameMention] = []
    index = 0
    while index < len(tokens):
        if not _starts_name(tokens, index, language):
            index += 1
            continue
        last = _name_end(tokens, index, language)
        if language == "en":
            last = _group_end(tokens, last, language)
        spans.append(_mention(tokens, index, last, language, known_lower, organisations_lower))
        index = last + 1
    spans += _known(tokens, spans, organisations_lower | known_lower, organisations_lower)
    found = sorted(spans + _institutions(tokens, spans, language), key=lambda mention: mention.first)
    # A party label in parentheses ("Rep. Gwen Moore (D-Wis.)") belongs to the name before it, it is none.
    return [mention for mention in found if not _in_short_parentheses(tokens, mention)]


def _known(tokens, names: list[NameMention], known: set[str], organisations: set[str]) -> list[NameMention]:
    """Names the desk knows that the tagger took for common nouns ("der Spiegel", "Die Zeit")."""
    taken = {i for mention in names for i in range(mention.first, mention.last + 1)}
    found = []
    for length in (3, 2, 1):
        for first in range(len(tokens) - length + 1):
            span = range(first, first + length)
            if any(i in taken for i in span) or not tokens[first].text[:1].isupper():
                continue
            text = written(tokens, first, first + length - 1)
            if text.casefold() in known:
                kind = NameKind.ORGANISATION if text.casefold() in organisations else NameKind.PERSON
                found.append(NameMention(first, first + length - 1, text, kind))
                taken.update(span)
    return found


def _in_short_parentheses(tokens: Sequence[TaggedToken], mention: NameMention) -> bool:
    before = [t.text for t in tokens[max(0, mention.first - 3) : mention.first]]
    after = [t.text for t in tokens[mention.last + 1 : mention.last + 4]]
    return "(" in before and ")" in after


def _is_name_token(tokens: Sequence[TaggedToken], index: int, language: str) -> bool:
    token = tokens[index]
    text = token.text
    if (
        not text[:1].isupper()
        or text in QUOTE_MARKS
        or text.casefold().rstrip(".") in NOT_NAMES
        or not any(c.isalpha() for c in text)
    ):
        return False
    if token.word_class is WordClass.NAME:
        return True
    # German capitalises its nouns, and many are first names too ("Lage", "Ernst"): a first name the tagger reads
    # as a noun counts only before a name.
    if (
        is_first_name(text)
        and token.word_class in (WordClass.NAME, WordClass.NOUN)
        and (
            language == "en"
            or token.word_class is not WordClass.NOUN
            or (index + 1 < len(tokens) and tokens[index + 1].word_class is WordClass.NAME)
        )
    ):
        return True
    # An acronym: "FBI", "NATO", "SPD".
    if len(text) >= 2 and text.isupper() and text.isalpha():
        return True
    if language == "en":
        # English capitalises names, not nouns: a capitalised word inside a sentence is a name (or a title).
        return (
            index > 0
            and tokens[index - 1].text not in QUOTE_MARKS | {":"}
            and token.word_class
            in (
                WordClass.NOUN,
                WordClass.OTHER,
                WordClass.ADJECTIVE,
            )
        )
    return False


def _is_surname(token: TaggedToken) -> bool:
    text = token.text
    return text[:1].isupper() and text.isalpha() and text.casefold() not in NOT_NAMES


def _starts_name(tokens: Sequence[TaggedToken], index: int, language: str) -> bool:
    if not _is_name_token(tokens, index, language):
        return False
    token = tokens[index]
    # English sentences start with a capital: a first word that the tagger does not call a name starts one only
    # when it is a first name or another name follows.
    if language == "en" and index == 0 and token.word_class is not WordClass.NAME and not is_first_name(token.text):
        return index + 1 < len(tokens) and _is_name_token(tokens, index + 1, language)
    return True


def _name_end(tokens: Sequence[TaggedToken], first: int, language: str) -> int:
    last = cursor = first
    while cursor + 1 < len(tokens):
        cursor += 1
        token = tokens[cursor]
        if _is_name_token(tokens, cursor, language):
            last = cursor
            continue
        # A capitalised word after a first name is a surname the tagger may not know: "Kevin Schwarzkopf".
        if _is_surname(token) and is_first_name(tokens[last].text):
            last = cursor
            continue
        # A hyphen inside a name, written without spaces: "Holtz-Eakin", "Kramp-Karrenbauer".
        if (
            token.text == "-"
            and cursor + 1 < len(tokens)
            and tokens[cursor - 1].end == token.start
            and token.end == tokens[cursor + 1].start
            and tokens[cursor + 1].text[:1].isupper()
        ):
            last = cursor = cursor + 1
            continue
        # Particles join a name only when a capitalised word follows them ("Ursula von der Leyen").
        particles = cursor
        if tokens[particles].text in NAME_PARTICLES:
            particles += 1
            while particles < len(tokens) and tokens[particles].text in FOLLOWING_PARTICLES:
                particles += 1
        if particles > cursor and particles < len(tokens) and _is_surname(tokens[particles]):
            last = cursor = particles
            continue
        break
    # "Clinton's" ends a name; the tokenizer (SoMaJo) splits the possessive off as its own token in English.
    return last


def _group_end(tokens: Sequence[TaggedToken], last: int, language: str) -> int:
    """A name used as a modifier names a group or an organisation with the nouns after it: "the Clinton campaign",
    "Trump supporters", "the GOP nominee". Not before another name ("Trump campaign manager Kellyanne Conway")."""
    cursor = last
    while cursor + 1 < len(tokens) and cursor - last < 2:
        token = tokens[cursor + 1]
        # Not a verb the tagger took for a noun ("The New York Times reports").
        if token.word_class is not WordClass.NOUN or not token.text.isalpha() or not token.text.islower():
            break
        if (
            token.lemma.lower() in REPORTING_NOUNS_THAT_ARE_VERBS
            or token.lower.endswith("s")
            and token.lower[:-1] in (REPORTING_NOUNS_THAT_ARE_VERBS)
        ):
            break
        cursor += 1
    if cursor == last or (cursor + 1 < len(tokens) and _is_name_token(tokens, cursor + 1, language)):
        return last
    return cursor


def _mention(tokens, first: int, last: int, language: str, known: set[str], organisations: set[str]) -> NameMention:
    words = [t.text for t in tokens[first : last + 1]]
    text = written(tokens, first, last)
    role = _role_before(tokens, first)
    head = words[-1].casefold()
    if text.casefold() in organisations or _is_organisation_word(head) or (len(words) == 1 and words[0].isupper()):
        kind = NameKind.ORGANISATION
    elif is_first_name(words[0]) or role or (text.casefold() in known and len(words) > 1):
        kind = NameKind.PERSON
    else:
        kind = NameKind.UNKNOWN
    gender = first_names().get(words[0], "") if kind is NameKind.PERSON else ""
    return NameMention(first, last, text, kind, gender, role)


def _role_before(tokens: Sequence[TaggedToken], first: int) -> str:
    for index in range(first - 1, max(-1, first - 3), -1):
        word = tokens[index].text.casefold()
        if any(word.endswith(head) for head in ROLE_HEADS):
            return word
        if tokens[index].word_class not in (WordClass.NOUN, WordClass.ADJECTIVE, WordClass.NAME):
            break
    return ""


def _is_organisation_word(word: str) -> bool:
    word = word.casefold().rsplit("-", 1)[-1]
    return any(word.endswith(head) for head in ORGANISATION_HEADS) and len(word) > 2


def _institutions(tokens: Sequence[TaggedToken], names: list[NameMention], language: str) -> list[NameMention]:
    """Institutions named by a common noun, not a proper name: "das Statistische Bundesamt", "die Polizei", "laut
    Verbraucherzentrale", "the transport department", "the local chamber of commerce". The noun itself must name an
    institution ("laut Polizeibericht" names a document). English writes these in lower case, with nouns and
    adjectives before them."""
    taken = {i for mention in names for i in range(mention.first, mention.last + 1)}
    found = []
    for index, token in enumerate(tokens):
        if index in taken or token.word_class is not WordClass.NOUN or not token.text.isalpha():
            continue
        if not _is_organisation_word(token.text) or (language == "de" and not token.text[:1].isupper()):
            continue
        # Only the last noun of its phrase names the institution: "council member Dana Whitfield" names a member.
        if index + 1 < len(tokens) and tokens[index + 1].word_class in (WordClass.NOUN, WordClass.NAME):
            continue
        first = index
        modifiers = (WordClass.ADJECTIVE, WordClass.NOUN) if language == "en" else (WordClass.ADJECTIVE,)
        while first > 0 and index - first < 3 and tokens[first - 1].word_class in modifiers and first - 1 not in taken:
            first -= 1
        # English names an institution with a determiner ("the council", "its department"); a bare "Council" is
        # a headline's shorthand or a name's part.
        if language == "en" and (first == 0 or tokens[first - 1].lower not in DETERMINERS):
            continue
        found.append(NameMention(first, index, written(tokens, first, index), NameKind.ORGANISATION))
        taken.update(range(first, index + 1))
    return found
