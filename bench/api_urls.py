"""The app's URLs plus two bare Django views returning the same rows as the API's claim detail and lookup, read by
the same selectors, without DRF (no authentication, permissions, throttling, content negotiation or serializers):
the baseline of bench/bench_api.py."""

from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.urls import include, path

from claims import selectors
from claims.models import ClaimState
from reviews.models import ClaimEvent, Evidence


def summary(claim) -> dict:
    article = claim.article
    return {
        "id": claim.pk,
        "url": f"/api/v1/claims/{claim.pk}",
        "text": claim.text,
        "status": claim.status.value,
        "state": claim.state,
        "verdict": claim.public_verdict,
        "language": claim.language,
        "checkworthiness": claim.checkworthiness,
        "is_checkworthy": claim.is_checkworthy,
        "speaker": claim.speaker and {"id": claim.speaker.pk, "name": claim.speaker.name, "kind": claim.speaker.kind},
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
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
    }


def bare_detail(request, pk):
    claim = (
        selectors.claim_rows()
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("proposal__document", "proposal__source")),
            Prefetch("events", queryset=ClaimEvent.objects.order_by("created_at", "pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    published = bool(claim.public_verdict)
    data = {
        **summary(claim),
        "start": claim.start,
        "end": claim.end,
        "role": claim.role,
        "checkworthiness_reasons": claim.checkworthiness_reasons,
        "entities": claim.entities,
        "verdict_rationale": claim.verdict_rationale if published else None,
        "approved_at": claim.approved_at and claim.approved_at.isoformat(),
        "published_verdict": claim.verdict_under_correction or None,
        "evidence": [
            {
                "id": e.pk,
                "url": e.url,
                "title": "",
                "note": e.note,
                "kind": "url",
                "created_at": e.created_at.isoformat(),
            }
            for e in claim.evidence.all()
        ],
        "history": [
            {
                "kind": event.kind,
                "action": (event.data or {}).get("action"),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "verdict": event.verdict if event.to_state == ClaimState.APPROVED else "",
                "actor": None,
                "note": None,
                "created_at": event.created_at.isoformat(),
            }
            for event in claim.events.all()
            if event.kind == "transition"
        ],
        "proposals": None,
        "allowed_actions": None,
        "claimreview_url": f"/api/v1/claims/{claim.pk}/claimreview" if published else None,
    }
    return JsonResponse(data)


def bare_lookup(request):
    text = request.GET.get("text", "")
    results = [
        {
            "claim": summary(result.claim),
            "score": result.score,
            "similarity": result.similarity,
            "near_duplicate": result.near_duplicate,
        }
        for result in selectors.lookup_reviewed_claims(text=text)
    ]
    return JsonResponse({"text": text, "results": results})


urlpatterns = [
    path("bare/claims/<int:pk>/", bare_detail),
    path("bare/lookup/", bare_lookup),
    path("", include("factcheck.urls")),
]
