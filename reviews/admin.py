from django.contrib import admin

from reviews.models import ClaimEvent, Comment, Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["claim", "url", "proposal", "added_by", "created_at"]
    search_fields = ["claim__text", "url", "note"]
    raw_id_fields = ["claim", "proposal", "added_by"]
    list_select_related = ["claim", "added_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["claim", "author", "text", "created_at"]
    search_fields = ["claim__text", "text", "author__username"]
    raw_id_fields = ["claim", "author"]
    list_select_related = ["claim", "author"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: rows are written by the review services and never edited."""

    list_display = ["created_at", "claim", "kind", "actor_name", "from_state", "to_state", "verdict"]
    list_filter = ["kind", "to_state", "verdict"]
    search_fields = ["claim__text", "actor_name", "note"]
    date_hierarchy = "created_at"
    list_select_related = ["claim"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
