from django.db import models
from django.utils.translation import gettext_lazy as _


class SpeakerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class SpeakerQuerySet(models.QuerySet):
    def alias_map(self) -> dict[str, str]:
        """Every alias the desk knows, to the speaker's name: how extraction recognises a known person."""
        return {alias: name for name, aliases in self.values_list("name", "aliases") for alias in aliases}

    def named(self, name: str) -> "Speaker | None":
        """The speaker called `name`, by name or else by alias, in any case. Compared in Python with `casefold`:
        the databases' own case-insensitive matching leaves umlauts alone on SQLite ("Özdemir" vs "özdemir")."""
        exact = self.filter(name=name).first()
        if exact is not None:
            return exact
        wanted = name.casefold()
        by_alias = None
        for pk, known, aliases in self.order_by("name", "pk").values_list("pk", "name", "aliases"):
            if known.casefold() == wanted:
                return self.get(pk=pk)
            if by_alias is None and any(str(alias).casefold() == wanted for alias in aliases or []):
                by_alias = pk
        return None if by_alias is None else self.get(pk=by_alias)


class Speaker(models.Model):
    """Who asserts a claim: a person or an organisation, under every name the texts use for it."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    # Short names and title variants ("Selenskyj", "EU-Kommissionspräsidentin von der Leyen"). Matching happens
    # in Python over the whole list, which stays small enough (a desk knows thousands, not millions, of people).
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name
