"""Claims as the API shows them: the list row, the detail with its evidence, history and proposals, and the
lookup of reviewed claims by text."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    DATETIME,
    ArticleRefSerializer,
    NumberField,
    SpeakerSerializer,
    TextField,
    claim_path,
    datetime_or_none,
)
from claims.models import (
    CORRECTABLE_FIELDS,
    ClaimState,
    ClaimStatus,
    ProposalMethod,
    ProposalStatus,
    Verdict,
    WorkStatus,
)
from reviews.models import EventKind, Evidence, EvidenceSnapshot
from reviews.visibility import INTERNAL, PUBLIC, ClaimVisibility
from reviews.workflow import TRANSITIONS


class ClaimSerializer(serializers.Serializer):
    """A claim as the list shows it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    text = serializers.CharField()
    status = serializers.ChoiceField(
        choices=ClaimStatus.choices,
        help_text="Where the claim stands, or its approved verdict: the one field most clients need.",
    )
    state = serializers.ChoiceField(choices=ClaimState.choices, help_text="The review workflow's state.")
    verdict = serializers.SerializerMethodField()
    language = serializers.CharField()
    checkworthiness = serializers.FloatField(allow_null=True)
    is_checkworthy = serializers.BooleanField(allow_null=True)
    speaker = SpeakerSerializer(allow_null=True)
    cited_outlet = serializers.CharField()
    is_direct_quote = serializers.BooleanField()
    article = ArticleRefSerializer(help_text="The article the claim was found in.")
    duplicate_of = serializers.IntegerField(
        source="duplicate_of_id", allow_null=True, help_text="An earlier reviewed claim whose verdict applies."
    )
    dismissed = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Send it back with a transition: a changed claim is a 409.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, claim):
        # By hand, not field by field: DRF's generic path costs more than the queries (see docs/BENCHMARKS.md, API).
        # The fields above document the shape; the schema tests check that this matches them.
        speaker, article = claim.speaker, claim.article
        return {
            "id": claim.pk,
            "url": claim_path(claim.pk),
            "text": claim.text,
            "status": claim.status.value,
            "state": claim.state,
            "verdict": self.get_verdict(claim),
            "language": claim.language,
            "checkworthiness": claim.checkworthiness,
            "is_checkworthy": claim.is_checkworthy,
            "speaker": speaker and {"id": speaker.pk, "name": speaker.name, "kind": speaker.kind},
            "cited_outlet": claim.cited_outlet,
            "is_direct_quote": claim.is_direct_quote,
            "article": {
                "id": article.pk,
                "title": article.title,
                "url": article.url,
                "published_on": article.published_on and article.published_on.isoformat(),
            },
            "duplicate_of": claim.duplicate_of_id,
            "dismissed": claim.dismissed_at is not None,
            "version": claim.version,
            "created_at": DATETIME.to_representation(claim.created_at),
            "updated_at": DATETIME.to_representation(claim.updated_at),
        }

    def get_url(self, claim) -> str:
        return claim_path(claim.pk)

    @extend_schema_field(serializers.ChoiceField(choices=Verdict.choices, allow_null=True))
    def get_verdict(self, claim):
        """The approved verdict; null until an editor approved one (a proposed verdict is not published)."""
        return claim.public_verdict

    def get_dismissed(self, claim) -> bool:
        return claim.dismissed_at is not None


class EvidenceDocumentSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    source = serializers.CharField(help_text="The document's source, by its key.")


class EvidenceSnapshotSerializer(serializers.Serializer):
    """The evidence page as it was fetched when the evidence was accepted or added (its text is kept, not sent)."""

    status = serializers.ChoiceField(choices=WorkStatus.choices)
    fetched_at = serializers.DateTimeField(allow_null=True)
    final_url = serializers.CharField(help_text="The address the page was fetched from, after redirects.")
    http_status = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(help_text="Of the text kept; empty until fetched.")
    error = serializers.CharField()


# Evidence rows as the API reads them: with their document, source and snapshot in the same query.
EVIDENCE_ROWS = Evidence.objects.select_related(
    "proposal__document", "proposal__source", "document__source", "source", "snapshot"
).defer(
    "proposal__document__embedding",
    "proposal__document__text",
    "document__embedding",
    "document__text",
    "snapshot__text",
)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    note = serializers.CharField()
    kind = serializers.SerializerMethodField()
    lead = serializers.BooleanField(
        help_text="A source alone, which a reader cannot follow: a lead, not counted as evidence for a verdict."
    )
    document = EvidenceDocumentSerializer(allow_null=True)
    snapshot = EvidenceSnapshotSerializer(allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, evidence):
        return {
            "id": evidence.pk,
            "url": self.get_url(evidence),
            "title": self.get_title(evidence),
            "note": evidence.note,
            "kind": self.get_kind(evidence),
            "lead": evidence.is_lead,
            "document": self._document(evidence),
            "snapshot": self._snapshot(evidence),
            "created_at": DATETIME.to_representation(evidence.created_at),
        }

    @staticmethod
    def _document(evidence) -> dict | None:
        document = evidence.document
        if document is None:
            return None
        return {"key": document.key, "title": document.title, "url": document.url, "source": document.source.key}

    @staticmethod
    def _snapshot(evidence) -> dict | None:
        try:
            snapshot = evidence.snapshot
        except EvidenceSnapshot.DoesNotExist:
            return None
        return {
            "status": snapshot.status,
            "fetched_at": DATETIME.to_representation(snapshot.fetched_at) if snapshot.fetched_at else None,
            "final_url": snapshot.final_url,
            "http_status": snapshot.http_status,
            "sha256": snapshot.sha256,
            "error": snapshot.error,
        }

    def get_kind(self, evidence) -> str:
        """`url` (added by a reviewer) or the accepted proposal's target: document, source, earlier_claim, external."""
        proposal = evidence.proposal
        if proposal is None:
            return "url"
        if proposal.document_id:
            return "document"
        if proposal.source_id:
            return "source"
        if proposal.earlier_claim_id:
            return "earlier_claim"
        return "external"

    def get_url(self, evidence) -> str:
        proposal = evidence.proposal
        if proposal is None:
            return evidence.url
        if proposal.document_id:
            return proposal.document.url
        if proposal.source_id:
            return f"https://{proposal.source.domain}/" if proposal.source.domain else ""
        if proposal.earlier_claim_id:
            return claim_path(proposal.earlier_claim_id)
        return proposal.external_url

    def get_title(self, evidence) -> str:
        proposal = evidence.proposal
        if proposal is None:
            return ""
        if proposal.document_id:
            return proposal.document.title
        if proposal.source_id:
            return proposal.source.name
        if proposal.earlier_claim_id:
            return f"claim {proposal.earlier_claim_id}"
        return proposal.external_title


class EventSerializer(serializers.Serializer):
    """One row of the claim's history. Read-scope clients see state changes only, without names or notes."""

    kind = serializers.ChoiceField(choices=EventKind.choices)
    action = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    verdict = serializers.CharField()
    actor = serializers.CharField(source="actor_name", allow_null=True, help_text="Null for read scope.")
    note = serializers.CharField(allow_null=True, help_text="Null for read scope.")
    changes = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def to_representation(self, event):
        return {
            "kind": event.kind,
            "action": self.get_action(event),
            "from_state": event.from_state,
            "to_state": event.to_state,
            "verdict": event.verdict,
            "actor": event.actor_name,
            "note": event.note,
            "changes": self.get_changes(event),
            "created_at": DATETIME.to_representation(event.created_at),
        }

    @extend_schema_field(serializers.ChoiceField(choices=sorted(TRANSITIONS), allow_null=True))
    def get_action(self, event):
        return (event.data or {}).get("action")

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                # A reviewer's corrections, and the wording of the claim replaced at a new proposal.
                "fields": {
                    "type": "array",
                    "items": {"type": "string", "enum": [*CORRECTABLE_FIELDS, "claim_reviewed"]},
                },
                "old": {"type": "object", "additionalProperties": {}},
                "new": {"type": "object", "additionalProperties": {}},
            },
        }
    )
    def get_changes(self, event):
        """A correction's fields with their old and new values: `{"fields": [...], "old": {...}, "new": {...}}`
        (a speaker as `{"id", "name", "kind"}` or null); null for other events."""
        if event.kind != EventKind.CORRECTED:
            return None
        data = event.data or {}
        return {"fields": data.get("fields", []), "old": data.get("old", {}), "new": data.get("new", {})}


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.ChoiceField(choices=ProposalMethod.choices)
    score = serializers.FloatField()
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    target = serializers.SerializerMethodField()

    def to_representation(self, proposal):
        return {
            "id": proposal.pk,
            "method": proposal.method,
            "score": proposal.score,
            "reason": proposal.reason,
            "status": proposal.status,
            "target": self.get_target(proposal),
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_target(self, proposal) -> dict:
        """{"type": document|source|earlier_claim|external, "id", "title", "url"}."""
        if proposal.document_id:
            document = proposal.document
            return {"type": "document", "id": document.pk, "title": document.title, "url": document.url}
        if proposal.source_id:
            return {"type": "source", "id": proposal.source_id, "title": proposal.source.name, "url": ""}
        if proposal.earlier_claim_id:
            return {
                "type": "earlier_claim",
                "id": proposal.earlier_claim_id,
                "title": f"claim {proposal.earlier_claim_id}",
                "url": claim_path(proposal.earlier_claim_id),
            }
        return {"type": "external", "id": None, "title": proposal.external_title, "url": proposal.external_url}


EVIDENCE, EVENT, PROPOSAL = EvidenceSerializer(), EventSerializer(), ProposalSerializer()


class CheckworthinessReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Why the sentence scored as it did, e.g. `number`, `reported_speech`.")
    detail = serializers.CharField(required=False, help_text="The words the reason is about, when there are any.")


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its place in the article, its verdict and rationale (once approved), its evidence and its
    history; with review scope also every proposal (proposed, accepted, rejected) and the actions the caller may
    take."""

    start = serializers.IntegerField(help_text="Character offset into the article's text.")
    end = serializers.IntegerField()
    role = serializers.CharField()
    checkworthiness_reasons = CheckworthinessReasonSerializer(many=True)
    entities = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    verdict_rationale = serializers.SerializerMethodField()
    approved_at = serializers.SerializerMethodField()
    published_verdict = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True)
    corrected_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=CORRECTABLE_FIELDS),
        help_text="The fields a reviewer corrected by hand; re-running the extraction leaves them as they are.",
    )
    history = serializers.SerializerMethodField()
    proposals = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    claimreview_url = serializers.SerializerMethodField()

    @property
    def visibility(self) -> ClaimVisibility:
        """Review scope sees the review's workings; read scope the published record, as the api-client role does on
        the claim page (`reviews.visibility`)."""
        return INTERNAL if self.context.get("review") else PUBLIC

    def to_representation(self, claim):
        return {
            **super().to_representation(claim),
            "start": claim.start,
            "end": claim.end,
            "role": claim.role,
            "checkworthiness_reasons": claim.checkworthiness_reasons,
            "entities": claim.entities,
            "verdict_rationale": self.get_verdict_rationale(claim),
            "approved_at": self.get_approved_at(claim),
            "published_verdict": self.get_published_verdict(claim),
            "evidence": [EVIDENCE.to_representation(evidence) for evidence in claim.evidence.all()],
            "corrected_fields": claim.corrected_fields,
            "history": self.get_history(claim),
            "proposals": self.get_proposals(claim),
            "allowed_actions": self.get_allowed_actions(claim),
            "claimreview_url": self.get_claimreview_url(claim),
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verdict_rationale(self, claim):
        """The approved verdict's rationale, beside `verdict`: the published one for every scope (review scope reads a
        proposed verdict's rationale in `history`)."""
        return PUBLIC.rationale(claim)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_approved_at(self, claim):
        return datetime_or_none(claim.approved_at)

    @extend_schema_field(serializers.ChoiceField(choices=Verdict.choices, allow_null=True))
    def get_published_verdict(self, claim):
        """While a verdict is reopened for correction (status under_correction): the verdict that was published."""
        return claim.verdict_under_correction or None

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, claim):
        visibility = self.visibility
        events = [EVENT.to_representation(event) for event in visibility.events(claim)]
        if not visibility.names:
            events = [{**event, "actor": None, "note": None} for event in events]
        return events

    @extend_schema_field(ProposalSerializer(many=True, allow_null=True))
    def get_proposals(self, claim):
        """Reviewers only (review scope): candidates the proposers found, best first; null for read scope."""
        proposals = self.visibility.proposals(claim)
        if proposals is None:
            return None
        return [PROPOSAL.to_representation(proposal) for proposal in proposals]

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_allowed_actions(self, claim):
        """The transitions the caller may POST now (review scope), else null."""
        actions = self.context.get("allowed_actions")
        return None if actions is None else actions

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_claimreview_url(self, claim):
        if not claim.public_verdict:
            return None
        return reverse("api:claim-claimreview", args=[claim.pk])


class LookupResultSerializer(serializers.Serializer):
    claim = ClaimSerializer()
    score = serializers.FloatField(help_text="Fused lexical and semantic score in [0, 1].")
    similarity = serializers.FloatField(allow_null=True, help_text="Cosine similarity of the embeddings.")
    near_duplicate = serializers.BooleanField(
        help_text="The score reaches EARLIER_CLAIMS_LINK_THRESHOLD: the same claim, as far as the desk can tell."
    )


class LookupSerializer(serializers.Serializer):
    text = serializers.CharField()
    results = LookupResultSerializer(many=True)


class LookupQuerySerializer(serializers.Serializer):
    text = TextField(
        max_length=settings.LOOKUP_MAX_CHARACTERS,
        help_text="The claim to look up, in German or English (at most LOOKUP_MAX_CHARACTERS characters).",
    )
    limit = NumberField(required=False, min_value=1, max_value=50)
