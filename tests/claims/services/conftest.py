"""What the service tests share."""

from claims.services.ingest import ingest
from tests.conftest import SAMPLE_ARTICLE


def ingest_sample(django_capture_on_commit_callbacks, **kwargs):
    """The sample article ingested, with its extraction run once the ingest commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return ingest(content=SAMPLE_ARTICLE.read_bytes(), **kwargs)
