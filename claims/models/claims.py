from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.articles import WorkStatus


class ClaimState(models.TextChoices):
    """Where a claim stands in review. Only the review workflow's one service writes this field."""

    UNVERIFIED = "unverified", _("Unverified")
    IN_REVIEW = "in_review", _("In review")
    VERDICT_PROPOSED = "verdict_proposed", _("Verdict proposed")
    APPROVED = "approved", _("Approved")


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")


class ClaimStatus(models.TextChoices):
    """The one word clients and the web app show for a claim, without knowing the workflow: where it stands, or
    its published verdict."""

    UNVERIFIED = "unverified", _("Unverified")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    UNDER_CORRECTION = "under_correction", _("Under correction")
    CONFIRMED = Verdict.CONFIRMED.value, Verdict.CONFIRMED.label
    DISPUTED = Verdict.DISPUTED.value, Verdict.DISPUTED.label
    FALSE = Verdict.FALSE.value, Verdict.FALSE.label
    MISLEADING = Verdict.MISLEADING.value, Verdict.MISLEADING.label
    UNVERIFIABLE = Verdict.UNVERIFIABLE.value, Verdict.UNVERIFIABLE.label


def status_of(*, state: str, verdict: str, verdict_under_correction: str) -> ClaimStatus:
    if state == ClaimState.APPROVED:
        return ClaimStatus(verdict)
    if verdict_under_correction:
        return ClaimStatus.UNDER_CORRECTION
    if state == ClaimState.VERDICT_PROPOSED:
        return ClaimStatus.AWAITING_APPROVAL
    return ClaimStatus(state)


def status_filter(status: str) -> Q:
    """The rows whose `status_of` is `status`, as a query."""
    if status in Verdict.values:
        return Q(state=ClaimState.APPROVED, verdict=status)
    if status == ClaimStatus.UNDER_CORRECTION:
        return ~Q(state=ClaimState.APPROVED) & ~Q(verdict_under_correction="")
    state = ClaimState.VERDICT_PROPOSED if status == ClaimStatus.AWAITING_APPROVAL else status
    return Q(state=state, verdict_under_correction="")


# What a reviewer may put right of the extraction's findings (reviews.services.correct_attribution); a field once
# corrected is listed in `Claim.corrected_fields` and no later run of the extraction writes it again.
CORRECTABLE_FIELDS = ("speaker", "cited_outlet", "is_direct_quote")


class ClaimRole(models.TextChoices):
    HEADLINE = "headline", _("Headline")
    BODY = "body", _("Body")


class ClaimQuerySet(models.QuerySet):
    def not_dismissed(self):
        """Claims the desk still has to look at or has looked at: not dismissed as non-claims."""
        return self.filter(dismissed_at__isnull=True)

    def awaiting_review(self):
        return self.not_dismissed().filter(state__in=[ClaimState.UNVERIFIED, ClaimState.IN_REVIEW])

    def awaiting_approval(self):
        return self.not_dismissed().filter(state=ClaimState.VERDICT_PROPOSED)

    def approved(self):
        return self.filter(state=ClaimState.APPROVED)

    def published(self):
        """Claims with a published verdict: approved, or reopened for a correction after an approval (the verdict
        approved before is kept in `verdict_under_correction` and stays published)."""
        return self.filter(Q(state=ClaimState.APPROVED) | ~Q(verdict_under_correction=""))

    def with_published_verdict(self, verdicts):
        """Claims whose published verdict is one of `verdicts`; a verdict only proposed does not count."""
        approved = Q(state=ClaimState.APPROVED)
        return self.filter(approved & Q(verdict__in=verdicts) | ~approved & Q(verdict_under_correction__in=verdicts))

    def reviewed(self):
        """Claims a reviewer has finished with: approved, or at least given a verdict (a proposed one counts). The
        earlier claims that matching finds (claims/proposing/earlier_claims.py, the API's lookup) are these."""
        return self.filter(Q(state=ClaimState.APPROVED) | ~Q(verdict=""))

    def start_proposals(self, pk: int, *, stale_before) -> bool:
        """Claim the source proposals of one claim for this worker; False if another worker has them or they are
        done. A run that started before `stale_before` belongs to a worker that died and may be taken over."""
        claimable = Q(proposals_status__in=[WorkStatus.PENDING, WorkStatus.FAILED]) | Q(
            proposals_status=WorkStatus.RUNNING, proposals_started_at__lt=stale_before
        )
        return (
            self.filter(claimable, pk=pk).update(
                proposals_status=WorkStatus.RUNNING,
                proposals_started_at=timezone.now(),
                proposals_finished_at=None,
            )
            == 1
        )

    def untouched(self):
        """Claims no person has worked on yet: re-running extraction may update or drop these, and only these
        (and of these never the `corrected_fields`)."""
        return self.filter(state=ClaimState.UNVERIFIED, version=0, assignee__isnull=True, touched_at__isnull=True)


class Claim(models.Model):
    """A sentence of an article that may need checking, with what the extractor found out about it."""

    article = models.ForeignKey(
        "claims.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="claims"
    )
    text = models.TextField(_("text"))
    # Character offsets into article.text: article.text[start:end] == text, always.
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=ClaimRole.choices, default=ClaimRole.BODY)

    checkworthiness = models.FloatField(_("check-worthiness"), null=True, blank=True)
    # The score against the model's threshold at extraction time; null where the sentence was not analysed.
    is_checkworthy = models.BooleanField(_("check-worthy"), null=True, blank=True, db_index=True)
    # How much the sentence reads as opinion (0..1); null when not analysed or the opinion model is not installed.
    subjectivity = models.FloatField(_("subjectivity"), null=True, blank=True)
    # Why the score is what it is, as short phrases a reviewer can read ("reported speech", "number").
    checkworthiness_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # A speaker that claims name is not deleted (the admin lists the claims): a published fact-check names them.
    speaker = models.ForeignKey(
        "claims.Speaker",
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    # The outlet the text names as the origin, as written ("Bloomberg"); proposals map it to a registry source.
    cited_outlet = models.CharField(_("cited outlet"), max_length=300, blank=True)
    is_direct_quote = models.BooleanField(_("direct quote"), default=False)
    # The names of the CORRECTABLE_FIELDS a reviewer set by hand: re-running the extraction leaves them as they are
    # (claims.services.extraction), and the claim page marks them.
    corrected_fields = models.JSONField(_("corrected by a reviewer"), default=list, blank=True)
    # Numbers, dates and names found in the sentence: {"numbers": [...], "dates": [...], "names": [...]}.
    entities = models.JSONField(_("entities"), default=dict, blank=True)
    # The E5 query embedding the extraction computed (float32, little-endian, 384 values): reused to find source
    # documents and earlier claims without embedding the sentence again. Null where it was not analysed.
    embedding = models.BinaryField(_("embedding"), null=True, blank=True, editable=False)

    state = models.CharField(
        _("state"), max_length=20, choices=ClaimState.choices, default=ClaimState.UNVERIFIED, db_index=True
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True)
    verdict_rationale = models.TextField(_("rationale"), blank=True)
    # The claim in the words the fact-check publishes it under (ClaimReview's claimReviewed): the reviewer sets it
    # with the verdict, and an editor approves it with the verdict. Empty until then; the sentence without its
    # attribution ("..., sagte er in einer Sendung von CNN") is what the form offers (`claims.analysis.wording`).
    claim_reviewed = models.TextField(_("claim as reviewed"), blank=True)
    verdict_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verdict proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    # The verdict last approved, kept while an editor has the claim reopened for a correction: clients go on seeing
    # that the claim is under correction, and the history keeps what was published.
    verdict_under_correction = models.CharField(
        _("verdict under correction"), max_length=16, choices=Verdict.choices, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A sentence that is not a claim after all (or was merged into its neighbour), with the reviewer's reason: it
    # leaves the queues but stays, so the record and a re-run of the extraction both know it.
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True, db_index=True)
    dismissal_reason = models.TextField(_("dismissal reason"), blank=True)
    # A near-duplicate of a claim the desk reviewed before, linked without asking when the earlier-claims
    # proposer is sure enough (claims/proposing/earlier_claims.py): that claim's verdict applies here too.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    # When a reviewer unlinked a wrong near-duplicate (reviews.services.unlink_duplicate): no later run of the
    # proposals links this claim again without asking.
    duplicate_unlinked_at = models.DateTimeField(_("unlinked from a near-duplicate at"), null=True, blank=True)
    # Compare-and-set: every state change is `UPDATE ... WHERE version = v` and bumps it, so of two people
    # acting at once exactly one wins.
    version = models.PositiveIntegerField(_("version"), default=0)
    # When a person last worked on the claim in the review (any change, evidence, a comment, a decided proposal):
    # the review writes it with every change it records. Null: nobody has, and the extraction may still rewrite it.
    touched_at = models.DateTimeField(_("touched at"), null=True, blank=True)

    proposals_status = models.CharField(
        _("proposals status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.PENDING
    )
    proposals_error = models.TextField(_("proposals error"), blank=True)
    proposals_queued_at = models.DateTimeField(_("proposals queued at"), null=True, blank=True)
    proposals_started_at = models.DateTimeField(_("proposals started"), null=True, blank=True)
    proposals_finished_at = models.DateTimeField(_("proposals finished"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["article_id", "start"]
        constraints = [
            # Extraction may run again (a retry, a redelivered task): one sentence is one claim.
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_unique_span"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="claim_span_not_empty"),
            models.CheckConstraint(
                condition=models.Q(checkworthiness__isnull=True)
                | models.Q(checkworthiness__gte=0, checkworthiness__lte=1),
                name="claim_checkworthiness_in_unit_interval",
            ),
            models.CheckConstraint(
                condition=models.Q(subjectivity__isnull=True) | models.Q(subjectivity__gte=0, subjectivity__lte=1),
                name="claim_subjectivity_in_unit_interval",
            ),
            # An approved claim always carries its verdict.
            models.CheckConstraint(
                condition=~models.Q(state=ClaimState.APPROVED) | ~models.Q(verdict=""),
                name="claim_approved_has_verdict",
            ),
        ]
        indexes = [
            # API clients poll "what changed since T?".
            models.Index(fields=["updated_at"], name="claim_updated_at_idx"),
            # "My queue": a reviewer's claims by state.
            models.Index(fields=["assignee", "state"], name="claim_assignee_state_idx"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def status(self) -> ClaimStatus:
        return status_of(state=self.state, verdict=self.verdict, verdict_under_correction=self.verdict_under_correction)

    @property
    def is_published(self) -> bool:
        """Whether the claim has a published verdict, as `ClaimQuerySet.published` selects them."""
        return self.state == ClaimState.APPROVED or bool(self.verdict_under_correction)

    @property
    def public_verdict(self) -> str | None:
        """The verdict clients may see, once an editor approved it; None while a verdict is only proposed or the
        claim is reopened for a correction (then `verdict_under_correction` keeps the one approved before)."""
        return self.verdict if self.state == ClaimState.APPROVED else None
