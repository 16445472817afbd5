"""Registry sources named by the claim itself: the outlet it is attributed to, its speaker, and the people and
institutions its sentence names, matched by the aliases admins keep on each source.

A source is a lead, not evidence: its candidates score as leads (`base.lead_score`), after the documents that show
something; among themselves they keep the order of what the claim says about them (below)."""

import re
from dataclasses import dataclass

from claims.models import Claim, ProposalMethod, Source
from claims.proposing.base import Candidate, lead_score
from claims.proposing.reasons import english, reason, unique

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
        found: dict[int, list[tuple[float, int, dict]]] = {}

        def note(alias: _Alias, score: float, why: dict) -> None:
            mentions = found.setdefault(alias.source_id, [])
            mentions.append((score, len(mentions), why))

        speaker_names = [claim.speaker.name, *claim.speaker.aliases] if claim.speaker else []
        for alias in self.aliases:
            if claim.cited_outlet and (
                alias.pattern.search(claim.cited_outlet) or _word_pattern(claim.cited_outlet).search(alias.alias)
            ):
                note(alias, CITED_OUTLET, reason("attributed", outlet=claim.cited_outlet, source=alias.source_name))
            if any(alias.pattern.fullmatch(name) or alias.pattern.search(name) for name in speaker_names):
                note(alias, SPEAKER, reason("speaker", speaker=claim.speaker.name, source=alias.source_name))
            if alias.pattern.search(claim.text):
                note(alias, NAMED_IN_TEXT, reason("named", name=alias.alias, source=alias.source_name))
            elif alias.surname and alias.surname.search(claim.text):
                note(alias, SURNAME_IN_TEXT, reason("surname", name=alias.alias.split()[-1], source=alias.source_name))
        candidates = []
        for source_id, mentions in found.items():
            mentions.sort(key=lambda mention: (-mention[0], mention[1]))
            # Each thing the claim says about the source once: "attributed to CNN" makes "names CNN" a repeat.
            reasons = unique([why for _score, _order, why in mentions])
            score = min(1.0, mentions[0][0] + EXTRA_MENTION * (len(reasons) - 1))
            candidates.append(
                Candidate(
                    ProposalMethod.ALIAS,
                    lead_score(score),
                    english(reasons[:3]),
                    source_id=source_id,
                    reasons=tuple(reasons[:3]),
                )
            )
        return candidates
