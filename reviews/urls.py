"""The reviewers' web app: queues, claim pages, bulk actions and the editors' dashboard."""

from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("queue/", views.my_queue, name="my-queue"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/bulk/", views.bulk, name="bulk"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/work/", views.claim_work, name="claim-work"),
    path("claims/<int:pk>/transition/", views.claim_transition, name="claim-transition"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim-assign"),
    path("claims/<int:pk>/attribution/", views.correct_attribution, name="correct-attribution"),
    path("claims/<int:pk>/evidence/", views.add_evidence, name="add-evidence"),
    path("claims/<int:pk>/comments/", views.add_comment, name="add-comment"),
    path("claims/<int:pk>/propose-again/", views.propose_again, name="propose-again"),
    path("claims/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("claims/<int:pk>/restore/", views.restore, name="restore"),
    path("proposals/<int:pk>/decide/", views.decide_proposal, name="decide-proposal"),
    path("articles/<int:article_pk>/claims/add/", views.add_claim, name="add-claim"),
    path("articles/<int:article_pk>/claims/merge/", views.merge, name="merge"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
