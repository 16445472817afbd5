import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.fetching import is_host_name, normalise_host


class FetchAllowedHostQuerySet(models.QuerySet):
    def hosts(self) -> frozenset[str]:
        return frozenset(self.values_list("host", flat=True))


class FetchAllowedHost(models.Model):
    """A host whose pages may be fetched although it resolves to a loopback, private or otherwise non-public
    address (an intranet source, a test server). Redirects from it to other hosts are still checked."""

    host = models.CharField(
        _("host"),
        max_length=253,
        unique=True,
        help_text=_("A host name or IP address, without scheme or port, e.g. intranet.example.org or 10.1.2.3."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Why this host is allowed."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FetchAllowedHostQuerySet.as_manager()

    class Meta:
        verbose_name = _("fetch allowed host")
        verbose_name_plural = _("fetch allowed hosts")
        ordering = ["host"]

    def __str__(self):
        return self.host

    def clean(self):
        # Stored the way the fetcher compares it, so "Intranet.Example." and "intranet.example" are one host.
        self.host = normalise_host(self.host)
        ipv6 = _is_ipv6(self.host)
        has_port = ":" in self.host and not ipv6
        if not self.host or has_port or any(char in self.host for char in "/?#@ "):
            raise ValidationError({"host": _("Enter a host name or IP address only, without scheme, port or path.")})
        if not ipv6 and not is_host_name(self.host):
            # The fetcher compares hosts as they are: "*.example.org" would match no page, so it is not stored.
            message = _("Enter one host: letters, digits and hyphens between dots; no wildcards.")
            raise ValidationError({"host": message})


def _is_ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True
