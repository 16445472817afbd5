"""The reviewers' web app: queues, claim pages, article pages, bulk actions and the editors' dashboard."""

from django.urls import path

from reviews.views import actions, articles, claim, dashboard, queues

app_name = "reviews"
urlpatterns = [
    path("queue/", queues.my_queue, name="my-queue"),
    path("claims/", queues.claim_list, name="claim-list"),
    path("claims/bulk/", queues.Bulk.as_view(), name="bulk"),
    path("claims/<int:pk>/", claim.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/work/", claim.claim_work, name="claim-work"),
    path("claims/<int:pk>/transition/", actions.ClaimTransition.as_view(), name="claim-transition"),
    path("claims/<int:pk>/assign/", actions.ClaimAssign.as_view(), name="claim-assign"),
    path("claims/<int:pk>/attribution/", actions.CorrectAttribution.as_view(), name="correct-attribution"),
    path("claims/<int:pk>/evidence/", actions.AddEvidence.as_view(), name="add-evidence"),
    path("claims/<int:pk>/comments/", actions.AddComment.as_view(), name="add-comment"),
    path("claims/<int:pk>/propose-again/", actions.ProposeAgain.as_view(), name="propose-again"),
    path("claims/<int:pk>/dismiss/", actions.Dismiss.as_view(), name="dismiss"),
    path("claims/<int:pk>/restore/", actions.Restore.as_view(), name="restore"),
    path("claims/<int:pk>/unlink/", actions.UnlinkDuplicate.as_view(), name="unlink-duplicate"),
    path("proposals/<int:pk>/decide/", actions.DecideProposal.as_view(), name="decide-proposal"),
    path("articles/", articles.article_list, name="article-list"),
    path("articles/new/", articles.article_ingest, name="article-ingest"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:article_pk>/retry/", articles.article_retry_extraction, name="article-retry"),
    path("articles/<int:article_pk>/claims/add/", articles.AddClaim.as_view(), name="add-claim"),
    path("articles/<int:article_pk>/claims/merge/", articles.Merge.as_view(), name="merge"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
