"""The claim filters, one FilterSet for the web app's queues and the API's claim list (django-filter).

Every filter reads a plain query-string parameter, so a filtered queue is a link to save or send. Dismissed
sentences are left out unless `dismissed=true` asks for them.

What the filters may reveal follows what the viewer may see (`reviews.visibility`): a viewer outside the review
(the api-client role, a read-scope key) filters on the published verdict, not on one only proposed, and cannot name
a reviewer as assignee; the caller says which with `internal`.
"""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from claims.canonical import canonical_url
from claims.models import Article, Claim, ClaimState, ClaimStatus, Verdict, status_filter

# The text search configurations a claim is searched in on PostgreSQL: its words stemmed as German and as English.
SEARCH_CONFIGS = ("german", "english")
# The largest id a row can have: the primary keys are 64-bit signed integers on both databases.
LARGEST_ID = 2**63 - 1


def row_id(value) -> int | None:
    """`value` as a row id when it is one a row could have (ASCII digits, at most LARGEST_ID), else None: "²" passes
    str.isdigit, and a larger number overflows the database's integer."""
    value = str(value)
    if value.isascii() and value.isdigit() and int(value) <= LARGEST_ID:
        return int(value)
    return None


def search_claims(queryset, text: str):
    """Claims matching `text`: every word in the claim's text, speaker or cited outlet. On PostgreSQL, also
    full-text search with German and English stemming ("Garantien" finds "Garantie"), web-search syntax ("a b",
    -word, OR)."""
    words = text.split()
    if not words:
        return queryset
    substring = Q()
    for word in words:
        substring &= Q(text__icontains=word) | Q(speaker__name__icontains=word) | Q(cited_outlet__icontains=word)
    if connection.vendor != "postgresql":
        return queryset.filter(substring)
    matches = Q()
    for config in SEARCH_CONFIGS:
        matches |= Q(**{f"search_{config}": SearchQuery(text, config=config, search_type="websearch")})
    return queryset.annotate(
        **{f"search_{config}": SearchVector("text", config=config) for config in SEARCH_CONFIGS}
    ).filter(matches | substring)


def published_at(url: str, *, article: str = "") -> Q:
    """The condition "the article was published at `url`", compared in canonical form (claims/canonical.py), so
    that any of a page's addresses finds it; a value that is no http(s) URL is compared as given. `article` is the
    path to the article from the rows filtered ("article__" for claims)."""
    key = canonical_url(url)
    return Q(**{f"{article}canonical_url": key}) if key else Q(**{f"{article}url": url})


def validate_search(text: str) -> None:
    """A search of at most SEARCH_MAX_WORDS words and SEARCH_MAX_CHARACTERS characters: each word is a condition
    on three columns (and, on PostgreSQL, a term of two full-text queries)."""
    if len(text) > settings.SEARCH_MAX_CHARACTERS:
        raise ValidationError(
            _("Search for at most %(limit)d characters (this is %(length)d)."),
            code="max_length",
            params={"limit": settings.SEARCH_MAX_CHARACTERS, "length": len(text)},
        )
    if len(text.split()) > settings.SEARCH_MAX_WORDS:
        raise ValidationError(
            _("Search for at most %(limit)d words (this is %(words)d)."),
            code="max_words",
            params={"limit": settings.SEARCH_MAX_WORDS, "words": len(text.split())},
        )


# What a yes/no filter reads as yes or no (any case); empty or "unknown" (the select's third choice) is "not
# given", anything else an error.
TRUE_WORDS = frozenset({"true", "1"})
FALSE_WORDS = frozenset({"false", "0"})
NOT_GIVEN = frozenset({"", "unknown"})


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, but a value it does not know reaches the field as written: a typo in a
    hand-edited link is then an error, not a silently dropped filter."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in NOT_GIVEN:
            return None
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else value


class StrictNullBooleanField(forms.NullBooleanField):
    widget = StrictNullBooleanSelect

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        raise ValidationError(_("“%(value)s” is neither true nor false."), code="invalid", params={"value": value})


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses what is neither (django-filter's reads it as "not given")."""

    field_class = StrictNullBooleanField


class OneValueEachForm(forms.Form):
    """The form of a FilterSet whose filters that take one value refuse the parameter given twice (Django would
    use the last one and drop the others without a word). Filters of several values (`state=a&state=b`) take
    them all."""

    def clean(self):
        cleaned = super().clean()
        if hasattr(self.data, "getlist"):
            for name, field in self.fields.items():
                given = len(self.data.getlist(self.add_prefix(name)))
                if given > 1 and not isinstance(field, forms.MultipleChoiceField):
                    self.add_error(
                        name,
                        ValidationError(
                            _("Give this filter one value (it was given %(count)d)."),
                            code="repeated",
                            params={"count": given},
                        ),
                    )
        return cleaned


def validate_assignee_outside_review(value: str) -> None:
    """Outside the review nobody is told who reviews what: naming a reviewer in the filter would tell it all the
    same. "me" and "none" name nobody else."""
    if value.strip().lower() not in ("", "me", "none"):
        raise ValidationError(_("Filtering by a reviewer's name needs review scope."), code="review_only")


class TranslatedOrderingFilter(django_filters.OrderingFilter):
    """django-filter builds the sort choices once, when the filter set is defined, in the language active then:
    built from lazy labels here, they are shown in the reader's language."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            choices += [(param, label), (f"-{param}", format_lazy(_("{label} (descending)"), label=label))]
        return choices


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ClaimStatus.choices, method="filter_status")
    state = django_filters.MultipleChoiceFilter(label=_("state"), choices=ClaimState.choices)
    verdict = django_filters.MultipleChoiceFilter(label=_("verdict"), choices=Verdict.choices, method="filter_verdict")
    language = django_filters.CharFilter(label=_("language"), field_name="language")
    assignee = django_filters.CharFilter(
        label=_("assignee"), method="filter_assignee", help_text=_("a user name, “me” or “none”")
    )
    article = django_filters.ModelChoiceFilter(label=_("article"), queryset=Article.objects.all())
    article_url = django_filters.CharFilter(
        label=_("article URL"),
        method="filter_article_url",
        help_text=_("any form of the address: http or https, with or without www., tracking parameters or a final /"),
    )
    speaker = django_filters.CharFilter(label=_("speaker"), method="filter_speaker")
    outlet = django_filters.CharFilter(label=_("cited outlet"), field_name="cited_outlet", lookup_expr="icontains")
    checkworthy = StrictBooleanFilter(label=_("check-worthy"), field_name="is_checkworthy")
    checkworthiness_min = django_filters.NumberFilter(
        label=_("check-worthiness from"), field_name="checkworthiness", lookup_expr="gte"
    )
    checkworthiness_max = django_filters.NumberFilter(
        label=_("check-worthiness to"), field_name="checkworthiness", lookup_expr="lte"
    )
    created_after = django_filters.DateFilter(label=_("found from"), field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(label=_("found until"), field_name="created_at", lookup_expr="date__lte")
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("changed since"), field_name="updated_at", lookup_expr="gte"
    )
    linked = StrictBooleanFilter(
        label=_("linked to an earlier verdict"), field_name="duplicate_of", lookup_expr="isnull", exclude=True
    )
    dismissed = StrictBooleanFilter(label=_("dismissed"), method="filter_dismissed")
    q = django_filters.CharFilter(label=_("search"), method="filter_q", validators=[validate_search])
    ordering = TranslatedOrderingFilter(
        label=_("order"),
        fields=(
            ("created_at", "created"),
            ("updated_at", "updated"),
            ("checkworthiness", "checkworthiness"),
            ("state", "state"),
            ("article__published_on", "published"),
        ),
        field_labels={
            "created_at": _("Created"),
            "updated_at": _("Updated"),
            "checkworthiness": _("Check-worthiness"),
            "state": _("State"),
            "article__published_on": _("Published"),
        },
    )

    class Meta:
        model = Claim
        fields = []
        form = OneValueEachForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, internal: bool = False):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.internal = internal
        if not internal:
            self.filters["assignee"].extra["validators"] = [validate_assignee_outside_review]

    @property
    def qs(self):
        queryset = super().qs
        if self.form.cleaned_data.get("dismissed") is None:
            queryset = queryset.filter(dismissed_at__isnull=True)
        return queryset

    def filter_status(self, queryset, name, values):
        if not values:
            return queryset
        condition = Q()
        for value in values:
            condition |= status_filter(value)
        return queryset.filter(condition)

    def filter_verdict(self, queryset, name, values):
        if not values:
            return queryset
        if self.internal:
            return queryset.filter(verdict__in=values)
        return queryset.with_published_verdict(values)

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assignee=user) if user and user.is_authenticated else queryset.none()
        return queryset.filter(assignee__username=value)

    def filter_article_url(self, queryset, name, value):
        return queryset.filter(published_at(value, article="article__"))

    def filter_speaker(self, queryset, name, value):
        """A speaker's id (ASCII digits; one past the largest id the column holds matches nothing) or part of a
        name ("²" is a name's part, not a number)."""
        if value.isascii() and value.isdigit():
            speaker_id = row_id(value)
            return queryset.filter(speaker_id=speaker_id) if speaker_id is not None else queryset.none()
        return queryset.filter(speaker__name__icontains=value)

    def filter_dismissed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(dismissed_at__isnull=not value)

    def filter_q(self, queryset, name, value):
        return search_claims(queryset, value)
