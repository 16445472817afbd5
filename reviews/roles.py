"""The desk's roles as Django groups, and the permissions each one holds.

A migration calls `sync_roles` so that every database has the groups; when a role changes here, add a migration
that calls it again.
"""

READ = [
    "claims.view_article",
    "claims.view_claim",
    "claims.view_speaker",
    "claims.view_source",
    "claims.view_document",
]
REVIEWER = [
    *READ,
    "claims.add_article",
    "claims.view_proposal",
    "claims.change_proposal",
    "reviews.review_claim",
    "reviews.view_claimevent",
    "reviews.view_evidence",
    "reviews.add_evidence",
    "reviews.view_comment",
    "reviews.add_comment",
]
EDITOR = [
    *REVIEWER,
    "claims.change_article",
    "reviews.approve_verdict",
    "reviews.reopen_verdict",
    "reviews.assign_claim",
]
ADMIN = [
    *EDITOR,
    "claims.*",
    "reviews.*",
    # API keys, webhooks and their deliveries.
    "api.*",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
]

ROLES = {
    "reviewer": REVIEWER,
    "editor": EDITOR,
    "admin": ADMIN,
    "api-client": READ,
}


def sync_roles(apps, schema_editor=None) -> None:
    """Create the groups and give each exactly the permissions listed (`app.*` means all of that app's)."""
    from django.contrib.auth.management import create_permissions

    # On a fresh database the permission rows are only written after all migrations ran; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, names in ROLES.items():
        permissions = []
        for dotted in names:
            app_label, codename = dotted.split(".", 1)
            matching = permission_model.objects.filter(content_type__app_label=app_label)
            if codename != "*":
                matching = matching.filter(codename=codename)
                if not matching.exists():
                    raise LookupError(f"Role {name!r} names the permission {dotted!r}, which does not exist.")
            permissions.extend(matching)
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.set(permissions)
