"""The reviewers' web app: queues, claim pages, bulk actions and the editors' dashboard."""

app_name = "reviews"
urlpatterns = []
