# The Celery app is loaded with Django so that `delay_on_commit` uses our configuration everywhere.
from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
