"""Login throttling (django-axes) for every way a person logs in: the app's login page and the admin's.

axes' backend refuses to run without the request, because it counts failures per user name and address. Django's
own callers without one (`authenticate()` in a shell or a management command, the test client's `login()`) are not
HTTP logins and cannot be throttled by address; for them this backend steps aside instead of raising, and the
password check still happens in ModelBackend.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): HTTP 429, saying how long the lock lasts."""
    minutes = max(1, round(get_cool_off(request).total_seconds() / 60))
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
