from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    OUTLET = "outlet", _("News outlet")
    NEWS_AGENCY = "news-agency", _("News agency")
    BROADCASTER = "broadcaster", _("Broadcaster")
    INSTITUTION = "institution", _("Institution")
    GOVERNMENT = "government", _("Government")
    LEGAL_DATABASE = "legal-database", _("Legal database")
    FACT_CHECKER = "fact-checker", _("Fact-checker")
    OTHER = "other", _("Other")


class Reliability(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    UNKNOWN = "unknown", _("Unknown")


OUTLET_KINDS = (SourceKind.OUTLET, SourceKind.NEWS_AGENCY, SourceKind.BROADCASTER)


class SourceQuerySet(models.QuerySet):
    def outlet_names(self) -> list[str]:
        """Names and aliases of the registry's active outlets: what a text may cite as its origin."""
        rows = self.filter(active=True, kind__in=OUTLET_KINDS).values_list("name", "aliases")
        return sorted({name for row_name, aliases in rows for name in (row_name, *aliases)})


class Source(models.Model):
    """An outlet or institution in the registry that admins keep: where evidence comes from."""

    key = models.SlugField(_("key"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, default=SourceKind.OUTLET)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Names in several languages under which texts cite this source ("Nachrichtenagentur Bloomberg").
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=10, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    reliability_note = models.TextField(_("reliability note"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Document(models.Model):
    """A reference text or page of a source: what a claim is checked against."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="documents")
    key = models.SlugField(_("key"), max_length=100, unique=True, null=True, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # The E5 passage embedding (float32, little-endian, 384 values), computed in the background after import;
    # null until then. Cleared whenever the title or text changes, so it is never stale.
    embedding = models.BinaryField(_("embedding"), null=True, blank=True, editable=False)
    embedded_at = models.DateTimeField(_("embedded at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A page is registered once per source; documents without a URL (reference texts) are exempt.
            models.UniqueConstraint(
                fields=["source", "url"], condition=~models.Q(url=""), name="document_unique_url_per_source"
            ),
        ]

    def __str__(self):
        return self.title
