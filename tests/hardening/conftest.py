"""The local web server of the fetch tests (tests/claims/conftest.py), for the URL safety tests here."""

from tests.claims.conftest import allowed_web, web  # noqa: F401 (fixtures, found by name)
