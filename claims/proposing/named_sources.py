"""Registry sources named by the claim itself: the outlet it is attributed to, its speaker, and the people and
institutions its sentence names, matched by the aliases admins keep on each source."""

import re
from dataclasses import dataclass

from claims.models import Claim, ProposalMethod, Source
from claims.proposing.base import Candidate

# How much each kind of mention says about a source, best first.
CITED_OUTLET = 0.95
SPEAKER = 0.9
NAMED_IN_TEXT = 0.75
# A person's surname alone ("Trumps Treffen"): likely the same person, but surnames are shared.
SURNAME_IN_TEXT = 0.6
# Each further mention of the same source adds a little, so a source named twice ranks above one named once.
EXTRA_MENTION = 0.03


@dataclass(frozen=True)
class _Alias:
    source_id: int
    source_name: str
    alias: str
    pattern: re.Pattern
    surname: re.Pattern | None


def _word_pattern(phrase: str) -> re.Pattern:
    # Word boundaries that also hold inside hyphenated compounds ("Nato-Artikel" names Nato).
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", re.IGNORECASE)


def _aliases(sources) -> list[_Alias]:
    aliases = []
    for source_id, name, names in sources:
        for alias in dict.fromkeys([name, *names]):
            words = alias.split()
            # "Donald Trump" may appear as "Trump" or "Trumps"; one-word aliases need no surname rule.
            person_like = len(words) >= 2 and all(word[:1].isupper() for word in words)
            surname = re.compile(rf"(?<![\w]){re.escape(words[-1])}s?(?![\w])") if person_like else None
            aliases.append(_Alias(source_id, name, alias, _word_pattern(alias), surname))
    return aliases


class NamedSourcesProposer:
    name = "named sources"

    def __init__(self):
        self.aliases = _aliases(Source.objects.filter(active=True).values_list("pk", "name", "aliases"))

    def propose(self, claim: Claim) -> list[Candidate]:
        found: dict[int, list[tuple[float, str]]] = {}

        def note(alias: _Alias, score: float, why: str) -> None:
            found.setdefault(alias.source_id, []).append((score, why))

        speaker_names = [claim.speaker.name, *claim.speaker.aliases] if claim.speaker else []
        for alias in self.aliases:
            if claim.cited_outlet and (
                alias.pattern.search(claim.cited_outlet) or _word_pattern(claim.cited_outlet).search(alias.alias)
            ):
                note(alias, CITED_OUTLET, f"the claim is attributed to “{claim.cited_outlet}” ({alias.source_name})")
            if any(alias.pattern.fullmatch(name) or alias.pattern.search(name) for name in speaker_names):
                note(alias, SPEAKER, f"the speaker {claim.speaker.name} is listed under {alias.source_name}")
            if alias.pattern.search(claim.text):
                note(alias, NAMED_IN_TEXT, f"the sentence names “{alias.alias}” ({alias.source_name})")
            elif alias.surname and alias.surname.search(claim.text):
                note(alias, SURNAME_IN_TEXT, f"the sentence names {alias.alias.split()[-1]} ({alias.source_name})")
        candidates = []
        for source_id, mentions in found.items():
            mentions.sort(reverse=True)
            reasons = list(dict.fromkeys(why for _, why in mentions))
            score = min(1.0, mentions[0][0] + EXTRA_MENTION * (len(reasons) - 1))
            candidates.append(
                Candidate(ProposalMethod.ALIAS, round(score, 4), "; ".join(reasons[:3]), source_id=source_id)
            )
        return candidates
