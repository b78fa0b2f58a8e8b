"""Letters from the case record: acknowledgement (reg 5) and decision (reg 6(5)-(6)), HTML and PDF/UA."""

import io
import re

import pypdf
import pytest
from django.core import mail
from django.core.files.storage import storages

from audit.models import AuditEvent
from complaints import letters, services
from complaints.letters import LetterError
from complaints.models import LetterKind, SuperComplaint
from tests.builders import london, make_draft
from tests.casework.support import FULL_CHECKLIST, acknowledged, received, with_positions
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def pdf_reader(letter) -> pypdf.PdfReader:
    letter.pdf.open("rb")
    try:
        return pypdf.PdfReader(io.BytesIO(letter.pdf.read()))
    finally:
        letter.pdf.close()


def decided(outcome, *, reasons="", positions=("eligible", "eligible", "eligible"), **extra):
    complaint = with_positions(positions)
    services.decide_eligibility(
        complaint,
        outcome=outcome,
        reasons=reasons,
        checklist=dict.fromkeys(FULL_CHECKLIST, True),
        repeat_finding=extra.pop("repeat_finding", "not_a_repeat"),
        at=london(2026, 12, 1, 11, 0),
        **extra,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def test_the_acknowledgement_gives_the_reference_the_day_of_receipt_and_the_next_step(public_record):
    complaint = acknowledged()
    letter = letters.generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT, today=london(2026, 11, 30).date())
    text = words(letter.body_html)
    assert letter.subject == f"Acknowledgement of super-complaint {complaint.reference}"
    assert (
        "His Majesty’s Chief Inspector of Constabulary received your super-complaint “Police response to "
        "victims” on Friday 27 November 2026. This letter acknowledges it, as regulation 5 of the Police "
        "Super-complaints (Designation and Procedure) Regulations 2018 (SI 2018/748) requires."
    ) in text
    assert f"The reference of your complaint is {complaint.reference}." in text
    assert "will now decide whether the complaint is eligible for investigation (regulation 6)" in text
    assert "Monday 30 November 2026" in text
    assert "Dear Pat Example," in text
    assert letter.sent_at is None


def test_the_acknowledgement_pdf_is_tagged_pdf_ua_with_its_language_and_title(public_record):
    complaint = acknowledged()
    letter = letters.generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT)
    reader = pdf_reader(letter)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"Acknowledgement of super-complaint {complaint.reference}" in text
    assert "received your super-complaint “Police response to victims” on Friday 27 November 2026" in text
    assert "regulation 5" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert reader.metadata.title == letter.subject
    # In the private documents store, under a random key that names neither complaint nor body.
    assert re.fullmatch(r"letters/([0-9a-f]{2})/\1[0-9a-f]{30}\.pdf", letter.pdf.name)
    assert storages["documents"].exists(letter.pdf.name)


def test_the_letter_document_is_valid_accessible_html_and_its_fragment_has_no_style(public_record):
    letter = letters.generate_letter(acknowledged(), LetterKind.ACKNOWLEDGEMENT)
    assert letter.body_html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert f"<title>{letter.subject}</title>" in letter.body_html
    assert_valid_html(letter.body_html, name="acknowledgement.html")
    fragment = str(letters.letter_fragment(letter))
    assert fragment.strip().startswith('<article class="app-letter"')
    assert "<style" not in fragment
    assert "style=" not in fragment
    assert "http" not in letter.body_html  # nothing to fetch


def test_sending_stamps_the_letter_and_emails_it_with_its_pdf_once(
    public_record, django_capture_on_commit_callbacks
):
    complaint = acknowledged()
    letter = letters.generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT)
    with django_capture_on_commit_callbacks(execute=True):
        sent = letters.send_letter(letter, at=london(2026, 11, 30, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        again = letters.send_letter(letter)
    assert sent.sent_at == again.sent_at == london(2026, 11, 30, 9, 30)
    assert sent.sent_to == "pat@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.org"]
    assert message.subject == letter.subject
    assert f"Our letter about your super-complaint {complaint.reference} follows" in message.body
    assert "on Friday 27 November 2026. This letter acknowledges it" in " ".join(message.body.split())
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{complaint.reference}-acknowledgement.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert message.alternatives[0].mimetype == "text/html"
    events = AuditEvent.objects.filter(action="letter.sent", object_id=str(complaint.pk))
    assert [e.after["letter"] for e in events] == [letter.pk]
    assert events.get().after["emailed"] is True


def test_the_eligible_letter_says_it_will_be_investigated_with_progress_reports(public_record):
    complaint = decided("eligible")
    first_due = complaint.progress_reports.get(period=1).deadline.due
    letter = letters.send_decision_letter(complaint)
    text = words(letter.body_html)
    assert letter.kind == LetterKind.ELIGIBLE
    assert letter.subject == f"Super-complaint {complaint.reference} will be investigated"
    assert "your super-complaint will be investigated and that you will receive progress reports" in text
    assert "regulation 6(5)" in text
    assert first_due.isoformat() == "2027-02-19"
    assert "The first progress report is due by the end of Friday 19 February 2027." in text
    assert "First progress report due Friday 19 February 2027" in text
    assert "regulation 11(1)" not in text
    assert "The decision-making authorities have decided that your super-complaint" in text
    assert "Decided by The decision-making authorities, in agreement" in text
    assert letter.sent_at is not None


def test_the_not_eligible_letter_gives_the_reasons(public_record):
    complaint = decided(
        "not_eligible",
        reasons="It merely repeats SC-2019-002.\nNothing has changed since.",
        positions=("not_eligible", "eligible", "not_eligible"),
        repeat_finding="repeats_investigated",
        related_complaint=SuperComplaint.objects.get(reference="SC-2019-002"),
        by_chief_inspector=True,
    )
    letter = letters.send_decision_letter(complaint)
    text = words(letter.body_html)
    assert letter.kind == LetterKind.NOT_ELIGIBLE
    assert letter.subject == f"Super-complaint {complaint.reference} is not eligible for investigation"
    assert "regulation 6(6)" in text
    assert "Reasons It merely repeats SC-2019-002. Nothing has changed since." in text
    assert '<p class="govuk-body">It merely repeats SC-2019-002.<br>Nothing has changed since.</p>' in (
        letter.body_html
    )
    assert (
        "merely repeats the substance of super-complaint SC-2019-002, which has already been investigated"
        in (text)
    )
    # The Chief Inspector decided (reg 11(1)): the letter says so from its first sentence, and never
    # that the authorities decided.
    assert (
        "Dear Pat Example, HMICFRS, the IOPC and the College of Policing did not agree whether your "
        f"super-complaint “{complaint.title}” is eligible for investigation, so the Chief Inspector has "
        "decided, under regulation 11(1) of the Police Super-complaints (Designation and Procedure) "
        "Regulations 2018 (SI 2018/748), that it is not eligible."
    ) in text
    assert "Decided by The Chief Inspector, because the authorities did not agree (regulation 11(1))" in text
    assert "authorities have decided" not in text
    assert "will be investigated" not in text
    reader = pdf_reader(letter)
    assert "It merely repeats SC-2019-002." in reader.pages[0].extract_text()


def test_no_decision_letter_before_the_decision_nor_against_it(public_record):
    complaint = with_positions()
    with pytest.raises(LetterError):
        letters.send_decision_letter(complaint)
    with pytest.raises(LetterError):
        letters.generate_letter(complaint, LetterKind.ELIGIBLE)
    eligible = decided("eligible")
    with pytest.raises(LetterError):
        letters.generate_letter(eligible, LetterKind.NOT_ELIGIBLE)
    with pytest.raises(LetterError):
        letters.send_acknowledgement_letter(received(at=london(2026, 11, 25, 10, 0)))
    with pytest.raises(LetterError):
        letters.generate_letter(eligible, LetterKind.PROGRESS_REPORT)


def test_sending_a_letter_twice_generates_it_once(public_record):
    complaint = acknowledged()
    first = letters.send_acknowledgement_letter(complaint)
    second = letters.send_acknowledgement_letter(complaint)
    assert first.pk == second.pk
    assert complaint.letters.count() == 1
    assert AuditEvent.objects.filter(action="letter.generated", object_id=str(complaint.pk)).count() == 1


def test_letters_due_lists_what_the_record_calls_for(public_record):
    complaint = acknowledged()
    assert letters.letters_due(complaint) == ["acknowledgement"]
    letters.send_acknowledgement_letter(complaint)
    assert letters.letters_due(complaint) == []
    eligible = decided("eligible")
    assert letters.letters_due(eligible) == ["acknowledgement", "eligible"]
    historical = SuperComplaint.objects.get(reference="SC-2019-002")
    assert letters.letters_due(historical) == []


def test_a_body_that_wrote_in_welsh_is_written_to_in_welsh(public_record, django_capture_on_commit_callbacks):
    draft = make_draft("Hestia", title="Ymateb yr heddlu i ddioddefwyr", language="cy")
    complaint = services.acknowledge_complaint(
        services.submit_complaint(draft, at=london(2026, 11, 27, 10, 0)), at=london(2026, 11, 30, 9, 0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = letters.send_acknowledgement_letter(complaint)
    text = words(letter.body_html)
    assert letter.subject == f"Cydnabod uwch-gŵyn {complaint.reference}"
    assert '<html lang="cy">' in letter.body_html
    assert (
        "Daeth eich uwch-gŵyn “Ymateb yr heddlu i ddioddefwyr” i law Prif Arolygydd Cwnstabliaeth Ei "
        "Fawrhydi ar Dydd Gwener 27 Tachwedd 2026."
    ) in text
    assert "Annwyl Pat Example," in text
    assert "Yn gywir," in text
    assert f"Mae ein llythyr am eich uwch-gŵyn {complaint.reference} isod" in mail.outbox[-1].body
