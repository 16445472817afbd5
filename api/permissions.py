"""Who may do what through the API: the smaller of the key's scope and the user's role.

A session user's scope is their role: admin (the source registry), review (reviewers and editors), read (API
clients). A key's scope caps it: a read key of an editor only reads. The services check the user's permissions
again (an editor's key approves, a reviewer's key cannot), so the scope never grants what the role does not.
"""

from django.core.cache import cache
from rest_framework import permissions

from api.models import SCOPE_LEVELS, ApiKey, Scope
from reviews import workflow

NONE, READ, REVIEW, ADMIN = 0, SCOPE_LEVELS[Scope.READ], SCOPE_LEVELS[Scope.REVIEW], SCOPE_LEVELS[Scope.ADMIN]


def role_level(user) -> int:
    if not user or not user.is_authenticated or not user.is_active:
        return NONE
    if user.has_perm("claims.add_source"):
        return ADMIN
    if user.has_perm(workflow.REVIEW):
        return REVIEW
    if user.has_perm("claims.view_claim"):
        return READ
    return NONE


# A key's user's role is remembered in the process for this many seconds: a polling client's read then costs one
# query before the view's own instead of three. A role taken away stops API reads within this time; writes are
# checked against the database by the services every time.
KEY_ROLE_SECONDS = 60


def key_role_level(api_key: ApiKey) -> int:
    user = api_key.user
    if not user.is_active:
        return NONE
    return cache.get_or_set(f"api-role-level-{user.pk}", lambda: role_level(user), KEY_ROLE_SECONDS)


def scope_level(request) -> int:
    """What this request may do, cached on it."""
    level = getattr(request, "_api_scope_level", None)
    if level is None:
        if isinstance(request.auth, ApiKey):
            level = min(key_role_level(request.auth), request.auth.level)
        else:
            level = role_level(request.user)
        request._api_scope_level = level
    return level


class ScopePermission(permissions.BasePermission):
    level = READ
    message = "Your API key's scope or your role does not allow this."

    def has_permission(self, request, view):
        return scope_level(request) >= self.level


class ReadScope(ScopePermission):
    level = READ


class ReviewScope(ScopePermission):
    level = REVIEW


class ReadOrAdminWrite(ScopePermission):
    """The source registry: every client reads it, admins change it."""

    def has_permission(self, request, view):
        needed = READ if request.method in permissions.SAFE_METHODS else ADMIN
        return scope_level(request) >= needed
