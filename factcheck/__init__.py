# The Celery app is loaded with Django so that tasks are sent with our configuration everywhere (queueing.py).
from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
