"""The review in the admin: its record (evidence, comments, the history) shown and never edited, the claim and
proposal admins with actions that call the review's services, and the user admin, where only a superuser gives
powers.

Every write of the review goes through `reviews.services`, which checks the role, the assignment and the state,
bumps the claim's version and writes the event (and so the webhook). The admin adds no way around it: a claim, a
proposal, evidence, a comment and an event are read-only here, and an action's refusals become messages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from claims.admin import URL_FORM_FIELD, ClaimAdmin, ProposalAdmin
from claims.models import Claim, Proposal
from reviews import roles, services, workflow
from reviews.models import ClaimEvent, Comment, Evidence
from reviews.refusals import Refusal
from reviews.views.writes import bulk_summary


class ViewOnly:
    """Rows of the review's record: written by the review's services only, shown here. They are never deleted on
    their own; deleting a claim takes its evidence and comments with it, and the claim's delete page asks for the
    permission to delete them, so that permission stays as the role gives it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})


@admin.register(Evidence)
class EvidenceAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["claim", "url", "proposal", "added_by", "created_at"]
    search_fields = ["claim__text", "url", "note"]
    list_select_related = ["claim", "added_by"]
    formfield_overrides = URL_FORM_FIELD


@admin.register(Comment)
class CommentAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["claim", "author", "text", "created_at"]
    search_fields = ["claim__text", "text", "author__username"]
    list_select_related = ["claim", "author"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ViewOnly, admin.ModelAdmin):
    """The audit trail, read-only: rows are written by the review services and never edited."""

    list_display = ["created_at", "claim", "kind", "actor_name", "from_state", "to_state", "verdict"]
    list_filter = ["kind", "to_state", "verdict"]
    search_fields = ["claim__text", "actor_name", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["claim"]

    def has_delete_permission(self, request, obj=None):
        return False


def report_bulk(modeladmin, request, report: services.BulkReport, label) -> None:
    """What a bulk write did, as the review's queue says it: the claims done, then each one skipped and why."""
    level, text = bulk_summary(report, label)
    modeladmin.message_user(request, text, level)
    for pk, reason in report.skipped.items():
        modeladmin.message_user(
            request, _("Skipped claim #%(id)s: %(reason)s") % {"id": pk, "reason": reason}, messages.WARNING
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), strip=True)


def with_reason(modeladmin, request, queryset, *, label, write):
    """An action that needs a reason (dismiss, reopen): a page asks for it, then `write(claim_id, reason)` runs on
    each selected claim. A blank reason asks again."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        ids = list(queryset.values_list("pk", flat=True))
        report_bulk(modeladmin, request, services.bulk(claim_ids=ids, write=lambda pk: write(pk, reason)), label)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": label,
        "claims": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reviews/claim/reason.html", context)


admin.site.unregister(Claim)


@admin.register(Claim)
class ReviewClaimAdmin(ClaimAdmin):
    """The claims admin (claims/admin.py), read-only, with the review's writes as actions."""

    actions = ["assign_to_me", "unassign", "dismiss", "restore", "reopen", "unlink_duplicate"]

    # The actions' permissions name the role that may try; the service decides for each claim.
    def has_assign_permission(self, request):
        return request.user.has_perm(workflow.ASSIGN)

    def has_review_permission(self, request):
        return request.user.has_perm(workflow.REVIEW)

    def has_reopen_permission(self, request):
        return request.user.has_perm(workflow.REOPEN)

    def _assign(self, request, queryset, assignee, label):
        ids = list(queryset.values_list("pk", flat=True))
        report = services.bulk(
            claim_ids=ids, write=lambda pk: services.assign(claim_id=pk, assignee=assignee, actor=request.user)
        )
        report_bulk(self, request, report, label)

    @admin.action(description=gettext_lazy("Assign the selected claims to me"), permissions=["assign"])
    def assign_to_me(self, request, queryset):
        self._assign(request, queryset, request.user, _("Assign to me"))

    @admin.action(description=gettext_lazy("Unassign the selected claims"), permissions=["assign"])
    def unassign(self, request, queryset):
        self._assign(request, queryset, None, _("Unassign"))

    @admin.action(description=gettext_lazy("Dismiss the selected claims as not claims"), permissions=["review"])
    def dismiss(self, request, queryset):
        return with_reason(
            self,
            request,
            queryset,
            label=_("Dismiss"),
            write=lambda pk, reason: services.dismiss(claim_id=pk, actor=request.user, reason=reason),
        )

    @admin.action(description=gettext_lazy("Restore the selected dismissed claims"), permissions=["review"])
    def restore(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        report = services.bulk(claim_ids=ids, write=lambda pk: services.restore(claim_id=pk, actor=request.user))
        report_bulk(self, request, report, _("Restore"))

    @admin.action(
        description=gettext_lazy("Reopen the selected approved claims for correction"), permissions=["reopen"]
    )
    def reopen(self, request, queryset):
        return with_reason(
            self,
            request,
            queryset,
            label=_("Reopen for correction"),
            write=lambda pk, reason: services.transition(claim_id=pk, action="reopen", actor=request.user, note=reason),
        )

    @admin.action(
        description=gettext_lazy("Unlink the selected claims from the earlier claims taken for the same"),
        permissions=["review"],
    )
    def unlink_duplicate(self, request, queryset):
        return with_reason(
            self,
            request,
            queryset,
            label=_("Unlink from the earlier claim"),
            write=lambda pk, reason: services.unlink_duplicate(claim_id=pk, actor=request.user, reason=reason),
        )


admin.site.unregister(Proposal)


@admin.register(Proposal)
class ReviewProposalAdmin(ProposalAdmin):
    """The proposals admin (claims/admin.py), read-only, with the review's decision as actions: accepting one
    makes it evidence, with its event."""

    actions = ["accept", "reject"]

    def has_decide_permission(self, request):
        return request.user.has_perm("claims.change_proposal")

    def _decide(self, request, queryset, *, accept: bool, label):
        done, skipped = 0, []
        for proposal in queryset.order_by("pk"):
            try:
                services.decide_proposal(proposal_id=proposal.pk, actor=request.user, accept=accept)
            except Refusal as exc:
                skipped.append((proposal, exc))
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(action)s: %(count)d proposal.", "%(action)s: %(count)d proposals.", done)
            % {"action": label, "count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
        for proposal, exc in skipped:
            self.message_user(
                request,
                _("Skipped proposal #%(id)s: %(reason)s") % {"id": proposal.pk, "reason": exc},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Accept the selected proposals as evidence"), permissions=["decide"])
    def accept(self, request, queryset):
        self._decide(request, queryset, accept=True, label=_("Accept"))

    @admin.action(description=gettext_lazy("Reject the selected proposals"), permissions=["decide"])
    def reject(self, request, queryset):
        self._decide(request, queryset, accept=False, label=_("Reject"))


# Roles are groups (reviews/roles.py). Giving powers is a superuser's alone: an admin who is not one keeps the
# users' admin for accounts (names, addresses, passwords, active or not) and cannot make anyone, themselves
# included, more than they are, nor act as someone who can do more than read (the rule for API keys, api/admin.py).

# The fields that give or take powers.
POWERS = ["is_superuser", "is_staff", "groups", "user_permissions"]
# The fields through which someone could sign in as the account: its name, and the address a reset link goes to.
SIGN_IN = ["username", "email"]
READ_PERMISSIONS = frozenset(roles.READ)


def can_do_more_than_read(user) -> bool:
    """Whether the account holds any permission beyond the read role's, by its groups and its own permissions,
    active or not (an inactive account can be made active again)."""
    if user.is_superuser:
        return True
    held = Permission.objects.filter(Q(group__user=user) | Q(user=user)).values_list(
        "content_type__app_label", "codename"
    )
    return any(f"{app_label}.{codename}" not in READ_PERMISSIONS for app_label, codename in held)


def may_act_as(actor, user) -> bool:
    """Whether `actor` may set what signs in as `user` (its name, address, password)."""
    return actor.is_superuser or actor.pk == user.pk or not can_do_more_than_read(user)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class RestrictedUserAdmin(UserAdmin):
    """Django's user admin, where only a superuser changes superuser and staff flags, roles and permissions, or
    edits a superuser. The fields are left out of the form for anyone else, so a posted value is ignored."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser or obj is None:
            return readonly
        readonly += POWERS
        if not may_act_as(request.user, obj):
            readonly += SIGN_IN
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not may_act_as(request.user, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class RestrictedGroupAdmin(GroupAdmin):
    """The roles: what a role may do is a superuser's to change, whatever permissions an admin is given."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
