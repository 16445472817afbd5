"""The one Celery app. Workers run `celery -A factcheck worker`; beat runs `celery -A factcheck beat`."""

import os

from celery import Celery, signature

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_webhook_sweep(sender, **kwargs):
    """Stuck webhook deliveries are swept as often as the claims app's stranded work (`SWEEP_EVERY_SECONDS`). The
    sweep is the API app's, since claims never imports api; the project wires the two here."""
    every = sender.conf.beat_schedule["sweep-stranded-work"]["schedule"]
    sender.add_periodic_task(every, signature("api.sweep_stuck_deliveries"), name="sweep-stuck-deliveries")
