"""The local web server of the fetch tests (tests/claims/conftest.py) and the webhook receiver of the webhook tests
(tests/api/test_webhooks.py), for the URL safety tests here."""

from tests.api.test_webhooks import receiver  # noqa: F401 (fixture, found by name)
from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures, found by name)
