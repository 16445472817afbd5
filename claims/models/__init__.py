"""The claims app's nouns: articles and the claims extracted from them, the people and outlets named in them,
the source registry, and the proposals that connect a claim to possible evidence."""

from claims.models.articles import Article, WorkStatus
from claims.models.claims import (
    CORRECTABLE_FIELDS,
    Claim,
    ClaimRole,
    ClaimState,
    ClaimStatus,
    Verdict,
    status_filter,
    status_of,
)
from claims.models.feeds import Feed, FeedStatus
from claims.models.fetching import FetchAllowedHost
from claims.models.proposals import Proposal, ProposalMethod, ProposalStatus
from claims.models.registry import Document, Reliability, Source, SourceKind
from claims.models.speakers import Speaker, SpeakerKind

__all__ = [
    "CORRECTABLE_FIELDS",
    "Article",
    "Claim",
    "ClaimRole",
    "ClaimState",
    "ClaimStatus",
    "Document",
    "Feed",
    "FeedStatus",
    "FetchAllowedHost",
    "Proposal",
    "ProposalMethod",
    "ProposalStatus",
    "Reliability",
    "Source",
    "SourceKind",
    "Speaker",
    "SpeakerKind",
    "Verdict",
    "status_filter",
    "status_of",
    "WorkStatus",
]
