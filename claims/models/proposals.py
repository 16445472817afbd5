from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalMethod(models.TextChoices):
    LEXICAL = "lexical", _("Lexical search")
    SEMANTIC = "semantic", _("Semantic search")
    HYBRID = "hybrid", _("Lexical and semantic search")
    EARLIER_CLAIM = "earlier_claim", _("Earlier reviewed claim")
    ALIAS = "alias", _("Named outlet or speaker")
    EXTERNAL = "external", _("External fact-check search")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Proposal(models.Model):
    """A candidate piece of evidence for a claim: a registry document, a source, an earlier claim or an outside
    fact-check. Exactly one target is set; a claim has at most one proposal per target, so proposing again
    never duplicates and a rejected target stays rejected."""

    claim = models.ForeignKey(
        "claims.Claim", verbose_name=_("claim"), on_delete=models.CASCADE, related_name="proposals"
    )
    document = models.ForeignKey(
        "claims.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    source = models.ForeignKey(
        "claims.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    earlier_claim = models.ForeignKey(
        "claims.Claim",
        verbose_name=_("earlier claim"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposed_for",
    )
    # An outside fact-check (ClaimReview) that is not in our registry.
    external_url = models.URLField(_("external URL"), max_length=2000, blank=True)
    external_title = models.CharField(_("external title"), max_length=500, blank=True)
    external_publisher = models.CharField(_("external publisher"), max_length=300, blank=True)
    external_rating = models.CharField(_("external rating"), max_length=200, blank=True)

    method = models.CharField(_("method"), max_length=16, choices=ProposalMethod.choices)
    score = models.FloatField(_("score"))
    reason = models.TextField(_("reason"), blank=True)
    # The reasons as codes with their details (claims/proposing/reasons.py), shown in each reader's language;
    # `reason` is their English text.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["claim_id", "-score", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(document__isnull=False, source__isnull=True, earlier_claim__isnull=True, external_url="")
                    | models.Q(document__isnull=True, source__isnull=False, earlier_claim__isnull=True, external_url="")
                    | models.Q(document__isnull=True, source__isnull=True, earlier_claim__isnull=False, external_url="")
                    | (
                        models.Q(document__isnull=True, source__isnull=True, earlier_claim__isnull=True)
                        & ~models.Q(external_url="")
                    )
                ),
                name="proposal_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["claim", "document"],
                condition=models.Q(document__isnull=False),
                name="proposal_unique_document",
            ),
            models.UniqueConstraint(
                fields=["claim", "source"], condition=models.Q(source__isnull=False), name="proposal_unique_source"
            ),
            models.UniqueConstraint(
                fields=["claim", "earlier_claim"],
                condition=models.Q(earlier_claim__isnull=False),
                name="proposal_unique_earlier_claim",
            ),
            models.UniqueConstraint(
                fields=["claim", "external_url"],
                condition=~models.Q(external_url=""),
                name="proposal_unique_external_url",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.score:.2f} for claim {self.claim_id}"

    @property
    def target(self):
        return self.document or self.source or self.earlier_claim or self.external_url
