"""Redaction's state rules, and the published extract: a new PDF whose text holds none of the
redacted strings, for a call response, a PDF and a DOCX; the audit trail never holds them."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEvent
from evidence.models import Document
from redaction import services
from redaction.models import Redaction, RedactionState, SpanDecision, SpanOrigin
from tests.calls.support import open_now
from tests.casework.support import make_person
from tests.evidence import documents
from tests.redaction.support import (
    EMAIL,
    HELPLINE,
    NAME,
    PHONE,
    POSTCODE,
    REMOVED,
    a_response,
    as_evidence,
    docx_with,
    pdf_with,
    pdftotext,
    pypdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Calls hang off complaints on the shipped public record."""


@pytest.fixture
def staff():
    return make_person("team")[0]


def start(response, user=None) -> Redaction:
    return services.start_redaction(
        response.call.complaint, title="Extract from a response", call_response=response, user=user
    )


def text_of(redaction: Redaction, span) -> str:
    return redaction.source_text[span.start : span.end]


def spans_by_text(redaction: Redaction) -> dict[str, object]:
    return {text_of(redaction, span): span for span in redaction.spans.all()}


def redact_and_publish(redaction: Redaction, user) -> Redaction:
    """Confirm the detected spans except the helpline's number, take out the name, publish."""
    found = spans_by_text(redaction)
    services.reject_span(found[HELPLINE], user=user)
    assert services.confirm_all_detected(redaction, user=user) == 3
    services.mark_passage(redaction, passage=NAME, kind="name", user=user)
    redaction.refresh_from_db()
    return services.publish_redaction(redaction, expected_version=redaction.version, user=user)


def published_pdf(redaction: Redaction) -> bytes:
    assert redaction.derivative is not None
    with redaction.derivative.file.open("rb") as file:
        return file.read()


def test_starting_proposes_each_detected_detail_and_keeps_the_text(staff):
    response = a_response()
    redaction = start(response, staff)

    assert redaction.state == RedactionState.DRAFT
    assert redaction.source_text.startswith(
        "1. What happened when you contacted the police?\n\nMy name is Jane"
    )
    found = {text_of(redaction, s): (s.kind, s.origin, s.decision) for s in redaction.spans.all()}
    assert found == {
        POSTCODE: ("postcode", SpanOrigin.DETECTED, SpanDecision.PROPOSED),
        EMAIL: ("email", SpanOrigin.DETECTED, SpanDecision.PROPOSED),
        PHONE: ("phone", SpanOrigin.DETECTED, SpanDecision.PROPOSED),
        HELPLINE: ("phone", SpanOrigin.DETECTED, SpanDecision.PROPOSED),
    }
    event = AuditEvent.objects.get(action="redaction.started")
    assert event.after["detected"] == {"email": 1, "phone": 2, "postcode": 1}
    assert event.after["characters"] == len(redaction.source_text)


def test_publishing_is_refused_while_a_span_is_still_proposed(staff):
    redaction = start(a_response(), staff)
    services.reject_span(spans_by_text(redaction)[HELPLINE], user=staff)
    redaction.refresh_from_db()

    with pytest.raises(services.RedactionError, match="3 still waiting"):
        services.publish_redaction(redaction, expected_version=redaction.version, user=staff)
    redaction.refresh_from_db()
    assert (redaction.state, redaction.derivative) == (RedactionState.DRAFT, None)
    assert not AuditEvent.objects.filter(action="redaction.published").exists()


def test_publishing_a_version_someone_has_since_changed_is_refused(staff):
    redaction = start(a_response(), staff)
    opened_at = redaction.version
    services.confirm_all_detected(redaction, user=staff)

    with pytest.raises(services.StaleRedaction):
        services.publish_redaction(redaction, expected_version=opened_at, user=staff)


def test_the_published_extract_of_a_response_has_the_text_removed_not_covered(staff):
    redaction = redact_and_publish(start(a_response(), staff), staff)

    assert redaction.state == RedactionState.PUBLISHED
    data = published_pdf(redaction)
    assert data.startswith(b"%PDF-")
    for extracted in (pdftotext(data), pypdf_text(data)):
        flat = " ".join(extracted.split())
        for removed in REMOVED:
            assert removed not in flat
            assert removed.replace(" ", "") not in flat.replace(" ", "")
        # The surrounding text, the kept helpline number and the markers are there.
        assert "I reported it at the station near [redacted]" in flat
        assert "ring [redacted], and nobody called back" in flat
        assert HELPLINE in flat
        assert "Extract from a response" in flat
    # The PDF carries the extract's title and nothing of where it came from.
    import io

    from pypdf import PdfReader

    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == "Extract from a response"
    assert metadata.author is None


def test_the_preview_is_the_published_text(staff):
    redaction = start(a_response(), staff)
    services.confirm_all_detected(redaction, user=staff)
    services.mark_passage(redaction, passage="jane doe", kind="name", occurrence=2, user=staff)
    preview = services.published_text(Redaction.objects.get(pk=redaction.pk))

    # Only the second "Jane Doe" is out; the match ignores case.
    assert preview.count(NAME) == 1
    assert "helped. [redacted] would tell others" in preview
    assert EMAIL not in preview and "[redacted] or ring [redacted]" in preview


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_document_s_extract_holds_none_of_the_redacted_strings(staff, kind):
    paragraphs = [
        "Statement of the witness, taken at the station.",
        f"My e-mail is {EMAIL} and my phone is {PHONE}.",
        f"I was born on 3 April 1990 and live at {POSTCODE}.",
        f"{NAME} saw the crime number 123456789 on the form.",
        "The officer said nothing more.",
    ]
    if kind == "pdf":
        content, content_type, name = pdf_with(*paragraphs), "application/pdf", "statement.pdf"
    else:
        content, content_type, name = docx_with(*paragraphs), documents.DOCX, "statement.docx"
    call = open_now()
    document = as_evidence(call.complaint, name, content, content_type)
    assert EMAIL in document.extracted_text  # the source really held them

    redaction = services.start_redaction(
        call.complaint, title="A witness statement", document=document, user=staff
    )
    assert sorted(s.kind for s in redaction.spans.all()) == [
        "crime_reference",
        "date_of_birth",
        "email",
        "phone",
        "postcode",
    ]
    services.confirm_all_detected(redaction, user=staff)
    services.mark_passage(redaction, passage=NAME, kind="name", user=staff)
    redaction.refresh_from_db()
    redaction = services.publish_redaction(redaction, expected_version=redaction.version, user=staff)

    data = published_pdf(redaction)
    for extracted in (pdftotext(data), pypdf_text(data)):
        flat = " ".join(extracted.split())
        for removed in [EMAIL, PHONE, POSTCODE, NAME, "3 April 1990", "123456789"]:
            assert removed not in flat
        assert "Statement of the witness, taken at the station." in flat
        assert "My e-mail is [redacted] and my phone is [redacted]." in flat
        assert "The officer said nothing more." in flat
    # A fresh PDF, not the original file.
    assert redaction.derivative.sha256 != document.sha256
    assert redaction.derivative.content_type == "application/pdf"


def test_the_audit_trail_records_kinds_and_lengths_never_the_redacted_text(staff):
    redaction = redact_and_publish(start(a_response(), staff), staff)
    services.withdraw_redaction(redaction, user=staff)

    events = AuditEvent.objects.filter(object_type="redaction.redaction").order_by("pk")
    assert [e.action for e in events] == [
        "redaction.started",
        "redaction.span_rejected",
        "redaction.detected_confirmed",
        "redaction.spans_added",
        "redaction.published",
        "redaction.withdrawn",
    ]
    recorded = json.dumps([[e.before, e.after] for e in AuditEvent.objects.all()])
    for removed in [*REMOVED, HELPLINE, "Jane"]:
        assert removed not in recorded
    added = events.get(action="redaction.spans_added")
    assert added.after == {"kind": "name", "count": 2, "lengths": [len(NAME), len(NAME)]}
    published = events.get(action="redaction.published")
    assert published.after["confirmed"] == {"email": 1, "name": 2, "phone": 1, "postcode": 1}
    assert published.after["rejected"] == {"phone": 1}


def test_a_passage_not_in_the_text_or_a_missing_occurrence_is_refused(staff):
    redaction = start(a_response(), staff)
    with pytest.raises(services.RedactionError, match="not in the text"):
        services.mark_passage(redaction, passage="John Smith", kind="name", user=staff)
    with pytest.raises(services.RedactionError, match="appear 2 times"):
        services.mark_passage(redaction, passage=NAME, kind="name", occurrence=3, user=staff)
    with pytest.raises(services.RedactionError, match="at least 2"):
        services.mark_passage(redaction, passage=" J ", kind="name", user=staff)
    with pytest.raises(services.RedactionError, match="kind"):
        services.mark_passage(redaction, passage=NAME, kind="bogus", user=staff)
    assert redaction.spans.filter(origin=SpanOrigin.STAFF).count() == 0


def test_offsets_outside_the_text_are_refused_and_a_valid_selection_is_confirmed(staff):
    redaction = start(a_response(), staff)
    length = len(redaction.source_text)
    for start_, end in [(-1, 3), (5, 5), (9, 4), (length - 2, length + 1)]:
        with pytest.raises(services.RedactionError):
            services.add_span(redaction, start=start_, end=end, kind="other", user=staff)
    at = redaction.source_text.index("station")
    span = services.add_span(redaction, start=at, end=at + len("station"), kind="place", user=staff)
    assert (span.origin, span.decision, span.kind) == (SpanOrigin.STAFF, SpanDecision.CONFIRMED, "place")


def test_marking_a_detected_stretch_confirms_it_instead_of_adding_another(staff):
    redaction = start(a_response(), staff)
    services.mark_passage(redaction, passage=EMAIL, kind="email", user=staff)
    spans = [s for s in redaction.spans.all() if text_of(redaction, s) == EMAIL]
    assert [(s.origin, s.decision) for s in spans] == [(SpanOrigin.DETECTED, SpanDecision.CONFIRMED)]


def test_confirm_all_detected_leaves_rejected_spans_rejected(staff):
    redaction = start(a_response(), staff)
    services.reject_span(spans_by_text(redaction)[HELPLINE], user=staff)
    services.confirm_all_detected(redaction, user=staff)
    assert {text_of(redaction, s): s.decision for s in redaction.spans.all()}[
        HELPLINE
    ] == SpanDecision.REJECTED
    assert services.confirm_all_detected(redaction, user=staff) == 0


def test_a_published_extract_cannot_change_and_a_withdrawn_one_cannot_come_back(staff):
    redaction = redact_and_publish(start(a_response(), staff), staff)
    span = redaction.spans.first()
    with pytest.raises(services.RedactionError, match="can no longer change"):
        services.reject_span(span, user=staff)
    with pytest.raises(services.RedactionError, match="can no longer change"):
        services.mark_passage(redaction, passage="station", kind="place", user=staff)
    # Publishing again does nothing.
    again = services.publish_redaction(redaction, expected_version=redaction.version, user=staff)
    assert again.derivative_id == redaction.derivative_id

    withdrawn = services.withdraw_redaction(redaction, user=staff)
    assert withdrawn.state == RedactionState.WITHDRAWN
    assert services.withdraw_redaction(withdrawn, user=staff).withdrawn_at == withdrawn.withdrawn_at
    with pytest.raises(services.RedactionError, match="cannot be published again"):
        services.publish_redaction(withdrawn, expected_version=withdrawn.version, user=staff)
    # The derivative is kept as the record.
    assert Document.objects.filter(pk=withdrawn.derivative_id).exists()


def test_a_draft_cannot_be_withdrawn(staff):
    with pytest.raises(services.RedactionError, match="Only a published extract"):
        services.withdraw_redaction(start(a_response(), staff), user=staff)


def test_a_source_of_another_complaint_is_refused(staff):
    response = a_response()
    other = open_now(title="Another call")
    assert other.complaint_id != response.call.complaint_id
    with pytest.raises(services.RedactionError, match="not about this complaint"):
        services.start_redaction(other.complaint, title="T", call_response=response, user=staff)
    document = as_evidence(response.call.complaint, "a.docx", docx_with("Some words here."), documents.DOCX)
    with pytest.raises(services.RedactionError, match="not part of this complaint"):
        services.start_redaction(other.complaint, title="T", document=document, user=staff)
    with pytest.raises(services.RedactionError, match="either a response or a document"):
        services.start_redaction(other.complaint, title="T", user=staff)
    with pytest.raises(services.RedactionError, match="Enter a title"):
        services.start_redaction(response.call.complaint, title="  ", call_response=response, user=staff)


def test_a_document_without_extracted_text_is_refused(staff):
    from evidence.services import store_document
    from tests.evidence.files import upload

    call = open_now()
    document = store_document(upload("a.docx", docx_with("Words."), documents.DOCX))
    call.complaint.evidence_items.create(description="x", document=document, position=1)
    with pytest.raises(services.RedactionError, match="no text to redact yet"):
        services.start_redaction(call.complaint, title="T", document=document, user=staff)
