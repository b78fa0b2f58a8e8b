"""Signals the evidence app sends; other apps listen, so this app never needs to know them."""

from django.dispatch import Signal

# Sent after a document's text extraction has been committed, with ``document_id``, whatever the
# outcome (``Document.extraction_status`` says it). The search index is already up to date; this is
# for anything else made from the text (themes embeds its passages: themes.apps).
document_text_extracted = Signal()
