"""The full-text index of documents' extracted text, one for each database (evidence/search.py).

SQLite: an FTS5 table ``evidence_document_fts`` (its rowid is the document's id; Porter stemming
over unicode61 words). PostgreSQL: a ``tsvector`` column ``evidence_document.search_vector`` (the
'english' configuration) with a GIN index. Neither is in Django's model state: both are written and
read only by ``evidence.search``, which keeps them up to date when text is extracted or a document
is removed. Documents with text already are indexed here.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE evidence_document_fts USING fts5(body, tokenize = 'porter unicode61')",
    "INSERT INTO evidence_document_fts (rowid, body) "
    "SELECT id, extracted_text FROM evidence_document WHERE extracted_text <> ''",
]
SQLITE_BACKWARDS = ["DROP TABLE IF EXISTS evidence_document_fts"]

POSTGRES_FORWARDS = [
    "ALTER TABLE evidence_document ADD COLUMN search_vector tsvector",
    "UPDATE evidence_document SET search_vector = to_tsvector('english'::regconfig, extracted_text) "
    "WHERE extracted_text <> ''",
    "CREATE INDEX evidence_document_search_vector_gin ON evidence_document USING gin (search_vector)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS evidence_document_search_vector_gin",
    "ALTER TABLE evidence_document DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("evidence", "0003_document_text_extraction")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRES_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
