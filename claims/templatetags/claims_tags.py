from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The extraction stores reasons as codes so that each reader sees them in their own language.
REASON_LABELS = {
    "number": _("number"),
    "date": _("date"),
    "named_speaker": _("named speaker"),
    "cited_outlet": _("cited outlet"),
    "direct_quote": _("direct quote"),
    "reported_speech": _("reported speech"),
    "hedged": _("hedged wording"),
    "opinion_wording": _("opinion wording"),
    "not_analysed": _("not analysed: language"),
    "attribution_failed": _("speaker and quote could not be analysed"),
}


@register.filter
def reason_label(reason: dict) -> str:
    """'number: 412 Millionen Euro' from {"code": "number", "detail": "412 Millionen Euro"}."""
    label = REASON_LABELS.get(reason.get("code", ""), reason.get("code", ""))
    return f"{label}: {reason['detail']}" if reason.get("detail") else str(label)
