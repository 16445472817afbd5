"""Requests per client: per API key (each key has its own budget), per user for the web app's session, per
address for anonymous requests (the connection's address; X-Forwarded-For only as far as the NUM_PROXIES setting
trusts it). The rate is the API_THROTTLE_RATE setting; a refused request gets 429 with
Retry-After. Counters live in Django's cache, so they are per process unless CACHES names a shared cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiKey


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_rate(self):
        # Read on every request (not once at import like DRF's default), so that a changed setting takes effect.
        return settings.API_THROTTLE_RATE
