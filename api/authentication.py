"""`Authorization: Bearer KEY` with a key an admin issued (api.models.ApiKey). The request then acts as the key's
user, so the workflow services check that user's role; `request.auth` is the key, whose scope limits the rest."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api import services


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as `Authorization: Bearer KEY`."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        api_key = services.find_api_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if not api_key.is_usable():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("The user this API key acts as is inactive."))
        services.note_key_use(api_key=api_key)
        return api_key.user, api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return f'{self.keyword} realm="api"'
