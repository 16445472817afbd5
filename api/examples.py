"""Examples shown in the OpenAPI schema and on /api/v1/docs/."""

from drf_spectacular.utils import OpenApiExample

_CLAIM = {
    "id": 42,
    "url": "/api/v1/claims/42/",
    "text": "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen, sagte der Verkehrssenator.",
    "status": "misleading",
    "state": "approved",
    "verdict": "misleading",
    "language": "de",
    "checkworthiness": 0.91,
    "is_checkworthy": True,
    "speaker": {"id": 3, "name": "Anna Beispiel", "kind": "person"},
    "cited_outlet": "",
    "is_direct_quote": False,
    "article": {"id": 7, "title": "Radweg-Bilanz", "url": "https://example.org/radweg", "published_on": "2025-08-15"},
    "duplicate_of": None,
    "dismissed": False,
    "version": 4,
    "created_at": "2025-08-15T09:12:00Z",
    "updated_at": "2025-08-16T14:03:00Z",
}

CLAIM_LIST = OpenApiExample(
    "A page of claims",
    value={"next": "/api/v1/claims/?cursor=cD0yMDI1LTA4LTE1", "previous": None, "results": [_CLAIM]},
    response_only=True,
)

CLAIM_DETAIL = OpenApiExample(
    "An approved claim (read scope)",
    value={
        **_CLAIM,
        "start": 120,
        "end": 205,
        "role": "body",
        "checkworthiness_reasons": [{"code": "number", "detail": "12 Prozent"}, {"code": "reported_speech"}],
        "entities": {"numbers": ["12 Prozent"], "dates": ["2024"], "names": ["Anna Beispiel"]},
        "verdict_rationale": "The police statistics show 4 %; the 12 % count only e-bikes.",
        "approved_at": "2025-08-16T14:03:00Z",
        "published_verdict": None,
        "evidence": [
            {
                "id": 5,
                "url": "https://example.org/polizei/statistik-2024",
                "title": "Verkehrsunfallstatistik 2024",
                "note": "Table 3",
                "kind": "document",
                "lead": False,
                "document": {
                    "key": "polizei-statistik-2024",
                    "title": "Verkehrsunfallstatistik 2024",
                    "url": "https://example.org/polizei/statistik-2024",
                    "source": "polizei",
                },
                "snapshot": {
                    "status": "done",
                    "fetched_at": "2025-08-15T10:00:04Z",
                    "final_url": "https://example.org/polizei/statistik-2024",
                    "http_status": 200,
                    "sha256": "9f2c1a8e4b7d3f60c5e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7",
                    "error": "",
                },
                "created_at": "2025-08-15T10:00:00Z",
            }
        ],
        "corrected_fields": ["speaker"],
        "history": [
            {
                "kind": "transition",
                "action": "approve",
                "from_state": "verdict_proposed",
                "to_state": "approved",
                "verdict": "misleading",
                "actor": None,
                "note": None,
                "changes": None,
                "created_at": "2025-08-16T14:03:00Z",
            }
        ],
        "proposals": None,
        "allowed_actions": None,
        "claimreview_url": "/api/v1/claims/42/claimreview",
    },
    response_only=True,
)

CLAIMREVIEW = OpenApiExample(
    "ClaimReview",
    value={
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example.org/factchecks/42-die-zahl-der-radunfalle-ist-2024-um-12-prozent-gestiegen/",
        "claimReviewed": "Die Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen.",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Anna Beispiel"},
            "appearance": [{"@type": "CreativeWork", "url": "https://example.org/radweg", "headline": "Radweg-Bilanz"}],
            "datePublished": "2025-08-15",
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 2,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Misleading",
            "name": "Misleading",
        },
        "author": {"@type": "Organization", "name": "Example desk", "url": "https://factcheck.example.org"},
        "datePublished": "2025-08-16",
        "reviewBody": "The police statistics show 4 %; the 12 % count only e-bikes.",
        "inLanguage": "de",
    },
    response_only=True,
)

LOOKUP = OpenApiExample(
    "Checked before",
    value={
        "text": "Radunfälle 2024 um 12 Prozent gestiegen",
        "results": [{"claim": _CLAIM, "score": 0.87, "similarity": 0.91, "near_duplicate": False}],
    },
    response_only=True,
)

TRANSITION = OpenApiExample(
    "Propose a verdict",
    value={"action": "propose", "version": 3, "verdict": "misleading", "note": "The statistics show 4 %."},
    request_only=True,
)

ATTRIBUTION = OpenApiExample(
    "Correct the speaker",
    value={"version": 3, "speaker": "Verkehrssenatorin Anna Beispiel", "speaker_kind": "person"},
    request_only=True,
)

EVIDENCE = OpenApiExample(
    "Evidence",
    value={"url": "https://example.org/polizei/statistik-2024", "note": "Table 3 shows 4 %."},
    request_only=True,
)

COMMENT = OpenApiExample("A comment", value={"text": "Asked the police press office."}, request_only=True)

INGEST = OpenApiExample(
    "Plain text",
    value={
        "text": "date 2025-08-15 Radweg-Bilanz\n\nDie Zahl der Radunfälle ist 2024 um 12 Prozent gestiegen.",
        "url": "https://example.org/radweg",
    },
    request_only=True,
)

INGESTED = OpenApiExample(
    "Stored",
    value={"id": 7, "created": True, "status_url": "/api/v1/articles/7/", "extraction_status": "pending"},
    response_only=True,
)

SOURCE = OpenApiExample(
    "A source",
    value={"key": "destatis", "name": "Statistisches Bundesamt", "kind": "government", "domain": "destatis.de"},
    request_only=True,
)

DOCUMENT = OpenApiExample(
    "A document",
    value={
        "source": "destatis",
        "key": "destatis-unfaelle-2024",
        "url": "https://destatis.de/unfaelle-2024",
        "title": "Verkehrsunfälle 2024",
        "text": "Die Polizei erfasste 2024 ...",
        "language": "de",
        "published_on": "2025-03-01",
    },
    request_only=True,
)

PROPOSAL_DECISION = OpenApiExample(
    "Accept", value={"decision": "accept", "note": "The treaty text says so."}, request_only=True
)
