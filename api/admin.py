"""API keys and webhooks in the admin. A new key is shown once, in a message after saving; only its hash is kept."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api import services
from api.models import ApiKey, EventType, Webhook, WebhookDelivery
from claims.fetching import FetchError
from reviews.admin import can_do_more_than_read


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "scope", "user", "expires_at", "last_used_at", "revoked_at", "created_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["prefix", "last_used_at", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scope", "user", "expires_at"]
        return ["name", "prefix", "scope", "user", "expires_at", "last_used_at", "revoked_at", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None or request.user.is_superuser:
            return form

        class IssueForm(form):
            def clean_user(self):
                user = self.cleaned_data["user"]
                # By the account's roles, active or not: a key issued while the account is inactive would act
                # with its powers once it is active again.
                if user != request.user and can_do_more_than_read(user):
                    raise forms.ValidationError(
                        _(
                            "Only a superuser issues a key that acts as another user who can do more than read. "
                            "Issue it for yourself, or for an API client account."
                        )
                    )
                return user

        return IssueForm

    def get_readonly_fields(self, request, obj=None):
        # A key's powers are fixed when it is issued: issue a new one rather than widen an old one.
        if obj is not None:
            return [*self.readonly_fields, "scope", "user"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "expires_at"])
            return
        issued = services.issue_api_key(
            name=obj.name, scope=obj.scope, user=obj.user, expires_at=obj.expires_at, api_key=obj
        )
        self.message_user(
            request,
            _("The new API key, shown this once (only its hash is stored): %(key)s") % {"key": issued.key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = services.revoke_api_keys(key_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d key(s) revoked.") % {"count": count})


class WebhookForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every event type."),
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "event_types", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")

    def clean_url(self):
        """Deliveries go where articles may be fetched from: checked here, and again at each delivery, since the
        name may resolve elsewhere by then."""
        url = self.cleaned_data["url"]
        try:
            services.receiver_addresses(url)
        except services.ReceiverRefused as exc:
            raise forms.ValidationError(
                _("Webhooks are delivered to public http(s) addresses only: %(reason)s"), params={"reason": exc}
            ) from None
        except FetchError as exc:
            raise forms.ValidationError(
                _("The receiver's address could not be checked: %(reason)s"), params={"reason": exc}
            ) from None
        return url


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, how often, and what came back."""

    list_display = ["created_at", "webhook", "event_type", "status", "attempts", "response_code", "delivered_at"]
    list_filter = ["status", "event_type", "webhook"]
    search_fields = ["webhook__name", "last_error"]
    list_select_related = ["webhook"]
    readonly_fields = [
        "webhook",
        "event",
        "event_type",
        "body",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "queued_at",
        "last_attempt_at",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
