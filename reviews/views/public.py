"""The published fact-checks, for readers: one page per approved claim with its ClaimReview embedded, the list of
them and their Atom feed. No login; read-only; in the language the desk publishes in (FACTCHECK_LANGUAGE), whatever
the reader's browser asks for, so that a page, its markup and the API's ClaimReview name a verdict alike.

A claim that was never approved is not found (404). One reopened for correction keeps its page, with the verdict
published last and a note that it is being corrected.
"""

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reviews import published
from reviews.claimreview import claimreview, page_path, page_url, rating_names

# What json_script escapes, so that no string in the markup can close its <script> element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
# The list page shows the fact-checks approved last.
LIST_LENGTH = 100


def in_desk_language(view):
    """Run the view, and render its page, in the desk's language; say so in the answer."""

    def wrapped(request, *args, **kwargs):
        with translation.override(settings.FACTCHECK_LANGUAGE):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["Content-Language"] = settings.FACTCHECK_LANGUAGE
        return response

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def json_ld(data: dict) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(JSON_ESCAPES))  # noqa: S308


@require_safe
@in_desk_language
def factcheck_detail(request, pk: int, slug: str | None = None):
    factcheck = published.factcheck(pk)
    if factcheck is None:
        raise Http404(_("No published fact-check here."))
    if slug != factcheck.slug:
        # The id is what the address stands on; a corrected wording changes the slug, and the old address follows.
        return redirect(page_path(factcheck), permanent=True)
    name, _alternate = rating_names(factcheck.verdict)
    context = {
        "factcheck": factcheck,
        "claim": factcheck.claim,
        "article": factcheck.claim.article,
        "article_url": published.followable(factcheck.claim.article.url),
        "verdict_name": name,
        "canonical_url": page_url(factcheck),
        "claimreview": json_ld(claimreview(factcheck)),
        "organisation_name": settings.FACTCHECK_ORGANISATION_NAME,
        "organisation_url": settings.FACTCHECK_ORGANISATION_URL,
    }
    return render(request, "public/factcheck_detail.html", context)


@require_safe
@in_desk_language
def factcheck_list(request):
    factchecks = published.latest_factchecks(limit=LIST_LENGTH)
    rows = [{"factcheck": f, "url": page_path(f), "verdict_name": rating_names(f.verdict)[0]} for f in factchecks]
    return render(
        request,
        "public/factcheck_list.html",
        {"rows": rows, "organisation_name": settings.FACTCHECK_ORGANISATION_NAME},
    )


class FactCheckFeed(Feed):
    """The fact-checks approved last, newest first, as Atom: a corrected one comes again, updated."""

    feed_type = Atom1Feed

    def title(self):
        return _("Fact-checks by %(organisation)s") % {"organisation": settings.FACTCHECK_ORGANISATION_NAME}

    def subtitle(self):
        return _("Claims checked and published, with their verdicts.")

    def link(self):
        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:factcheck-list")

    def feed_url(self):
        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:factcheck-feed")

    def author_name(self):
        return settings.FACTCHECK_ORGANISATION_NAME

    def items(self):
        return published.latest_factchecks(limit=settings.FACTCHECK_FEED_LENGTH)

    def item_title(self, item):
        return f"{rating_names(item.verdict)[0]}: {item.claim_reviewed}"

    def item_description(self, item):
        return item.rationale

    def item_link(self, item):
        return page_url(item)

    def item_guid(self, item):
        # The id stays when a correction changes the wording (and the slug).
        return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:factcheck-short", args=[item.claim.pk])

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.approved_at

    def __call__(self, request, *args, **kwargs):
        with translation.override(settings.FACTCHECK_LANGUAGE):
            response = super().__call__(request, *args, **kwargs)
        response["Content-Language"] = settings.FACTCHECK_LANGUAGE
        return response


factcheck_feed = require_safe(FactCheckFeed())
