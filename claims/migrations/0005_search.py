"""Search support for source proposals (claims/retrieval/).

On PostgreSQL: full-text search vectors in each row's language configuration (`german` for "de", `english` for
"en", `simple` otherwise), kept up to date by the database itself as stored generated columns, with GIN indexes:
`claims_document.search_vector` (title and text) and `claims_claim.search_vector` (text; filled only for reviewed
claims, the only ones searched). These columns are not model fields: Django never reads or writes them, only the
SQL in claims/retrieval/lexical.py does. On SQLite the lexical side is an in-process index instead, so these
operations do nothing there.

On every database: indexes behind the retrieval caches' "what changed since" questions (claims/retrieval/corpora.py).
They are plain SQL rather than model indexes so that they need no change to the models' Meta; both spellings are
valid on SQLite and PostgreSQL.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION claims_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE lower(split_part(coalesce(language, ''), '-', 1))
            WHEN 'de' THEN 'german'::regconfig
            WHEN 'en' THEN 'english'::regconfig
            ELSE 'simple'::regconfig
        END
    $$
    """,
    """
    ALTER TABLE claims_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector(claims_search_config(language), coalesce(title, '') || ' ' || coalesce(text, ''))
    ) STORED
    """,
    "CREATE INDEX claims_document_search_idx ON claims_document USING gin (search_vector)",
    """
    ALTER TABLE claims_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        CASE WHEN state = 'approved' OR verdict <> '' THEN to_tsvector(claims_search_config(language), text) END
    ) STORED
    """,
    "CREATE INDEX claims_claim_search_idx ON claims_claim USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_document DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS claims_search_config(text)",
]
COMMON_FORWARD = [
    "CREATE INDEX IF NOT EXISTS claims_document_updated_at_idx ON claims_document (updated_at)",
    "CREATE INDEX IF NOT EXISTS claims_document_embedded_at_idx ON claims_document (embedded_at)",
    # The reviewed claims, the earlier-claims corpus: counted and scanned for changes on every search.
    "CREATE INDEX IF NOT EXISTS claims_claim_reviewed_idx ON claims_claim (updated_at)"
    " WHERE state = 'approved' OR verdict <> ''",
]
COMMON_BACKWARD = [
    "DROP INDEX IF EXISTS claims_claim_reviewed_idx",
    "DROP INDEX IF EXISTS claims_document_embedded_at_idx",
    "DROP INDEX IF EXISTS claims_document_updated_at_idx",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    return run


forward = _run(lambda vendor: (POSTGRESQL_FORWARD if vendor == "postgresql" else []) + COMMON_FORWARD)
backward = _run(lambda vendor: COMMON_BACKWARD + (POSTGRESQL_BACKWARD if vendor == "postgresql" else []))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_embeddings"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
