"""The desk's traffic for `bench/load_test.py`: API clients looking claims up and listing them, reviewers on their
queue and claim pages, and articles ingested through the API.

Reads from the environment: LOAD_API_KEY (a read+review key), LOAD_REVIEWER / LOAD_PASSWORD (a reviewer's login),
LOAD_CLAIM_IDS (comma-separated ids to open), LOAD_LOOKUPS (a file of lookup texts, one per line).
"""

import itertools
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, task

CLAIM_IDS = [int(pk) for pk in os.environ.get("LOAD_CLAIM_IDS", "1").split(",")]
LOOKUPS = [line.strip() for line in Path(os.environ["LOAD_LOOKUPS"]).read_text("utf-8").splitlines() if line.strip()]
SERIAL = itertools.count()


class ApiClient(HttpUser):
    """A CMS or browser plug-in: mostly "has this been checked?", then lists and details."""

    weight = 3
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {os.environ['LOAD_API_KEY']}"

    @task(6)
    def lookup(self):
        self.client.get("/api/v1/claims/lookup", params={"text": random.choice(LOOKUPS)}, name="api lookup")

    @task(4)
    def list_claims(self):
        params = random.choice([{"status": "unverified"}, {"language": "de"}, {"checkworthy": "true"}, {}])
        self.client.get("/api/v1/claims/", params=params, name="api claim list")

    @task(3)
    def claim_detail(self):
        self.client.get(f"/api/v1/claims/{random.choice(CLAIM_IDS)}/", name="api claim detail")

    @task(1)
    def ingest(self):
        text = (
            f"Meldung {uuid.uuid4().hex[:8]}\n\nDer Stadtrat teilte am Montag mit, dass {next(SERIAL) % 90 + 10} "
            "Schulen im kommenden Jahr saniert werden sollen. Die Kosten lägen bei 12 Millionen Euro."
        )
        self.client.post("/api/v1/articles/", json={"text": text}, name="api ingest")


class Reviewer(HttpUser):
    """A reviewer paging through their queue and opening claims."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/accounts/login/",
            data={
                "username": os.environ["LOAD_REVIEWER"],
                "password": os.environ["LOAD_PASSWORD"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )

    @task(3)
    def queue(self):
        self.client.get("/claims/", params={"state": "unverified"}, name="web claim list")

    @task(1)
    def my_queue(self):
        self.client.get("/queue/", name="web my queue")

    @task(3)
    def claim_page(self):
        self.client.get(f"/claims/{random.choice(CLAIM_IDS)}/", name="web claim page")
